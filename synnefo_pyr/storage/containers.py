"""Containers (M8-M13): policies, metadata, state, listing their
objects, and deleting them (plain, purging history, or emptying)."""
from dataclasses import dataclass, field

from sqlalchemy import select

from synnefo_pyr import errors
from synnefo_pyr.storage import metadata, nodes
from synnefo_pyr.storage.models import API_DOMAIN, DELETED, Attribute, Node, Version

MAX_NAME = 256
POLICY_KEYS = ("quota", "versioning")
DEFAULT_POLICY = {"quota": 0, "versioning": nodes.AUTO}


def check_name(name):
    if len(name) > MAX_NAME:
        raise errors.Invalid("Container name too large")
    if not name:
        raise errors.Invalid("Container name is required")
    return name


def parse_policy(headers):
    """``{key: value or None (= the default)}`` of the
    ``X-Container-Policy-*`` headers in ``headers``."""
    prefix = "x-container-policy-"
    policy = {}
    for name, value in headers.items():
        if not name.lower().startswith(prefix):
            continue
        key = name[len(prefix):].lower()
        value = "".join(value.split())
        if key not in POLICY_KEYS:
            raise errors.Invalid("Invalid policy header")
        if value == "":
            policy[key] = None
        elif key == "quota":
            if not value.isascii() or not value.isdigit() or int(value) > 2 ** 63 - 1:
                raise errors.Invalid("Invalid policy header")
            policy[key] = int(value)
        else:
            if value not in (nodes.AUTO, nodes.NONE):
                raise errors.Invalid("Invalid policy header")
            policy[key] = value
    return policy


def policy_of(node):
    return {"quota": node.policy_quota or 0, "versioning": node.policy_versioning or nodes.AUTO}


def _apply_policy(node, policy, replace):
    if replace:
        node.policy_quota = node.policy_versioning = None
    for key, value in policy.items():
        if key == "quota":
            node.policy_quota = value
        else:
            node.policy_versioning = value


def get(dbsession, account, name):
    """The container node (``None`` if it does not exist)."""
    account_node = nodes.account_node(dbsession, account)
    if account_node is None:
        return None
    node = nodes.child(dbsession, account_node.id, name)
    return node if node is not None and nodes.current(dbsession, node) is not None else None


def require(dbsession, account, name, message="Container does not exist"):
    node = get(dbsession, account, name)
    if node is None:
        raise errors.NotFound(message)
    return node


@dataclass
class ContainerState:
    name: str
    count: int
    bytes: int
    last_modified_us: int
    policy: dict
    meta: dict = field(default_factory=dict)
    object_meta: list = field(default_factory=list)
    until_us: int | None = None


def object_meta_keys(dbsession, container_id, until_us=None, names=None, directories=()):
    """The distinct API metadata keys of the container's current objects
    (of those visible to a cross-user caller when ``names`` is given)."""
    query = (
        select(Attribute.key).distinct()
        .join(Version, Version.serial == Attribute.serial)
        .join(Node, Node.id == Version.node_id)
        .where(Version.serial.in_(nodes._latest_serials([container_id], until_us)),
               Version.cluster != DELETED, Attribute.domain == API_DOMAIN)
        .order_by(Attribute.key)
    )
    if names is not None:
        from synnefo_pyr.storage.listing import visible_condition

        query = query.where(visible_condition(names, directories))
    return list(dbsession.scalars(query))


def state(dbsession, account, name, until_us=None):
    node = require(dbsession, account, name)
    if until_us is None:
        version = nodes.current(dbsession, node)
    else:
        version = nodes.version_before(dbsession, node.id, until_us)
        if version is None or version.cluster == DELETED:
            raise errors.NotFound("Container does not exist")
    stats = nodes.container_stats(dbsession, [node.id], until_us)[node.id]
    until = None
    if until_us is not None:
        until = nodes.last_change_before(dbsession, [node.id], until_us) or until_us
    return ContainerState(
        name, stats.count, stats.bytes, node.modified_us, policy_of(node),
        nodes.attributes(dbsession, version.serial), object_meta_keys(dbsession, node.id, until_us),
        until_us=until,
    )


def put(dbsession, account, name, *, user, policy, meta):
    """Container PUT (M10): create it (True) or update an existing one
    (False): policy keys sent change, metadata is merged."""
    check_name(name)
    account_node = nodes.account_node(dbsession, account)
    node = nodes.ensure_child(dbsession, account_node.id, name)
    [node] = nodes.lock(dbsession, [node])
    when = nodes.now_us()
    created = nodes.current(dbsession, node) is None
    _apply_policy(node, policy, replace=created)
    if created or meta:
        previous = nodes.current(dbsession, node)
        merged = metadata.merge(nodes.attributes(dbsession, previous.serial if previous else None), meta, False)
        version, _ = nodes.create_version(dbsession, node, user=user, when=when,
                                          versioning=policy_of(node)["versioning"])
        nodes.set_attributes(dbsession, version.serial, merged)
    dbsession.flush()
    nodes.touch(dbsession, [node.id, account_node.id], when)
    return created


def update(dbsession, account, name, *, user, policy, meta, replace, has_policy):
    """Container POST (M11): policy replaced (or, with ``update``, the keys
    sent changed) when policy headers are sent; metadata per M0.13."""
    node = require(dbsession, account, name)
    [node] = nodes.lock(dbsession, [node])
    when = nodes.now_us()
    if has_policy:
        _apply_policy(node, policy, replace)
    if replace or meta:
        previous = nodes.current(dbsession, node)
        merged = metadata.merge(nodes.attributes(dbsession, previous.serial), meta, replace)
        version, _ = nodes.create_version(dbsession, node, user=user, when=when,
                                          versioning=policy_of(node)["versioning"])
        nodes.set_attributes(dbsession, version.serial, merged)
    dbsession.flush()
    nodes.touch(dbsession, [node.id, node.parent_id], when)


def current_objects(dbsession, container_id, prefix=None):
    """``[(node, version)]`` of the container's current objects (under
    ``prefix``), by name."""
    query = (
        select(Node, Version).join(Version, Version.serial == Node.latest_serial)
        .where(Node.parent_id == container_id, Version.cluster != DELETED).order_by(Node.name)
    )
    if prefix:
        from synnefo_pyr.storage.listing import prefix_condition

        query = query.where(prefix_condition(prefix))
    return [tuple(row) for row in dbsession.execute(query)]


def delete(dbsession, account, name, *, user, until_us=None, delimiter=None):
    """Container DELETE (M13)."""
    from synnefo_pyr.storage import objects

    node = require(dbsession, account, name)
    if until_us is not None:
        _purge_history(dbsession, node, until_us)
        return
    if delimiter is not None:
        objects.delete_many(dbsession, account, node, [n for n, _ in current_objects(dbsession, node.id)],
                            user=user)
        return
    [node] = nodes.lock(dbsession, [node])
    if current_objects(dbsession, node.id):
        raise errors.Conflict("Container is not empty")
    when = nodes.now_us()
    # Its objects' history goes with it (their nodes cascade).
    nodes.remove_node(dbsession, node.id)
    nodes.touch(dbsession, [node.parent_id], when)


def _purge_history(dbsession, container, until_us):
    children = list(dbsession.scalars(select(Node).where(Node.parent_id == container.id).order_by(Node.id)))
    for child in nodes.lock(dbsession, children):
        if child is not None:
            nodes.purge(dbsession, child, until_us, include_current=False)
    nodes.lock(dbsession, [container])
    nodes.touch(dbsession, [container.id, container.parent_id], nodes.now_us())
