"""Servers as the API shows them, read through SQLAlchemy Core.

Listing and showing servers are the compute API's hot paths: they read
plain rows into small views (``ServerView``, ``PortView``...) carrying
exactly what ``views/compute/render.py`` shows, in five statements whatever
the number of servers (the servers, then their metadata, ports, addresses
and diagnostics by ``IN``), each built once with bound parameters. Writes
load ORM rows instead (``servers.load_server``): they lock and change them.
"""
import functools
from dataclasses import dataclass, field

from sqlalchemy import DateTime, bindparam, select, type_coerce

from synnefo_pyr.compute.models import Diagnostic, Server, ServerMetadata
from synnefo_pyr.network.models import NIC, IPAddress, Network
from synnefo_pyr.orm import UTCDateTime

_SERVERS, _METADATA, _DIAGNOSTICS = Server.__table__, ServerMetadata.__table__, Diagnostic.__table__
_NICS, _ADDRESSES, _NETWORKS = NIC.__table__, IPAddress.__table__, Network.__table__

_SERVER_FIELDS = ("id", "name", "user_uuid", "flavor_id", "image_id", "operstate", "task",
                  "build_progress", "suspended", "deleted", "created_at", "updated_at")


def _naive(column):
    """A timestamp column read as the naive UTC value stored, without the
    aware ``UTCDateTime`` conversion (the render formats it as UTC): the
    listings read thousands of them."""
    return type_coerce(column, DateTime()).label(column.name)


@dataclass(frozen=True)
class NetworkRef:
    id: int
    public: bool


@dataclass(frozen=True)
class AddressView:
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
        return next((a for a in self.addresses if a.ip_version == version), None)

    @property
    def ipv4(self):
        row = self.address(4)
        return row.address if row is not None else None


@dataclass(frozen=True)
class DiagnosticView:
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


@functools.lru_cache(maxsize=8)
def _servers(by, since):
    """The servers statement: by ``id`` or by ``user`` (live ones, or with
    ``since`` those changed since, deleted ones included)."""
    query = select(*(_naive(_SERVERS.c[name]) if name.endswith("_at") else _SERVERS.c[name]
                     for name in _SERVER_FIELDS))
    if by == "id":
        return query.where(_SERVERS.c.id == bindparam("id"))
    query = query.where(_SERVERS.c.user_uuid == bindparam("user"))
    if since:
        query = query.where(_SERVERS.c.updated_at >= bindparam("since", type_=UTCDateTime()))
    else:
        query = query.where(_SERVERS.c.deleted.is_(False))
    return query.order_by(_SERVERS.c.id)


_IDS = bindparam("ids", expanding=True)
_METADATA_OF = (
    select(_METADATA.c.server_id, _METADATA.c.key, _METADATA.c.value)
    .where(_METADATA.c.server_id.in_(_IDS)).order_by(_METADATA.c.key)
)
_PORTS_OF = (
    select(_NICS.c.id, _NICS.c.server_id, _NICS.c.index, _NICS.c.mac, _NICS.c.firewall_profile,
           _NICS.c.state, _NETWORKS.c.id, _NETWORKS.c.public)
    .join(_NETWORKS, _NETWORKS.c.id == _NICS.c.network_id)
    .where(_NICS.c.server_id.in_(_IDS)).order_by(_NICS.c.server_id, _NICS.c.index)
)
_ADDRESSES_OF = (
    select(_ADDRESSES.c.nic_id, _ADDRESSES.c.ip_version, _ADDRESSES.c.address, _ADDRESSES.c.floating)
    .where(_ADDRESSES.c.nic_id.in_(bindparam("nics", expanding=True)))
    .order_by(_ADDRESSES.c.ip_version, _ADDRESSES.c.id)
)
_DIAGNOSTICS_OF = (
    select(_DIAGNOSTICS.c.server_id, _DIAGNOSTICS.c.level, _DIAGNOSTICS.c.source,
           _DIAGNOSTICS.c.message, _DIAGNOSTICS.c.details, _naive(_DIAGNOSTICS.c.source_date),
           _naive(_DIAGNOSTICS.c.created_at))
    .where(_DIAGNOSTICS.c.server_id.in_(_IDS)).order_by(_DIAGNOSTICS.c.id.desc())
)


def _complete(connection, found):
    """Fill in the metadata, ports (with their addresses) and diagnostics
    of the ``found`` servers, four statements in all."""
    if not found:
        return found
    by_id = {server.id: server for server in found}
    ids = {"ids": list(by_id)}
    for server_id, key, value in connection.execute(_METADATA_OF, ids):
        by_id[server_id].metadata[key] = value
    ports = {}
    for nic_id, server_id, index, mac, profile, state, network_id, public in connection.execute(_PORTS_OF, ids):
        port = PortView(nic_id, server_id, index, mac, profile, state, NetworkRef(network_id, public))
        ports[nic_id] = port
        by_id[server_id].nics.append(port)
    if ports:
        for nic_id, version, address, floating in connection.execute(_ADDRESSES_OF, {"nics": list(ports)}):
            ports[nic_id].addresses.append(AddressView(version, address, floating))
    for server_id, *values in connection.execute(_DIAGNOSTICS_OF, ids):
        by_id[server_id].diagnostics.append(DiagnosticView(*values))
    return found


def server_view(dbsession, server_id):
    """One server, whoever owns it, deleted or not; ``None`` for no id or
    no such server."""
    if server_id is None:
        return None
    connection = dbsession.connection()
    row = connection.execute(_servers("id", False), {"id": server_id}).first()
    return _complete(connection, [ServerView(*row)])[0] if row is not None else None


def server_views(dbsession, user_uuid, changes_since=None):
    """The user's servers by id; with ``changes_since``, those updated
    since then, deleted ones included (F3), else only live ones."""
    connection = dbsession.connection()
    rows = connection.execute(_servers("user", changes_since is not None),
                              {"user": user_uuid, "since": changes_since})
    return _complete(connection, [ServerView(*row) for row in rows])
