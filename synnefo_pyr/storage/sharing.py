"""Sharing (M0.16-M0.18): groups, ``X-Object-Sharing`` lists, who may
read or write a path (with inheritance from directory objects), and which
accounts, containers and objects another user can see."""
import re
from dataclasses import dataclass, field

from sqlalchemy import delete, select

from synnefo_pyr import errors
from synnefo_pyr.db import insert_ignoring_duplicates
from synnefo_pyr.storage.models import DELETED, Group, Node, Permission, Version

READ, WRITE = "read", "write"
EVERYONE = "*"
DIRECTORY_TYPES = ("application/directory", "application/folder")
MAX_MEMBER = 256
_GROUP_NAME = re.compile(r"^[^-_]+$")


@dataclass(frozen=True)
class Sharing:
    read: frozenset = field(default_factory=frozenset)
    write: frozenset = field(default_factory=frozenset)

    def __bool__(self):
        return bool(self.read or self.write)

    def header(self):
        """``read=a,b; write=c`` (read first, members sorted)."""
        parts = []
        if self.read:
            parts.append("read=" + ",".join(sorted(self.read)))
        if self.write:
            parts.append("write=" + ",".join(sorted(self.write)))
        return "; ".join(parts)


def parse(value):
    """The ``Sharing`` of an ``X-Object-Sharing`` value (empty: none)."""
    value = "".join(value.split())
    if not value:
        return Sharing()
    lists = {READ: set(), WRITE: set()}
    for part in value.split(";"):
        if not part:
            continue
        kind, sep, members = part.partition("=")
        if not sep or kind.lower() not in lists:
            raise errors.Invalid("Bad X-Object-Sharing header value: missing prefix")
        names = {m.lower() for m in members.split(",") if m}
        if not names:
            raise errors.Invalid("Bad X-Object-Sharing header value: invalid length")
        if any(len(m) > MAX_MEMBER for m in names):
            raise errors.Invalid("Invalid sharing header")
        lists[kind.lower()] |= names
    for kind, names in lists.items():
        if EVERYONE in names:
            lists[kind] = {EVERYONE}
    read = lists[READ] - lists[WRITE]
    return Sharing(frozenset(read), frozenset(lists[WRITE]))


def node_sharing(dbsession, node_id):
    rows = dbsession.execute(select(Permission.access, Permission.member).where(Permission.node_id == node_id))
    lists = {READ: set(), WRITE: set()}
    for access, member in rows:
        lists[access].add(member)
    return Sharing(frozenset(lists[READ]), frozenset(lists[WRITE]))


def set_sharing(dbsession, node_id, sharing):
    dbsession.execute(delete(Permission).where(Permission.node_id == node_id))
    rows = [{"node_id": node_id, "access": kind, "member": m}
            for kind, members in ((READ, sharing.read), (WRITE, sharing.write)) for m in members]
    insert_ignoring_duplicates(dbsession, Permission.__table__, rows)


def clear(dbsession, node_id):
    dbsession.execute(delete(Permission).where(Permission.node_id == node_id))


# --- groups -----------------------------------------------------------------


def check_group_name(name):
    if not name or not _GROUP_NAME.match(name) or len(name) > 256:
        raise errors.Invalid("Bad characters in group name")
    return name.lower()


def groups(dbsession, owner):
    """``{name: [members]}`` of an account."""
    result = {}
    for name, member in dbsession.execute(
        select(Group.name, Group.member).where(Group.owner == owner).order_by(Group.name, Group.member)
    ):
        result.setdefault(name, []).append(member)
    return result


def replace_groups(dbsession, owner, sent, replace):
    """Apply ``{name: [members]}``: all groups become ``sent`` when
    replacing; else each group sent is replaced, and deleted if empty."""
    names = list(sent)
    if replace:
        dbsession.execute(delete(Group).where(Group.owner == owner))
    else:
        dbsession.execute(delete(Group).where(Group.owner == owner, Group.name.in_(names)))
    rows = [{"owner": owner, "name": name, "member": member}
            for name, members in sent.items() for member in members]
    insert_ignoring_duplicates(dbsession, Group.__table__, rows)


def principals(dbsession, user):
    """What a user may appear as in a sharing list: itself, ``*`` and
    ``<owner>:<group>`` for every group it is a member of."""
    names = {user, EVERYONE}
    for owner, name in dbsession.execute(select(Group.owner, Group.name).where(Group.member == user)):
        names.add(f"{owner}:{name}")
    return names


# --- access -------------------------------------------------------------------


def _candidates(name):
    """The object itself, then each ancestor directory name (``d/`` and
    ``d``), nearest first."""
    result = [name]
    for index in range(len(name) - 1, 0, -1):
        if name[index] == "/":
            ancestor = name[:index]
            result += [ancestor + "/", ancestor]
    return list(dict.fromkeys(result))


@dataclass(frozen=True)
class Effective:
    sharing: Sharing
    #: The object name carrying it (``None``: nothing is shared).
    carrier: str | None


def effective(dbsession, container_id, name):
    """The permissions of ``name`` in a container: those of the nearest
    of itself and its ancestor directory objects that carries any."""
    candidates = _candidates(name)
    rows = dbsession.execute(
        select(Node.id, Node.name, Version.content_type, Version.cluster)
        .join(Version, Version.serial == Node.latest_serial, isouter=True)
        .where(Node.parent_id == container_id, Node.name.in_(candidates),
               Node.id.in_(select(Permission.node_id)))
    ).all()
    by_name = {row.name: row for row in rows}
    for candidate in candidates:
        row = by_name.get(candidate)
        if row is None:
            continue
        is_dir = row.cluster is not None and row.cluster != DELETED and \
            (row.content_type or "").split(";")[0].strip() in DIRECTORY_TYPES
        if candidate == name or is_dir:
            return Effective(node_sharing(dbsession, row.id), candidate)
    return Effective(Sharing(), None)


def access_of(sharing, names):
    """``write``, ``read`` or ``None`` for somebody known as ``names``."""
    if sharing.write & names:
        return WRITE
    if sharing.read & names:
        return READ
    return None


def object_access(dbsession, account, container_id, name, user):
    """``owner``, ``write``, ``read`` or ``None``: what ``user`` may do to
    the path (which need not exist)."""
    if user == account:
        return "owner"
    if user is None or container_id is None:
        return None
    return access_of(effective(dbsession, container_id, name).sharing, principals(dbsession, user))


# --- visibility ---------------------------------------------------------------


def _shared_rows(dbsession, user, account_id=None, container_id=None):
    names = principals(dbsession, user)
    container = Node.__table__.alias("container")
    account = Node.__table__.alias("account")
    query = (
        select(account.c.name.label("account"), account.c.id.label("account_id"),
               container.c.name.label("container"), container.c.id.label("container_id"),
               Node.name.label("object"), Node.id.label("node_id"))
        .join(container, container.c.id == Node.parent_id)
        .join(account, account.c.id == container.c.parent_id)
        .where(Node.id.in_(select(Permission.node_id).where(Permission.member.in_(names))))
        .where(account.c.name != user)
    )
    if account_id is not None:
        query = query.where(account.c.id == account_id)
    if container_id is not None:
        query = query.where(container.c.id == container_id)
    return dbsession.execute(query).all()


def shared_accounts(dbsession, user):
    """Ids and names of the accounts with something shared with ``user``."""
    return sorted({(row.account, row.account_id) for row in _shared_rows(dbsession, user)})


def shared_containers(dbsession, user, account_id):
    return sorted({row.container_id for row in _shared_rows(dbsession, user, account_id=account_id)})


def shared_paths(dbsession, user, container_id):
    """``(names, directories)`` shared with ``user`` in a container: the
    object names carrying permissions for the user, and those of them that
    are directory objects (everything under them is visible too)."""
    rows = _shared_rows(dbsession, user, container_id=container_id)
    names = {row.object for row in rows}
    directories = set()
    if names:
        for name, content_type, cluster in dbsession.execute(
            select(Node.name, Version.content_type, Version.cluster)
            .join(Version, Version.serial == Node.latest_serial)
            .where(Node.parent_id == container_id, Node.name.in_(names))
        ):
            if cluster != DELETED and content_type.split(";")[0].strip() in DIRECTORY_TYPES:
                directories.add(name)
    return names, directories
