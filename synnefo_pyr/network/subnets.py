"""Subnets and their allocation pools: the rules of names, types and
ranges for every way a network gets its addresses, and the subnet calls
of the network service.

Three sets of limits, one set of pool rules:

* the network service's ``POST /subnets`` (behaviours-network.md L19):
  IPv4 /23 to /29 (``max_cidr_block`` setting), IPv6 exactly /64;
* the compute guide's ``POST /networks`` (L44): IPv4 /16 to /30, IPv6 /64
  or larger, one request making the network and its subnets;
* the operator's ``network-create``: any IPv4 up to /30, IPv6 /64 or larger.

Pools are derived from the gateway (``derive_pools``) or given, and
checked by ``check_pools`` in every case. Refusals are ``errors.*``.
"""
import ipaddress
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from synnefo_pyr import errors
from synnefo_pyr.network import allocation
from synnefo_pyr.network import services as networks
from synnefo_pyr.network.services import MAX_NAME_LENGTH
from synnefo_pyr.network.models import IPPool, Network, Subnet
from synnefo_pyr.orm import utcnow

#: The compute guide's default (it prints ``192.168.1.0/2``; its examples show /24).
DEFAULT_CIDR = "192.168.1.0/24"
#: Compute guide: IPv4 subnets from /16 (65534 hosts) to /30 (two hosts).
MIN_PREFIXLEN, MAX_PREFIXLEN = 16, 30
#: IPv6 addresses are EUI-64, so the subnet leaves at least 64 bits for them.
MAX_PREFIXLEN6 = 64
#: Network service: IPv4 subnets up to /29 (and larger than max_cidr_block).
SERVICE_MAX_PREFIXLEN = 29
MALFORMED = "Malformed request"


def subnet_name(value):
    """A subnet's name: absent or null is none (shown ``""``)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.Invalid(MALFORMED, "Subnet name must be a string")
    if len(value) > MAX_NAME_LENGTH:
        raise errors.Invalid("Subnet name is too long", f"At most {MAX_NAME_LENGTH} characters")
    return value


# --- pools -------------------------------------------------------------------


def derive_pools(subnet, gateway):
    """L19 step 13: every host address of the IPv4 ``subnet`` but the
    gateway, as one or two ``(first, last)`` pools (possibly inverted when
    the gateway is not a host address: ``check_pools`` refuses those)."""
    first, last = subnet.network_address + 1, subnet.broadcast_address - 1
    if gateway is None:
        return [(first, last)]
    if gateway == first:
        return [(gateway + 1, last)]
    if gateway == last:
        return [(first, gateway - 1)]
    return [(first, gateway - 1), (gateway + 1, last)]


def check_pools(subnet, gateway, pools):
    """L19 step 14, each failure a conflict (409)."""
    for start, end in pools:
        if start <= subnet.network_address or end >= subnet.broadcast_address:
            raise errors.Conflict("IP Pool out of bounds")
    for start, end in pools:
        if start > end:
            raise errors.Conflict("Invalid IP pool range")
    if gateway is not None and any(start <= gateway <= end for start, end in pools):
        raise errors.Conflict("Gateway cannot be in pool range")
    ordered = sorted(pools)
    for (_, end), (start, _) in zip(ordered, ordered[1:]):
        if start <= end:
            raise errors.Conflict("IP Pool range conflict")


def parse_pools(value):
    """``allocation_pools``: ``None`` when absent, else sorted ``(start,
    end)`` IPv4 pairs (L19 step 2; ``[]`` means no pool at all)."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise errors.Invalid("Malformed allocation pool.")
    pools = []
    for item in value:
        if not isinstance(item, dict) or "start" not in item or "end" not in item:
            raise errors.Invalid("Malformed allocation pool.")
        try:
            if not all(isinstance(item[k], str) for k in ("start", "end")):
                raise ValueError(item)
            pools.append((ipaddress.IPv4Address(item["start"].strip()),
                          ipaddress.IPv4Address(item["end"].strip())))
        except ValueError:
            raise errors.Invalid("Allocation pools contain invalid IPv4 address")
    return sorted(pools)


# --- subnet rows ----------------------------------------------------------------


@dataclass(frozen=True)
class SubnetSpec:
    """A checked subnet: ``pools`` are ``(first, last)`` address texts."""

    ip_version: int
    cidr: str
    gateway: str | None
    dhcp: bool = True
    pools: tuple = ()
    name: str | None = None
    dns_nameservers: list = field(default_factory=list)
    host_routes: list = field(default_factory=list)


def _spec(version, subnet, gateway, dhcp, pools=None, **extra):
    if version == 4:
        pools = derive_pools(subnet, gateway) if pools is None else pools
        check_pools(subnet, gateway, pools)
    return SubnetSpec(
        ip_version=version, cidr=str(subnet), gateway=str(gateway) if gateway is not None else None,
        dhcp=dhcp, pools=tuple((str(a), str(b)) for a, b in (pools or ())), **extra,
    )


def add_subnet(dbsession, network, spec):
    """Store ``spec`` as a subnet of ``network``, with its pools."""
    subnet = Subnet(
        network=network, user_uuid=network.user_uuid, public=network.public, name=spec.name,
        ip_version=spec.ip_version, cidr=spec.cidr, gateway=spec.gateway, dhcp=spec.dhcp,
        dns_nameservers=list(spec.dns_nameservers), host_routes=list(spec.host_routes),
        pools=[IPPool(first_address=a, last_address=b) for a, b in spec.pools],
    )
    dbsession.add(subnet)
    # The network's body lists its subnets: it changed (changes-since).
    network.updated_at = utcnow()
    dbsession.flush()
    return subnet


# --- the compute guide's and the operator's subnets --------------------------------


@dataclass(frozen=True)
class Subnets:
    """The compute guide's inline ranges of a network, checked."""

    cidr: str | None
    gateway: str | None
    cidr6: str | None
    gateway6: str | None


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
    return address


def _ipv4(kind, cidr, min_prefixlen, max_prefixlen):
    subnet = _parse(kind, cidr, 4, ipaddress.ip_network)
    if not min_prefixlen <= subnet.prefixlen <= max_prefixlen:
        raise errors.Invalid(
            f"Invalid {kind}", f"Supported IPv4 subnets are /{min_prefixlen} to /{max_prefixlen}"
        )
    return subnet


def _ipv6(kind, cidr6):
    subnet6 = _parse(kind, cidr6, 6, ipaddress.ip_network)
    if subnet6.prefixlen > MAX_PREFIXLEN6:
        raise errors.Invalid(f"Invalid {kind}", f"IPv6 subnets must be /{MAX_PREFIXLEN6} or larger (EUI-64)")
    return subnet6


def validate_subnets(cidr, gateway=None, cidr6=None, gateway6=None):
    """The compute guide's ranges, normalized; 400 for anything that is
    not a usable network (host bits set, wrong IP version, a gateway
    outside its subnet or on its network or broadcast address, a size
    outside /16-/30 or an IPv6 prefix longer than /64)."""
    subnet = _ipv4("cidr", cidr, MIN_PREFIXLEN, MAX_PREFIXLEN)
    subnet6 = _ipv6("cidr6", cidr6) if cidr6 is not None else None
    if subnet6 is None and gateway6 is not None:
        raise errors.Invalid("Invalid gateway6", "gateway6 needs cidr6")
    gw = _gateway("gateway", gateway, subnet, 4)
    gw6 = _gateway("gateway6", gateway6, subnet6, 6) if subnet6 is not None else None
    return Subnets(cidr=str(subnet), gateway=str(gw) if gw else None,
                   cidr6=str(subnet6) if subnet6 else None, gateway6=str(gw6) if gw6 else None)


def compute_subnet_specs(ranges, dhcp=True):
    """The subnets of a network made through the compute guide: the IPv4
    one with pools derived from its gateway, and the IPv6 one if any."""
    specs = []
    if ranges.cidr:
        subnet = ipaddress.ip_network(ranges.cidr)
        gateway = ipaddress.ip_address(ranges.gateway) if ranges.gateway else None
        specs.append(_spec(4, subnet, gateway, dhcp))
    if ranges.cidr6:
        subnet6 = ipaddress.ip_network(ranges.cidr6)
        gateway6 = ipaddress.ip_address(ranges.gateway6) if ranges.gateway6 else None
        specs.append(_spec(6, subnet6, gateway6, dhcp))
    return specs


def operator_subnet_specs(cidr=None, gateway=None, cidr6=None, gateway6=None, dhcp=True, pools=None):
    """The subnets of ``network-create``: any IPv4 size up to /30 (the
    operator's public networks are large), IPv6 /64 or larger, pools given
    as ``START,END`` texts or derived."""
    specs = []
    if cidr is not None:
        subnet = _ipv4("cidr", cidr, 0, MAX_PREFIXLEN)
        gw = _gateway("gateway", gateway, subnet, 4)
        parsed = None
        if pools is not None:
            parsed = []
            for text in pools:
                start, _, end = text.partition(",")
                parsed.append((_parse("allocation pool", start, 4, ipaddress.ip_address),
                               _parse("allocation pool", end, 4, ipaddress.ip_address)))
        specs.append(_spec(4, subnet, gw, dhcp, sorted(parsed) if parsed is not None else None))
    elif gateway is not None or pools:
        raise errors.Invalid("Invalid gateway", "a gateway or pools need an IPv4 subnet")
    if cidr6 is not None:
        subnet6 = _ipv6("cidr6", cidr6)
        specs.append(_spec(6, subnet6, _gateway("gateway6", gateway6, subnet6, 6), dhcp))
    elif gateway6 is not None:
        raise errors.Invalid("Invalid gateway6", "gateway6 needs cidr6")
    return specs


def create_network_with_subnets(dbsession, specs, **network):
    """A network (``services.create_network``'s arguments) and its subnets."""
    created = networks.create_network(dbsession, **network)
    for spec in specs:
        add_subnet(dbsession, created, spec)
    return created


# --- the network service's POST /subnets (L19) ----------------------------------


def _flag(attrs, key, message_key):
    value = attrs.get(key, True)
    if not isinstance(value, bool):
        raise errors.Invalid(f"Malformed request, {message_key} must be True or False")
    return value


def _service_network(dbsession, user_uuid, network_id):
    """L19 step 6 (D6): own network; another user's private one is 404,
    a public one 403."""
    number = networks.parse_network_id(network_id)
    network = dbsession.get(Network, number) if number is not None else None
    if network is None or not (network.public or network.user_uuid == user_uuid):
        raise errors.NotFound("No network found with that id")
    if network.deleted:
        raise errors.Invalid("Network has been deleted")
    if network.public:
        raise errors.Forbidden("Cannot create a subnet in a public network")
    return network


def _strict(version, cidr, gateway, max_cidr_block):
    """L19 step 10: ``(subnet, gateway)`` objects."""
    try:
        subnet = ipaddress.ip_network(cidr.strip())
        if subnet.version != version:
            raise ValueError(cidr)
    except ValueError:
        raise errors.Invalid(f"Invalid network IPv{version} subnet")
    if version == 4 and not max_cidr_block < subnet.prefixlen <= SERVICE_MAX_PREFIXLEN:
        raise errors.LimitExceeded(
            "Unsupported network size",
            f"Netmask must be in range: ({max_cidr_block}, {SERVICE_MAX_PREFIXLEN}]",
        )
    if version == 6 and subnet.prefixlen != 64:
        raise errors.Invalid("Unsupported IPv6 subnet size. Network netmask must be /64")
    if gateway == "auto":
        return subnet, subnet.network_address + 1
    if gateway is None:
        return subnet, None
    try:
        address = ipaddress.ip_address(gateway.strip() if isinstance(gateway, str) else "-")
        if address.version != version or address not in subnet:
            raise ValueError(gateway)
    except ValueError:
        raise errors.Invalid(f"Invalid network IPv{version} gateway")
    return subnet, address


def _json_list(attrs, key):
    value = attrs.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise errors.Invalid(MALFORMED, f"'{key}' must be a list")
    return value


def create_subnet(dbsession, user_uuid, attrs, max_cidr_block):
    """``POST /subnets``: ``attrs`` is the request's ``subnet`` object
    (with ``network_id`` and ``cidr``); every check of L19 in its order."""
    pools = parse_pools(attrs.get("allocation_pools"))
    cidr = attrs["cidr"]
    try:
        if not isinstance(cidr, str):
            raise ValueError(cidr)
        ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        raise errors.Invalid(f"Malformed CIDR '{cidr}'")
    # An explicit "" is no gateway, like null (the reference echoed "").
    gateway = "auto" if "gateway_ip" not in attrs else (attrs["gateway_ip"] or None)
    version = attrs.get("ip_version", 4)
    if type(version) is int and version == 6 and "enable_slaac" in attrs:
        dhcp = _flag(attrs, "enable_slaac", "enable_slaac")
    else:
        dhcp = _flag(attrs, "enable_dhcp", "dhcp")
    network = _service_network(dbsession, user_uuid, attrs["network_id"])
    if type(version) is not int or version not in (4, 6):
        raise errors.Invalid("Malformed IP version type")
    # Whoever holds the network's row decides about its subnets alone.
    allocation.lock_network(dbsession, network)
    taken = select(Subnet.id).where(Subnet.network_id == network.id, Subnet.ip_version == version)
    if dbsession.scalar(taken) is not None:
        raise errors.Invalid("Only one subnet of IPv4/IPv6 per network is allowed")
    if network.backend_presence:
        raise errors.Invalid(
            f"Cannot create subnet in network {network.id}, VMs are already connected to this network"
        )
    subnet, gateway = _strict(version, cidr, gateway, max_cidr_block)
    name = subnet_name(attrs.get("name"))
    if version == 6 and pools is not None:
        raise errors.Conflict("Can't allocate an IP Pool in IPv6")
    extra = {"name": name, "dns_nameservers": _json_list(attrs, "dns_nameservers"),
             "host_routes": _json_list(attrs, "host_routes")}
    return add_subnet(dbsession, network, _spec(version, subnet, gateway, dhcp, pools, **extra))


def rename_subnet(dbsession, subnet, name):
    """L21: only the name changes (null is none)."""
    subnet.name = subnet_name(name)
    subnet.updated_at = utcnow()
    dbsession.flush()
    return subnet


def visible_to(user_uuid):
    return or_(Subnet.user_uuid == user_uuid, Subnet.public.is_(True))


def list_visible(dbsession, user_uuid, changes_since=None):
    """Every public network's subnets and the caller's, by id; deleted
    ones only when polling (L20, L7)."""
    query = select(Subnet).where(visible_to(user_uuid)).order_by(Subnet.id).options(selectinload(Subnet.pools))
    if changes_since is None:
        query = query.where(Subnet.deleted.is_(False))
    else:
        query = query.where(Subnet.updated_at >= changes_since)
    return list(dbsession.scalars(query))
