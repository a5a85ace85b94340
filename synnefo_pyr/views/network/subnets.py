"""``/subnets`` (behaviours-network.md L17-L21): list, create, get,
rename; deleting is refused (subnets go with their network)."""
from synnefo_pyr import faults
from synnefo_pyr.network import subnets
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.network import SubnetsContainer
from synnefo_pyr.schemas.compute import changes_since_query, unless_unchanged
from synnefo_pyr.schemas.network import subnet_create_body, subnet_update_body
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.views.network import add, resource_services, view
from synnefo_pyr.views.network.render import subnet_dict

collection, detail, item, invalid = resource_services(
    "subnet", "subnets", "subnet_id", "[0-9]+", "[-A-Za-z0-9_]+", SubnetsContainer)

LIST = {"permission": P.NETWORK_READ, "validators": (changes_since_query,)}
UPDATE = {"permission": P.NETWORK_WRITE, "validators": (json_object, subnet_update_body)}
NO_DELETE = "Deletion of a subnet is not supported"


@view(collection, "get", **LIST)
@view(detail, "get", **LIST)
def list_subnets(request):
    """L20: every public network's subnets and the caller's, by id."""
    found = subnets.list_visible(request.dbsession, request.authenticated_userid,
                                 request.validated["since"])
    unless_unchanged(request, found)
    return {"subnets": [subnet_dict(request, s) for s in found]}


@view(collection, "post", permission=P.NETWORK_WRITE, validators=(json_object, subnet_create_body))
def create_subnet(request):
    created = subnets.create_subnet(
        request.dbsession, request.authenticated_userid, request.validated["subnet"],
        request.registry.network_settings.max_cidr_block,
    )
    request.response.status_code = 201
    return {"subnet": subnet_dict(request, created)}


@view(item, "get", permission=P.NETWORK_READ)
def get_subnet(request):
    return {"subnet": subnet_dict(request, request.context.obj)}


@view(item, "put", **UPDATE)
def rename_subnet(request):
    renamed = subnets.rename_subnet(request.dbsession, request.context.obj, request.validated["name"])
    return {"subnet": subnet_dict(request, renamed)}


@view(item, "delete", permission=P.NETWORK_WRITE)
@view(invalid, "delete", permission=P.NETWORK_WRITE)
def delete_subnet(request):
    """L18: always refused, before any lookup."""
    raise faults.BadRequest(NO_DELETE)


@view(invalid, "get", permission=P.NETWORK_READ)
def invalid_subnet(request):
    raise faults.BadRequest(f"Invalid subnet ID '{request.matchdict['subnet_id']}'")


@view(invalid, "put", **UPDATE)
def rename_unknown_subnet(request):
    """L21: the body first, then any id that is no number names nothing."""
    raise faults.ItemNotFound("Subnet not found")


def includeme(config):
    add(config, collection, detail, item, invalid)
