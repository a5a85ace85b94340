"""Image service (``/image/v1.0``, Plankton, Glance v1 style):
behaviours.md K and the image guide.

Image metadata travels in ``X-Image-Meta-*`` headers; lists are bare JSON
lists. Bodies are JSON only, as Plankton's were: property names and bare
lists make no XML. The guide writes ``/images`` and clients of that era
send ``/images/``: both are served.
"""
from synnefo_pyr import faults
from synnefo_pyr.images import registry
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.images import Images
from synnefo_pyr.schemas import images as schema
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.image.render import (
    detail_dict, members_dict, set_meta_headers, shared_images_dict, summary_dict,
)

JSON = {"renderer": "synnefo_json"}
ITEM = {"factory": Images, "traverse": "/{image_id}", **JSON}
images = SynnefoService(name="image.images", path="/images", **JSON)
images_slash = SynnefoService(name="image.images_slash", path="/images/", **JSON)
images_detail = SynnefoService(name="image.images_detail", path="/images/detail", **JSON)
image = SynnefoService(name="image.image", path="/images/{image_id}", **ITEM)
members = SynnefoService(name="image.members", path="/images/{image_id}/members", **ITEM)
member = SynnefoService(name="image.member", path="/images/{image_id}/members/{member}", **ITEM)
shared_images = SynnefoService(name="image.shared_images", path="/shared-images/{member}", **JSON)


def _list(request, as_dict):
    filters, sort_key, sort_dir = request.validated["listing"]
    found = registry.list_visible(
        request.dbsession, request.authenticated_userid,
        filters=filters, sort_key=sort_key, sort_dir=sort_dir,
    )
    return [as_dict(img) for img in found]


LIST = {"permission": P.IMAGE_READ, "validators": (schema.list_query,)}


@images.get(**LIST)
@images_slash.get(**LIST)
def list_images(request):
    """Own, shared and public images (K1)."""
    return _list(request, summary_dict)


@images_detail.get(**LIST)
def list_images_detail(request):
    return _list(request, detail_dict)


REGISTER = {"permission": P.IMAGE_WRITE, "validators": (schema.registration_headers,)}


@images.post(**REGISTER)
@images_slash.post(**REGISTER)
def register_image(request):
    """Register the file at X-Image-Meta-Location (K7)."""
    img = registry.register_location(
        request.dbsession, owner=request.authenticated_userid, **request.validated["image"]
    )
    set_meta_headers(request.response, img)
    return None


@image.get(permission=P.IMAGE_READ)
def image_data(request):
    """The file lives in the object store, not here (K4)."""
    if request.method == "HEAD":
        # Pyramid hands HEAD to the GET view registered first.
        return image_meta(request)
    raise faults.NotImplementedFault(
        "Image data download is not implemented",
        "fetch the file from X-Image-Meta-Location",
    )


# Defined after the GET view so that SynnefoService keeps HEAD among the
# allowed methods (it drops the HEAD that Cornice derives from a GET).
@image.decorator("HEAD", permission=P.IMAGE_READ)
def image_meta(request):
    set_meta_headers(request.response, request.context.image)
    return None


@image.put(permission=P.IMAGE_WRITE, validators=(schema.update_headers,))
def update_image(request):
    """Change the sent fields; the properties become exactly the
    ``Property-*`` headers sent (K6: none sent clears them)."""
    img = request.context.image
    fields, properties = request.validated["update"]
    registry.update(img, **fields)
    registry.replace_properties(img, properties)
    request.dbsession.flush()
    set_meta_headers(request.response, img)
    return None


@image.delete(permission=P.IMAGE_WRITE)
def delete_image(request):
    registry.unregister(request.context.image)
    request.response.status_code = 204
    return None


@members.get(permission=P.IMAGE_READ)
def list_members(request):
    return members_dict(request.context.image)


@members.put(permission=P.IMAGE_WRITE, validators=(json_object, schema.memberships_body))
def replace_members(request):
    registry.replace_members(request.context.image, request.validated["members"])
    request.response.status_code = 204
    return None


@member.put(permission=P.IMAGE_WRITE)
def add_member(request):
    registry.add_member(request.context.image, request.matchdict["member"])
    request.response.status_code = 204
    return None


@member.delete(permission=P.IMAGE_WRITE)
def remove_member(request):
    """Afterwards the user is not a member, whether or not it was (the guide)."""
    registry.remove_member(request.context.image, request.matchdict["member"])
    request.response.status_code = 204
    return None


@shared_images.get(permission=P.IMAGE_READ)
def list_shared_images(request):
    """Images shared with ``member``. Users see all images shared with
    themselves, and of the images shared with somebody else only their own
    ones: who shares what with whom is nobody else's business."""
    found = registry.shared_with(
        request.dbsession, request.matchdict["member"], seen_by=request.authenticated_userid
    )
    return shared_images_dict(found)


def includeme(config):
    # ``/images/detail`` before ``/images/{image_id}``: routes match in order.
    for service in (images, images_slash, images_detail, image, members, member, shared_images):
        config.add_cornice_service(service)
