"""The rules of a network's name, type and subnets, for the API and for
``snf-pyr-manage`` alike (refusals are ``errors.Invalid``)."""
import ipaddress
from dataclasses import dataclass

from synnefo_pyr import errors

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


def network_name(value):
    if not isinstance(value, str):
        raise errors.Invalid("Malformed request", "Network name must be a string")
    if len(value) > MAX_NAME_LENGTH:
        raise errors.Invalid("Network name is too long", f"At most {MAX_NAME_LENGTH} characters")
    return value


def _parse(kind, value, version, parser):
    if not isinstance(value, str):
        raise errors.Invalid(f"Invalid {kind}", f"{value!r} is not a string")
    try:
        parsed = parser(value.strip())
    except ValueError as exc:
        raise errors.Invalid(f"Invalid {kind}", str(exc))
    if parsed.version != version:
        raise errors.Invalid(f"Invalid {kind}", f"{value} is not an IPv{version} value")
    return parsed


def _gateway(kind, value, subnet, version):
    if value is None:
        return None
    address = _parse(kind, value, version, ipaddress.ip_address)
    if address not in subnet:
        raise errors.Invalid(f"Invalid {kind}", f"{address} is not in {subnet}")
    if address == subnet.network_address or (version == 4 and address == subnet.broadcast_address):
        raise errors.Invalid(f"Invalid {kind}", f"{address} is not a host address of {subnet}")
    return str(address)


def validate_subnets(cidr, gateway=None, cidr6=None, gateway6=None):
    """Normalized subnets; 400 for anything that is not a usable network
    (host bits set, wrong IP version, a gateway outside its subnet or on
    its network or broadcast address, a size outside the supported range)."""
    subnet = _parse("cidr", cidr, 4, ipaddress.ip_network)
    if not MIN_PREFIXLEN <= subnet.prefixlen <= MAX_PREFIXLEN:
        raise errors.Invalid(
            "Invalid cidr", f"Supported IPv4 subnets are /{MIN_PREFIXLEN} to /{MAX_PREFIXLEN}"
        )
    subnet6 = None
    if cidr6 is not None:
        subnet6 = _parse("cidr6", cidr6, 6, ipaddress.ip_network)
        if subnet6.prefixlen > MAX_PREFIXLEN6:
            raise errors.Invalid(
                "Invalid cidr6", f"IPv6 subnets must be /{MAX_PREFIXLEN6} or larger (EUI-64)"
            )
    elif gateway6 is not None:
        raise errors.Invalid("Invalid gateway6", "gateway6 needs cidr6")
    return Subnets(
        cidr=str(subnet),
        gateway=_gateway("gateway", gateway, subnet, 4),
        cidr6=str(subnet6) if subnet6 is not None else None,
        gateway6=_gateway("gateway6", gateway6, subnet6, 6) if subnet6 is not None else None,
    )
