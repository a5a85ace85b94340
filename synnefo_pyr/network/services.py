"""Networks: who may see them, the default public network, creating,
renaming, draining and deleting them.

Both the compute guide's ``/compute/v2.0/networks`` and the network
service (``/network/v2.0/networks``) are views of these functions. Every
network's id is its decimal row id (behaviours-network.md D1); the compute
view also takes ``public`` for the default public network (L44).

Subnets are ``subnets``'s, ports ``ports``'s, floating IPs
``floating_ips``'s.
"""
from sqlalchemy import exists, or_, select

from synnefo_pyr import errors
from synnefo_pyr.compute.models import Server
from synnefo_pyr.db import db_id
from synnefo_pyr.network import allocation
from synnefo_pyr.network.models import NIC, IPAddress, Network, Subnet
from synnefo_pyr.orm import utcnow
from synnefo_pyr.quotas import engine as quotas

#: The compute view's alias of the default public network.
PUBLIC_ID = "public"
PRIVATE_NETWORK_RESOURCE = "cyclades.network.private"
DRAINED = "SNF:DRAINED"
#: The guide's network types (the reference's "flavors").
NETWORK_TYPES = ("CUSTOM", "IP_LESS_ROUTED", "MAC_FILTERED", "PHYSICAL_VLAN")
MAX_NAME_LENGTH = 128


def network_name(value):
    """A network's name: a string of at most 128 characters."""
    if not isinstance(value, str):
        raise errors.Invalid("Malformed request", "Network name must be a string")
    if len(value) > MAX_NAME_LENGTH:
        raise errors.Invalid("Network name is too long", f"At most {MAX_NAME_LENGTH} characters")
    return value


# --- ids and visibility ---------------------------------------------------


def network_api_id(network):
    """A network's id in every body and URL (D1)."""
    return str(network.id)


def parse_id(value, message):
    """An id sent in a body: a JSON integer or a string of ASCII digits.
    Anything else is 400 ``message``; beyond the column's range it names
    nothing (``None``: 404 later)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise errors.Invalid(message)
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise errors.Invalid(message)
    if isinstance(value, int) and value < 0:
        raise errors.Invalid(message)
    return db_id(value) if isinstance(value, int) else db_id(value.lstrip("0") or "0")


def parse_network_id(value):
    return parse_id(value, f"Invalid network ID '{value}'")


def public_network(dbsession):
    """The default public network: the live public network with the
    lowest id, or ``None`` (L44)."""
    return dbsession.scalars(
        select(Network).where(Network.public.is_(True), Network.deleted.is_(False))
        .order_by(Network.id).limit(1)
    ).first()


def visible_to(user_uuid):
    """The SQL condition "``user_uuid`` may see this network": its own
    networks and the public ones (the one copy of that rule)."""
    return or_(Network.user_uuid == user_uuid, Network.public.is_(True))


def is_visible(network, user_uuid):
    return network.public or network.user_uuid == user_uuid


def list_visible(dbsession, user_uuid, changes_since=None):
    """The networks ``user_uuid`` sees, by id; deleted ones only when
    polling with ``changes_since`` (A14, L7)."""
    query = select(Network).where(visible_to(user_uuid)).order_by(Network.id)
    if changes_since is None:
        query = query.where(Network.deleted.is_(False))
    else:
        query = query.where(Network.updated_at >= changes_since)
    return list(dbsession.scalars(query))


def find_visible(dbsession, user_uuid, number, text=None):
    """The network ``number`` (deleted ones too) if ``user_uuid`` may see
    it; else 404, naming it (kamaki keys on the word "network")."""
    network = dbsession.get(Network, number) if number is not None else None
    if network is None or not is_visible(network, user_uuid):
        raise errors.NotFound(f"Network {text if text is not None else number} not found.")
    return network


def resolve_compute_id(dbsession, user_uuid, network_id):
    """A network named in the compute view: ``public`` (the default public
    network) or a number, as text or JSON integer; 400 otherwise."""
    if network_id == PUBLIC_ID:
        network = public_network(dbsession)
        if network is None:
            raise errors.NotFound(f"Network {network_id} not found.")
        return network
    return find_visible(dbsession, user_uuid, parse_network_id(network_id), network_id)


def status_of(network):
    """The network service's status (L9): drained shows whatever the state."""
    if network.deleted:
        return "DELETED"
    if network.drained:
        return DRAINED
    return network.status


def check_changeable(network):
    if network.deleted:
        raise errors.Invalid("Network has been deleted.")


def attachments_by_network(dbsession, user_uuid, network_ids):
    """Attachment ids per network id, in one statement: the ACTIVE ports
    of the user's servers only (a public network's other ports belong to
    other users)."""
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


def touch(network):
    """The network's ports changed: compute ``changes-since`` must report it."""
    network.updated_at = utcnow()


# --- creating ------------------------------------------------------------------


def create_network(dbsession, *, name, type, owner=None, public=False, floating_ip_pool=False,
                   drained=False, mac_pool=None, force_quota=False):
    """A new network: public (no owner, the operator's) or ``owner``'s
    private one, charged to their ``cyclades.network.private`` quota (413
    beyond). A MAC_FILTERED network leases a MAC prefix of ``mac_pool``
    (503 when none is free; ``None``: the deployment's default prefix)."""
    if public == (owner is not None):
        raise ValueError("a network is either public or owned")
    if floating_ip_pool and not public:
        raise errors.Invalid("Only public networks can be floating IP pools")
    if not public:
        # Quota first: the holdings are locked before anything else (allocation.py).
        quotas.charge(dbsession, owner, {PRIVATE_NETWORK_RESOURCE: 1},
                      name=f"Create network {name!r}", force=force_quota)
    prefix = None
    if type == "MAC_FILTERED" and mac_pool is not None:
        prefix = allocation.lease_mac_prefix(dbsession, mac_pool)
    network = Network(
        user_uuid=owner, name=name, type=type, public=public, floating_ip_pool=floating_ip_pool,
        external_router=public, drained=drained, mac_prefix=prefix, status="ACTIVE",
    )
    dbsession.add(network)
    dbsession.flush()
    return network


def create_private_network(dbsession, owner, type, name, settings):
    """``POST /networks`` of the network service (L13 steps 3-7)."""
    if type not in NETWORK_TYPES:
        raise errors.Invalid(f"Invalid network type '{type}'")
    if type not in settings.api_enabled_types:
        raise errors.Forbidden(f"Cannot create network of type '{type}'.")
    name = network_name("" if name is None else name)
    return create_network(dbsession, name=name, type=type, owner=owner, mac_pool=settings.mac_pool)


# --- changing ---------------------------------------------------------------


def rename_network(dbsession, network, name):
    check_changeable(network)
    network.name = network_name(name)
    network.updated_at = utcnow()
    dbsession.flush()
    return network


def modify_network(dbsession, network, name=None, drained=None, floating_ip_pool=None):
    """The operator's ``network-modify``."""
    check_changeable(network)
    if floating_ip_pool and not network.public:
        raise errors.Invalid("Only public networks can be floating IP pools")
    if name is not None:
        rename_network(dbsession, network, name)
    if drained is not None:
        network.drained = drained
    if floating_ip_pool is not None:
        network.floating_ip_pool = floating_ip_pool
    network.updated_at = utcnow()
    dbsession.flush()
    return network


def network_in_use(dbsession, network):
    """Any port on it, with or without a server, in any state."""
    return dbsession.scalar(select(exists().where(NIC.network_id == network.id)))


def has_floating_ips(dbsession, network):
    return dbsession.scalar(select(exists().where(
        IPAddress.network_id == network.id, IPAddress.floating.is_(True))))


def delete_network(dbsession, network):
    """L16 (and the compute view's delete): refused while a port or a
    floating IP is on it; otherwise deleted at once (there is no backend
    step to wait for): DELETED, its subnets deleted, its MAC prefix given
    back and its quota released."""
    check_changeable(network)
    if not network.public:
        # Holdings before networks (the lock order, compute/lifecycle.py);
        # any refusal below rolls the release back with the rest.
        quotas.charge(dbsession, network.user_uuid, {PRIVATE_NETWORK_RESOURCE: -1},
                      name=f"Delete network {network.id}", force=True)
    # Read again under the lock: a concurrent delete may have won.
    allocation.lock_network(dbsession, network)
    check_changeable(network)
    if network_in_use(dbsession, network):
        raise errors.InUse(
            f"Cannot delete network. There are ports still configured on network network {network.id}"
        )
    if has_floating_ips(dbsession, network):
        raise errors.InUse(f"Cannot delete network {network.id}: there are floating IPs allocated from it")
    now = utcnow()
    network.deleted = True
    network.status = "DELETED"
    network.mac_prefix = None
    network.updated_at = now
    for subnet in dbsession.scalars(select(Subnet).where(Subnet.network_id == network.id)):
        subnet.deleted = True
        subnet.updated_at = now
    dbsession.flush()
