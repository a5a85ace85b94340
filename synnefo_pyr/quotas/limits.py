"""The limits of the ``system`` holdings, derived from base limits and grants
(behaviours-projects.md Q1, P37, P38).

A holding's ``limit``, the one commissions are checked against, is always

    min(base_limit + granted, QUANTITY_MAX)

``base_limit`` is the holder's own allowance (the resource's default when
the holding was created, or what ``quota-set`` set); ``granted`` is what the
*grant sources* add: functions ``(dbsession, holders) -> {(holder,
resource_id): amount}`` that packages declare with
``config.add_quota_grants(function)`` (the projects package: the member
capacities of the active projects a user belongs to). ``sync`` is the one
function that writes ``limit``; whoever changes a base limit or a grant
calls it, and it always recomputes the whole formula, so the order of the
changes never matters. Usages are never touched: a limit may drop below the
usage, and then only releases succeed.

Locks: ``lock`` and ``sync`` row-lock (``SELECT ... FOR UPDATE``) every
holding they read or write in one statement, in the engine's order (holder,
source, resource id), so they queue with commissions and never deadlock
with them. ``sync`` reads the grants again once it holds the locks: a
concurrent change of the same holder's grants (another project's
membership) then either committed before (and is seen) or waits for these
locks (and recomputes after this transaction commits).
"""
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from synnefo_pyr import errors
from synnefo_pyr.db import insert_ignoring_duplicates
from synnefo_pyr.quotas.models import QuotaHolding, Resource
from synnefo_pyr.quotas.registry import QUANTITY_MAX

SYSTEM = "system"

#: The declared grant sources, by dotted name (an application built twice
#: in one process declares them twice).
_GRANT_SOURCES = {}


def add_grant_source(function):
    _GRANT_SOURCES[f"{function.__module__}.{function.__qualname__}"] = function


def granted(dbsession, holders):
    """``{(holder, resource_id): amount}``: what every grant source adds."""
    total = {}
    holders = sorted(set(holders))
    if not holders:
        return total
    for source in _GRANT_SOURCES.values():
        for key, amount in source(dbsession, holders).items():
            total[key] = total.get(key, 0) + amount
    return total


def _resources(dbsession, ids=(), names=()):
    query = select(Resource).where(sa.or_(Resource.id.in_(set(ids)), Resource.name.in_(set(names))))
    return list(dbsession.scalars(query))


def _insert_missing(dbsession, keys):
    """Create the ``system`` holdings of ``keys`` ((holder, resource_id))
    that do not exist, with the resource's default as base and limit."""
    keys = set(keys)
    if not keys:
        return
    condition = sa.tuple_(QuotaHolding.holder, QuotaHolding.resource_id).in_(sorted(keys))
    existing = {tuple(row) for row in dbsession.execute(
        select(QuotaHolding.holder, QuotaHolding.resource_id)
        .where(QuotaHolding.source == SYSTEM, condition)
    )}
    missing = sorted(keys - existing)
    if not missing:
        return
    defaults = {r.id: r.default_limit for r in _resources(dbsession, ids=[k[1] for k in missing])}
    insert_ignoring_duplicates(dbsession, QuotaHolding.__table__, [
        {"holder": holder, "source": SYSTEM, "resource_id": resource_id,
         "base_limit": defaults[resource_id], "limit": defaults[resource_id],
         "usage_min": 0, "usage_max": 0}
        for holder, resource_id in missing if resource_id in defaults
    ])


def _lock(dbsession, holders, keys):
    """Row-lock every holding of ``holders`` and the ``system`` holdings of
    ``keys``, in one statement, in the engine's order."""
    conditions = []
    if holders:
        conditions.append(QuotaHolding.holder.in_(sorted(set(holders))))
    if keys:
        conditions.append(sa.and_(
            QuotaHolding.source == SYSTEM,
            sa.tuple_(QuotaHolding.holder, QuotaHolding.resource_id).in_(sorted(set(keys))),
        ))
    if not conditions:
        return []
    query = (
        select(QuotaHolding).where(sa.or_(*conditions))
        .order_by(QuotaHolding.holder, QuotaHolding.source, QuotaHolding.resource_id)
        .options(lazyload(QuotaHolding.resource))
        .with_for_update(of=QuotaHolding)
        .execution_options(populate_existing=True)
    )
    return list(dbsession.scalars(query))


def _keys_of(dbsession, ensure):
    """``(holder, resource_id)`` of ``(holder, resource name)`` pairs; an
    unknown resource name is NotFound."""
    ensure = list(ensure)
    if not ensure:
        return set()
    ids = {r.name: r.id for r in _resources(dbsession, names=[name for _, name in ensure])}
    for _, name in ensure:
        if name not in ids:
            raise errors.NotFound(f"Resource '{name}' does not exist")
    return {(holder, ids[name]) for holder, name in ensure}


def lock(dbsession, holders=(), ensure=()):
    """Row-lock every holding of ``holders``, and the ``system`` holdings
    named by ``ensure`` ((holder, resource name) pairs, created with the
    default limit if missing), in the engine's order; returns the locked
    holdings by (holder, source, resource_id). Call it before changing
    several holdings (of several holders) in one transaction: later locks
    of the same rows are then free, and the order stays the engine's."""
    keys = _keys_of(dbsession, ensure)
    _insert_missing(dbsession, keys)
    return {(h.holder, h.source, h.resource_id): h for h in _lock(dbsession, holders, keys)}


def sync(dbsession, holders, ensure=()):
    """Recompute the ``system`` limits of ``holders`` (the formula above),
    creating the holdings of every resource granted to them; ``ensure`` as
    in ``lock``. Returns the locked holdings by key."""
    holders = sorted(set(holders))
    keys = _keys_of(dbsession, ensure)
    grants = granted(dbsession, holders)
    locked, wanted = {}, set()
    while True:
        wanted |= keys | set(grants)
        _insert_missing(dbsession, wanted)
        for holding in _lock(dbsession, holders, wanted):
            locked[(holding.holder, holding.source, holding.resource_id)] = holding
        # Under the locks: what concurrent changes committed is seen now;
        # a resource granted meanwhile needs its holding too (rare: again).
        grants = granted(dbsession, holders)
        if set(grants) <= wanted:
            break
    wanted_holders = set(holders)
    for (holder, source, resource_id), holding in locked.items():
        if source == SYSTEM and holder in wanted_holders:
            extra = grants.get((holder, resource_id), 0)
            holding.limit = min(holding.base_limit + extra, QUANTITY_MAX)
    dbsession.flush()
    return locked


def set_base_limit(dbsession, holder, resource_name, base_limit):
    """Set a holder's own allowance of a resource (``quota-set``) and
    recompute its limits; returns the holding."""
    ((_, resource_id),) = _keys_of(dbsession, [(holder, resource_name)])
    key = (holder, SYSTEM, resource_id)
    lock(dbsession, [holder], ensure=[(holder, resource_name)])[key].base_limit = base_limit
    return sync(dbsession, [holder])[key]
