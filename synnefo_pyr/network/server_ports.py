"""The ports a new server gets (behaviours-network.md L39, L41, D8).

* Forced networks (setting ``forced_server_networks``) come first, for
  every server, without access control, floating IPs or quota; a missing
  network is 503.
* Without ``networks`` in the request: the default networks (setting
  ``default_server_networks``, by default ``SNF:ANY_PUBLIC_IPV4``),
  processed the same way: one port on the default public network with an
  address from its pools (D8); none there is 503, a full one 409.
* With ``networks``: exactly the ports they describe, ``{"port": P}`` (an
  existing port of the caller), ``{"uuid": N}`` or ``{"uuid": N,
  "fixed_ip": A}`` (a public network takes one of the caller's floating
  IPs).

Planning reads and checks; then every network involved is locked (in
ascending id order) and each port made under the locks, then all are
attached. A refusal anywhere aborts the transaction: all or nothing.
"""
from dataclasses import dataclass

from sqlalchemy import select

from synnefo_pyr import errors
from synnefo_pyr.db import db_id
from synnefo_pyr.network import allocation, floating_ips, ports
from synnefo_pyr.network import services as networks
from synnefo_pyr.network.models import NIC, Network

ANY_PUBLIC_IPV4 = "SNF:ANY_PUBLIC_IPV4"
ANY_PUBLIC_IPV6 = "SNF:ANY_PUBLIC_IPV6"
ANY_PUBLIC = "SNF:ANY_PUBLIC"
SELECTORS = (ANY_PUBLIC_IPV4, ANY_PUBLIC_IPV6, ANY_PUBLIC)
#: ``fixed_ip`` not in the request (``None`` is an explicit null).
MISSING = object()


@dataclass(frozen=True)
class PortItem:
    """``{"port": P}``: ``port_id`` is the parsed id (``None``: names none)."""

    port_id: int | None
    text: str


@dataclass(frozen=True)
class NetworkItem:
    """``{"uuid": N[, "fixed_ip": A]}``; ``network_id`` as sent."""

    network_id: object
    fixed_ip: object = MISSING


def check_setting(selector):
    """A forced or default network setting item: a selector, a network id,
    or ids joined by ``|`` (the first live one is used)."""
    if selector in SELECTORS:
        return selector
    if all(db_id(part) is not None for part in selector.split("|")):
        return selector
    raise ValueError(f"{selector!r} is not {', '.join(SELECTORS)}, a network id or ids joined by '|'")


# --- what each item means ---------------------------------------------------------


class _Plan:
    network = None

    def make(self, dbsession, owner):
        raise NotImplementedError


@dataclass
class _FromPools(_Plan):
    """A port with an address from the pools (forced and default ports,
    private networks)."""

    network: Network
    address: str | None = None

    def make(self, dbsession, owner):
        ports.check_accepts_ports(self.network)
        chosen = None
        if self.address is not None:
            chosen = allocation.reserve_ipv4(dbsession, self.network, self.address)
        return ports.new_port(dbsession, self.network, owner, address=chosen)


@dataclass
class _Floating(_Plan):
    """A port holding one of the owner's floating IPs of a public network:
    the one asked for, or the free one with the lowest id."""

    network: Network
    floating_ip: object = None

    def make(self, dbsession, owner):
        fip = self.floating_ip
        if fip is None:
            fip = floating_ips.free_floating_ip(dbsession, owner, self.network)
            if fip is None:
                raise errors.Conflict(
                    f"Cannot find an unused floating IP to connect server to network"
                    f" '{self.network.id}'. Please create a floating IP.")
        else:
            dbsession.refresh(fip)
            if fip.network_id != self.network.id:
                raise errors.Conflict(f"IP Address {fip.address} does not belong to network {self.network.id}")
            if fip.nic_id is not None:
                raise errors.Conflict(f"IP address '{fip.address}' is already in use")
        ports.check_accepts_ports(self.network)
        return ports.new_port(dbsession, self.network, owner, floating_ip=fip)


@dataclass
class _Existing(_Plan):
    """One of the owner's ports, not attached to any server."""

    port: NIC

    @property
    def network(self):
        return self.port.network

    def make(self, dbsession, owner):
        port = dbsession.scalars(
            select(NIC).where(NIC.id == self.port.id).with_for_update(of=NIC, key_share=True)
            .execution_options(populate_existing=True)
        ).first()
        if port is None:
            raise errors.NotFound(f"Port {self.port.id} not found.")
        if port.server_id is not None:
            raise errors.Conflict(f"Port {port.id} is already in use.")
        return port


def _setting_network(dbsession, selector):
    """The live network a forced/default setting item names, or ``None``."""
    if selector in SELECTORS:
        live = list(dbsession.scalars(
            select(Network).where(Network.public.is_(True), Network.deleted.is_(False),
                                  Network.drained.is_(False)).order_by(Network.id)
        ))
        with_v4 = [n for n in live if n.subnet(4) is not None]
        only_v6 = [n for n in live if n.subnet(4) is None and n.subnet(6) is not None]
        found = {ANY_PUBLIC_IPV4: with_v4, ANY_PUBLIC_IPV6: only_v6, ANY_PUBLIC: with_v4 + only_v6}[selector]
        return found[0] if found else None
    for part in selector.split("|"):
        network = dbsession.get(Network, db_id(part))
        if network is not None and not network.deleted:
            return network
    return None


def _from_setting(dbsession, selector):
    network = _setting_network(dbsession, selector)
    if network is None:
        raise errors.Unavailable(
            "No public network available", f"No network matches {selector!r}: an operator must create it"
        )
    return _FromPools(network)


def _from_request(dbsession, owner, item):
    if isinstance(item, PortItem):
        port = dbsession.get(NIC, item.port_id) if item.port_id is not None else None
        if port is None or port.user_uuid != owner:
            raise errors.NotFound(f"Port {item.text} not found.")
        if port.server_id is not None:
            raise errors.Conflict(f"Port {port.id} is already in use.")
        return _Existing(port)
    network = networks.resolve_compute_id(dbsession, owner, item.network_id)
    networks.check_changeable(network)
    if network.public:
        if network.subnet(4) is None:
            raise errors.Forbidden("Cannot connect to IPv6 only public network")
        if item.fixed_ip is MISSING:
            return _Floating(network)
        if not isinstance(item.fixed_ip, str):
            raise errors.Invalid("Malformed request", "'fixed_ip' must be a floating IP address")
        address = allocation.parse_ipv4(item.fixed_ip)
        return _Floating(network, floating_ips.find_own_by_address(dbsession, owner, address, network))
    if item.fixed_ip is MISSING or item.fixed_ip is None:
        return _FromPools(network)
    if network.subnet(4) is None:
        raise errors.Invalid(f"Address {item.fixed_ip} is not a valid IP for the defined network subnets")
    return _FromPools(network, allocation.parse_ipv4(item.fixed_ip))


def attach_server_ports(dbsession, server, requested, settings):
    """Give the new (flushed) ``server`` its ports; ``requested`` is
    ``None`` (the defaults) or a list of ``PortItem``/``NetworkItem``."""
    plans = [_from_setting(dbsession, s) for s in settings.forced_server_networks]
    if requested is None:
        plans += [_from_setting(dbsession, s) for s in settings.default_server_networks]
    else:
        plans += [_from_request(dbsession, server.user_uuid, item) for item in requested]
    if len(plans) > settings.max_ports_per_server:
        raise errors.Invalid(ports.MAX_PORTS)
    named = [plan.port.id for plan in plans if isinstance(plan, _Existing)]
    if len(named) != len(set(named)):
        raise errors.Conflict("The same port is requested more than once.")
    allocation.lock_networks(dbsession, [plan.network.id for plan in plans])
    made = [plan.make(dbsession, server.user_uuid) for plan in plans]
    for port in made:
        ports.attach(dbsession, port, server, settings)
    return made
