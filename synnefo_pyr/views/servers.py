"""Servers (F1-F17): list, create, details, rename, delete, addresses,
stats and diagnostics."""
from .. import faults, networking, servers
from ..permissions import Permission as P
from ..resources.compute import ServersContainer
from ..schemas.compute import CreateServerRequest, rename_request
from ..schemas.validators import json_object
from ..serialization import XML, requested_format
from ..service import SynnefoService

SERVER_PATH = r"/servers/{server_id:\d+}"
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


def xml_friendly(request, data):
    """XML has no element named after a network id: there, ``addresses``
    is a list of ``<network id=...>`` holding ``<ip version= addr=>``, and
    the ``OS-EXT-IPS:type`` keys (an undeclared XML prefix) are left out."""
    if requested_format(request) != XML:
        return data

    def strip(entry):
        return {k: v for k, v in entry.items() if k != "OS-EXT-IPS:type"}

    data = dict(data)
    if isinstance(data.get("addresses"), dict):
        data["addresses"] = [
            {"id": network_id, "ip": [strip(a) for a in addresses]}
            for network_id, addresses in data["addresses"].items()
        ]
    if isinstance(data.get("attachments"), list):
        data["attachments"] = [strip(a) for a in data["attachments"]]
    return data


def _listing(request, detail):
    since = request.GET.get("changes-since")
    user_uuid = request.authenticated_userid
    if since is not None:
        found = servers.list_servers(request, user_uuid, servers.parse_changes_since(request, since))
        if not found:
            raise faults.NotModified()
    else:
        found = servers.list_servers(request, user_uuid)
    return {"servers": [xml_friendly(request, servers.server_to_dict(request, s, detail)) for s in found]}


@servers_list.get(permission=P.COMPUTE_READ)
@servers_list_slash.get(permission=P.COMPUTE_READ)
def list_servers(request):
    return _listing(request, detail=False)


@servers_detail.get(permission=P.COMPUTE_READ)
def list_servers_detail(request):
    return _listing(request, detail=True)


@servers_list.post(permission=P.COMPUTE_WRITE, validators=(json_object,))
@servers_list_slash.post(permission=P.COMPUTE_WRITE, validators=(json_object,))
def create_server(request):
    spec = CreateServerRequest.from_body(request.validated["body"])
    created, password = servers.create_server(request, request.authenticated_userid, spec)
    request.response.status_code = 202
    data = servers.server_to_dict(request, created)
    data["adminPass"] = password
    return {"server": xml_friendly(request, data)}


@server.get(permission=P.COMPUTE_READ)
def get_server(request):
    return {"server": xml_friendly(request, servers.server_to_dict(request, request.context.obj))}


@server.put(permission=P.COMPUTE_WRITE, validators=(json_object,))
def rename_server(request):
    servers.rename(request.context.obj, rename_request(request.validated["body"]))
    request.response.status_code = 204


@server.delete(permission=P.COMPUTE_WRITE)
def delete_server(request):
    servers.delete(request.dbsession, request.context.obj)
    request.response.status_code = 204


@server_ips.get(permission=P.COMPUTE_READ)
def list_addresses(request):
    obj = request.context.obj
    return xml_friendly(request, {
        "addresses": networking.server_addresses(obj),
        "attachments": networking.server_attachments(obj),
    })


@server_ips_network.get(permission=P.COMPUTE_READ)
def list_network_addresses(request):
    network_id = request.matchdict["network_id"]
    addresses = networking.server_addresses(request.context.obj)
    if network_id not in addresses:
        raise faults.ItemNotFound("Network not found.")
    if requested_format(request) == XML:
        # <network id="..."><ip .../></network>, as in a server's addresses.
        return {"network": xml_friendly(request, {"addresses": {network_id: addresses[network_id]}})["addresses"][0]}
    return {"network": {network_id: addresses[network_id]}}


@server_stats.get(permission=P.COMPUTE_READ)
def get_stats(request):
    obj = request.context.obj
    servers.check_not_deleted_or_suspended(obj)
    base = request.registry.compute_settings.stats_url or request.host_url + "/stats"
    prefix = f"{base}/snf-{obj.id}"
    return {"stats": {
        "serverRef": obj.id,
        "refresh": 60,
        "cpuBar": f"{prefix}/cpu-bar.png",
        "cpuTimeSeries": f"{prefix}/cpu-ts.png",
        "netBar": f"{prefix}/net-bar.png",
        "netTimeSeries": f"{prefix}/net-ts.png",
    }}


@server_diagnostics.get(permission=P.COMPUTE_READ)
def get_diagnostics(request):
    entries = [servers.diagnostic_to_dict(d) for d in request.context.obj.diagnostics]
    # F16: a bare JSON list; XML needs a root element.
    return {"diagnostics": entries} if requested_format(request) == XML else entries


def includeme(config):
    for service in (servers_list, servers_list_slash, servers_detail, server, server_ips,
                    server_ips_network, server_stats, server_diagnostics):
        config.add_cornice_service(service)
