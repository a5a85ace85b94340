"""Whole files in and out of the store for other packages and tools: the
image registry asks what a location holds, ``image-register --file`` and
the test factories store a file."""
from dataclasses import dataclass

from synnefo_pyr.storage import accounts, containers, nodes, objects, sharing, uploads


@dataclass(frozen=True)
class FileInfo:
    uuid: str
    size: int
    hash: str
    mtime_us: int


def readable_file(dbsession, account, container, name, reader):
    """The current object at ``account/container/name`` if ``reader`` may
    read it, else ``None``."""
    container_node = containers.get(dbsession, account, container)
    if container_node is None:
        return None
    node = nodes.child(dbsession, container_node.id, name)
    version = nodes.current(dbsession, node) if node is not None else None
    if version is None:
        return None
    if sharing.object_access(dbsession, account, container_node.id, name, reader) is None:
        return None
    return FileInfo(version.uuid, version.size, version.hash, version.mtime_us)


def store_file(dbsession, store, block_size, *, account, container, name, read, content_type,
               max_size=5 * 1024 ** 3, length=None):
    """Store the stream ``read`` as ``account/container/name`` for the
    account's owner, creating the account and the container if need be."""
    accounts.ensure(dbsession, account)
    if containers.get(dbsession, account, container) is None:
        containers.put(dbsession, account, container, user=account, policy={}, meta={})
    stored = uploads.store_stream(store, read, block_size, length=length, max_size=max_size)
    return objects.write(dbsession, objects.Path(account, container, name), user=account,
                         hashes=stored.hashes, size=stored.size, content_type=content_type, meta={})
