"""``/floatingips`` (behaviours-network.md L29-L33): list, allocate
(200), get, release; updating is not supported (501). Attaching and
detaching are port operations (L34)."""
from synnefo_pyr import faults
from synnefo_pyr.network import floating_ips
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.network import FloatingIPsContainer
from synnefo_pyr.schemas.compute import changes_since_query, unless_unchanged
from synnefo_pyr.schemas.network import floating_ip_create_body
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.views.network import add, resource_services, view
from synnefo_pyr.views.network.render import floating_ip_dict

collection, detail, item, invalid = resource_services(
    "floatingip", "floatingips", "floating_ip_id", "[0-9]+", "[A-Za-z0-9_]+", FloatingIPsContainer)

LIST = {"permission": P.NETWORK_READ, "validators": (changes_since_query,)}


@view(collection, "get", **LIST)
@view(detail, "get", **LIST)
def list_floating_ips(request):
    """L30 (and D13 for ``/detail``): the caller's floating IPs, by id."""
    found = floating_ips.list_floating_ips(request.dbsession, request.authenticated_userid,
                                           request.validated["since"])
    unless_unchanged(request, found)
    return {"floatingips": [floating_ip_dict(f) for f in found]}


@view(collection, "post", permission=P.NETWORK_WRITE, validators=(json_object, floating_ip_create_body))
def allocate_floating_ip(request):
    attrs = request.validated["floatingip"]
    created = floating_ips.allocate(request.dbsession, request.authenticated_userid,
                                    attrs.get("floating_network_id"), attrs.get("floating_ip_address"))
    # 200, not Neutron's 201 (L32; kamaki expects 200).
    return {"floatingip": floating_ip_dict(created)}


@view(item, "get", permission=P.NETWORK_READ)
def get_floating_ip(request):
    return {"floatingip": floating_ip_dict(request.context.obj)}


@view(item, "delete", permission=P.NETWORK_WRITE)
def release_floating_ip(request):
    floating_ips.release(request.dbsession, request.context.obj)
    request.response.status_code = 204


@view(item, "put", permission=P.NETWORK_WRITE)
@view(invalid, "put", permission=P.NETWORK_WRITE)
def update_floating_ip(request):
    """L31: for any id and body."""
    raise faults.NotImplementedFault("Updating a floating IP is not supported.")


@view(invalid, "get", permission=P.NETWORK_READ)
@view(invalid, "delete", permission=P.NETWORK_WRITE)
def invalid_floating_ip(request):
    raise faults.BadRequest(f"Invalid Floating IP ID {request.matchdict['floating_ip_id']}")


def includeme(config):
    add(config, collection, detail, item, invalid)
