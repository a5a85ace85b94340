"""Servers as the API shows them, read through SQLAlchemy Core.

Listing and showing servers are the compute API's hot paths: they read
plain rows into small views (``ServerView``, ``PortView``...) carrying
exactly what ``views/compute/render.py`` shows, in four statements whatever
the number of servers (the servers, then their metadata, ports with their
addresses, and diagnostics, each joined to the servers under the same
condition), built once with bound parameters. Writes
load ORM rows instead (``servers.load_server``): they lock and change them.
"""
import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import DateTime, bindparam, select, type_coerce

from synnefo_pyr.compute.models import Diagnostic, Server, ServerMetadata
from synnefo_pyr.network.models import NIC, IPAddress, Network
from synnefo_pyr.orm import UTCDateTime
from synnefo_pyr.prepared_reads import PreparedRead

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
    servers: object
    metadata: object
    ports: object
    diagnostics: object


@functools.lru_cache(maxsize=8)
def _statements(by, since):
    """The four statements reading servers by ``id`` or by ``user`` (live
    ones, or with ``since`` those changed since, deleted ones included):
    the servers, then what belongs to them, each joined to the servers
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
    return _Statements(PreparedRead(servers), PreparedRead(metadata), PreparedRead(ports),
                       PreparedRead(diagnostics))


def _read(connection, statements, params, complete=True):
    """The servers, and with ``complete`` their metadata, ports (with their
    addresses) and diagnostics: four statements whatever their number. A
    row of a server the first statement did not see (created meanwhile,
    where the database gives each statement its own snapshot) is left out."""
    found = [ServerView(*row) for row in statements.servers.rows(connection, params)]
    if not found or not complete:
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
    found = _read(dbsession.connection(), _statements("id", False), {"id": server_id})
    return found[0] if found else None


def server_views(dbsession, user_uuid, changes_since=None, detail=True):
    """The user's servers by id; with ``changes_since``, those updated
    since then, deleted ones included (F3), else only live ones. Without
    ``detail``, the servers alone (a listing shows their ids and names)."""
    return _read(dbsession.connection(), _statements("user", changes_since is not None),
                 {"user": user_uuid, "since": changes_since}, complete=detail)
