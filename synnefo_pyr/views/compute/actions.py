"""``POST /servers/<id>/action`` (H1-H9).

Code wins over the guide: console answers 200, the other actions 202;
the OpenStack-only actions (changePassword, rebuild, confirmResize,
revertResize, createImage) are 400 "not supported" like any unknown one.
``os-start`` / ``os-stop`` (what OpenStack clients send) are ``start`` /
``shutdown``. ``addFloatingIp`` / ``removeFloatingIp`` attach and detach a
floating IP through a port (behaviours-network.md L42, D14). The body is parsed by ``schemas.compute.server_action_body``
into ``(action, arguments)``.
"""
from synnefo_pyr.compute import servers
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.compute import ServersContainer
from synnefo_pyr.schemas.compute import server_action_body
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.compute.servers import SERVER_PATH

server_action = SynnefoService(
    name="compute.server_action", path=SERVER_PATH + "/action",
    factory=ServersContainer, traverse="/{server_id}",
)


def _console(request, server, arguments):
    info = servers.console(request.registry.backend_driver, server, arguments["type"])
    request.response.status_code = 200
    return {"console": {"type": info.type, "host": info.host, "port": info.port,
                        "password": info.password}}


ACTIONS = {
    "start": lambda request, server, a: servers.start(request.dbsession, server),
    "shutdown": lambda request, server, a: servers.shutdown(request.dbsession, server),
    "reboot": lambda request, server, a: servers.reboot(request.dbsession, server, a["hard"]),
    "resize": lambda request, server, a: servers.resize(request.dbsession, server, a["flavor_id"]),
    "console": _console,
    "firewallProfile": lambda request, server, a: servers.set_firewall_profile(
        request.dbsession, server, a["profile"], a["nic"]),
    "addFloatingIp": lambda request, server, a: servers.add_floating_ip(
        request.dbsession, server, a["address"], request.registry.network_settings),
    "removeFloatingIp": lambda request, server, a: servers.remove_floating_ip(
        request.dbsession, server, a["address"], request.registry.network_settings),
}


@server_action.post(permission=P.COMPUTE_WRITE, validators=(json_object, server_action_body))
def server_action_view(request):
    name, arguments = request.validated["action"]
    request.response.status_code = 202
    return ACTIONS[name](request, request.context.obj, arguments)


def includeme(config):
    config.add_cornice_service(server_action)
