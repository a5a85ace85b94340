"""Objects (M15-M31): reading their state, writing data (from blocks or a
hashmap), copying and moving, metadata and partial data updates,
deleting and purging, versions.

Every change locks the object nodes first, then touches (locks) their
containers and accounts, and charges the quota last (``nodes``); the data
of a new object is already in the block store when the change starts, so
no lock is held while a body arrives.
"""
from dataclasses import dataclass

from synnefo_pyr import errors
from synnefo_pyr.storage import (
    conditions as preconditions, containers, events, hashing, metadata, nodes, publishing, quotas,
    sharing, uploads,
)
from synnefo_pyr.storage.models import DELETED, Version

MAX_NAME = 1024
#: PostgreSQL cannot index longer keys (a B-tree entry is at most ~2.7 kB).
MAX_NAME_BYTES = 2048
DIRECTORY = "application/directory"


def check_name(name):
    if len(name) > MAX_NAME or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise errors.Invalid("Object name too large.")
    return name


@dataclass(frozen=True)
class Path:
    account: str
    container: str
    name: str

    def __str__(self):
        return f"{self.account}/{self.container}/{self.name}"


@dataclass
class ObjectState:
    path: Path
    node_id: int
    container_id: int
    version: Version
    #: the current version (for Last-Modified, which ignores ``version``)
    current: Version | None
    meta: dict

    @property
    def etag(self):
        return self.version.hash


def locate(dbsession, path):
    """``(container node, object node)``; either may be ``None``."""
    container = containers.get(dbsession, path.account, path.container)
    if container is None:
        return None, None
    return container, nodes.child(dbsession, container.id, path.name)


def state(dbsession, path, serial=None):
    """The object's current version, or version ``serial`` (404s as M15)."""
    container, node = locate(dbsession, path)
    if node is None:
        raise errors.NotFound("Object does not exist")
    current = nodes.current(dbsession, node)
    if serial is None:
        if current is None:
            raise errors.NotFound("Object does not exist")
        version = current
    else:
        version = dbsession.get(Version, serial) if serial else None
        if version is None or version.node_id != node.id or version.cluster == DELETED:
            raise errors.NotFound("Version does not exist")
    return ObjectState(path, node.id, container.id, version, current,
                       nodes.attributes(dbsession, version.serial))


def hashmap(dbsession, version):
    return nodes.load_map(dbsession, version.map_key)


def versions(dbsession, path):
    container, node = locate(dbsession, path)
    if node is None:
        raise errors.NotFound("Object does not exist")
    return nodes.history(dbsession, node.id)


def sharing_of(dbsession, path, container_id):
    """The effective permissions of the path and their carrier."""
    return sharing.effective(dbsession, container_id, path.name)


def public_token(dbsession, node_id):
    return publishing.token_of(dbsession, node_id)


def missing_blocks(store, hashes):
    """The hashes the store lacks, in order of first appearance."""
    present = store.has_many(hashes)
    return list(dict.fromkeys(h for h in hashes if h not in present))


# --- writing ------------------------------------------------------------------


def _container_for_write(dbsession, path, message="Container does not exist"):
    container = containers.get(dbsession, path.account, path.container)
    if container is None:
        raise errors.NotFound(message)
    return container


def _versioning(container):
    return containers.policy_of(container)["versioning"]


def _after_change(dbsession, path, node, version, when, container):
    """Touch the container and the account (in that order: locks), and let
    the listeners know."""
    nodes.touch(dbsession, [container.id], when)
    nodes.touch(dbsession, [container.parent_id], when)
    current = version if version is not None and version.cluster != DELETED else None
    uuid = version.uuid if version is not None else None
    if uuid:
        events.publish(dbsession, events.ObjectChange(
            uuid, path.account, path.container, path.name,
            current.size if current else None, current.hash if current else None, when))


def _charge(dbsession, deltas, containers_grown, name):
    for container in containers_grown:
        quotas.check_container(dbsession, container)
    quotas.charge(dbsession, deltas, name=name)


def write(dbsession, path, *, user, hashes, size, content_type, meta, sharing_value=None,
          public=None, checksum="", conditions=None):
    """Create or replace the object with the blocks ``hashes`` (M23, M24):
    its API metadata becomes ``meta``; sharing and public change only when
    given. Returns the new version."""
    check_name(path.name)
    container = _container_for_write(dbsession, path)
    node = nodes.ensure_child(dbsession, container.id, path.name)
    [node] = nodes.lock(dbsession, [node])
    previous = nodes.current(dbsession, node)
    preconditions.check_write(conditions, previous.hash if previous else None)
    if size == 0:
        hashes = [hashing.EMPTY_HASH]
    when = nodes.now_us()
    version, _ = nodes.create_version(
        dbsession, node, user=user, when=when, hash=hashing.top_hash(hashes),
        map_key=nodes.save_map(dbsession, hashes), size=size, content_type=content_type,
        checksum=checksum, versioning=_versioning(container))
    nodes.set_attributes(dbsession, version.serial, meta)
    _apply_sharing(dbsession, node.id, sharing_value, public)
    _after_change(dbsession, path, node, version, when, container)
    delta = size - (previous.size if previous else 0)
    _charge(dbsession, {path.account: delta}, [container] if delta > 0 else [], str(path))
    return version


def _apply_sharing(dbsession, node_id, sharing_value, public):
    if sharing_value is not None:
        sharing.set_sharing(dbsession, node_id, sharing_value)
    if public is not None:
        publishing.set_public(dbsession, node_id, public)


def check_hashmap(hashes, size, block_size):
    """A hashmap as sent by a client (M24): hashes valid, ``bytes``
    consistent with their number."""
    for h in hashes:
        if not hashing.is_hash(h.lower() if isinstance(h, str) else h):
            raise errors.Invalid(f"Invalid hash: {h}")
    hashes = [h.lower() for h in hashes]
    if size == 0:
        return [hashing.EMPTY_HASH]
    if not hashes or size > len(hashes) * block_size or size <= (len(hashes) - 1) * block_size:
        raise errors.Invalid("Invalid data formatting")
    return hashes


# --- copy and move --------------------------------------------------------------


def _pairs(dbsession, src_container, src_name, dst_name, delimiter):
    """``[(source name, destination name)]``: the object, and with a
    delimiter every current object ``<src><d>...`` mapped to ``<dst><d>...``."""
    pairs = [(src_name, dst_name)]
    if delimiter:
        src_prefix = src_name if src_name.endswith(delimiter) else src_name + delimiter
        dst_prefix = dst_name if dst_name.endswith(delimiter) else dst_name + delimiter
        for node, _ in containers.current_objects(dbsession, src_container.id, src_prefix):
            if node.name != src_name:
                pairs.append((node.name, dst_prefix + node.name[len(src_prefix):]))
    return pairs


def copy(dbsession, src, dst, *, user, move=False, serial=None, content_type=None, meta=None,
         sharing_value=None, public=None, conditions=None, conditions_on_source=False,
         delimiter=None, may_read=None):
    """Copy or move ``src`` to ``dst`` (M25-M27); returns the destination's
    new version. ``may_read(path)`` filters the objects a delimiter adds
    (a cross-user caller copies only what it may read)."""
    missing = "Container or object does not exist"
    check_name(dst.name)
    src_container = _container_for_write(dbsession, src, missing)
    dst_container = _container_for_write(dbsession, dst, missing)
    src_node = nodes.child(dbsession, src_container.id, src.name)
    if src_node is None or nodes.current(dbsession, src_node) is None and serial is None:
        raise errors.NotFound(missing)
    pairs = _pairs(dbsession, src_container, src.name, dst.name, delimiter)
    if may_read is not None:
        pairs = pairs[:1] + [p for p in pairs[1:] if may_read(Path(src.account, src.container, p[0]))]
    src_nodes = {src.name: src_node}
    for name, _ in pairs[1:]:
        src_nodes[name] = nodes.child(dbsession, src_container.id, name)
    dst_nodes = {name: nodes.ensure_child(dbsession, dst_container.id, name) for _, name in pairs}
    locked = nodes.lock(dbsession, list(dst_nodes.values()) + (list(src_nodes.values()) if move else []))
    by_id = {n.id: n for n in locked}
    src_nodes = {k: by_id.get(v.id, v) for k, v in src_nodes.items()}
    dst_nodes = {k: by_id[v.id] for k, v in dst_nodes.items()}

    # The top object's source version.
    if serial is not None and not move:
        source = dbsession.get(Version, serial)
        if source is None or source.node_id != src_node.id or source.cluster == DELETED:
            raise errors.NotFound(missing)
    else:
        source = nodes.current(dbsession, src_nodes[src.name])
        if source is None:
            raise errors.NotFound(missing)
    if conditions_on_source:
        preconditions.check_write(conditions, source.hash)
    else:
        top_dst = nodes.current(dbsession, dst_nodes[dst.name])
        preconditions.check_write(conditions, top_dst.hash if top_dst else None)

    when = nodes.now_us()
    deltas = {}
    grown = set()
    result = None
    for index, (src_name, dst_name) in enumerate(pairs):
        s_node, d_node = src_nodes[src_name], dst_nodes[dst_name]
        s_version = source if index == 0 else nodes.current(dbsession, s_node)
        if s_version is None:
            continue
        previous = nodes.current(dbsession, d_node)
        same_node = s_node.id == d_node.id
        if move and same_node:
            result = s_version
            continue
        uuid = s_version.uuid if (move or same_node) else nodes.new_uuid()
        version, _ = nodes.create_version(
            dbsession, d_node, user=user, when=when, hash=s_version.hash, map_key=s_version.map_key,
            size=s_version.size,
            content_type=(content_type if index == 0 and content_type else s_version.content_type),
            uuid=uuid, checksum=s_version.checksum, source_serial=s_version.serial,
            meta_from=s_version.serial, versioning=_versioning(dst_container))
        if index == 0:
            result = version
            if meta:
                merged = metadata.merge(nodes.attributes(dbsession, version.serial), meta, replace=False)
                nodes.set_attributes(dbsession, version.serial, merged)
            _apply_sharing(dbsession, d_node.id, sharing_value, public)
        grow = version.size - (previous.size if previous else 0)
        deltas[dst.account] = deltas.get(dst.account, 0) + grow
        if grow > 0:
            grown.add(dst_container.id)
        _after_change(dbsession, Path(dst.account, dst.container, dst_name), d_node, version, when,
                      dst_container)
        if move:
            tomb = _tombstone(dbsession, s_node, user, when, src_container)
            deltas[src.account] = deltas.get(src.account, 0) - s_version.size
            _after_change(dbsession, Path(src.account, src.container, src_name), s_node, tomb, when,
                          src_container)
    _charge(dbsession, deltas, [dst_container] if grown else [], str(dst))
    return result


def _tombstone(dbsession, node, user, when, container):
    """Delete the (locked) node's current object: a DELETED version, and
    its path's sharing and public link go."""
    version, _ = nodes.create_version(dbsession, node, user=user, when=when, cluster=DELETED,
                                      uuid=nodes.latest(dbsession, node).uuid,
                                      versioning=_versioning(container))
    sharing.clear(dbsession, node.id)
    publishing.set_public(dbsession, node.id, False)
    return version


# --- updates ----------------------------------------------------------------------


def _require_current(dbsession, path):
    container, node = locate(dbsession, path)
    if node is None:
        raise errors.NotFound("Object does not exist")
    [node] = nodes.lock(dbsession, [node])
    current = nodes.current(dbsession, node)
    if current is None:
        raise errors.NotFound("Object does not exist")
    return container, node, current


def update_meta(dbsession, path, *, user, meta, replace, sharing_value=None, public=None,
                conditions=None):
    """Object POST of metadata (M28); the new version, or ``None`` when
    no metadata was written."""
    container, node, current = _require_current(dbsession, path)
    preconditions.check_write(conditions, current.hash)
    _apply_sharing(dbsession, node.id, sharing_value, public)
    when = nodes.now_us()
    version = None
    if replace or meta:
        merged = metadata.merge(nodes.attributes(dbsession, current.serial), meta, replace)
        version, _ = nodes.create_version(
            dbsession, node, user=user, when=when, hash=current.hash, map_key=current.map_key,
            size=current.size, content_type=current.content_type, checksum=current.checksum,
            versioning=_versioning(container))
        nodes.set_attributes(dbsession, version.serial, merged)
    _after_change(dbsession, path, node, version or current, when, container)
    return version


@dataclass(frozen=True)
class ContentRange:
    """``bytes first-last/total``: ``first`` None means append (``*/*``),
    ``last`` and ``total`` None when not given."""

    first: int | None
    last: int | None
    total: int | None


def update_data(dbsession, store, block_size, path, *, user, content_range, chunks=None,
                length=None, source=None, source_serial=None, object_bytes=None, meta=None,
                replace=True, sharing_value=None, public=None, conditions=None):
    """Object POST of data (M29): write ``chunks`` (a body of ``length``
    bytes, or None when unknown) or the data of ``source`` at the range's
    offset, then truncate to ``object_bytes``. Returns the new version."""
    container, node, current = _require_current(dbsession, path)
    preconditions.check_write(conditions, current.hash)
    size = current.size
    first = size if content_range.first is None else content_range.first
    if first > size:
        raise errors.RangeNotSatisfiable("Supplied offset is beyond object limits")
    if source is not None:
        source_state = state(dbsession, source, source_serial) if source_serial else None
        if source_state is None:
            try:
                source_state = state(dbsession, source)
            except errors.NotFound:
                raise errors.NotFound("Source object does not exist") from None
        source_version = source_state.version
        length = source_version.size if content_range.last is None else content_range.last - first + 1
        if length > source_version.size:
            raise errors.Invalid("Object length is smaller than range length")
        from synnefo_pyr.storage.reading import BlockReader, Segment

        reader = BlockReader(store, block_size, [Segment(tuple(hashmap(dbsession, source_version)),
                                                         source_version.size)])
        chunks = reader.app_iter_range(0, length)
    if content_range.total is not None:
        end = first + (length or 0) - 1 if content_range.last is None else content_range.last
        if content_range.total != size or end >= size:
            raise errors.RangeNotSatisfiable("Supplied range will change provided object limits")
    hashes, new_size = uploads.patch(store, block_size, hashmap(dbsession, current), size, first, chunks)
    if object_bytes is not None and object_bytes < new_size:
        hashes, new_size = uploads.truncate(store, block_size, hashes, new_size, object_bytes)
    when = nodes.now_us()
    version, _ = nodes.create_version(
        dbsession, node, user=user, when=when, hash=hashing.top_hash(hashes),
        map_key=nodes.save_map(dbsession, hashes), size=new_size, content_type=current.content_type,
        versioning=_versioning(container))
    merged = metadata.merge(nodes.attributes(dbsession, version.serial), meta or {}, replace)
    nodes.set_attributes(dbsession, version.serial, merged)
    _apply_sharing(dbsession, node.id, sharing_value, public)
    _after_change(dbsession, path, node, version, when, container)
    delta = new_size - size
    _charge(dbsession, {path.account: delta}, [container] if delta > 0 else [], str(path))
    return version


# --- delete -----------------------------------------------------------------------


def delete_many(dbsession, account, container, object_nodes, *, user):
    """Delete these current objects of a container (each as M31)."""
    when = nodes.now_us()
    freed = 0
    for node in nodes.lock(dbsession, object_nodes):
        current = nodes.current(dbsession, node) if node is not None else None
        if current is None:
            continue
        tomb = _tombstone(dbsession, node, user, when, container)
        freed += current.size
        _after_change(dbsession, Path(account, container.name, node.name), node, tomb, when, container)
    _charge(dbsession, {account: -freed}, [], f"{account}/{container.name}")


def delete(dbsession, path, *, user, until_us=None, delimiter=None):
    """Object DELETE (M31): a tombstone (with a delimiter, also for every
    ``<name><d>...``), or with ``until`` a purge of every version up to then."""
    container, node = locate(dbsession, path)
    if node is None:
        raise errors.NotFound("Object does not exist")
    if until_us is not None:
        [node] = nodes.lock(dbsession, [node])
        current = nodes.current(dbsession, node)
        freed, gone = nodes.purge(dbsession, node, until_us, include_current=True)
        if gone or nodes.current(dbsession, node) is None:
            if not gone:
                sharing.clear(dbsession, node.id)
                publishing.set_public(dbsession, node.id, False)
            if current is not None and freed:
                events.publish(dbsession, events.ObjectChange(
                    current.uuid, path.account, path.container, path.name, None, None, nodes.now_us()))
        nodes.touch(dbsession, [container.id], nodes.now_us())
        nodes.touch(dbsession, [container.parent_id], nodes.now_us())
        quotas.charge(dbsession, {path.account: -freed}, name=str(path))
        return
    if nodes.current(dbsession, node) is None:
        raise errors.NotFound("Object does not exist")
    targets = [node]
    if delimiter:
        prefix = path.name if path.name.endswith(delimiter) else path.name + delimiter
        targets += [n for n, _ in containers.current_objects(dbsession, container.id, prefix) if n.id != node.id]
    delete_many(dbsession, path.account, container, targets, user=user)
