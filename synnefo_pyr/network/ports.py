"""Ports (NICs): creating them with or without a server, attaching them,
deleting them, and the life cycle the backend drives.

A port is created ``DOWN`` with its IPv4 address (or a floating IP) and
no device; attached to a server it gets an index (``nic-<server>-<n>``),
a MAC, its EUI-64 IPv6 address and state ``BUILD``, and a connect job
(or the server's build) makes it ``ACTIVE``. Deleting an attached port is
a disconnect job; the port goes when the job completes. When a port goes,
its fixed addresses are freed at once and its floating IP is detached but
stays its owner's.

The server side of connecting (the server's task, its job) is the compute
action table's (``compute/lifecycle.py``), which calls the ``on_*`` hooks
here as jobs end. (Both modules import each other, as modules: neither
uses the other while being imported.)
"""
import re

from sqlalchemy import func, select

from synnefo_pyr import errors
from synnefo_pyr.compute import lifecycle
from synnefo_pyr.compute.models import Server
from synnefo_pyr.db import INT32_MAX, db_id
from synnefo_pyr.network import allocation
from synnefo_pyr.network import floating_ips
from synnefo_pyr.network import services as networks
from synnefo_pyr.network.models import NIC, IPAddress
from synnefo_pyr.orm import utcnow

FIREWALL_PROFILES = ("ENABLED", "DISABLED", "PROTECTED")
MAX_NAME_LENGTH = 128
MAX_PORTS = "Maximum ports per server limit reached"
MALFORMED = "Malformed request"
_NIC_ID = re.compile(r"^nic-([0-9]+)-([0-9]+)$")


# --- ids, lookups, names ------------------------------------------------------


def parse_nic_id(nic_id):
    """``(server_id, index)`` of ``nic-<server>-<index>``, or ``None``."""
    match = _NIC_ID.match(nic_id) if isinstance(nic_id, str) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_port(dbsession, port_id):
    """The port named by ``port_id``, whoever owns it: its decimal id or
    its attachment alias ``nic-<server>-<index>`` (D2); ``None`` if none."""
    alias = parse_nic_id(port_id)
    if alias is not None:
        server_id, index = alias
        if db_id(server_id) is None or index > INT32_MAX:
            return None
        return dbsession.scalars(select(NIC).where(NIC.server_id == server_id, NIC.index == index)).first()
    number = db_id(port_id)
    return dbsession.get(NIC, number) if number is not None else None


def find_server_nic(server, nic_id):
    """A port of ``server`` named by its attachment id or its port id."""
    parsed = parse_nic_id(nic_id)
    if parsed is not None:
        if parsed[0] != server.id:
            return None
        return next((n for n in server.nics if n.index == parsed[1]), None)
    number = db_id(nic_id)
    return next((n for n in server.nics if n.id == number), None)


def list_ports(dbsession, user_uuid):
    """All the user's ports, any state, by id (L24)."""
    return list(dbsession.scalars(select(NIC).where(NIC.user_uuid == user_uuid).order_by(NIC.id)))


def port_name(value):
    """A port's name: absent or null is ``""``; a string of at most 128
    characters (D11)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise errors.Invalid(MALFORMED, "Port name must be a string")
    if len(value) > MAX_NAME_LENGTH:
        raise errors.Invalid("Port name is too long", f"At most {MAX_NAME_LENGTH} characters")
    return value


def check_security_groups(value):
    """This deployment has no security groups: naming any is 404 (L25
    step 6, L27); nothing is stored."""
    if value is None or value == []:
        return
    if not isinstance(value, list):
        raise errors.Invalid(MALFORMED, "'security_groups' must be a list")
    for item in value:
        networks.parse_id(item, MALFORMED)
    raise errors.NotFound("Not valid security group")


# --- addresses ---------------------------------------------------------------


def bind_address(port, subnet, address, version=4):
    """A fixed address of ``port``, from ``subnet`` (already chosen under
    the network's lock)."""
    port.addresses.append(IPAddress(
        network_id=port.network.id, subnet_id=subnet.id, user_uuid=port.user_uuid,
        address=address, ip_version=version, floating=False,
    ))


def use_floating_ip(port, floating_ip):
    port.addresses.append(floating_ip)
    floating_ip.updated_at = utcnow()


def release_addresses(dbsession, port):
    """Free the port's fixed addresses; detach (and keep) its floating IP."""
    for row in list(port.addresses):
        port.addresses.remove(row)
        if row.floating:
            row.updated_at = utcnow()
        else:
            dbsession.delete(row)


def new_port(dbsession, network, owner, name="", address=None, floating_ip=None):
    """A DOWN port of ``owner`` on ``network`` holding ``floating_ip``, the
    chosen ``(subnet, address)``, or (neither given) the lowest free
    address of the network's pools, if it has an IPv4 subnet."""
    port = NIC(network=network, user_uuid=owner, name=name, state="DOWN")
    dbsession.add(port)
    if floating_ip is not None:
        use_floating_ip(port, floating_ip)
    else:
        chosen = address if address is not None else allocation.allocate_ipv4(dbsession, network)
        if chosen is not None:
            bind_address(port, *chosen)
    dbsession.flush()
    return port


def remove_port(dbsession, port):
    """The port goes: its addresses freed or detached, its row deleted."""
    release_addresses(dbsession, port)
    networks.touch(port.network)
    if port.server is not None and port in port.server.nics:
        port.server.nics.remove(port)
    dbsession.delete(port)
    dbsession.flush()


def check_accepts_ports(network):
    """L25 step 8: only an ACTIVE, undrained network takes new ports."""
    if network.status != "ACTIVE":
        raise errors.Conflict(
            f"Cannot create port while network '{network.id}' is in '{network.status}' status"
        )
    if network.drained:
        raise errors.Conflict(
            f"Cannot create port while network {network.id} is in '{networks.DRAINED}' status"
        )


# --- attaching ----------------------------------------------------------------


def next_index(dbsession, server):
    """The index of a server's next port (``nic-<server>-<index>``)."""
    indexes = [n.index for n in server.nics if n.index is not None]
    if server.id is not None:
        # Read under the server's lock: a concurrent port of it is visible.
        indexes.append(dbsession.scalar(select(func.max(NIC.index)).where(NIC.server_id == server.id)))
    indexes = [i for i in indexes if i is not None]
    return max(indexes) + 1 if indexes else 0


def attach(dbsession, port, server, settings):
    """Make ``port`` the server's next NIC: index, ``device_owner`` vm, a
    MAC (D12), its EUI-64 IPv6 address, state BUILD. The network now
    exists on the backend (no more subnets, L19 step 9)."""
    network = port.network
    port.index = next_index(dbsession, server)
    server.nics.append(port)
    port.device_owner = "vm"
    port.state = "BUILD"
    port.mac = allocation.allocate_mac(dbsession, network.mac_prefix or settings.mac_prefix)
    subnet6 = network.subnet(6)
    if subnet6 is not None and port.address(6) is None:
        bind_address(port, subnet6, allocation.eui64_address(subnet6.cidr, port.mac), version=6)
    network.backend_presence = True
    networks.touch(network)
    dbsession.flush()


def lock_server(dbsession, server_id, user_uuid=None):
    """The server, locked (first in the lock order, ``lifecycle``) and
    read afresh; 404 for no such server or (given ``user_uuid``) another
    user's."""
    server = dbsession.get(Server, server_id) if server_id is not None else None
    if server is None or (user_uuid is not None and server.user_uuid != user_uuid):
        raise errors.NotFound("Server not found.")
    return lifecycle.lock_server(server, dbsession)


def check_pluggable(server, action, settings):
    """May a port be (un)plugged now (L25 step 13, L28 step 3): the state
    rules of the action, and without hot-plugging only when STOPPED."""
    lifecycle.check_may_start(server, action)
    if not settings.hotplug and lifecycle.api_status(server) != "STOPPED":
        raise errors.Invalid(f"Cannot perform '{action}' action on a running server: hot-plugging is off.")


def connect(dbsession, port, server, settings):
    """Attach ``port`` and queue the job that plugs it in (task CONNECT)."""
    attach(dbsession, port, server, settings)
    lifecycle.begin(dbsession, server, "connect", check=False, nic_id=port.id)


def _requested_address(fixed_ips):
    """L25 step 3: the one IPv4 address of ``fixed_ips``, or ``None``."""
    if fixed_ips is None:
        return None
    if not isinstance(fixed_ips, list):
        raise errors.Invalid(MALFORMED, "'fixed_ips' must be a list")
    if not fixed_ips:
        return None
    if len(fixed_ips) > 1:
        raise errors.Invalid("'fixed_ips' attribute must contain only one fixed IP.")
    item = fixed_ips[0]
    if not isinstance(item, dict):
        raise errors.Invalid(MALFORMED, "'fixed_ips' items must be objects")
    if "ip_address" not in item:
        return None
    return allocation.parse_ipv4(item["ip_address"])


def create_port(dbsession, user_uuid, attrs, settings):
    """``POST /ports`` (L25): ``attrs`` is the request's ``port`` object,
    with a ``network_id``. Every check in the contract's order, in one
    transaction: a refusal leaves nothing behind."""
    server = None
    if attrs.get("device_id") is not None:
        server = lock_server(dbsession, networks.parse_id(attrs["device_id"], "Invalid server ID."),
                             user_uuid)
        lifecycle.check_changeable(server)
    address = _requested_address(attrs.get("fixed_ips"))
    network = networks.find_visible(
        dbsession, user_uuid, networks.parse_network_id(attrs["network_id"]), attrs["network_id"])
    allocation.lock_network(dbsession, network)
    networks.check_changeable(network)
    floating_ip = chosen = None
    if network.public:
        if address is None:
            raise errors.Invalid("'fixed_ips' attribute must contain a floating IP address in order"
                                 " to connect to a public network.")
        floating_ip = floating_ips.find_own_by_address(dbsession, user_uuid, address, network)
    elif address is not None:
        if network.drained:
            raise errors.Conflict(f"Cannot allocate IP. Network {network.id} is drained.")
        chosen = allocation.reserve_ipv4(dbsession, network, address)
    check_security_groups(attrs.get("security_groups"))
    if server is not None and _port_count(dbsession, server) >= settings.max_ports_per_server:
        raise errors.Invalid(MAX_PORTS)
    check_accepts_ports(network)
    name = port_name(attrs.get("name"))
    if floating_ip is not None:
        if floating_ip.network_id != network.id:
            raise errors.Conflict(f"IP Address {address} does not belong to network {network.id}")
        if floating_ip.nic_id is not None:
            raise errors.Conflict(f"IP address '{address}' is already in use")
    port = new_port(dbsession, network, user_uuid, name, address=chosen, floating_ip=floating_ip)
    if server is not None:
        check_pluggable(server, "connect", settings)
        connect(dbsession, port, server, settings)
    return port


def _port_count(dbsession, server):
    return dbsession.scalar(select(func.count()).select_from(NIC).where(NIC.server_id == server.id))


def update_port(dbsession, port, name=None, security_groups=None):
    """``PUT /ports/<id>`` (L27): a non-empty name replaces the name."""
    if name is not None and name != "":
        port.name = port_name(name)
    check_security_groups(security_groups)
    port.updated_at = utcnow()
    dbsession.flush()
    return port


def connect_server(dbsession, network, server_id, user_uuid, settings):
    """The compute guide's ``add``: a new port of the user's server on
    ``network``, plugged in by the backend."""
    networks.check_changeable(network)
    server = lock_server(dbsession, server_id, user_uuid)
    lifecycle.check_may_start(server, "connect")
    if _port_count(dbsession, server) >= settings.max_ports_per_server:
        raise errors.Invalid(MAX_PORTS)
    check_accepts_ports(network)
    connect(dbsession, new_port(dbsession, network, user_uuid), server, settings)


def disconnect_server(dbsession, network, server_id, user_uuid, attachment=None):
    """The compute guide's ``remove``: the port named by ``attachment``
    (``(server, index)``), or the server's only port on ``network`` when
    the client named just the server."""
    networks.check_changeable(network)
    server = lock_server(dbsession, server_id, user_uuid)
    lifecycle.check_may_start(server, "disconnect")
    on_network = [nic for nic in server.nics if nic.network_id == network.id]
    if attachment is not None:
        on_network = [nic for nic in on_network if nic.index == attachment[1]]
    if not on_network:
        raise errors.NotFound("Attachment not found.")
    if len(on_network) > 1:
        raise errors.Invalid(
            "Server has several attachments on this network",
            "Name the one to remove with 'attachment'",
        )
    lifecycle.begin(dbsession, server, "disconnect", check=False, nic_id=on_network[0].id)


# --- deleting -----------------------------------------------------------------


def delete_port(dbsession, port, settings):
    """``DELETE /ports/<id>`` (L28): a port on a public network without a
    floating IP is the operator's (403); an attached one is disconnected
    by a job (it goes when the job completes); any other goes at once."""
    if port.server_id is not None:
        # Servers before the rows they own (the lock order).
        lock_server(dbsession, port.server_id)
    port = dbsession.scalars(
        select(NIC).where(NIC.id == port.id).with_for_update(of=NIC, key_share=True)
        .execution_options(populate_existing=True)
    ).first()
    if port is None:
        raise errors.NotFound("Port not found.")
    if port.network.public and not any(a.floating for a in port.addresses):
        raise errors.Forbidden("Cannot disconnect from public network.")
    server = port.server
    if server is not None and not server.deleted:
        check_pluggable(server, "disconnect", settings)
        lifecycle.begin(dbsession, server, "disconnect", check=False, nic_id=port.id)
        return
    remove_port(dbsession, port)


# --- life cycle (called by the compute action table) ------------------------------


def on_connected(dbsession, port):
    port.state = "ACTIVE"
    networks.touch(port.network)
    dbsession.flush()


def on_connect_failed(dbsession, port):
    """D15: the port goes (addresses freed, floating IP detached)."""
    remove_port(dbsession, port)


def on_disconnected(dbsession, port):
    remove_port(dbsession, port)


def on_server_built(dbsession, server):
    for nic in server.nics:
        if nic.state == "BUILD":
            nic.state = "ACTIVE"
            networks.touch(nic.network)
    dbsession.flush()


def on_server_build_failed(dbsession, server):
    for nic in server.nics:
        if nic.state == "BUILD":
            nic.state = "ERROR"
    dbsession.flush()


def release_server_ports(dbsession, server):
    """A destroyed server's ports go; its floating IPs stay, detached (L43)."""
    for nic in list(server.nics):
        remove_port(dbsession, nic)


# --- firewall ----------------------------------------------------------------


def set_firewall_profile(dbsession, server, profile, nic_id=None):
    """Set the firewall profile of one port of ``server``: the one named by
    ``nic_id`` (attachment or port id), or its first on a public network."""
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
