"""Addresses for ports: MACs (and the MAC prefixes of MAC_FILTERED
networks), IPv4 from the allocation pools, IPv6 as EUI-64 of the MAC.

This module only *chooses*; the caller stores what was chosen (an
``IPAddress`` row, a port's ``mac``) in the same transaction, while it
still holds the lock taken here:

* ``lock_network`` serializes everyone choosing addresses on a network:
  ``SELECT ... FOR NO KEY UPDATE`` of its row on PostgreSQL (on SQLite,
  writers are serialized by their BEGIN IMMEDIATE, ``db.py``). The unique
  key (network, address) of the address rows stays the last line of
  defence.
* a MAC counter is advanced with one ``UPDATE ... RETURNING`` (the
  increment is the lock), so every MAC is handed out once.
* MAC prefix leases queue on one counter row (``PREFIX_POOL_LOCK``).

Lock order, everywhere (``compute/lifecycle.py``): the server, then quota
holdings, then networks (in ascending id), then MAC counters, jobs last.
"""
import ipaddress
from dataclasses import dataclass

from sqlalchemy import select, update

from synnefo_pyr import errors
from synnefo_pyr.db import insert_ignoring_duplicates, lock_row
from synnefo_pyr.network.models import NIC, IPAddress, MacCounter, Network

NO_FREE_ADDRESS = "No more IP addresses available"
#: The counter row whose lock serializes MAC prefix leases.
PREFIX_POOL_LOCK = "prefix-pool"


# --- locks ---------------------------------------------------------------


def lock_networks(dbsession, network_ids):
    """Lock the rows of ``network_ids``, in ascending id order. (On SQLite
    a writing transaction holds the database's one write lock from its
    BEGIN IMMEDIATE on: there is nothing more to lock.)"""
    ids = sorted(set(network_ids))
    if not ids:
        return
    # FOR NO KEY UPDATE: allocators queue on the row, while rows that
    # merely refer to the network (a new port's foreign key takes KEY
    # SHARE) are not blocked, and cannot deadlock with them.
    dbsession.execute(
        select(Network.id).where(Network.id.in_(ids)).order_by(Network.id)
        .with_for_update(key_share=True)
    )


def lock_network(dbsession, network):
    """Lock ``network`` and read it (and its subnets) again as the lock
    found it: a concurrent delete or drain is seen (``db.lock_row``)."""
    lock_row(network, "subnets", dbsession=dbsession)


# --- MACs ------------------------------------------------------------------


def allocate_mac(dbsession, prefix):
    """A MAC address never handed out before: ``prefix`` (1 to 5 bytes)
    followed by the prefix's counter."""
    suffix_bytes = 6 - len(prefix.split(":"))
    insert_ignoring_duplicates(dbsession, MacCounter.__table__, [{"prefix": prefix, "next_value": 0}])
    while True:
        # One atomic statement: the increment itself is the lock.
        value = dbsession.execute(
            update(MacCounter).where(MacCounter.prefix == prefix)
            .values(next_value=MacCounter.next_value + 1)
            .returning(MacCounter.next_value)
            .execution_options(synchronize_session=False)
        ).scalar_one() - 1
        if value >= 256 ** suffix_bytes:
            raise errors.Unavailable("No free MAC addresses", f"Prefix {prefix} is exhausted")
        suffix = value.to_bytes(suffix_bytes, "big")
        mac = ":".join([prefix] + [f"{byte:02x}" for byte in suffix])
        # A port made under an earlier, overlapping prefix ("aa:00" after
        # "aa:00:00") may hold it already: skip it rather than fail on the
        # unique constraint.
        if dbsession.scalar(select(NIC.id).where(NIC.mac == mac).limit(1)) is None:
            return mac


def _octets(prefix):
    return [int(part, 16) for part in prefix.split(":")]


def _overlap(a, b):
    """Whether two MAC prefixes can produce the same address."""
    a, b = _octets(a), _octets(b)
    n = min(len(a), len(b))
    return a[:n] == b[:n]


@dataclass(frozen=True)
class MacPrefixPool:
    """The 3-byte MAC prefixes MAC_FILTERED networks lease, ``first`` to
    ``last`` (``"aa:01:00-aa:ff:ff"``), without the prefixes whose first
    octet is not locally administered unicast and those overlapping the
    deployment's own prefix ``reserved``."""

    first: int
    last: int
    reserved: str

    @classmethod
    def parse(cls, text, reserved):
        """``None`` (with a message) when ``text`` is not ``START-END``."""
        try:
            start, end = (part.strip().lower() for part in text.split("-"))
            first, last = (int(p.replace(":", ""), 16) for p in (start, end))
            if len(_octets(start)) != 3 or len(_octets(end)) != 3 or first > last:
                raise ValueError
        except ValueError:
            return None
        return cls(first, last, reserved)

    def prefixes(self):
        for value in range(self.first, self.last + 1):
            octets = value.to_bytes(3, "big")
            if octets[0] & 0x03 != 0x02:  # locally administered, unicast
                continue
            prefix = ":".join(f"{o:02x}" for o in octets)
            if not _overlap(prefix, self.reserved):
                yield prefix


def lease_mac_prefix(dbsession, pool):
    """The lowest prefix of ``pool`` no live network holds (the caller
    stores it on its network); 503 when every one is taken."""
    insert_ignoring_duplicates(dbsession, MacCounter.__table__,
                               [{"prefix": PREFIX_POOL_LOCK, "next_value": 0}])
    dbsession.execute(
        update(MacCounter).where(MacCounter.prefix == PREFIX_POOL_LOCK)
        .values(next_value=MacCounter.next_value + 1)
        .execution_options(synchronize_session=False)
    )
    taken = set(dbsession.scalars(select(Network.mac_prefix).where(Network.mac_prefix.is_not(None))))
    prefix = next((p for p in pool.prefixes() if p not in taken), None)
    if prefix is None:
        raise errors.Unavailable("Failed to allocate resources for network.", "No free MAC prefix")
    return prefix


# --- IPv4 -------------------------------------------------------------------


def _used(dbsession, network):
    return {int(ipaddress.ip_address(a)) for a in dbsession.scalars(
        select(IPAddress.address).where(IPAddress.network_id == network.id, IPAddress.ip_version == 4)
    )}


def _ranges(subnet):
    return [(int(ipaddress.IPv4Address(p.first_address)), int(ipaddress.IPv4Address(p.last_address)))
            for p in subnet.pools]


def full_network(network):
    return errors.Conflict(NO_FREE_ADDRESS, f"No more IP addresses available on network {network.id}")


def allocate_ipv4(dbsession, network):
    """``(subnet, address)``: the lowest free address of the pools of the
    network's IPv4 subnet, in pool order; ``None`` without an IPv4 subnet;
    409 when none is left. Locks the network."""
    subnet = network.subnet(4)
    if subnet is None:
        return None
    lock_network(dbsession, network)
    used = _used(dbsession, network)
    for first, last in _ranges(subnet):
        for value in range(first, last + 1):
            if value not in used:
                return subnet, str(ipaddress.IPv4Address(value))
    raise full_network(network)


def in_pools(network, address):
    """``(subnet, normalized address)`` when ``address`` (a valid IPv4
    text) lies in one of the network's pools; else 400."""
    subnet = network.subnet(4)
    value = int(ipaddress.IPv4Address(address))
    if subnet is None or not any(first <= value <= last for first, last in _ranges(subnet)):
        raise errors.Invalid(f"Address {address} does not belong to network {network.id}")
    return subnet, str(ipaddress.IPv4Address(value))


def reserve_ipv4(dbsession, network, address):
    """``(subnet, address)`` for an address asked for by name: in a pool
    (else 400) and free (else 409). Locks the network."""
    subnet, address = in_pools(network, address)
    lock_network(dbsession, network)
    if int(ipaddress.IPv4Address(address)) in _used(dbsession, network):
        raise errors.Conflict(f"IP address {address} is already used.")
    return subnet, address


def parse_ipv4(value):
    """A client's IPv4 address text, normalized; 400 otherwise (IPv6 has
    a message of its own)."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        raise errors.Invalid(f"{value} is not a valid IPv4 Address")
    if address.version != 4:
        raise errors.Invalid("'ip_address' can be only an IPv4 address'")
    return str(address)


# --- IPv6 -------------------------------------------------------------------


def eui64_address(cidr6, mac):
    """The modified EUI-64 address of ``mac`` in the /64 (or larger)
    ``cidr6``: the universal/local bit flipped, ``ff:fe`` in the middle."""
    octets = bytes(int(part, 16) for part in mac.split(":"))
    interface = bytes([octets[0] ^ 0x02]) + octets[1:3] + b"\xff\xfe" + octets[3:]
    network = ipaddress.IPv6Network(cidr6)
    return str(network.network_address + int.from_bytes(interface, "big"))
