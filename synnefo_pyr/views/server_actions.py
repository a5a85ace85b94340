"""``POST /servers/<id>/action`` (H1-H9).

Code wins over the guide: console answers 200, the other actions 202;
the OpenStack-only actions (changePassword, rebuild, confirmResize,
revertResize, createImage) are 400 "not supported" like any unknown one.
``os-start`` / ``os-stop`` (what OpenStack clients send) are ``start`` /
``shutdown``.
"""
from .. import faults, servers
from ..permissions import Permission as P
from ..resources.compute import ServersContainer
from ..schemas.compute import action_request, parse_flavor_ref, reboot_type
from ..schemas.validators import json_object
from ..service import SynnefoService
from .servers import SERVER_PATH

server_action = SynnefoService(
    name="compute.server_action", path=SERVER_PATH + "/action",
    factory=ServersContainer, traverse="/{server_id}",
)


def _start(request, server, argument):
    servers.start(request.dbsession, server)


def _shutdown(request, server, argument):
    servers.shutdown(request.dbsession, server)


def _reboot(request, server, argument):
    servers.reboot(request.dbsession, server, hard=reboot_type(argument))


def _resize(request, server, argument):
    if "flavorRef" not in argument:
        raise faults.BadRequest("Malformed request", "flavorRef is required")
    servers.resize(request.dbsession, server, parse_flavor_ref(argument["flavorRef"]))


def _console(request, server, argument):
    request.response.status_code = 200
    return {"console": servers.console(request, server, argument.get("type"))}


def _firewall(request, server, argument):
    profile = argument.get("profile")
    if not isinstance(profile, str):
        raise faults.BadRequest("Malformed request", "profile is required")
    nic_id = argument.get("nic")
    if nic_id is not None and not isinstance(nic_id, str):
        raise faults.BadRequest("Malformed request", "nic must be a NIC id")
    servers.set_firewall_profile(request.dbsession, server, profile, nic_id)


ACTIONS = {
    "start": _start,
    "os-start": _start,
    "shutdown": _shutdown,
    "os-stop": _shutdown,
    "reboot": _reboot,
    "resize": _resize,
    "console": _console,
    "firewallProfile": _firewall,
}


@server_action.post(permission=P.COMPUTE_WRITE, validators=(json_object,))
def server_action_view(request):
    name, argument = action_request(request.validated["body"])
    handler = ACTIONS.get(name)
    if handler is None:
        raise faults.BadRequest(f"Action {name} not supported")
    request.response.status_code = 202
    return handler(request, request.context.obj, argument)


def includeme(config):
    config.add_cornice_service(server_action)
