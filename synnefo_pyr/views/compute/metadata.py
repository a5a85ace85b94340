"""Server metadata (G1-G8): ``metadata`` for the whole map, ``meta`` for
one item; writes answer 201."""
from synnefo_pyr.compute import servers
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.compute import ServersContainer
from synnefo_pyr.schemas.compute import meta_item_body, metadata_body
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.compute.servers import SERVER_PATH

ITEM = {"factory": ServersContainer, "traverse": "/{server_id}"}
metadata = SynnefoService(name="compute.server_metadata", path=SERVER_PATH + "/metadata", **ITEM)
metadata_item = SynnefoService(
    name="compute.server_metadata_item", path=SERVER_PATH + "/metadata/{key}", **ITEM
)


@metadata.get(permission=P.COMPUTE_READ)
def list_metadata(request):
    return {"metadata": dict(request.context.obj.metadata)}


@metadata.post(permission=P.COMPUTE_WRITE, validators=(json_object, metadata_body))
def update_metadata(request):
    server = request.context.obj
    servers.set_metadata(server, request.validated["metadata"])
    request.response.status_code = 201
    return {"metadata": servers.metadata_of(server)}


@metadata_item.get(permission=P.COMPUTE_READ)
def get_metadata_item(request):
    return {"meta": servers.metadata_item(request.context.obj.metadata, request.matchdict["key"])}


@metadata_item.put(permission=P.COMPUTE_WRITE, validators=(json_object, meta_item_body))
def set_metadata_item(request):
    item = request.validated["meta"]
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
