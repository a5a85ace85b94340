"""Accounts (M0.3, M4-M6): they come into being on their owner's first
request, with a ``pithos`` and a ``trash`` container; their metadata and
groups; their state now or at a past time."""
from dataclasses import dataclass, field

from sqlalchemy import select

from synnefo_pyr import errors
from synnefo_pyr.identity.models import User
from synnefo_pyr.storage import metadata, nodes, quotas, sharing
from synnefo_pyr.storage.models import DELETED, Node, Version

#: Created with every account (behaviours-object M0.3's decision).
DEFAULT_CONTAINERS = ("pithos", "trash")


def exists(dbsession, account):
    node = nodes.account_node(dbsession, account)
    return node is not None and node.latest_serial is not None


def ensure(dbsession, account):
    """Create the account of user ``account`` (and its default
    containers) unless it exists; safe against a concurrent creation."""
    node = nodes.ensure_child(dbsession, None, account)
    [node] = nodes.lock(dbsession, [node])
    if node.latest_serial is not None:
        return node
    when = nodes.now_us()
    nodes.create_version(dbsession, node, user=account, when=when)
    for name in DEFAULT_CONTAINERS:
        container = nodes.ensure_child(dbsession, node.id, name)
        if container.latest_serial is None:
            nodes.create_version(dbsession, container, user=account, when=when)
    nodes.touch(dbsession, [node.id] + [c.id for c in containers(dbsession, node)], when)
    return node


def containers(dbsession, account_node):
    """The account's container nodes, by name."""
    if account_node is None:
        return []
    return list(dbsession.scalars(
        select(Node).join(Version, Version.serial == Node.latest_serial)
        .where(Node.parent_id == account_node.id, Version.cluster != DELETED).order_by(Node.name)))


def containers_at(dbsession, account_node, until_us):
    """``[(node, version)]`` of the containers as they were at ``until``."""
    result = []
    for node in dbsession.scalars(select(Node).where(Node.parent_id == account_node.id).order_by(Node.name)):
        version = nodes.version_before(dbsession, node.id, until_us)
        if version is not None and version.cluster != DELETED:
            result.append((node, version))
    return result


@dataclass
class AccountState:
    name: str
    container_count: int
    bytes_used: int
    quota: int
    last_modified_us: int
    meta: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    until_us: int | None = None


def state(dbsession, account, until_us=None):
    node = nodes.account_node(dbsession, account)
    if node is None:
        raise errors.NotFound("Account does not exist")
    limit, usage = quotas.account_quota(dbsession, account)
    if until_us is None:
        found = containers(dbsession, node)
        version = nodes.current(dbsession, node)
        return AccountState(account, len(found), usage, limit, node.modified_us,
                            nodes.attributes(dbsession, version.serial if version else None),
                            sharing.groups(dbsession, account))
    found = containers_at(dbsession, node, until_us)
    stats = nodes.container_stats(dbsession, [n.id for n, _ in found], until_us)
    version = nodes.version_before(dbsession, node.id, until_us)
    ids = [node.id] + [n.id for n in dbsession.scalars(select(Node).where(Node.parent_id == node.id))]
    last = nodes.last_change_before(dbsession, ids, until_us)
    return AccountState(account, len(found), sum(s.bytes for s in stats.values()), limit,
                        node.modified_us,
                        nodes.attributes(dbsession, version.serial if version else None),
                        sharing.groups(dbsession, account), until_us=last or until_us)


def check_groups(dbsession, groups):
    """``{name: [members]}`` with checked names and existing members."""
    checked = {}
    members = set()
    for name, values in groups.items():
        checked[sharing.check_group_name(name)] = values
        members.update(values)
    known = set(dbsession.scalars(select(User.uuid).where(User.uuid.in_(members)))) if members else set()
    unknown = sorted(members - known)
    if unknown:
        raise errors.Invalid("Bad X-Account-Group header value: " + ",".join(unknown))
    return checked


def update(dbsession, account, *, user, meta, replace, groups=None):
    """Account POST (M6): metadata (replace unless ``replace`` is False)
    and groups (``None``: untouched)."""
    node = nodes.account_node(dbsession, account)
    [node] = nodes.lock(dbsession, [node])
    when = nodes.now_us()
    if groups is not None:
        sharing.replace_groups(dbsession, account, check_groups(dbsession, groups), replace)
    if replace or meta:
        current = nodes.current(dbsession, node)
        merged = metadata.merge(nodes.attributes(dbsession, current.serial if current else None), meta, replace)
        version, _ = nodes.create_version(dbsession, node, user=user, when=when)
        nodes.set_attributes(dbsession, version.serial, merged)
    nodes.touch(dbsession, [node.id], when)
