"""Object storage quota (M0.15): ``pithos.diskspace`` of the account's
owner, in bytes, counting the current versions of all its objects; and
the container policy ``quota``. Charged in the transaction of the change,
after the nodes are locked (nodes before holdings, everywhere)."""
from synnefo_pyr import errors
from synnefo_pyr.quotas import engine
from synnefo_pyr.quotas.registry import GiB, ResourceSpec
from synnefo_pyr.storage import nodes

RESOURCE = "pithos.diskspace"
SPEC = ResourceSpec(RESOURCE, "Pithos account diskspace", "pithos_object-store", 50 * GiB,
                    unit="bytes", display_name="Pithos account diskspace")


def charge(dbsession, deltas, name=""):
    """Charge ``{account: byte delta}`` as one commission (one lock order
    for all holders); a refusal is 413 "Quota error: ..."."""
    provisions = [engine.ProvisionSpec(holder, engine.SYSTEM, RESOURCE, delta)
                  for holder, delta in sorted(deltas.items()) if delta]
    if not provisions:
        return
    releases_only = all(p.quantity < 0 for p in provisions)
    try:
        commission = engine.issue(dbsession, "", provisions, name=name[:1000], force=releases_only)
        engine.resolve(dbsession, "", accept=[commission.serial])
    except errors.QuotaExceeded as exc:
        raise errors.QuotaExceeded(f"Quota error: {exc.details or exc.message}") from None


def check_container(dbsession, container):
    """After a size-increasing write, with the container locked: its
    current bytes must not exceed its quota policy (0: unlimited)."""
    limit = container.policy_quota or 0
    if not limit:
        return
    used = nodes.container_stats(dbsession, [container.id])[container.id].bytes
    if used > limit:
        raise errors.QuotaExceeded(
            f"Quota error: Container quota exceeded: limit: {limit}, usage: {used}")


def account_quota(dbsession, account):
    """``(limit, usage)`` of the account's diskspace."""
    resources = [r for r in engine.list_resources(dbsession) if r.name == RESOURCE]
    if not resources:
        return 0, 0
    entry = engine.quotas(dbsession, [account], resources)[account][engine.SYSTEM][RESOURCE]
    return entry["limit"], entry["usage"]
