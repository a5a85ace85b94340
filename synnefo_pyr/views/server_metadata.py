"""Server metadata (G1-G8): ``metadata`` for the whole map, ``meta`` for
one item; writes answer 201."""
from .. import faults, servers
from ..permissions import Permission as P
from ..resources.compute import ServersContainer
from ..schemas.compute import meta_item_request, metadata_request
from ..schemas.validators import json_object
from ..service import SynnefoService
from .servers import SERVER_PATH

ITEM = {"factory": ServersContainer, "traverse": "/{server_id}"}
metadata = SynnefoService(name="compute.server_metadata", path=SERVER_PATH + "/metadata", **ITEM)
metadata_item = SynnefoService(
    name="compute.server_metadata_item", path=SERVER_PATH + "/metadata/{key}", **ITEM
)


@metadata.get(permission=P.COMPUTE_READ)
def list_metadata(request):
    return {"metadata": servers.metadata_of(request.context.obj)}


@metadata.post(permission=P.COMPUTE_WRITE, validators=(json_object,))
def update_metadata(request):
    server = request.context.obj
    servers.set_metadata(server, metadata_request(request.validated["body"]))
    request.response.status_code = 201
    return {"metadata": servers.metadata_of(server)}


@metadata_item.get(permission=P.COMPUTE_READ)
def get_metadata_item(request):
    key = request.matchdict["key"]
    items = servers.metadata_of(request.context.obj)
    if key not in items:
        raise faults.ItemNotFound("Metadata key not found.")
    return {"meta": {key: items[key]}}


@metadata_item.put(permission=P.COMPUTE_WRITE, validators=(json_object,))
def set_metadata_item(request):
    key = request.matchdict["key"]
    item = meta_item_request(request.validated["body"], key)
    servers.set_metadata(request.context.obj, item)
    request.response.status_code = 201
    return {"meta": item}


@metadata_item.delete(permission=P.COMPUTE_WRITE)
def delete_metadata_item(request):
    servers.delete_metadata_item(request.context.obj, request.matchdict["key"])
    request.response.status_code = 204


def includeme(config):
    for service in (metadata, metadata_item):
        config.add_cornice_service(service)
