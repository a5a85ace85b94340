"""``/ports`` (behaviours-network.md L22-L28): list, create (with or
without a server), get, rename, delete (a disconnect when attached).
Port URLs take the attachment ids ``nic-<server>-<n>`` too (D2)."""
from synnefo_pyr import faults
from synnefo_pyr.network import ports
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.network import PortsContainer
from synnefo_pyr.schemas.network import port_create_body, port_update_body
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.views.network import add, resource_services, view
from synnefo_pyr.views.network.render import port_dict

collection, detail, item, invalid = resource_services(
    "port", "ports", "port_id", "[0-9]+|nic-[0-9]+-[0-9]+", "[-A-Za-z0-9_]+", PortsContainer)


@view(collection, "get", permission=P.NETWORK_READ)
@view(detail, "get", permission=P.NETWORK_READ)
def list_ports(request):
    """L24: all the caller's ports (``changes-since`` is ignored)."""
    found = ports.list_ports(request.dbsession, request.authenticated_userid)
    return {"ports": [port_dict(request, p) for p in found]}


@view(collection, "post", permission=P.NETWORK_WRITE, validators=(json_object, port_create_body))
def create_port(request):
    created = ports.create_port(request.dbsession, request.authenticated_userid,
                                request.validated["port"], request.registry.network_settings)
    request.response.status_code = 201
    return {"port": port_dict(request, created)}


@view(item, "get", permission=P.NETWORK_READ)
def get_port(request):
    return {"port": port_dict(request, request.context.obj)}


@view(item, "put", permission=P.NETWORK_WRITE, validators=(json_object, port_update_body))
def update_port(request):
    attrs = request.validated["port"]
    updated = ports.update_port(request.dbsession, request.context.obj, attrs.get("name"),
                                attrs.get("security_groups"))
    return {"port": port_dict(request, updated)}


@view(item, "delete", permission=P.NETWORK_WRITE)
def delete_port(request):
    ports.delete_port(request.dbsession, request.context.obj, request.registry.network_settings)
    request.response.status_code = 204


@view(invalid, "get", permission=P.NETWORK_READ)
@view(invalid, "put", permission=P.NETWORK_WRITE)
@view(invalid, "delete", permission=P.NETWORK_WRITE)
def invalid_port(request):
    raise faults.BadRequest(f"Invalid port ID '{request.matchdict['port_id']}'")


def includeme(config):
    add(config, collection, detail, item, invalid)
