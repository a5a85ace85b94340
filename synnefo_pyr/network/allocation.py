"""Addresses for NICs: MACs, IPv4 and IPv6, each handed out once.

Allocation is safe under concurrent requests:

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

from sqlalchemy import func, select, update

from synnefo_pyr import errors
from synnefo_pyr.db import insert_ignoring_duplicates
from synnefo_pyr.network.models import NIC, MacCounter, Network

NO_FREE_ADDRESS = "No more IP addresses available"


def next_index(dbsession, server):
    """The index of a server's next NIC (``nic-<server>-<index>``)."""
    if server.id is None:
        indexes = [nic.index for nic in server.nics]
    else:
        # Read after the MAC lock: a concurrent NIC of this server is visible.
        indexes = [dbsession.scalar(select(func.max(NIC.index)).where(NIC.server_id == server.id))]
        indexes += [nic.index for nic in server.nics if nic.id is None]
    indexes = [i for i in indexes if i is not None]
    return max(indexes) + 1 if indexes else 0


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
        # A NIC made under an earlier, overlapping prefix ("aa:00" after
        # "aa:00:00") may hold it already: skip it rather than fail on the
        # unique constraint.
        if dbsession.scalar(select(NIC.id).where(NIC.mac == mac).limit(1)) is None:
            return mac


def allocate_ipv4(dbsession, network):
    """The lowest free IPv4 address of ``network`` (``None`` without an
    IPv4 subnet); a full network is a conflict (409)."""
    if not network.cidr:
        return None
    # Whoever holds this lock is the only one choosing an address here.
    dbsession.execute(select(Network.id).where(Network.id == network.id).with_for_update())
    used = set(dbsession.scalars(
        select(NIC.ipv4).where(NIC.network_id == network.id, NIC.ipv4.is_not(None))
    ))
    address = first_free_address(network.cidr, network.gateway, used)
    if address is None:
        raise errors.Conflict(NO_FREE_ADDRESS, f"Network {network.id} is full")
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


