"""The node/version layer every storage service is built on (M0.12).

Locking: a change to a node first locks it (``lock``), then reads its
latest version, so that concurrent writers of one object queue up and each
sees the other's result; several nodes are locked in id order. Locks are
always taken in this order: object nodes, their containers, their accounts
(``touch``), and only then the quota holdings. On PostgreSQL ``lock`` is a
``SELECT ... FOR UPDATE``; on SQLite it is a write, which takes the
database's write lock (SQLite ignores FOR UPDATE, and a read before the
first write would see a state another writer may change).
"""
import hashlib
import time
import uuid as uuid_module
from dataclasses import dataclass

import zope.sqlalchemy
from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from synnefo_pyr.storage.hashing import EMPTY_HASH
from synnefo_pyr.storage.models import (
    API_DOMAIN, DELETED, HISTORY, NORMAL, Attribute, HashMap, MapBlock, Node, Version,
)

AUTO, NONE = "auto", "none"


def now_us():
    return int(time.time() * 1_000_000)


def new_uuid():
    return str(uuid_module.uuid4())


def _dialect(dbsession):
    return dbsession.get_bind().dialect.name


# --- nodes --------------------------------------------------------------------


def account_node(dbsession, name):
    return dbsession.scalar(select(Node).where(Node.parent_id.is_(None), Node.name == name))


def child(dbsession, parent_id, name):
    if parent_id is None:
        return None
    return dbsession.scalar(select(Node).where(Node.parent_id == parent_id, Node.name == name))


def ensure_child(dbsession, parent_id, name):
    """The node ``name`` under ``parent_id``, created if missing (also
    when a concurrent transaction creates it at the same time)."""
    insert_fn = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[_dialect(dbsession)]
    dbsession.execute(insert_fn(Node.__table__).values(
        parent_id=parent_id, name=name, modified_us=0).on_conflict_do_nothing())
    zope.sqlalchemy.mark_changed(dbsession)
    if parent_id is None:
        return account_node(dbsession, name)
    return child(dbsession, parent_id, name)


def lock(dbsession, nodes):
    """Lock ``nodes`` (in id order) and reload them."""
    ids = sorted({node.id for node in nodes})
    if not ids:
        return []
    if _dialect(dbsession) == "postgresql":
        list(dbsession.scalars(select(Node.id).where(Node.id.in_(ids)).order_by(Node.id).with_for_update()))
    else:
        dbsession.execute(update(Node).where(Node.id.in_(ids)).values(id=Node.id)
                          .execution_options(synchronize_session=False))
        zope.sqlalchemy.mark_changed(dbsession)
    found = {n.id: n for n in dbsession.scalars(
        select(Node).where(Node.id.in_(ids)).execution_options(populate_existing=True))}
    return [found.get(node.id) for node in nodes]


def touch(dbsession, node_ids, when):
    """Record a change at ``when`` on these nodes (containers, accounts)."""
    ids = sorted(set(i for i in node_ids if i is not None))
    if not ids:
        return
    dbsession.execute(
        update(Node).where(Node.id.in_(ids))
        .values(modified_us=case((Node.modified_us < when, when), else_=Node.modified_us))
        .execution_options(synchronize_session=False)
    )
    zope.sqlalchemy.mark_changed(dbsession)


def remove_node(dbsession, node_id):
    dbsession.execute(delete(Node).where(Node.id == node_id))
    zope.sqlalchemy.mark_changed(dbsession)


# --- versions -----------------------------------------------------------------


def latest(dbsession, node):
    if node is None or node.latest_serial is None:
        return None
    return dbsession.get(Version, node.latest_serial, populate_existing=True)


def current(dbsession, node):
    version = latest(dbsession, node)
    return version if version is not None and version.cluster != DELETED else None


def version_before(dbsession, node_id, until_us):
    """The node's state at time ``until`` (its latest version older than it)."""
    return dbsession.scalar(
        select(Version).where(Version.node_id == node_id, Version.mtime_us < until_us)
        .order_by(Version.serial.desc()).limit(1)
    )


def attributes(dbsession, serial, domain=API_DOMAIN):
    if serial is None:
        return {}
    return dict(dbsession.execute(
        select(Attribute.key, Attribute.value).where(Attribute.serial == serial, Attribute.domain == domain)
        .order_by(Attribute.key)
    ).all())


def _copy_attributes(dbsession, source_serial, target_serial):
    rows = [{"serial": target_serial, "domain": d, "key": k, "value": v}
            for d, k, v in dbsession.execute(
                select(Attribute.domain, Attribute.key, Attribute.value)
                .where(Attribute.serial == source_serial))]
    if rows:
        dbsession.execute(insert(Attribute.__table__), rows)
        zope.sqlalchemy.mark_changed(dbsession)


def set_attributes(dbsession, serial, meta, domain=API_DOMAIN):
    """The domain's metadata of the version becomes exactly ``meta``."""
    dbsession.execute(delete(Attribute).where(Attribute.serial == serial, Attribute.domain == domain))
    if meta:
        dbsession.execute(insert(Attribute.__table__), [
            {"serial": serial, "domain": domain, "key": k, "value": v} for k, v in meta.items()])
    zope.sqlalchemy.mark_changed(dbsession)


def drop_version(dbsession, version):
    dbsession.execute(delete(Attribute).where(Attribute.serial == version.serial))
    dbsession.execute(delete(Version).where(Version.serial == version.serial))
    zope.sqlalchemy.mark_changed(dbsession)


def create_version(dbsession, node, *, user, when, hash=None, map_key=None, size=0,
                   content_type="", uuid=None, checksum="", cluster=NORMAL,
                   source_serial=None, meta_from="latest", versioning=AUTO):
    """A new latest version of the (locked) ``node``. Its metadata starts
    as a copy of ``meta_from``'s (a serial; by default the previous
    version's) in every domain; the previous version goes to HISTORY, or
    away with versioning ``none``. Returns ``(new, previous)``."""
    previous = latest(dbsession, node)
    version = Version(
        node_id=node.id, hash=hash, map_key=map_key, size=size, content_type=content_type or "",
        source_serial=source_serial, mtime_us=when, muser=user or "",
        uuid=uuid or (previous.uuid if previous is not None and previous.cluster != DELETED else new_uuid()),
        checksum=checksum or "", cluster=cluster,
    )
    dbsession.add(version)
    dbsession.flush()
    if meta_from == "latest":
        meta_from = previous.serial if previous is not None and previous.cluster != DELETED else None
    if meta_from is not None and cluster != DELETED:
        _copy_attributes(dbsession, meta_from, version.serial)
    if previous is not None:
        if versioning == NONE:
            drop_version(dbsession, previous)
        elif previous.cluster == NORMAL:
            previous.cluster = HISTORY
    node.latest_serial = version.serial
    dbsession.flush()
    return version, previous


def history(dbsession, node_id):
    """NORMAL and HISTORY versions by serial."""
    return list(dbsession.scalars(
        select(Version).where(Version.node_id == node_id, Version.cluster != DELETED)
        .order_by(Version.serial)
    ))


def purge(dbsession, node, until_us, include_current):
    """Remove the node's versions older than ``until`` (only HISTORY and
    DELETED ones unless ``include_current``); returns the size of the
    current version it removed (0 if none). The node goes when it has no
    versions left."""
    query = select(Version).where(Version.node_id == node.id, Version.mtime_us <= until_us)
    freed = 0
    for version in dbsession.scalars(query):
        if version.serial == node.latest_serial:
            if not include_current and version.cluster != DELETED:
                continue
            if version.cluster != DELETED:
                freed = version.size
        drop_version(dbsession, version)
    remaining = dbsession.scalar(select(func.max(Version.serial)).where(Version.node_id == node.id))
    if remaining is None:
        remove_node(dbsession, node.id)
        return freed, True
    node.latest_serial = remaining
    dbsession.flush()
    return freed, False


# --- hashmaps -----------------------------------------------------------------


def map_key_of(hashes):
    return hashlib.sha256(b"".join(bytes.fromhex(h) for h in hashes)).hexdigest()


def save_map(dbsession, hashes):
    """Store a hashmap (once: maps are shared by key); returns its key."""
    hashes = list(hashes) or [EMPTY_HASH]
    key = map_key_of(hashes)
    insert_fn = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[_dialect(dbsession)]
    created = dbsession.execute(
        insert_fn(HashMap.__table__).values(key=key, blocks=len(hashes))
        .on_conflict_do_nothing().returning(HashMap.key)
    ).scalar()
    if created is not None:
        dbsession.execute(insert(MapBlock.__table__), [
            {"map_key": key, "idx": i, "block": h} for i, h in enumerate(hashes)])
    zope.sqlalchemy.mark_changed(dbsession)
    return key


def load_map(dbsession, key):
    if key is None:
        return [EMPTY_HASH]
    return list(dbsession.scalars(
        select(MapBlock.block).where(MapBlock.map_key == key).order_by(MapBlock.idx)))


# --- statistics ---------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    count: int
    bytes: int
    #: last change before ``until`` (only with ``until``)
    until_us: int | None = None


def _latest_serials(parent_ids, until_us):
    """Serials of the state of every child of ``parent_ids`` (now, or at
    ``until``)."""
    if until_us is None:
        return select(Node.latest_serial).where(Node.parent_id.in_(parent_ids)).correlate(None)
    return (
        select(func.max(Version.serial))
        .join(Node, Node.id == Version.node_id)
        .where(Node.parent_id.in_(parent_ids), Version.mtime_us < until_us)
        .group_by(Version.node_id)
        .correlate(None)
    )


def container_stats(dbsession, container_ids, until_us=None):
    """``{container_id: Stats}`` of the current objects in each container."""
    container_ids = list(container_ids)
    result = {cid: Stats(0, 0) for cid in container_ids}
    if not container_ids:
        return result
    rows = dbsession.execute(
        select(Node.parent_id, func.count(Version.serial), func.coalesce(func.sum(Version.size), 0))
        .join(Version, Version.node_id == Node.id)
        .where(Version.serial.in_(_latest_serials(container_ids, until_us)), Version.cluster != DELETED)
        .group_by(Node.parent_id)
    )
    for parent_id, count, total in rows:
        result[parent_id] = Stats(int(count), int(total))
    return result


def last_change_before(dbsession, node_ids, until_us):
    """The latest version time under or at these nodes before ``until``."""
    ids = list(node_ids)
    if not ids:
        return None
    return dbsession.scalar(
        select(func.max(Version.mtime_us)).join(Node, Node.id == Version.node_id)
        .where((Node.id.in_(ids)) | (Node.parent_id.in_(ids)), Version.mtime_us < until_us)
    )
