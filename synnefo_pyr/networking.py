"""Networks and NICs: the special public network, NIC creation (MAC, IPv4,
IPv6) and the NIC life cycle the backend drives.

Servers (CORE) call ``attach_public_nic`` when creating a server and render
``server_attachments`` / ``server_addresses``; the backend driver calls the
``on_*`` hooks as jobs complete. The networks API (views/networks.py) and,
later, the Neutron-style network service are views of the same rows.

Address allocation is safe under concurrent requests:

* the MAC counter is advanced with one ``UPDATE ... RETURNING``, which
  row-locks it on PostgreSQL and takes SQLite's single write lock, so every
  MAC is handed out once, and on SQLite everything the allocating
  transaction reads afterwards is already serialized;
* the network row is then locked (``SELECT ... FOR UPDATE``) before the
  used addresses are read, so two transactions never pick the same free
  address; the unique constraint (network_id, ipv4) stays the last line of
  defence.
"""
import ipaddress
import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from . import faults, quotas
from .models.compute import NIC, MacCounter, Network
from .models.meta import utcnow

SETTINGS_PREFIX = "synnefo_pyr.network."
DEFAULT_MAC_PREFIX = "aa:00:00"
#: Where the network settings ride along on every database session.
SESSION_INFO_KEY = "synnefo_pyr.networking"
#: The API id of the public network (compute guide, Networks).
PUBLIC_ID = "public"
PRIVATE_NETWORK_RESOURCE = "cyclades.network.private"
#: The largest id a network or server row can have (a 32-bit INTEGER key on
#: PostgreSQL): a larger id in a URL or a body names nothing (404), and must
#: not reach the database, which would fail the request with a 500.
MAX_DB_ID = 2 ** 31 - 1
FIREWALL_PROFILES = ("ENABLED", "DISABLED", "PROTECTED")
_NIC_ID = re.compile(r"^nic-(\d+)-(\d+)$")
_MAC_PREFIX = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){0,4}$")


# --- settings ------------------------------------------------------------


@dataclass(frozen=True)
class NetworkSettings:
    #: The first bytes of every MAC address handed out; the counter fills
    #: the remaining ones.
    mac_prefix: str = DEFAULT_MAC_PREFIX

    @property
    def mac_suffix_bytes(self):
        return 6 - len(self.mac_prefix.split(":"))


def parse_settings(settings):
    prefix = (settings.get(SETTINGS_PREFIX + "mac_prefix") or DEFAULT_MAC_PREFIX).strip().lower()
    if not _MAC_PREFIX.match(prefix):
        raise ValueError(
            f"{SETTINGS_PREFIX}mac_prefix must be 1 to 5 hex bytes such as 'aa:00:00', not {prefix!r}"
        )
    return NetworkSettings(mac_prefix=prefix)


def includeme(config):
    registry = config.registry
    settings = parse_settings(config.get_settings())
    registry.networking = settings
    # NICs are made in requests, in the worker and in scripts alike: hand
    # the settings to every session, whatever made it.
    factory = registry.dbsession_factory
    factory.configure(info=dict(factory.kw.get("info") or {}, **{SESSION_INFO_KEY: settings}))


def network_settings(dbsession):
    return dbsession.info.get(SESSION_INFO_KEY) or NetworkSettings()


# --- networks ----------------------------------------------------------


def public_network(dbsession):
    """The public network every server is attached to, or ``None``."""
    return dbsession.scalars(
        select(Network).where(Network.public.is_(True), Network.deleted.is_(False))
        .order_by(Network.id).limit(1)
    ).first()


def network_api_id(network):
    return PUBLIC_ID if network.public else str(network.id)


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
    """Mark ``network`` deleted and give back its quota; 421 while any NIC
    (connected or being connected) is still on it."""
    if network_in_use(dbsession, network):
        raise faults.NetworkInUse("Network in use", "Disconnect its servers first")
    network.deleted = True
    network.status = "DELETED"
    if not network.public:
        quotas.charge(dbsession, network.user_uuid, {PRIVATE_NETWORK_RESOURCE: -1},
                      name=f"Delete network {network.id}", force=True)
    dbsession.flush()


def _touch(network):
    # The network's attachments changed: changes-since must report it.
    network.updated_at = utcnow()


# --- NIC creation --------------------------------------------------------


def attach_public_nic(dbsession, server):
    """Give a new server its NIC on the public network (state BUILD)."""
    network = public_network(dbsession)
    if network is None:
        raise faults.ServiceUnavailable(
            "No public network available", "An operator must create the public network first"
        )
    return create_nic(dbsession, server, network)


def create_nic(dbsession, server, network):
    """A new NIC of ``server`` on ``network``, in state BUILD, with a unique
    MAC, a free IPv4 address of the network's CIDR and, when the network
    has an IPv6 CIDR, the EUI-64 address of the MAC."""
    mac = _allocate_mac(dbsession)
    ipv4 = _allocate_ipv4(dbsession, network)
    nic = NIC(
        network=network,
        index=_next_index(dbsession, server),
        mac=mac,
        ipv4=ipv4,
        ipv6=eui64_address(network.cidr6, mac) if network.cidr6 else None,
        state="BUILD",
    )
    server.nics.append(nic)
    dbsession.flush()
    return nic


def _next_index(dbsession, server):
    if server.id is None:
        indexes = [nic.index for nic in server.nics]
    else:
        # Read after the MAC lock: a concurrent NIC of this server is visible.
        indexes = [dbsession.scalar(select(func.max(NIC.index)).where(NIC.server_id == server.id))]
        indexes += [nic.index for nic in server.nics if nic.id is None]
    indexes = [i for i in indexes if i is not None]
    return max(indexes) + 1 if indexes else 0


def _allocate_mac(dbsession):
    settings = network_settings(dbsession)
    prefix = settings.mac_prefix
    insert = (postgresql.insert if dbsession.get_bind().dialect.name == "postgresql" else sqlite.insert)
    dbsession.execute(
        insert(MacCounter).values(prefix=prefix, next_value=0).on_conflict_do_nothing()
    )
    while True:
        # One atomic statement: the increment itself is the lock.
        value = dbsession.execute(
            update(MacCounter).where(MacCounter.prefix == prefix)
            .values(next_value=MacCounter.next_value + 1)
            .returning(MacCounter.next_value)
            .execution_options(synchronize_session=False)
        ).scalar_one() - 1
        if value >= 256 ** settings.mac_suffix_bytes:
            raise faults.ServiceUnavailable("No free MAC addresses", f"Prefix {prefix} is exhausted")
        suffix = value.to_bytes(settings.mac_suffix_bytes, "big")
        mac = ":".join([prefix] + [f"{byte:02x}" for byte in suffix])
        # A NIC made under an earlier, overlapping prefix ("aa:00" after
        # "aa:00:00") may hold it already: skip it rather than fail on the
        # unique constraint.
        if dbsession.scalar(select(NIC.id).where(NIC.mac == mac).limit(1)) is None:
            return mac


def _allocate_ipv4(dbsession, network):
    if not network.cidr:
        return None
    # Whoever holds this lock is the only one choosing an address here.
    dbsession.execute(select(Network.id).where(Network.id == network.id).with_for_update())
    used = set(dbsession.scalars(
        select(NIC.ipv4).where(NIC.network_id == network.id, NIC.ipv4.is_not(None))
    ))
    address = first_free_address(network.cidr, network.gateway, used)
    if address is None:
        raise faults.ServiceUnavailable(
            "No more IP addresses available", f"Network {network_api_id(network)} is full"
        )
    return address


def first_free_address(cidr, gateway, used):
    """The lowest host address of ``cidr`` that is neither the gateway nor
    in ``used`` (network and broadcast addresses are never hosts)."""
    taken = set(used)
    if gateway:
        taken.add(gateway)
    for host in ipaddress.ip_network(cidr).hosts():
        text = str(host)
        if text not in taken:
            return text
    return None


def eui64_address(cidr6, mac):
    """The modified EUI-64 address of ``mac`` in the /64 (or larger)
    ``cidr6``: the universal/local bit flipped, ``ff:fe`` in the middle."""
    octets = bytes(int(part, 16) for part in mac.split(":"))
    interface = bytes([octets[0] ^ 0x02]) + octets[1:3] + b"\xff\xfe" + octets[3:]
    network = ipaddress.IPv6Network(cidr6)
    return str(network.network_address + int.from_bytes(interface, "big"))


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
        raise faults.BadRequest(f"Unsupported firewall profile: {profile}")
    if nic_id is None:
        nic = next((n for n in server.nics if n.network.public), None)
        if nic is None:
            raise faults.ItemNotFound("Server has no public NIC")
    else:
        nic = find_server_nic(server, nic_id)
        if nic is None:
            raise faults.ItemNotFound(f"NIC {nic_id} not found on this server")
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


# --- rendering (no SQL: server.nics and nic.network are already loaded) ---


def _active_nics(server):
    return [nic for nic in server.nics if nic.state == "ACTIVE"]


def nic_dict(nic):
    data = {
        "id": nic.api_id,
        "network_id": network_api_id(nic.network),
        "mac_address": nic.mac,
        "ipv4": nic.ipv4,
        "ipv6": nic.ipv6,
        "OS-EXT-IPS:type": "fixed",
    }
    if nic.firewall_profile:
        data["firewallProfile"] = nic.firewall_profile
    return data


def server_attachments(server):
    """The ``attachments`` of a server (compute guide NIC attributes, F10)."""
    return [nic_dict(nic) for nic in _active_nics(server)]


def nic_addresses(nic):
    addresses = []
    if nic.ipv4:
        addresses.append({"version": 4, "addr": nic.ipv4, "OS-EXT-IPS:type": "fixed"})
    if nic.ipv6:
        addresses.append({"version": 6, "addr": nic.ipv6, "OS-EXT-IPS:type": "fixed"})
    return addresses


def server_addresses(server):
    """The ``addresses`` of a server: network id -> its addresses (F10)."""
    result = {}
    for nic in _active_nics(server):
        result.setdefault(network_api_id(nic.network), []).extend(nic_addresses(nic))
    return result
