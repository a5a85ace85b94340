"""Listings (M0.21, M1, M5, M9): names in code-point order after a
``marker``, under a ``prefix``, folded at a ``delimiter`` into virtual
directories, filtered by metadata, sharing or publicity, now or at a past
time, and what another user may see of them."""
from dataclasses import dataclass

from sqlalchemy import and_, exists, false, or_, select

from synnefo_pyr.storage import nodes, sharing
from synnefo_pyr.storage.metadata import normalize_key
from synnefo_pyr.storage.models import API_DOMAIN, DELETED, Attribute, Node, Permission, PublicLink, Version

MAX_LIMIT = 10000
_OPS = ("!=", "<=", ">=", "=", "<", ">")


def next_prefix(prefix):
    """The first string after every string starting with ``prefix``."""
    while prefix:
        code = ord(prefix[-1]) + 1
        if 0xD800 <= code <= 0xDFFF:
            code = 0xE000
        if code <= 0x10FFFF:
            return prefix[:-1] + chr(code)
        prefix = prefix[:-1]
    return None


def prefix_condition(prefix, column=None):
    column = Node.name if column is None else column
    upper = next_prefix(prefix)
    condition = column >= prefix
    return and_(condition, column < upper) if upper is not None else condition


def visible_condition(names, directories):
    """The objects another user may see: the shared paths themselves and
    everything under shared directory objects."""
    conditions = [Node.name.in_(sorted(names))] if names else []
    conditions += [prefix_condition(d + "/") for d in sorted(directories)]
    return or_(*conditions) if conditions else false()


def parse_meta_terms(value):
    """``meta=t1,t2`` terms: ``("has", [keys])``, ``("not", [keys])``,
    ``(op, key, value)``."""
    has, missing, compare = [], [], []
    for term in (t.strip() for t in value.split(",")):
        if not term:
            continue
        if term.startswith("!"):
            missing.append(normalize_key(term[1:].strip()))
            continue
        for op in _OPS:
            if op in term:
                key, _, operand = term.partition(op)
                compare.append((op, normalize_key(key.strip()), operand.strip()))
                break
        else:
            has.append(normalize_key(term))
    return has, missing, compare


def _meta_conditions(terms):
    has, missing, compare = terms
    def attr(*extra):
        return exists().where(Attribute.serial == Version.serial, Attribute.domain == API_DOMAIN, *extra)
    conditions = []
    if has:
        conditions.append(attr(Attribute.key.in_(has)))
    if missing:
        conditions.append(~attr(Attribute.key.in_(missing)))
    for op, key, operand in compare:
        value = Attribute.value
        expression = {"=": value == operand, "!=": value != operand, "<=": value <= operand,
                      ">=": value >= operand, "<": value < operand, ">": value > operand}[op]
        conditions.append(attr(Attribute.key == key, expression))
    return conditions


@dataclass(frozen=True)
class Subdir:
    name: str


@dataclass
class Entry:
    name: str
    node_id: int
    version: object
    sharing: object = None
    public_token: str | None = None


def owner_shared_condition(dbsession, container_id):
    """Objects the owner shares: those carrying sharing, and everything
    under shared directory objects (M9 ``shared``)."""
    carriers = dbsession.execute(
        select(Node.name, Version.content_type, Version.cluster)
        .join(Version, Version.serial == Node.latest_serial)
        .where(Node.parent_id == container_id, Node.id.in_(select(Permission.node_id)))
    ).all()
    directories = {name for name, ctype, cluster in carriers
                   if cluster != DELETED and ctype.split(";")[0].strip() in sharing.DIRECTORY_TYPES}
    return or_(Node.id.in_(select(Permission.node_id)),
               *[prefix_condition(d + "/") for d in sorted(directories)])


def list_objects(dbsession, container_id, *, prefix="", delimiter=None, path=None, marker=None,
                 limit=MAX_LIMIT, meta=None, shared=False, public=False, until_us=None,
                 visible=None, with_public=False):
    """Entries and ``Subdir``s of a container, at most ``limit``."""
    limit = min(limit or MAX_LIMIT, MAX_LIMIT)
    virtual_dirs = True
    if path:
        prefix = path if path.endswith("/") else path + "/"
        delimiter, virtual_dirs = "/", False
    else:
        prefix = (prefix or "").lstrip("/")
        if delimiter and prefix and not prefix.endswith(delimiter):
            prefix += delimiter
    query = (
        select(Node.id, Node.name, Version)
        .join(Version, Version.node_id == Node.id)
        .where(Node.parent_id == container_id, Version.cluster != DELETED,
               Version.serial.in_(nodes._latest_serials([container_id], until_us)))
    )
    if prefix:
        query = query.where(prefix_condition(prefix))
    if meta:
        query = query.where(*_meta_conditions(parse_meta_terms(meta)))
    filters = []
    if shared:
        filters.append(owner_shared_condition(dbsession, container_id))
    if public:
        filters.append(Node.id.in_(select(PublicLink.node_id)))
    if filters:
        query = query.where(or_(*filters))
    if visible is not None:
        query = query.where(visible_condition(*visible))

    results = []
    after, start = marker, None
    last_object = None
    batch = min(limit + 1, 1000)
    while len(results) < limit:
        page = query
        if start is not None:
            page = page.where(Node.name >= start)
        elif after is not None:
            page = page.where(Node.name > after)
        rows = dbsession.execute(page.order_by(Node.name).limit(batch)).all()
        if not rows:
            break
        start = None
        for node_id, name, version in rows:
            after = name
            if not virtual_dirs and name == prefix:
                continue  # ``path``: the children of the directory, not itself
            if delimiter:
                rest = name[len(prefix):]
                index = rest.find(delimiter)
                if index >= 0 and index + len(delimiter) < len(rest):
                    subdir = prefix + rest[:index + len(delimiter)]
                    if virtual_dirs and subdir != last_object and (marker is None or subdir > marker):
                        results.append(Subdir(subdir))
                    start = next_prefix(subdir)
                    if start is None:
                        return results
                    break
            results.append(Entry(name, node_id, version))
            last_object = name
            if len(results) >= limit:
                break
        else:
            if len(rows) < batch:
                break
    _annotate(dbsession, [e for e in results if isinstance(e, Entry)], with_public, until_us)
    return results


def _annotate(dbsession, entries, with_public, until_us):
    """Sharing (and, for the owner, public links) of the entries that carry them."""
    if not entries or until_us is not None:
        return
    ids = [e.node_id for e in entries]
    lists = {}
    for node_id, access, member in dbsession.execute(
        select(Permission.node_id, Permission.access, Permission.member).where(Permission.node_id.in_(ids))
    ):
        lists.setdefault(node_id, {"read": set(), "write": set()})[access].add(member)
    tokens = {}
    if with_public:
        tokens = dict(dbsession.execute(
            select(PublicLink.node_id, PublicLink.token).where(PublicLink.node_id.in_(ids))).all())
    for entry in entries:
        if entry.node_id in lists:
            found = lists[entry.node_id]
            entry.sharing = sharing.Sharing(frozenset(found["read"]), frozenset(found["write"]))
        entry.public_token = tokens.get(entry.node_id)


def page(items, marker, limit, key=lambda item: item):
    """Apply ``marker`` and ``limit`` to an already sorted list."""
    limit = min(limit or MAX_LIMIT, MAX_LIMIT)
    if marker is not None:
        items = [item for item in items if key(item) > marker]
    return items[:limit]
