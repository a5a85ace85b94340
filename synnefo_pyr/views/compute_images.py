"""The compute API's view of the image registry (``/compute/v2.0/images``):
behaviours.md J and the compute guide's Images section.

An image's compute metadata is its image-service properties. Ids are the
image service's uuid strings (A15).
"""
from .. import faults, image_registry, servers
from ..permissions import Permission as P
from ..resources.images import Images, require_image_write
from ..schemas import images as schema
from ..schemas.validators import json_object
from ..serialization import isoformat
from ..service import SynnefoService

images = SynnefoService(name="compute.images", path="/images")
images_detail = SynnefoService(name="compute.images_detail", path="/images/detail")
image = SynnefoService(
    name="compute.images_item", path="/images/{image_id}", factory=Images, traverse="/{image_id}"
)
metadata = SynnefoService(
    name="compute.images_metadata", path="/images/{image_id}/metadata", factory=Images,
    traverse="/{image_id}",
)
metadata_item = SynnefoService(
    name="compute.images_metadata_item", path="/images/{image_id}/metadata/{key}",
    factory=Images, traverse="/{image_id}",
)

#: The OpenStack image status of each registry status (J2).
_STATUS = {"ACTIVE": "ACTIVE", "QUEUED": "SAVING", "SAVING": "SAVING", "ERROR": "ERROR",
           "DELETED": "DELETED"}


def image_links(request, image_id):
    """self and bookmark in the compute API, alternate in the image service
    (J2; servers' ``image`` links use the same, F6)."""
    settings = request.registry.synnefo
    href = settings.url(request, "compute", f"/images/{image_id}")
    return [
        {"rel": "self", "href": href},
        {"rel": "bookmark", "href": href},
        {"rel": "alternate", "href": settings.url(request, "image", f"/images/{image_id}")},
    ]


def image_dict(request, img, detail=True):
    if not detail:
        return {"id": img.id, "name": img.name}
    status = "DELETED" if img.deleted else _STATUS.get(img.status, "UNKNOWN")
    return {
        "id": img.id,
        "name": img.name,
        "status": status,
        "progress": 100 if status == "ACTIVE" else 0,
        "created": isoformat(img.created_at),
        "updated": isoformat(img.updated_at),
        "user_id": img.owner,
        "tenant_id": img.owner,
        "links": image_links(request, img.id),
        "metadata": img.properties,
    }


def _list(request, detail):
    since = request.GET.get("changes-since")
    if since is not None:
        # The compute API's one parser and poll limit (A14).
        since = servers.parse_changes_since(request, since)
    found = image_registry.list_visible(
        request.dbsession, request.authenticated_userid, sort_key="id", sort_dir="asc",
        # A poller learns about unregistered images too (as DELETED).
        since=since, include_deleted=since is not None,
    )
    # Nothing changed is an empty list, not a 304 (J3).
    return {"images": [image_dict(request, img, detail) for img in found]}


@images.get(permission=P.COMPUTE_READ)
def list_images(request):
    return _list(request, detail=False)


@images_detail.get(permission=P.COMPUTE_READ)
def list_images_detail(request):
    return _list(request, detail=True)


@images.post(permission=P.COMPUTE_WRITE)
def create_image(request):
    """Images are registered through the image service (J5)."""
    raise faults.NotImplementedFault("Not implemented", "register images with the image service")


@image.get(permission=P.COMPUTE_READ)
def get_image(request):
    return {"image": image_dict(request, request.context.image)}


@image.delete(permission=P.COMPUTE_READ, validators=(require_image_write,))
def delete_image(request):
    """Unregister; the file stays where it is (J6)."""
    image_registry.unregister(request.context.image)
    request.response.status_code = 204
    return None


@metadata.get(permission=P.COMPUTE_READ)
def list_metadata(request):
    return {"metadata": request.context.image.properties}


@metadata.post(permission=P.COMPUTE_READ, validators=(require_image_write, json_object))
def update_metadata(request):
    """Merge: the keys sent are set, the others kept (J7)."""
    img = request.context.image
    image_registry.merge_properties(img, schema.metadata_body(request.validated["body"]))
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


@metadata_item.put(permission=P.COMPUTE_READ, validators=(require_image_write, json_object))
def set_meta(request):
    key = request.matchdict["key"]
    value = schema.meta_item_body(request.validated["body"], key)
    image_registry.merge_properties(request.context.image, {key: value})
    request.dbsession.flush()
    request.response.status_code = 201
    return {"meta": {key: value}}


@metadata_item.delete(permission=P.COMPUTE_READ, validators=(require_image_write,))
def delete_meta(request):
    """204 whether or not the key existed (J7)."""
    image_registry.delete_property(request.context.image, request.matchdict["key"])
    request.response.status_code = 204
    return None


def includeme(config):
    # ``/images/detail`` before ``/images/{image_id}``: routes match in order.
    for service in (images, images_detail, image, metadata, metadata_item):
        config.add_cornice_service(service)
