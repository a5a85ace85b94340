"""Servers (F1-F17): list, create, details, rename, delete, addresses,
stats and diagnostics."""
from synnefo_pyr import faults
from synnefo_pyr.compute import reads, servers
from synnefo_pyr.network import services as networks
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.compute import ServersContainer
from synnefo_pyr.schemas.compute import changes_since_query, unless_unchanged, create_server_body, rename_body
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.serialization import XML, requested_format
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.compute import render

SERVER_PATH = r"/servers/{server_id:[0-9]+}"
ITEM = {"factory": ServersContainer, "traverse": "/{server_id}"}

servers_list = SynnefoService(name="compute.servers", path="/servers")
servers_list_slash = SynnefoService(name="compute.servers_slash", path="/servers/")
servers_detail = SynnefoService(name="compute.servers_detail", path="/servers/detail")
server = SynnefoService(name="compute.server", path=SERVER_PATH, **ITEM)
server_ips = SynnefoService(name="compute.server_ips", path=SERVER_PATH + "/ips", **ITEM)
server_ips_network = SynnefoService(
    name="compute.server_ips_network", path=SERVER_PATH + "/ips/{network_id}", **ITEM
)
server_stats = SynnefoService(name="compute.server_stats", path=SERVER_PATH + "/stats", **ITEM)
server_diagnostics = SynnefoService(
    name="compute.server_diagnostics", path=SERVER_PATH + "/diagnostics", **ITEM
)


def _listing(request, detail):
    found = reads.server_views(request.dbsession, request.authenticated_userid,
                               request.validated["since"], detail)
    unless_unchanged(request, found)
    return {"servers": [render.server_dict(request, s, detail) for s in found]}


LIST = {"permission": P.COMPUTE_READ, "validators": (changes_since_query,)}


@servers_list.get(**LIST)
@servers_list_slash.get(**LIST)
def list_servers(request):
    return _listing(request, detail=False)


@servers_detail.get(**LIST)
def list_servers_detail(request):
    return _listing(request, detail=True)


CREATE = {"permission": P.COMPUTE_WRITE, "validators": (json_object, create_server_body)}


@servers_list.post(**CREATE)
@servers_list_slash.post(**CREATE)
def create_server(request):
    created, password = servers.create_server(
        request.dbsession, request.authenticated_userid, request.validated["server"],
        request.registry.network_settings,
    )
    request.response.status_code = 202
    request.dbsession.flush()
    data = render.server_dict(request, reads.server_view(request.dbsession, created.id))
    data["adminPass"] = password
    return {"server": data}


@server.get(permission=P.COMPUTE_READ)
def get_server(request):
    return {"server": render.server_dict(request, request.context.obj)}


@server.put(permission=P.COMPUTE_WRITE, validators=(json_object, rename_body))
def rename_server(request):
    servers.rename(request.context.obj, request.validated["name"])
    request.response.status_code = 204


@server.delete(permission=P.COMPUTE_WRITE)
def delete_server(request):
    servers.delete(request.dbsession, request.context.obj)
    request.response.status_code = 204


@server_ips.get(permission=P.COMPUTE_READ)
def list_addresses(request):
    return render.addresses_dict(request, request.context.obj)


@server_ips_network.get(permission=P.COMPUTE_READ)
def list_network_addresses(request):
    network_id = request.matchdict["network_id"]
    if network_id == networks.PUBLIC_ID:
        # The compute view's alias of the default public network (D1).
        public = networks.public_network(request.dbsession)
        network_id = networks.network_api_id(public) if public is not None else network_id
    addresses = render.server_addresses(request.context.obj)
    if network_id not in addresses:
        raise faults.ItemNotFound("Network not found.")
    return render.network_addresses_dict(request, network_id, addresses[network_id])


@server_stats.get(permission=P.COMPUTE_READ)
def get_stats(request):
    return render.stats_dict(request, servers.stats_of(request.context.obj))


@server_diagnostics.get(permission=P.COMPUTE_READ)
def get_diagnostics(request):
    entries = [render.diagnostic_dict(d) for d in request.context.obj.diagnostics]
    # F16: a bare JSON list; XML needs a root element.
    return {"diagnostics": entries} if requested_format(request) == XML else entries


def includeme(config):
    for service in (servers_list, servers_list_slash, servers_detail, server, server_ips,
                    server_ips_network, server_stats, server_diagnostics):
        config.add_cornice_service(service)
