"""Networks and NICs: the special public network, who may see and join a
network, NIC creation (MAC, IPv4, IPv6), connecting and disconnecting, and
the NIC life cycle the backend drives.

Servers call ``attach_public_nic`` / ``create_nic`` when they are created;
the compute action table calls the ``on_*`` hooks as jobs complete. The
compute guide's networks API (views/compute/networks.py) and, later, the
Neutron-style network service are views of the same rows.

Addresses come from ``allocation`` (each handed out once, also under
concurrent requests).
"""
import re

from sqlalchemy import func, or_, select

from synnefo_pyr import errors
from synnefo_pyr.compute.models import Server
from synnefo_pyr.db import db_id
from synnefo_pyr.network import allocation
from synnefo_pyr.network.models import NIC, Network
from synnefo_pyr.orm import utcnow
from synnefo_pyr.quotas import engine as quotas

#: The API id of the public network (compute guide, Networks).
PUBLIC_ID = "public"
PRIVATE_NETWORK_RESOURCE = "cyclades.network.private"
FIREWALL_PROFILES = ("ENABLED", "DISABLED", "PROTECTED")
_NIC_ID = re.compile(r"^nic-([0-9]+)-([0-9]+)$")


# --- networks ----------------------------------------------------------


def public_network(dbsession):
    """The public network every server is attached to, or ``None``."""
    return dbsession.scalars(
        select(Network).where(Network.public.is_(True), Network.deleted.is_(False))
        .order_by(Network.id).limit(1)
    ).first()


def network_api_id(network):
    return PUBLIC_ID if network.public else str(network.id)


def visible_to(user_uuid):
    """The SQL condition "``user_uuid`` may see this network": its own
    networks and the public one (the one copy of that rule)."""
    return or_(Network.user_uuid == user_uuid, Network.public.is_(True))


def list_visible(dbsession, user_uuid, changes_since=None):
    """The networks ``user_uuid`` sees, by id; deleted ones only when
    polling with ``changes_since`` (A14)."""
    query = select(Network).where(visible_to(user_uuid)).order_by(Network.id)
    if changes_since is None:
        query = query.where(Network.deleted.is_(False))
    else:
        query = query.where(Network.updated_at >= changes_since)
    return list(dbsession.scalars(query))


def find_joinable(dbsession, user_uuid, network_id):
    """The live network ``network_id`` (``public`` or a number, as text)
    that a server of ``user_uuid`` may join; somebody else's private
    network is as good as missing (A12)."""
    if network_id == PUBLIC_ID:
        network = public_network(dbsession)
    else:
        number = db_id(network_id)
        network = dbsession.get(Network, number) if number is not None else None
    visible = network is not None and (network.public or network.user_uuid == user_uuid)
    if not visible or network.deleted:
        raise errors.NotFound(f"Network {network_id} not found.")
    return network


def attachments_by_network(dbsession, user_uuid, network_ids):
    """NIC ids per network id, in one statement: the user's connected NICs
    only (the public network's other NICs are other users' servers)."""
    result = {network_id: [] for network_id in network_ids}
    if not network_ids:
        return result
    rows = dbsession.execute(
        select(NIC.network_id, NIC.server_id, NIC.index)
        .join(Server, Server.id == NIC.server_id)
        .where(Server.user_uuid == user_uuid, NIC.state == "ACTIVE",
               NIC.network_id.in_(network_ids))
        .order_by(NIC.server_id, NIC.index)
    )
    for network_id, server_id, index in rows:
        result[network_id].append(f"nic-{server_id}-{index}")
    return result


def check_changeable(network):
    if network.deleted:
        raise errors.Invalid("Network has been deleted.")


def rename_network(dbsession, network, name):
    check_changeable(network)
    network.name = name
    dbsession.flush()


def network_in_use(dbsession, network):
    return dbsession.scalar(
        select(func.count()).select_from(NIC).where(NIC.network_id == network.id)
    ) > 0


def create_network(dbsession, *, name, type, subnets, owner=None, public=False, dhcp=True,
                   force_quota=False):
    """A new network: public (no owner) or ``owner``'s private one, which
    counts against their ``cyclades.network.private`` quota (413 beyond).
    ``subnets`` is a validated ``schemas.networks.Subnets``."""
    if public == (owner is not None):
        raise ValueError("a network is either public or owned")
    if not public:
        quotas.charge(dbsession, owner, {PRIVATE_NETWORK_RESOURCE: 1},
                      name=f"Create network {name!r}", force=force_quota)
    network = Network(
        user_uuid=owner, name=name, type=type, public=public, dhcp=dhcp, status="ACTIVE",
        cidr=subnets.cidr, gateway=subnets.gateway, cidr6=subnets.cidr6, gateway6=subnets.gateway6,
    )
    dbsession.add(network)
    dbsession.flush()
    return network


def delete_network(dbsession, network):
    """Mark ``network`` deleted and give back its quota; in use while any
    NIC (connected or being connected) is still on it."""
    check_changeable(network)
    if network_in_use(dbsession, network):
        raise errors.InUse("Network in use", "Disconnect its servers first")
    # Holdings before the network row (the global lock order).
    if not network.public:
        quotas.charge(dbsession, network.user_uuid, {PRIVATE_NETWORK_RESOURCE: -1},
                      name=f"Delete network {network.id}", force=True)
    network.deleted = True
    network.status = "DELETED"
    dbsession.flush()


def _touch(network):
    # The network's attachments changed: changes-since must report it.
    network.updated_at = utcnow()


# --- NIC creation --------------------------------------------------------


def attach_public_nic(dbsession, server, mac_prefix):
    """Give a new server its NIC on the public network (state BUILD)."""
    network = public_network(dbsession)
    if network is None:
        raise errors.Unavailable(
            "No public network available", "An operator must create the public network first"
        )
    return create_nic(dbsession, server, network, mac_prefix)


def create_nic(dbsession, server, network, mac_prefix):
    """A new NIC of ``server`` on ``network``, in state BUILD, with a unique
    MAC, a free IPv4 address of the network's CIDR and, when the network
    has an IPv6 CIDR, the EUI-64 address of the MAC."""
    mac = allocation.allocate_mac(dbsession, mac_prefix)
    ipv4 = allocation.allocate_ipv4(dbsession, network)
    nic = NIC(
        network=network,
        index=allocation.next_index(dbsession, server),
        mac=mac,
        ipv4=ipv4,
        ipv6=allocation.eui64_address(network.cidr6, mac) if network.cidr6 else None,
        state="BUILD",
    )
    server.nics.append(nic)
    dbsession.flush()
    return nic


# --- NIC life cycle (called by the backend driver) -----------------------


def on_nic_connected(dbsession, nic):
    nic.state = "ACTIVE"
    _touch(nic.network)
    dbsession.flush()


def on_nic_disconnected(dbsession, nic):
    """The NIC is gone: its row goes, and with it its addresses."""
    _touch(nic.network)
    server = nic.server
    if nic in server.nics:
        server.nics.remove(nic)
    dbsession.delete(nic)
    dbsession.flush()


def on_server_built(dbsession, server):
    for nic in server.nics:
        if nic.state == "BUILD":
            nic.state = "ACTIVE"
            _touch(nic.network)
    dbsession.flush()


def release_server_nics(dbsession, server):
    """A destroyed server gives back every NIC, MAC and address it held."""
    for nic in list(server.nics):
        _touch(nic.network)
        server.nics.remove(nic)
        dbsession.delete(nic)
    dbsession.flush()


# --- firewall ----------------------------------------------------------


def set_firewall_profile(dbsession, server, profile, nic_id=None):
    """Set the firewall profile of one NIC of ``server``: the one named by
    ``nic_id`` (``nic-<server>-<n>``), or its NIC on the public network."""
    if profile not in FIREWALL_PROFILES:
        raise errors.Invalid(f"Unsupported firewall profile: {profile}")
    if nic_id is None:
        nic = next((n for n in server.nics if n.network.public), None)
        if nic is None:
            raise errors.NotFound("Server has no public NIC")
    else:
        nic = find_server_nic(server, nic_id)
        if nic is None:
            raise errors.NotFound(f"NIC {nic_id} not found on this server")
    nic.firewall_profile = profile
    dbsession.flush()
    return nic


def parse_nic_id(nic_id):
    """``(server_id, index)`` of ``nic-<server>-<index>``, or ``None``."""
    match = _NIC_ID.match(nic_id) if isinstance(nic_id, str) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_server_nic(server, nic_id):
    parsed = parse_nic_id(nic_id)
    if parsed is None or parsed[0] != server.id:
        return None
    return next((n for n in server.nics if n.index == parsed[1]), None)
