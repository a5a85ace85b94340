"""``/networks`` of the network service (behaviours-network.md L9-L16):
list (always detailed), create, get, rename, delete."""
from synnefo_pyr import faults
from synnefo_pyr.network import services as networks
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.network import ServiceNetworksContainer
from synnefo_pyr.schemas.compute import changes_since_query, unless_unchanged
from synnefo_pyr.schemas.network import network_create_body, network_update_body
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.views.network import add, resource_services, view
from synnefo_pyr.views.network.render import network_dict

collection, detail, item, invalid = resource_services(
    "network", "networks", "network_id", "[0-9]+", "[A-Za-z0-9_]+", ServiceNetworksContainer)

LIST = {"permission": P.NETWORK_READ, "validators": (changes_since_query,)}


@view(collection, "get", **LIST)
@view(detail, "get", **LIST)
def list_networks(request):
    """L12: the caller's and every public network, by id."""
    found = networks.list_visible(request.dbsession, request.authenticated_userid,
                                  request.validated["since"])
    unless_unchanged(request, found)
    return {"networks": [network_dict(request, n) for n in found]}


@view(collection, "post", permission=P.NETWORK_WRITE, validators=(json_object, network_create_body))
def create_network(request):
    attrs = request.validated["network"]
    created = networks.create_private_network(
        request.dbsession, request.authenticated_userid, attrs["type"], attrs.get("name"),
        request.registry.network_settings,
    )
    request.response.status_code = 201
    return {"network": network_dict(request, created)}


@view(item, "get", permission=P.NETWORK_READ)
def get_network(request):
    return {"network": network_dict(request, request.context.obj)}


@view(item, "put", permission=P.NETWORK_WRITE, validators=(json_object, network_update_body))
def rename_network(request):
    renamed = networks.rename_network(request.dbsession, request.context.obj, request.validated["name"])
    return {"network": network_dict(request, renamed)}


@view(item, "delete", permission=P.NETWORK_WRITE)
def delete_network(request):
    networks.delete_network(request.dbsession, request.context.obj)
    request.response.status_code = 204


def _invalid(request):
    raise faults.BadRequest(f"Invalid network ID '{request.matchdict['network_id']}'")


view(invalid, "get", permission=P.NETWORK_READ)(_invalid)
view(invalid, "put", permission=P.NETWORK_WRITE, validators=(json_object, network_update_body))(_invalid)
view(invalid, "delete", permission=P.NETWORK_WRITE)(_invalid)


def includeme(config):
    add(config, collection, detail, item, invalid)
