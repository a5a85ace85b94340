"""The quota engine: per-holder limits and commissions.

Every change of usage goes through here, whether it comes from the compute
service in-process (``charge``, in the same database transaction as the
change it accounts for) or from another service over the commission API
(``issue`` then ``resolve``). Refusals are raised as domain errors, so the
caller's transaction aborts with them.

Holdings and usage (see ``quotas/models.py``): issuing a commission raises
``usage_max`` by its allocations and lowers ``usage_min`` by its releases;
accepting brings the other bound along, rejecting undoes the first step.
``usage`` as the API shows it is ``usage_max`` and ``pending`` is
``usage_max - usage_min``.

Races: before checking a limit the engine row-locks (``SELECT ... FOR
UPDATE``) every holding it touches, always in the order (holder, source,
resource id), so concurrent commissions queue up instead of overtaking one
another, and never deadlock on each other. Resolving locks the commission
rows first (by serial) and then their holdings, in the same order. On
SQLite, which has no row locks, every writing transaction BEGINs
IMMEDIATE (``db.py``): it holds the database's one write lock before it
reads a holding, so a check and its update are one step there too.

In the global lock order (``compute/lifecycle.py``) holdings come after
the server being changed and before addresses, networks and jobs.

Holders are users (their uuid) and the only source is ``system``, whose
holdings are created on first use with the resources' default limits (as
base and limit). Limits are derived by ``quotas.limits.sync`` (the base plus
what projects grant), never written here.
"""
from collections import namedtuple

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from synnefo_pyr import errors
from synnefo_pyr.db import INT32_MAX, insert_ignoring_duplicates
from synnefo_pyr.identity.models import User
from synnefo_pyr.orm import utcnow
from synnefo_pyr.quotas import limits
from synnefo_pyr.quotas.models import Commission, Provision, QuotaHolding
from synnefo_pyr.quotas.registry import (
    QUANTITY_MAX, QUANTITY_MIN, display_name, implements, list_resources, resources_by_name,
)

SYSTEM = "system"
#: The largest serial the 32-bit INTEGER key can hold; larger ones (from a
#: URL or a request body) name no commission, and must not reach the database.
MAX_SERIAL = INT32_MAX
INVALID = "Commission failed due to invalid input data"

#: One line of a commission, as callers give it.
ProvisionSpec = namedtuple("ProvisionSpec", "holder source resource quantity")


# --------------------------------------------------------------- refusals


def _provision_dict(p):
    return {"holder": p.holder, "source": p.source, "resource": p.resource, "quantity": p.quantity}


def _no_holding(provision, message):
    return errors.NotFound(message, data={"data": {
        "provision": _provision_dict(provision), "name": "NoHoldingError",
    }})


def _refusal(message, details, error_name, provision, holding, usage):
    """The quota API's 413, with the failed provision and the holding's
    figures beside the message (quota guide, Issue commission)."""
    return errors.QuotaExceeded(message, details, data={"data": {
        "provision": _provision_dict(provision),
        "name": error_name,
        "limit": holding.limit,
        "usage": usage,
        "resource": provision.resource,
        "source": provision.source,
        "holder": provision.holder,
        "requested": provision.quantity,
        "current": usage,
    }})


def _over_limit(provision, resource, holding):
    available = max(holding.limit - holding.usage_max, 0)
    return _refusal(
        "Resource Limit Exceeded for your account.",
        f"Limit for resource '{display_name(resource)}' exceeded for your account. "
        f"Available: {available}, Requested: {provision.quantity}",
        "NoCapacityError", provision, holding, holding.usage_max,
    )


def _below_zero(provision, holding):
    return _refusal(
        "Resource usage would fall below zero.",
        f"Cannot release {-provision.quantity} of resource '{provision.resource}' "
        f"of {provision.holder}: usage is {holding.usage_min}",
        "NoQuantityError", provision, holding, holding.usage_min,
    )


# --------------------------------------------------------------- holdings


def _lock_holdings(dbsession, keys):
    """Row-lock the holdings of ``keys`` ((holder, source, resource_id)),
    in the deterministic key order; returns them by key."""
    if not keys:
        return {}
    condition = sa.tuple_(QuotaHolding.holder, QuotaHolding.source, QuotaHolding.resource_id).in_(
        sorted(keys)
    )
    query = (
        select(QuotaHolding).where(condition)
        .order_by(QuotaHolding.holder, QuotaHolding.source, QuotaHolding.resource_id)
        .options(lazyload(QuotaHolding.resource))
        .with_for_update(of=QuotaHolding)
        .execution_options(populate_existing=True)
    )
    return {_holding_key(h): h for h in dbsession.scalars(query)}


def _existing_holding_keys(dbsession, keys):
    condition = sa.tuple_(QuotaHolding.holder, QuotaHolding.source, QuotaHolding.resource_id).in_(
        sorted(keys)
    )
    rows = dbsession.execute(
        select(QuotaHolding.holder, QuotaHolding.source, QuotaHolding.resource_id).where(condition)
    )
    return {tuple(row) for row in rows}


def _create_default_holdings(dbsession, keys, resources_by_id):
    """Give ``system`` holdings that do not exist yet their default limits."""
    missing = sorted(k for k in set(keys) - _existing_holding_keys(dbsession, keys) if k[1] == SYSTEM)
    insert_ignoring_duplicates(dbsession, QuotaHolding.__table__, [
        {"holder": holder, "source": source, "resource_id": resource_id,
         "base_limit": resources_by_id[resource_id].default_limit,
         "limit": resources_by_id[resource_id].default_limit, "usage_min": 0, "usage_max": 0}
        for holder, source, resource_id in missing
    ])


def _known_holders(dbsession, holders):
    return set(dbsession.scalars(select(User.uuid).where(User.uuid.in_(set(holders)))))


def _prepare(dbsession, provisions, client=""):
    """Check the provisions name real holders and resources (a component's
    own resources only, those it sees in ``/service_quotas``: another
    service's resource does not exist for it); lock (and create if need
    be) their holdings. Returns ``[(provision, resource, holding)]`` in the
    order of ``provisions``. ``client`` "" is an in-process caller."""
    resources = resources_by_name(dbsession, [p.resource for p in provisions])
    holders = _known_holders(dbsession, [p.holder for p in provisions])
    keyed = {}
    for p in provisions:
        resource = resources.get(p.resource)
        if resource is None or (client and not implements(client, resource)):
            raise _no_holding(p, f"Resource '{p.resource}' does not exist")
        if p.holder not in holders:
            raise _no_holding(p, f"Holder '{p.holder}' does not exist")
        key = (p.holder, p.source, resource.id)
        if key in keyed:
            raise errors.Invalid(
                INVALID,
                f"More than one provision for {p.holder}, {p.source}, {p.resource}",
            )
        keyed[key] = (p, resource)
    _create_default_holdings(dbsession, keyed, {r.id: r for r in resources.values()})
    holdings = _lock_holdings(dbsession, keyed)
    prepared = []
    for key, (p, resource) in keyed.items():
        if key not in holdings:
            raise _no_holding(p, f"No holding of '{p.resource}' from source '{p.source}' "
                                 f"for holder '{p.holder}'")
        prepared.append((p, resource, holdings[key]))
    return prepared


def _holding_key(holding):
    return (holding.holder, holding.source, holding.resource_id)


# --------------------------------------------------------------- commissions


def issue(dbsession, client, provisions, *, name="", force=False):
    """Register a pending commission of ``provisions`` (``(holder, source,
    resource, quantity)`` tuples) for ``client`` (a component name); returns
    the ``Commission``. Nothing changes when any provision fails.

    ``force`` skips both checks: the limit of an allocation, and the floor
    at zero of a release (an in-process caller releasing what it really
    freed must never fail; a usage below zero then shows the accounting
    error instead of hiding it)."""
    provisions = [ProvisionSpec(*p) for p in provisions]
    prepared = _prepare(dbsession, provisions, client)
    # Check everything before touching anything: a caller that catches the
    # fault must not be left with half a commission applied.
    for p, resource, holding in prepared:
        if p.quantity > 0 and not force and holding.usage_max + p.quantity > holding.limit:
            raise _over_limit(p, resource, holding)
        if p.quantity < 0 and not force and holding.usage_min + p.quantity < 0:
            raise _below_zero(p, holding)
        # Only a forced commission gets here with a usage the columns cannot hold.
        if not QUANTITY_MIN <= p.quantity <= QUANTITY_MAX \
                or holding.usage_max + p.quantity > QUANTITY_MAX \
                or holding.usage_min + p.quantity < QUANTITY_MIN:
            raise errors.Invalid(
                INVALID, f"The usage of '{p.resource}' of {p.holder} would be out of range"
            )
    commission = Commission(client=client, name=name or "", state="pending", issue_time=utcnow())
    for p, resource, holding in prepared:
        if p.quantity > 0:
            holding.usage_max += p.quantity
        else:
            holding.usage_min += p.quantity
        commission.provisions.append(Provision(
            holder=p.holder, source=p.source, resource_id=resource.id, quantity=p.quantity,
        ))
    dbsession.add(commission)
    dbsession.flush()
    return commission


def _apply(holdings, commission, accept):
    for provision in commission.provisions:
        holding = holdings[(provision.holder, provision.source, provision.resource_id)]
        quantity = provision.quantity
        if accept:
            if quantity > 0:
                holding.usage_min += quantity
            else:
                holding.usage_max += quantity
        else:
            if quantity > 0:
                holding.usage_max -= quantity
            else:
                holding.usage_min -= quantity
    commission.state = "accepted" if accept else "rejected"
    commission.resolve_time = utcnow()


def _lock_pending(dbsession, client, serials):
    serials = [serial for serial in serials if 0 < serial <= MAX_SERIAL]
    if not serials:
        return {}
    query = (
        select(Commission)
        .where(Commission.serial.in_(sorted(set(serials))), Commission.client == client,
               Commission.state == "pending")
        .order_by(Commission.serial)
        .with_for_update(of=Commission)
        .execution_options(populate_existing=True)
    )
    return {c.serial: c for c in dbsession.scalars(query)}


def resolve(dbsession, client, accept=(), reject=()):
    """Accept and reject pending commissions of ``client``. Returns
    ``(accepted, rejected, failed)``; ``failed`` pairs a serial with the
    fault explaining why (a serial in both lists, or not pending)."""
    accept, reject = list(dict.fromkeys(accept)), list(dict.fromkeys(reject))
    both = set(accept) & set(reject)
    failed = [
        (serial, errors.Invalid(f"cannot both accept and reject serial {serial}"))
        for serial in accept + [s for s in reject if s not in accept] if serial in both
    ]
    wanted = [s for s in accept + reject if s not in both]
    commissions = _lock_pending(dbsession, client, wanted)
    failed += [(serial, errors.NotFound(f"serial {serial} does not exist"))
               for serial in wanted if serial not in commissions]
    keys = {(p.holder, p.source, p.resource_id)
            for c in commissions.values() for p in c.provisions}
    holdings = _lock_holdings(dbsession, keys)
    accepted, rejected = [], []
    for serial in wanted:
        if serial in commissions:
            _apply(holdings, commissions[serial], accept=serial in accept)
            (accepted if serial in accept else rejected).append(serial)
    dbsession.flush()
    return accepted, rejected, failed


def resolve_one(dbsession, client, serial, accept):
    """Accept (or reject) one pending commission; 404 when there is none."""
    accepted, rejected, failed = resolve(
        dbsession, client, accept=[serial] if accept else [], reject=[] if accept else [serial]
    )
    if failed:
        raise failed[0][1]


def pending_serials(dbsession, client):
    return list(dbsession.scalars(
        select(Commission.serial)
        .where(Commission.client == client, Commission.state == "pending")
        .order_by(Commission.serial)
    ))


def pending_commission(dbsession, client, serial):
    """The pending commission ``serial`` of ``client``, or ``None``."""
    if not 0 < serial <= MAX_SERIAL:
        return None
    return dbsession.scalar(select(Commission).where(
        Commission.serial == serial, Commission.client == client, Commission.state == "pending"
    ))


def charge(dbsession, holder, provisions, *, name="", source=SYSTEM, force=False):
    """Issue and accept at once a commission: ``provisions`` is
    ``{resource_name: quantity}`` (negative quantities release). Raises
    ``errors.QuotaExceeded`` when a limit would be exceeded or a usage fall
    below zero (unless ``force``),
    ``errors.NotFound`` for an unknown resource or holder. Returns the
    serial of the (accepted) commission."""
    lines = [ProvisionSpec(holder, source, resource, int(quantity))
             for resource, quantity in provisions.items()]
    commission = issue(dbsession, "", lines, name=name, force=force)
    holdings = _lock_holdings(dbsession, {
        (p.holder, p.source, p.resource_id) for p in commission.provisions
    })
    _apply(holdings, commission, accept=True)
    dbsession.flush()
    return commission.serial


# --------------------------------------------------------------- reading


def _quota_entry(limit, usage_min, usage_max):
    return {"limit": limit, "usage": usage_max, "pending": usage_max - usage_min}


def quotas(dbsession, holders, resources):
    """``{holder: {source: {resource: {"limit", "usage", "pending"}}}}`` for
    ``resources``; a ``system`` holding not created yet shows the default."""
    holders = list(holders)
    by_id = {r.id: r for r in resources}
    result = {
        holder: {SYSTEM: {r.name: _quota_entry(r.default_limit, 0, 0) for r in resources}}
        for holder in holders
    }
    if not holders or not resources:
        return result
    rows = dbsession.scalars(select(QuotaHolding).where(
        QuotaHolding.holder.in_(holders), QuotaHolding.resource_id.in_(list(by_id))
    ))
    for holding in rows:
        sources = result[holding.holder].setdefault(holding.source, {})
        sources[by_id[holding.resource_id].name] = _quota_entry(
            holding.limit, holding.usage_min, holding.usage_max
        )
    return result


def usage(dbsession, holder, source=SYSTEM):
    """``{resource: {"limit", "usage", "pending"}}`` of one holder's source,
    for every resource."""
    resources = list_resources(dbsession)
    return quotas(dbsession, [holder], resources)[holder].get(source, {})


def set_limit(dbsession, holder, resource_name, limit, source=SYSTEM):
    """Set one holder's own (base) limit of a resource; its limit becomes
    that plus what its projects grant (``limits.sync``). Returns the holding."""
    if source != SYSTEM:
        raise errors.NotFound(f"No holding of '{resource_name}' from source '{source}'")
    return limits.set_base_limit(dbsession, holder, resource_name, limit)
