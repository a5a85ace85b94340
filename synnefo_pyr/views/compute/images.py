"""The compute API's view of the image registry (``/compute/v2.0/images``):
behaviours.md J and the compute guide's Images section.

An image's compute metadata is its image-service properties. Ids are the
image service's uuid strings (A15).
"""
from synnefo_pyr import faults
from synnefo_pyr.images import registry
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.images import Images
from synnefo_pyr.schemas import images as schema
from synnefo_pyr.schemas.compute import changes_since_query
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.compute.render import image_dict

ITEM = {"factory": Images, "traverse": "/{image_id}"}
images = SynnefoService(name="compute.images", path="/images")
images_detail = SynnefoService(name="compute.images_detail", path="/images/detail")
image = SynnefoService(name="compute.images_item", path="/images/{image_id}", **ITEM)
metadata = SynnefoService(name="compute.images_metadata", path="/images/{image_id}/metadata", **ITEM)
metadata_item = SynnefoService(
    name="compute.images_metadata_item", path="/images/{image_id}/metadata/{key}", **ITEM
)


def _list(request, detail):
    since = request.validated["since"]
    found = registry.list_visible(
        request.dbsession, request.authenticated_userid, sort_key="id", sort_dir="asc",
        # A poller learns about unregistered images too (as DELETED).
        since=since, include_deleted=since is not None,
    )
    # Nothing changed is an empty list, not a 304 (J3).
    return {"images": [image_dict(request, img, detail) for img in found]}


LIST = {"permission": P.COMPUTE_READ, "validators": (changes_since_query,)}


@images.get(**LIST)
def list_images(request):
    return _list(request, detail=False)


@images_detail.get(**LIST)
def list_images_detail(request):
    return _list(request, detail=True)


@images.post(permission=P.COMPUTE_WRITE)
def create_image(request):
    """Images are registered through the image service (J5)."""
    raise faults.NotImplementedFault("Not implemented", "register images with the image service")


@image.get(permission=P.COMPUTE_READ)
def get_image(request):
    return {"image": image_dict(request, request.context.image)}


@image.delete(permission=P.COMPUTE_WRITE)
def delete_image(request):
    """Unregister; the file stays where it is (J6)."""
    registry.unregister(request.context.image)
    request.response.status_code = 204
    return None


@metadata.get(permission=P.COMPUTE_READ)
def list_metadata(request):
    return {"metadata": request.context.image.properties}


@metadata.post(permission=P.COMPUTE_WRITE, validators=(json_object, schema.metadata_json))
def update_metadata(request):
    """Merge: the keys sent are set, the others kept (J7)."""
    img = request.context.image
    registry.merge_properties(img, request.validated["metadata"])
    request.dbsession.flush()
    request.response.status_code = 201
    return {"metadata": img.properties}


@metadata_item.get(permission=P.COMPUTE_READ)
def get_meta(request):
    key = request.matchdict["key"]
    properties = request.context.image.properties
    if key not in properties:
        raise faults.ItemNotFound("Metadata key not found")
    return {"meta": {key: properties[key]}}


@metadata_item.put(permission=P.COMPUTE_WRITE, validators=(json_object, schema.meta_item_json))
def set_meta(request):
    key, value = request.validated["meta"]
    registry.merge_properties(request.context.image, {key: value})
    request.dbsession.flush()
    request.response.status_code = 201
    return {"meta": {key: value}}


@metadata_item.delete(permission=P.COMPUTE_WRITE)
def delete_meta(request):
    """204 whether or not the key existed (J7)."""
    registry.delete_property(request.context.image, request.matchdict["key"])
    request.response.status_code = 204
    return None


def includeme(config):
    # ``/images/detail`` before ``/images/{image_id}``: routes match in order.
    for service in (images, images_detail, image, metadata, metadata_item):
        config.add_cornice_service(service)
