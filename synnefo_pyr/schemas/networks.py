"""Request bodies of the networks API, read like the compute guide's tables
(Networks: Create, Rename, Connect, Disconnect)."""
import ipaddress
from dataclasses import dataclass

from .. import faults, networking

#: The guide's network types.
NETWORK_TYPES = ("CUSTOM", "IP_LESS_ROUTED", "MAC_FILTERED", "PHYSICAL_VLAN")
#: The guide's default (it prints ``192.168.1.0/2``; its examples show /24).
DEFAULT_CIDR = "192.168.1.0/24"
MAX_NAME_LENGTH = 128
#: IPv4 subnets from /16 (65534 hosts) to /30 (two hosts: a gateway and one NIC).
MIN_PREFIXLEN, MAX_PREFIXLEN = 16, 30
#: IPv6 addresses are EUI-64, so the subnet leaves at least 64 bits for them.
MAX_PREFIXLEN6 = 64


@dataclass(frozen=True)
class Subnets:
    cidr: str | None
    gateway: str | None
    cidr6: str | None
    gateway6: str | None


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


def network_name(value):
    if not isinstance(value, str):
        raise faults.BadRequest("Malformed request", "Network name must be a string")
    if len(value) > MAX_NAME_LENGTH:
        raise faults.BadRequest("Network name is too long", f"At most {MAX_NAME_LENGTH} characters")
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


def _parse(kind, value, version, parser):
    if not isinstance(value, str):
        raise faults.BadRequest(f"Invalid {kind}", f"{value!r} is not a string")
    try:
        parsed = parser(value.strip())
    except ValueError as exc:
        raise faults.BadRequest(f"Invalid {kind}", str(exc))
    if parsed.version != version:
        raise faults.BadRequest(f"Invalid {kind}", f"{value} is not an IPv{version} value")
    return parsed


def _gateway(kind, value, subnet, version):
    if value is None:
        return None
    address = _parse(kind, value, version, ipaddress.ip_address)
    if address not in subnet:
        raise faults.BadRequest(f"Invalid {kind}", f"{address} is not in {subnet}")
    if address == subnet.network_address or (version == 4 and address == subnet.broadcast_address):
        raise faults.BadRequest(f"Invalid {kind}", f"{address} is not a host address of {subnet}")
    return str(address)


def validate_subnets(cidr, gateway=None, cidr6=None, gateway6=None):
    """Normalized subnets; 400 for anything that is not a usable network
    (host bits set, wrong IP version, a gateway outside its subnet or on
    its network or broadcast address, a size outside the supported range)."""
    subnet = _parse("cidr", cidr, 4, ipaddress.ip_network)
    if not MIN_PREFIXLEN <= subnet.prefixlen <= MAX_PREFIXLEN:
        raise faults.BadRequest(
            "Invalid cidr", f"Supported IPv4 subnets are /{MIN_PREFIXLEN} to /{MAX_PREFIXLEN}"
        )
    subnet6 = None
    if cidr6 is not None:
        subnet6 = _parse("cidr6", cidr6, 6, ipaddress.ip_network)
        if subnet6.prefixlen > MAX_PREFIXLEN6:
            raise faults.BadRequest(
                "Invalid cidr6", f"IPv6 subnets must be /{MAX_PREFIXLEN6} or larger (EUI-64)"
            )
    elif gateway6 is not None:
        raise faults.BadRequest("Invalid gateway6", "gateway6 needs cidr6")
    return Subnets(
        cidr=str(subnet),
        gateway=_gateway("gateway", gateway, subnet, 4),
        cidr6=str(subnet6) if subnet6 is not None else None,
        gateway6=_gateway("gateway6", gateway6, subnet6, 6) if subnet6 is not None else None,
    )


# --- POST /networks/<id>/action ------------------------------------------


@dataclass(frozen=True)
class NetworkAction:
    #: "add" or "remove"
    name: str
    server_id: int | None
    #: ``(server_id, index)`` of the NIC named by ``attachment``
    attachment: tuple | None = None


def _server_ref(value):
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise faults.BadRequest("Invalid serverRef", "serverRef must be a server id")
    return value


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
    server_id = _server_ref(args["serverRef"]) if "serverRef" in args else None
    attachment = None
    if "attachment" in args:
        attachment = networking.parse_nic_id(args["attachment"])
        if attachment is None:
            raise faults.BadRequest("Invalid attachment", "Expected 'nic-<server id>-<n>'")
        if server_id is not None and server_id != attachment[0]:
            raise faults.BadRequest("Invalid attachment", "The attachment is not of serverRef")
        server_id = attachment[0]
    if server_id is None:
        raise faults.BadRequest("Malformed request", "'serverRef' or 'attachment' is required")
    return NetworkAction("remove", server_id, attachment)
