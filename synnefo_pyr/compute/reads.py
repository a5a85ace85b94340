"""Servers as the API shows them, read through SQLAlchemy Core.

Listing and showing servers are the compute API's hot paths: they read
plain rows into small views (``ServerView``, ``PortView``...) carrying
exactly what ``views/compute/render.py`` shows, in a constant number of
statements whatever the number of servers: four (the servers, then their
metadata, ports with their addresses, and diagnostics), or for one server
on PostgreSQL one (all of them united: one round trip),
each part joined to the servers under the same condition, built once with
bound parameters and run as prepared reads (``prepared_reads``). Writes
load ORM rows instead (``servers.load_server``): they lock and change them.
"""
import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import (Boolean, DateTime, Integer, Text, bindparam, cast, literal, null, select, type_coerce,
                        union_all)

from synnefo_pyr.compute.models import Diagnostic, Server, ServerMetadata
from synnefo_pyr.network.models import NIC, IPAddress, Network
from synnefo_pyr.orm import UTCDateTime
from synnefo_pyr.prepared_reads import PreparedRead, statements_are_round_trips

_SERVERS, _METADATA, _DIAGNOSTICS = Server.__table__, ServerMetadata.__table__, Diagnostic.__table__
_NICS, _ADDRESSES, _NETWORKS = NIC.__table__, IPAddress.__table__, Network.__table__

_SERVER_FIELDS = ("id", "name", "user_uuid", "flavor_id", "image_id", "operstate", "task",
                  "build_progress", "suspended", "deleted", "created_at", "updated_at")


def _naive(column):
    """A timestamp column read as the naive UTC value stored, without the
    aware ``UTCDateTime`` conversion (the render formats it as UTC): the
    listings read thousands of them."""
    return type_coerce(column, DateTime()).label(column.name)


class NetworkRef(NamedTuple):
    id: int
    public: bool


class AddressView(NamedTuple):
    ip_version: int
    address: str
    floating: bool


@dataclass
class PortView:
    id: int
    server_id: int
    index: int | None
    mac: str | None
    firewall_profile: str | None
    state: str
    network: NetworkRef
    addresses: list = field(default_factory=list)

    @property
    def api_id(self):
        if self.server_id is None or self.index is None:
            return None
        return f"nic-{self.server_id}-{self.index}"

    def address(self, version):
        for row in self.addresses:
            if row.ip_version == version:
                return row
        return None

    @property
    def ipv4(self):
        row = self.address(4)
        return row.address if row is not None else None


class DiagnosticView(NamedTuple):
    level: str
    source: str
    message: str
    details: str | None
    source_date: object
    created_at: object


@dataclass
class ServerView:
    id: int
    name: str
    user_uuid: str
    flavor_id: int
    image_id: str
    operstate: str
    task: str | None
    build_progress: int
    suspended: bool
    deleted: bool
    created_at: object
    updated_at: object
    metadata: dict = field(default_factory=dict)
    nics: list = field(default_factory=list)
    diagnostics: list = field(default_factory=list)


class _Statements(NamedTuple):
    #: The servers (alone: a listing without details), then what belongs
    #: to them, a statement for each.
    servers: object
    metadata: object
    ports: object
    diagnostics: object
    #: The servers and all that belongs to them, in one statement (one
    #: server on PostgreSQL).
    everything: object


#: The columns of the one statement, by the SQL type each carries: every
#: kind of row puts its values in the slots of their type and leaves the
#: others NULL (cast to that type: PostgreSQL unites columns by type).
_SLOTS = (("kind", Integer), ("server_id", Integer),
          ("i1", Integer), ("i2", Integer), ("i3", Integer), ("i4", Integer),
          ("t1", Text), ("t2", Text), ("t3", Text), ("t4", Text), ("t5", Text),
          ("b1", Boolean), ("b2", Boolean), ("d1", DateTime), ("d2", DateTime),
          # The order: by kind (servers first), then each kind's own.
          ("o1", Integer), ("o2", Text), ("o3", Integer), ("o4", Integer), ("o5", Integer),
          ("o6", Integer))
SERVER, METADATA, PORT, DIAGNOSTIC = range(4)


def _row_of(kind, server_id, **values):
    """A select list in ``_SLOTS`` order: ``values`` by slot name, NULL elsewhere."""
    columns = [literal(kind, Integer).label("kind"), server_id.label("server_id")]
    for name, type_ in _SLOTS[2:]:
        value = values.get(name)
        if value is None:
            value = cast(null(), type_)
        elif type_ is DateTime:
            # Read as the naive UTC stored (see ``_naive``).
            value = type_coerce(value, DateTime())
        columns.append(value.label(name))
    return columns


@functools.lru_cache(maxsize=8)
def _statements(by, since):
    """The statements reading servers by ``id`` or by ``user`` (live
    ones, or with ``since`` those changed since, deleted ones included):
    the servers, their metadata, their ports with addresses and their
    diagnostics, a statement each, and the same united in one statement
    (``_read`` says which a read uses); every part joined to the servers
    under the same condition (no list of ids to send, nor to expand)."""
    if by == "id":
        where = (_SERVERS.c.id == bindparam("id"),)
    elif since:
        where = (_SERVERS.c.user_uuid == bindparam("user"),
                 _SERVERS.c.updated_at >= bindparam("since", type_=UTCDateTime()))
    else:
        where = (_SERVERS.c.user_uuid == bindparam("user"), _SERVERS.c.deleted.is_(False))
    servers = (
        select(*(_naive(_SERVERS.c[name]) if name.endswith("_at") else _SERVERS.c[name]
                 for name in _SERVER_FIELDS))
        .where(*where).order_by(_SERVERS.c.id)
    )
    metadata = (
        select(_METADATA.c.server_id, _METADATA.c.key, _METADATA.c.value)
        .join(_SERVERS, _SERVERS.c.id == _METADATA.c.server_id)
        .where(*where).order_by(_METADATA.c.key)
    )
    # Ports with their addresses, one row per address (a port without any
    # comes once, with NULLs): ports by server and index, their addresses
    # IPv4 first, in the order they were given.
    ports = (
        select(_NICS.c.id, _NICS.c.server_id, _NICS.c.index, _NICS.c.mac, _NICS.c.firewall_profile,
               _NICS.c.state, _NETWORKS.c.id, _NETWORKS.c.public,
               _ADDRESSES.c.ip_version, _ADDRESSES.c.address, _ADDRESSES.c.floating)
        .join(_NETWORKS, _NETWORKS.c.id == _NICS.c.network_id)
        .join(_SERVERS, _SERVERS.c.id == _NICS.c.server_id)
        .outerjoin(_ADDRESSES, _ADDRESSES.c.nic_id == _NICS.c.id)
        .where(*where)
        .order_by(_NICS.c.server_id, _NICS.c.index, _NICS.c.id, _ADDRESSES.c.ip_version, _ADDRESSES.c.id)
    )
    diagnostics = (
        select(_DIAGNOSTICS.c.server_id, _DIAGNOSTICS.c.level, _DIAGNOSTICS.c.source,
               _DIAGNOSTICS.c.message, _DIAGNOSTICS.c.details, _naive(_DIAGNOSTICS.c.source_date),
               _naive(_DIAGNOSTICS.c.created_at))
        .join(_SERVERS, _SERVERS.c.id == _DIAGNOSTICS.c.server_id)
        .where(*where).order_by(_DIAGNOSTICS.c.id.desc())
    )
    s = _SERVERS.c
    server_rows = select(*_row_of(
        SERVER, s.id, i1=s.flavor_id, i2=s.build_progress, t1=s.name, t2=s.user_uuid, t3=s.image_id,
        t4=s.operstate, t5=s.task, b1=s.suspended, b2=s.deleted, d1=s.created_at, d2=s.updated_at,
        o1=s.id,
    )).where(*where)
    m = _METADATA.c
    metadata_rows = (
        select(*_row_of(METADATA, m.server_id, t1=m.key, t2=m.value, o2=m.key))
        .join(_SERVERS, s.id == m.server_id).where(*where)
    )
    # Ports with their addresses, one row per address (a port without any
    # comes once, with NULLs): ports by server and index, their addresses
    # IPv4 first, in the order they were given.
    n, a = _NICS.c, _ADDRESSES.c
    port_rows = (
        select(*_row_of(PORT, n.server_id, i1=n.id, i2=n.index, i3=_NETWORKS.c.id, i4=a.ip_version,
                        t1=n.mac, t2=n.firewall_profile, t3=n.state, t4=a.address,
                        b1=_NETWORKS.c.public, b2=a.floating,
                        o1=n.server_id, o3=n.index, o4=n.id, o5=a.ip_version, o6=a.id))
        .join(_NETWORKS, _NETWORKS.c.id == n.network_id)
        .join(_SERVERS, s.id == n.server_id)
        .outerjoin(_ADDRESSES, a.nic_id == n.id)
        .where(*where)
    )
    d = _DIAGNOSTICS.c
    diagnostic_rows = (
        select(*_row_of(DIAGNOSTIC, d.server_id, t1=d.level, t2=d.source, t3=d.message, t4=d.details,
                        d1=d.source_date, d2=d.created_at, o1=-d.id))
        .join(_SERVERS, s.id == d.server_id).where(*where)
    )
    everything = union_all(server_rows, metadata_rows, port_rows, diagnostic_rows)
    c = everything.selected_columns
    # As the four statements order their rows (a port's addresses: by
    # version, then in the order given).
    everything = everything.order_by(c.kind, c.o1, c.o2, c.o3, c.o4, c.o5, c.o6)
    return _Statements(*(PreparedRead(statement)
                         for statement in (servers, metadata, ports, diagnostics, everything)))


def _read(connection, statements, params, complete=True, together=False):
    """The servers, and with ``complete`` their metadata, ports (with their
    addresses) and diagnostics, in a constant number of statements: four
    (the first finding none, one), or with ``together``, on PostgreSQL,
    one. One server is read together where statements are round trips
    (``statements_are_round_trips``): its rows are few. Listings
    are read in four, each ordered by an index or sorting few columns (an
    empty one in one): united, a 100-server listing on PostgreSQL cost the
    same CPU a request (5.5% and 5.7% of the bare route's), which three
    round trips fewer did not pay for the wide rows' sort. SQLite, in this
    process, has no round trips to save (the one statement: a 100-server
    listing 3.7 -> 5.6 ms, one server 8% more instructions)."""
    if not complete:
        return [ServerView(*row) for row in statements.servers.rows(connection, params)]
    if together and statements_are_round_trips(connection):
        return _read_together(connection, statements, params)
    return _read_separately(connection, statements, params)


def _read_together(connection, statements, params):
    """One statement: the servers, then what belongs to them."""
    found, by_id, ports = [], {}, {}
    make_diagnostic = DiagnosticView._make
    for kind, server_id, i1, i2, i3, i4, t1, t2, t3, t4, t5, b1, b2, d1, d2, *_order in \
            statements.everything.rows(connection, params):
        if kind == SERVER:
            server = by_id[server_id] = ServerView(server_id, t1, t2, i1, t3, t4, t5, i2, b1, b2, d1, d2)
            found.append(server)
        elif kind == METADATA:
            by_id[server_id].metadata[t1] = t2
        elif kind == PORT:
            port = ports.get(i1)
            if port is None:
                port = ports[i1] = PortView(i1, server_id, i2, t1, t2, t3, NetworkRef(i3, b1))
                by_id[server_id].nics.append(port)
            if i4 is not None:
                port.addresses.append(AddressView(i4, t4, b2))
        else:
            by_id[server_id].diagnostics.append(make_diagnostic((t1, t2, t3, t4, d1, d2)))
    return found


def _read_separately(connection, statements, params):
    """Four statements: the servers, their metadata, ports (with their
    addresses) and diagnostics. A row of a server the first statement did
    not see (created meanwhile, where the database gives each statement its
    own snapshot) is left out."""
    found = [ServerView(*row) for row in statements.servers.rows(connection, params)]
    if not found:
        return found
    by_id = {server.id: server for server in found}
    for server_id, key, value in statements.metadata.rows(connection, params):
        server = by_id.get(server_id)
        if server is not None:
            server.metadata[key] = value
    ports = {}
    for nic_id, server_id, index, mac, profile, state, network_id, public, version, address, floating in \
            statements.ports.rows(connection, params):
        port = ports.get(nic_id)
        if port is None:
            server = by_id.get(server_id)
            if server is None:
                continue
            port = ports[nic_id] = PortView(nic_id, server_id, index, mac, profile, state,
                                            NetworkRef(network_id, public))
            server.nics.append(port)
        if version is not None:
            port.addresses.append(AddressView(version, address, floating))
    make = DiagnosticView._make
    for row in statements.diagnostics.rows(connection, params):
        server = by_id.get(row[0])
        if server is not None:
            server.diagnostics.append(make(row[1:]))
    return found


def server_view(dbsession, server_id):
    """One server, whoever owns it, deleted or not; ``None`` for no id or
    no such server."""
    if server_id is None:
        return None
    found = _read(dbsession.connection(), _statements("id", False), {"id": server_id}, together=True)
    return found[0] if found else None


def server_views(dbsession, user_uuid, changes_since=None, detail=True):
    """The user's servers by id; with ``changes_since``, those updated
    since then, deleted ones included (F3), else only live ones. Without
    ``detail``, the servers alone (a listing shows their ids and names)."""
    return _read(dbsession.connection(), _statements("user", changes_since is not None),
                 {"user": user_uuid, "since": changes_since}, complete=detail)
