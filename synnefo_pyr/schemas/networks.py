"""Request bodies of the compute guide's networks API, read like its
tables (Networks: Create, Rename, Connect, Disconnect). The rules of
names, types and ranges are the network package's, shared with the
network service (``schemas/network.py``)."""
from dataclasses import dataclass

from synnefo_pyr import faults
from synnefo_pyr.db import db_id
from synnefo_pyr.network.ports import parse_nic_id
from synnefo_pyr.network.services import NETWORK_TYPES, network_name
from synnefo_pyr.network.subnets import DEFAULT_CIDR, Subnets, validate_subnets


@dataclass(frozen=True)
class NetworkSpec:
    name: str
    type: str
    dhcp: bool
    subnets: Subnets


def _object(body, key):
    value = body.get(key)
    if not isinstance(value, dict):
        raise faults.BadRequest("Malformed request", f"'{key}' must be an object")
    return value


def _flag(attrs, key, default):
    value = attrs.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise faults.BadRequest("Malformed request", f"'{key}' must be true or false")
    return value


def create_request(body):
    """``{"network": {name, type, dhcp?, cidr?, cidr6?, gateway?, gateway6?, public?}}``."""
    attrs = _object(body, "network")
    if _flag(attrs, "public", False):
        raise faults.Forbidden("Can not create a public network")
    if "name" not in attrs or "type" not in attrs:
        raise faults.BadRequest("Malformed request", "'name' and 'type' are required")
    name = network_name(attrs["name"])
    net_type = attrs["type"]
    if net_type not in NETWORK_TYPES:
        # The guide answers a bad network type with 415.
        raise faults.BadMediaType("Invalid network type", f"Valid types: {', '.join(NETWORK_TYPES)}")
    subnets = validate_subnets(
        attrs.get("cidr") or DEFAULT_CIDR, attrs.get("gateway"),
        attrs.get("cidr6"), attrs.get("gateway6"),
    )
    return NetworkSpec(name=name, type=net_type, dhcp=_flag(attrs, "dhcp", True), subnets=subnets)


def rename_request(body):
    """``{"network": {"name": <new name>}}``."""
    attrs = _object(body, "network")
    if "name" not in attrs:
        raise faults.BadRequest("Malformed request", "'name' is required")
    return network_name(attrs["name"])


# --- POST /networks/<id>/action ------------------------------------------


@dataclass(frozen=True)
class NetworkAction:
    #: "add" or "remove"
    name: str
    server_id: int | None
    #: ``(server_id, index)`` of the NIC named by ``attachment``
    attachment: tuple | None = None


def _server_ref(value):
    """A server id: a JSON integer or a string of ASCII digits. Beyond the
    id column's range it names no server (``None``: 404 later)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise faults.BadRequest("Invalid serverRef", "serverRef must be a server id")
    return db_id(value)


def action_request(body):
    """``{"add": {"serverRef": id}}``, or ``{"remove": {"serverRef": id,
    "attachment": "nic-<server>-<n>"}}`` with either key or both."""
    if len(body) != 1:
        raise faults.BadRequest("Malformed request", "Exactly one action is expected")
    (name, args), = body.items()
    if name not in ("add", "remove"):
        raise faults.BadRequest(f"Action {name} not supported")
    if not isinstance(args, dict):
        raise faults.BadRequest("Invalid argument")
    if name == "add":
        if "serverRef" not in args:
            raise faults.BadRequest("Malformed request", "'serverRef' is required")
        return NetworkAction("add", _server_ref(args["serverRef"]))
    if "serverRef" not in args and "attachment" not in args:
        raise faults.BadRequest("Malformed request", "'serverRef' or 'attachment' is required")
    server_id = _server_ref(args["serverRef"]) if "serverRef" in args else None
    attachment = None
    if "attachment" in args:
        attachment = parse_nic_id(args["attachment"])
        if attachment is None:
            raise faults.BadRequest("Invalid attachment", "Expected 'nic-<server id>-<n>'")
        if "serverRef" in args and server_id != db_id(attachment[0]):
            raise faults.BadRequest("Invalid attachment", "The attachment is not of serverRef")
        server_id = db_id(attachment[0])
    return NetworkAction("remove", server_id, attachment)


# --- Cornice validators (after ``json_object``) ----------------------------------


def create_body(request, **kwargs):
    request.validated["network"] = create_request(request.validated["body"])


def rename_body(request, **kwargs):
    request.validated["name"] = rename_request(request.validated["body"])


def action_body(request, **kwargs):
    request.validated["action"] = action_request(request.validated["body"])
