"""How projects change quotas (behaviours-projects.md Q1-Q6, P24, P38).

Projects are no quota sources at this revision (D1): a member's ``system``
limit of a resource is their base limit plus the ``member_capacity`` of
every *active* project they belong to in a quota-bearing state.
``member_grants`` is that sum, declared to the quota package as a grant
source; ``quotas.limits.sync`` is the one function that writes limits, and
every project operation that starts or stops a grant calls it (through
``sync_members`` / ``sync_users``) for the users concerned.

Pending applications are counted in the hidden resource
``astakos.pending_app``: usage = the applications the user owns that are
pending, limit = how many they may have.
"""
from sqlalchemy import select

from synnefo_pyr import errors
from synnefo_pyr.identity.models import User
from synnefo_pyr.projects import states
from synnefo_pyr.projects.models import (
    QUOTA_BEARING, Project, ProjectApplication, ProjectMembership, ProjectResourceGrant,
)
from synnefo_pyr.quotas import engine, limits
from synnefo_pyr.quotas.registry import QUANTITY_MAX, ResourceSpec

PENDING_APP = "astakos.pending_app"

RESOURCES = (
    # Practically unlimited until the operator sets a limit (P41).
    ResourceSpec(PENDING_APP, "Number of pending project applications", "astakos_account",
                 QUANTITY_MAX, unit=None, allow_in_projects=False, ui_visible=False,
                 api_visible=False, display_name="Pending applications"),
)

PENDING_LIMIT = "You have reached the maximum number of pending project applications: {}."


def member_grants(dbsession, holders):
    """``{(uuid, resource_id): sum of member_capacity}`` over the current
    applications of the active projects in which each holder's membership
    is accepted or leave_requested (Q1). Summed here, not in SQL: the sum
    may pass 64 bits (the limit is capped afterwards)."""
    rows = dbsession.execute(
        select(User.uuid, ProjectResourceGrant.resource_id, ProjectResourceGrant.member_capacity)
        .select_from(ProjectMembership)
        .join(User, User.id == ProjectMembership.user_id)
        .join(Project, Project.id == ProjectMembership.project_id)
        .join(ProjectApplication, ProjectApplication.id == Project.application_id)
        .join(ProjectResourceGrant, ProjectResourceGrant.application_id == ProjectApplication.id)
        .where(User.uuid.in_(list(holders)), ProjectMembership.state.in_(QUOTA_BEARING),
               states.active_sql())
    )
    total = {}
    for uuid, resource_id, capacity in rows:
        total[(uuid, resource_id)] = total.get((uuid, resource_id), 0) + capacity
    return total


def quota_bearing_members(dbsession, project):
    return list(dbsession.scalars(
        select(User.uuid).join(ProjectMembership, ProjectMembership.user_id == User.id)
        .where(ProjectMembership.project_id == project.id,
               ProjectMembership.state.in_(QUOTA_BEARING))
    ))


def sync_users(dbsession, uuids, pending_of=()):
    """Recompute the limits of ``uuids``; also lock the pending-application
    holdings of ``pending_of`` in the same ordered pass, for a
    ``change_pending`` that follows."""
    limits.sync(dbsession, uuids, ensure=[(uuid, PENDING_APP) for uuid in pending_of])


def sync_members(dbsession, project, pending_of=()):
    """Recompute the limits of the project's quota-bearing members (Q2)."""
    sync_users(dbsession, quota_bearing_members(dbsession, project), pending_of)


def change_pending(dbsession, changes, *, check, name=""):
    """Add ``{uuid: n}`` to the users' pending-application counts. Positive
    changes are checked against the limit when ``check`` (409, nothing
    changes); releases are forced: they must never fail the call (P24)."""
    changes = {uuid: n for uuid, n in changes.items() if n}
    if not changes:
        return
    # Several users' holdings: lock them in the engine's order first.
    limits.lock(dbsession, ensure=[(uuid, PENDING_APP) for uuid in changes])
    for uuid, n in sorted(changes.items()):
        try:
            engine.charge(dbsession, uuid, {PENDING_APP: n}, name=name, force=n < 0 or not check)
        except errors.QuotaExceeded as exc:
            limit = exc.data.get("data", {}).get("limit")
            raise errors.Conflict(PENDING_LIMIT.format(limit)) from None
