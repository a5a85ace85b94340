"""Image service (``/image/v1.0``, Plankton, Glance v1 style):
behaviours.md K and the image guide.

Image metadata travels in ``X-Image-Meta-*`` headers; lists are bare JSON
lists; dates are ``YYYY-MM-DD HH:MM:SS`` (K2). Bodies are JSON only, as
Plankton's were: property names and bare lists make no XML. The guide
writes ``/images`` and clients of that era send ``/images/``: both are
served.
"""
from datetime import timezone
from urllib.parse import quote

from .. import faults, image_registry
from ..permissions import Permission as P
from ..resources.images import Images, require_image_write
from ..schemas import images as schema
from ..schemas.validators import json_object
from ..serialization import CONTENT_TYPES, JSON, dump_json
from ..service import SynnefoService

images = SynnefoService(name="image.images", path="/images")
images_slash = SynnefoService(name="image.images_slash", path="/images/")
images_detail = SynnefoService(name="image.images_detail", path="/images/detail")
image = SynnefoService(
    name="image.image", path="/images/{image_id}", factory=Images, traverse="/{image_id}"
)
members = SynnefoService(
    name="image.members", path="/images/{image_id}/members", factory=Images, traverse="/{image_id}"
)
member = SynnefoService(
    name="image.member", path="/images/{image_id}/members/{member}", factory=Images,
    traverse="/{image_id}",
)
shared_images = SynnefoService(name="image.shared_images", path="/shared-images/{member}")


def timestamp(value):
    """K2's date format; ``""`` for no date (the guide's ``deleted_at``)."""
    if value is None:
        return ""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def summary_dict(img):
    return {
        "id": img.id,
        "name": img.name,
        "status": img.status,
        "disk_format": img.disk_format,
        "container_format": img.container_format,
        "size": img.size,
    }


def detail_dict(img):
    return dict(
        summary_dict(img),
        checksum=img.checksum,
        location=img.location,
        created_at=timestamp(img.created_at),
        updated_at=timestamp(img.updated_at),
        deleted_at=timestamp(img.deleted_at),
        is_public=img.is_public,
        owner=img.owner,
        properties=img.properties,
    )


def _header_value(value):
    # Header values are latin-1 on the WSGI side: send UTF-8 bytes through.
    return str(value).encode("utf-8").decode("latin-1")


def set_meta_headers(response, img):
    """One ``X-Image-Meta-*`` header per detail field, one
    ``X-Image-Meta-Property-<name>`` per property (K5)."""
    detail = detail_dict(img)
    properties = detail.pop("properties")
    for key, value in detail.items():
        name = "-".join(part.capitalize() for part in key.split("_"))
        response.headers["X-Image-Meta-" + name] = _header_value(value)
    for key, value in properties.items():
        # A header name allows no spaces and only ASCII: quote the rest.
        name = quote(key.replace("_", "-"), safe="!#$&'*+-.^`|~")
        response.headers["X-Image-Meta-Property-" + name] = _header_value(value)


def json_only(request, data):
    response = request.response
    response.body = dump_json(data)
    response.headers["Content-Type"] = CONTENT_TYPES[JSON]
    return response


def _list(request, as_dict):
    filters, sort_key, sort_dir = schema.list_parameters(request.GET)
    found = image_registry.list_visible(
        request.dbsession, request.authenticated_userid,
        filters=filters, sort_key=sort_key, sort_dir=sort_dir,
    )
    return json_only(request, [as_dict(img) for img in found])


@images.get(permission=P.IMAGE_READ)
@images_slash.get(permission=P.IMAGE_READ)
def list_images(request):
    """Own, shared and public images (K1)."""
    return _list(request, summary_dict)


@images_detail.get(permission=P.IMAGE_READ)
def list_images_detail(request):
    return _list(request, detail_dict)


@images.post(permission=P.IMAGE_WRITE)
@images_slash.post(permission=P.IMAGE_WRITE)
def register_image(request):
    """Register the file at X-Image-Meta-Location (K7). Registering a
    location again resets its image's metadata and keeps its id: the
    location is the image's key (the guide)."""
    caller = request.authenticated_userid
    meta = schema.image_meta(request.environ, schema.REGISTER_FIELDS)
    kwargs = schema.registration(meta, caller)
    dbsession = request.dbsession
    existing = image_registry.find_live_by_location(dbsession, kwargs["location"])
    if existing is not None and existing.owner != caller:
        # Its owner was changed (PUT X-Image-Meta-Owner); a second image of
        # the same file would break the one-to-one location/id coupling.
        raise faults.BadRequest("Location already registered",
                                f"image {existing.id} of another owner")
    try:
        if existing is not None:
            kwargs.pop("location")
            img = image_registry.reregister(existing, **kwargs)
        else:
            img = image_registry.register(dbsession, owner=caller, **kwargs)
        dbsession.flush()
    except image_registry.InvalidImage as exc:
        raise faults.BadRequest("Illegal header value", str(exc)) from None
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


@image.put(permission=P.IMAGE_READ, validators=(require_image_write,))
def update_image(request):
    """Change the sent fields; the properties become exactly the
    ``Property-*`` headers sent (K6: none sent clears them)."""
    img = request.context.image
    meta = schema.image_meta(request.environ, schema.UPDATE_FIELDS)
    fields = schema.update(meta)
    size = fields.pop("size", None)
    checksum = fields.pop("checksum", None)
    try:
        image_registry.update(img, **fields)
        image_registry.replace_properties(img, meta.properties)
    except image_registry.InvalidImage as exc:
        raise faults.BadRequest("Illegal header value", str(exc)) from None
    if size is not None:
        img.size = size
    if checksum is not None:
        img.checksum = checksum
    request.dbsession.flush()
    set_meta_headers(request.response, img)
    return None


@image.delete(permission=P.IMAGE_READ, validators=(require_image_write,))
def delete_image(request):
    image_registry.unregister(request.context.image)
    request.response.status_code = 204
    return None


@members.get(permission=P.IMAGE_READ)
def list_members(request):
    img = request.context.image
    # The guide: "returns an empty list if the image is publicly accessible".
    uuids = [] if img.is_public else img.members
    return json_only(request, {"members": [{"member_id": uuid, "can_share": False}
                                           for uuid in uuids]})


@members.put(permission=P.IMAGE_READ, validators=(require_image_write, json_object))
def replace_members(request):
    uuids = schema.memberships(request.validated["body"])
    try:
        image_registry.replace_members(request.context.image, uuids)
    except image_registry.InvalidImage as exc:
        raise faults.BadRequest("Malformed request", str(exc)) from None
    request.response.status_code = 204
    return None


@member.put(permission=P.IMAGE_READ, validators=(require_image_write,))
def add_member(request):
    try:
        image_registry.add_member(request.context.image, request.matchdict["member"])
    except image_registry.InvalidImage as exc:
        raise faults.BadRequest("Malformed request", str(exc)) from None
    request.response.status_code = 204
    return None


@member.delete(permission=P.IMAGE_READ, validators=(require_image_write,))
def remove_member(request):
    """Afterwards the user is not a member, whether or not it was (the guide)."""
    image_registry.remove_member(request.context.image, request.matchdict["member"])
    request.response.status_code = 204
    return None


@shared_images.get(permission=P.IMAGE_READ)
def list_shared_images(request):
    """Images shared with ``member``. Users see all images shared with
    themselves, and of the images shared with somebody else only their own
    ones: who shares what with whom is nobody else's business."""
    caller = request.authenticated_userid
    member_uuid = request.matchdict["member"]
    found = image_registry.shared_with(request.dbsession, member_uuid)
    if member_uuid != caller:
        found = [img for img in found if img.owner == caller]
    return json_only(request, {"shared_images": [{"image_id": img.id, "can_share": False}
                                                 for img in found]})


def includeme(config):
    # ``/images/detail`` before ``/images/{image_id}``: routes match in order.
    for service in (images, images_slash, images_detail, image, members, member, shared_images):
        config.add_cornice_service(service)
