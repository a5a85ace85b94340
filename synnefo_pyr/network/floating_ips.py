"""Floating IPs: public addresses a user allocates from a floating-IP pool
network, keeps across servers and releases.

A floating IP is an ``IPAddress`` row with ``floating`` set; its row id is
the floating IP's id. It is attached by making a port that holds it
(``ports.create_port`` with the address in ``fixed_ips``, or a server
created on its network) and detached when that port goes; it counts
against ``cyclades.floating_ip`` from allocation to release.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from synnefo_pyr import errors
from synnefo_pyr.network import allocation
from synnefo_pyr.network import services as networks
from synnefo_pyr.network.models import IPAddress, Network
from synnefo_pyr.quotas import engine as quotas

FLOATING_IP_RESOURCE = "cyclades.floating_ip"
NONE_AVAILABLE = "Cannot allocate a floating IP address."


def _floating():
    return select(IPAddress).where(IPAddress.floating.is_(True))


def list_floating_ips(dbsession, user_uuid, changes_since=None):
    """The user's floating IPs, by id (L30): released ones no longer
    exist, so polling shows only live ones updated since then."""
    query = (_floating().where(IPAddress.user_uuid == user_uuid).order_by(IPAddress.id)
             .options(selectinload(IPAddress.nic)))
    if changes_since is not None:
        query = query.where(IPAddress.updated_at >= changes_since)
    return list(dbsession.scalars(query))


def find_floating_ip(dbsession, number):
    """The floating IP ``number``, whoever owns it, or ``None``."""
    if number is None:
        return None
    return dbsession.scalars(_floating().where(IPAddress.id == number)).first()


def find_own_by_address(dbsession, user_uuid, address, network=None):
    """The user's floating IP with ``address`` (the one on ``network``
    first, if several networks have that address); 404 otherwise."""
    found = list(dbsession.scalars(
        _floating().where(IPAddress.user_uuid == user_uuid, IPAddress.address == address)
        .order_by(IPAddress.id)
    ))
    if not found:
        raise errors.NotFound("Floating IP does not exist.")
    if network is not None:
        found.sort(key=lambda fip: fip.network_id != network.id)
    return found[0]


def free_floating_ip(dbsession, user_uuid, network):
    """The user's unused floating IP of ``network`` with the lowest id, or
    ``None`` (read under the network's lock, so two servers never pick
    the same one)."""
    return dbsession.scalars(
        _floating().where(IPAddress.user_uuid == user_uuid, IPAddress.network_id == network.id,
                          IPAddress.nic_id.is_(None))
        .order_by(IPAddress.id).limit(1)
    ).first()


def _pools(dbsession):
    """Live, undrained public floating-IP pools, in creation order."""
    return list(dbsession.scalars(
        select(Network).where(Network.public.is_(True), Network.floating_ip_pool.is_(True),
                              Network.deleted.is_(False), Network.drained.is_(False))
        .order_by(Network.id)
    ))


def _charge(dbsession, user_uuid, quantity, name):
    quotas.charge(dbsession, user_uuid, {FLOATING_IP_RESOURCE: quantity}, name=name, force=quantity < 0)


def _new(dbsession, user_uuid, network, chosen):
    subnet, address = chosen
    row = IPAddress(network_id=network.id, subnet_id=subnet.id, user_uuid=user_uuid, address=address,
                    ip_version=4, floating=True)
    dbsession.add(row)
    dbsession.flush()
    return row


def allocate(dbsession, user_uuid, network_id=None, address=None):
    """``POST /floatingips`` (L32). Without a network, the lowest free
    address of any pool; with one, its lowest free address or the one
    asked for. Read-only checks first, then the quota (holdings are
    locked before networks), then the address under the network's lock."""
    if network_id is None:
        pools = _pools(dbsession)
        if not pools:
            raise errors.Conflict(NONE_AVAILABLE)
        _charge(dbsession, user_uuid, 1, "Allocate a floating IP")
        for network in pools:
            try:
                chosen = allocation.allocate_ipv4(dbsession, network)
            except errors.Conflict:
                continue
            if chosen is not None:
                return _new(dbsession, user_uuid, network, chosen)
        raise errors.Conflict(NONE_AVAILABLE)
    network = networks.find_visible(
        dbsession, user_uuid, networks.parse_id(network_id, "Invalid network ID."), network_id)
    networks.check_changeable(network)
    if not network.floating_ip_pool:
        raise errors.Conflict(f"Cannot allocate floating IP. Network {network.id} is not a floating IP pool.")
    if network.drained:
        raise errors.Conflict(f"Cannot allocate floating IP. Network {network.id} is drained.")
    if address is not None:
        address = allocation.parse_ipv4(address)
        allocation.in_pools(network, address)
    _charge(dbsession, user_uuid, 1, f"Allocate a floating IP of network {network.id}")
    if address is not None:
        chosen = allocation.reserve_ipv4(dbsession, network, address)
    else:
        chosen = allocation.allocate_ipv4(dbsession, network)
        if chosen is None:
            raise allocation.full_network(network)
    return _new(dbsession, user_uuid, network, chosen)


def release(dbsession, floating_ip):
    """``DELETE /floatingips/<id>`` (L33): refused while a port uses it;
    otherwise the address goes back to its pool and the quota drops."""
    _charge(dbsession, floating_ip.user_uuid, -1, f"Release floating IP {floating_ip.id}")
    allocation.lock_networks(dbsession, [floating_ip.network_id])
    # Read again under the lock: a port may have taken it meanwhile.
    current = dbsession.scalars(
        _floating().where(IPAddress.id == floating_ip.id).execution_options(populate_existing=True)
    ).first()
    if current is None:
        raise errors.NotFound(f"Floating IP with ID {floating_ip.id} does not exist.")
    if current.nic_id is not None:
        port = current.nic
        if port.server_id is not None:
            raise errors.Conflict(f"Floating IP '{current.id}' is used by server '{port.server_id}'")
        raise errors.Conflict(f"Floating IP '{current.id}' is used by port '{port.id}'")
    dbsession.delete(current)
    dbsession.flush()
