"""Memberships: joining, enrolling, and the five actions on a membership
(behaviours-projects.md P16-P19, P29-P34).

The checks of an action run in the contract's order, which is observable
(a state error wins over a permission error): 1. the membership's state,
2. who the caller is, 3. the project is alive, 4. the policy and the member
limit. ``refusal`` is that sequence, written once: ``act`` raises what it
returns and ``allowed_actions`` lists the actions it has nothing against.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from synnefo_pyr import errors
from synnefo_pyr.identity.models import User
from synnefo_pyr.orm import utcnow
from synnefo_pyr.db import db_id
from synnefo_pyr.projects import quota, store
from synnefo_pyr.projects.actions import NOT_ALIVE
from synnefo_pyr.projects.applications import reason_text
from synnefo_pyr.projects.models import (
    ACCEPTED, ACCEPTED_LIKE, ASSOCIATED, AUTO, CANCELLED, CLOSED, LEAVE_REQUESTED, REJECTED,
    REMOVED, REQUESTED, Project, ProjectApplication, ProjectMembership, ProjectMembershipLog,
)
from synnefo_pyr.projects.permissions import (
    forbidden, member_or_admin, owner_level, require, visible_memberships_sql,
)
from synnefo_pyr.projects.states import is_alive

#: In the order ``allowed_actions`` lists them (U2).
ACTIONS = ("leave", "cancel", "accept", "reject", "remove")

NOT_VALID = store.NO_MEMBERSHIP
NOT_ACCEPTED = "This is not an accepted membership."
JOIN_CLOSED = "The Project's member join policy is closed."
LEAVE_CLOSED = "The project's member leave policy is closed."
FULL = "You have reached the maximum number of members for this Project."
ALREADY_ASSOCIATED = "Request or membership already exists."
ALREADY_MEMBER = "Membership already exists."


def member_count(dbsession, project_id):
    """Members for the member limit: accepted-like memberships (P19)."""
    return dbsession.scalar(
        select(func.count(ProjectMembership.id))
        .where(ProjectMembership.project_id == project_id,
               ProjectMembership.state.in_(ACCEPTED_LIKE))
    )


def refusal(action, actor, membership, project, members):
    """Why ``actor`` may not take ``action`` on ``membership`` now (a domain
    error), or ``None``. ``members``: the project's member count."""
    current = project.application
    if action in ("accept", "reject", "cancel"):
        if membership.state != REQUESTED:
            return errors.Conflict(NOT_VALID)
    elif membership.state not in ACCEPTED_LIKE:
        return errors.Conflict(NOT_ACCEPTED)
    if action in ("accept", "reject", "remove"):
        allowed = owner_level(actor, current)
    else:
        allowed = member_or_admin(actor, membership)
    if not allowed:
        return forbidden()
    if not is_alive(project):
        return errors.Conflict(NOT_ALIVE.format(project.id))
    if action == "accept":
        if current.join_policy == CLOSED:
            return errors.Conflict(JOIN_CLOSED)
        if members >= current.max_members:
            return errors.Conflict(FULL)
    if action in ("leave", "remove") and current.leave_policy == CLOSED:
        return errors.Conflict(LEAVE_CLOSED)
    return None


def _set_state(dbsession, membership, to_state, actor, reason=None, now=None):
    dbsession.add(ProjectMembershipLog(
        membership_id=membership.id, from_state=membership.state, to_state=to_state,
        date=now or utcnow(), actor_id=actor.user_id, reason=reason,
    ))
    membership.state = to_state


def _find(dbsession, project_id, user_id):
    return dbsession.scalar(select(ProjectMembership).where(
        ProjectMembership.project_id == project_id, ProjectMembership.user_id == user_id
    ))


def _new(dbsession, project, user_id, state, actor, now):
    """A first membership; its log starts at ``state``."""
    membership = ProjectMembership(project_id=project.id, user_id=user_id, state=state)
    dbsession.add(membership)
    dbsession.flush()
    dbsession.add(ProjectMembershipLog(membership_id=membership.id, from_state=None,
                                       to_state=state, date=now, actor_id=actor.user_id))
    return membership


def act(dbsession, actor, membership_id, action, reason=None):
    """Leave, cancel, accept, reject or remove (P31); returns the membership."""
    membership = store.membership(dbsession, membership_id)
    project = store.lock_project(dbsession, membership.project_id)
    store.refresh(dbsession, membership)
    members = member_count(dbsession, project.id) if action == "accept" else 0
    error = refusal(action, actor, membership, project, members)
    if error is not None:
        raise error
    current = project.application
    to_state = {
        "accept": ACCEPTED, "reject": REJECTED, "cancel": CANCELLED, "remove": REMOVED,
        "leave": REMOVED if current.leave_policy == AUTO else LEAVE_REQUESTED,
    }[action]
    _set_state(dbsession, membership, to_state, actor, reason_text(reason))
    dbsession.flush()
    if to_state in (ACCEPTED, REMOVED):
        # The member's limits, whoever acted (D4: not the admin's).
        quota.sync_users(dbsession, [membership.user.uuid])
    return membership


def join(dbsession, actor, project_id):
    """The caller asks to join (P32); accepted at once under the ``auto``
    join policy while the project is not full. Returns the membership."""
    project = store.lock_project(dbsession, store.project(dbsession, project_id).id)
    current = project.application
    if not is_alive(project):
        raise errors.Conflict(NOT_ALIVE.format(project.id))
    if current.join_policy == CLOSED:
        raise errors.Conflict(JOIN_CLOSED)
    now = utcnow()
    membership = _find(dbsession, project.id, actor.user_id)
    if membership is not None and membership.state in ASSOCIATED:
        raise errors.Conflict(ALREADY_ASSOCIATED)
    if membership is None:
        membership = _new(dbsession, project, actor.user_id, REQUESTED, actor, now)
    else:
        _set_state(dbsession, membership, REQUESTED, actor, now=now)
    if current.join_policy == AUTO and member_count(dbsession, project.id) < current.max_members:
        _set_state(dbsession, membership, ACCEPTED, actor, now=now)
        dbsession.flush()
        quota.sync_users(dbsession, [actor.uuid])
    dbsession.flush()
    return membership


def enroll(dbsession, actor, project_id, email):
    """The project's owner (or an admin) makes the user with this e-mail a
    member at once (P33). Returns the membership."""
    user = dbsession.scalar(select(User).where(User.email == email, User.is_active.is_(True)))
    if user is None:
        raise errors.Conflict(f"Unknown users: {email}")
    project = store.project(dbsession, project_id, error=errors.Conflict)
    project = store.lock_project(dbsession, project.id)
    current = project.application
    require(owner_level(actor, current))
    if not is_alive(project):
        raise errors.Conflict(NOT_ALIVE.format(project.id))
    if current.join_policy == CLOSED:
        raise errors.Conflict(JOIN_CLOSED)
    if member_count(dbsession, project.id) >= current.max_members:
        raise errors.Conflict(FULL)
    now = utcnow()
    membership = _find(dbsession, project.id, user.id)
    if membership is not None and membership.state in ACCEPTED_LIKE:
        raise errors.Conflict(ALREADY_MEMBER)
    if membership is None:
        membership = _new(dbsession, project, user.id, ACCEPTED, actor, now)
    else:
        _set_state(dbsession, membership, ACCEPTED, actor, now=now)
    dbsession.flush()
    quota.sync_users(dbsession, [user.uuid])
    return membership


# --- reading --------------------------------------------------------------------


@dataclass
class MembershipDetails:
    membership: ProjectMembership
    #: ``{state: latest date it was entered}`` (P12).
    dates: dict = field(default_factory=dict)
    #: What the caller may do now (P34).
    allowed_actions: list = field(default_factory=list)


def details(dbsession, actor, memberships):
    """``MembershipDetails`` of ``memberships`` for ``actor``, in a few
    queries whatever their number."""
    memberships = list(memberships)
    if not memberships:
        return []
    project_ids = {m.project_id for m in memberships}
    counts = dict(dbsession.execute(
        select(ProjectMembership.project_id, func.count(ProjectMembership.id))
        .where(ProjectMembership.project_id.in_(project_ids),
               ProjectMembership.state.in_(ACCEPTED_LIKE))
        .group_by(ProjectMembership.project_id)
    ).all())
    dates = {}
    for membership_id, state, date in dbsession.execute(
        select(ProjectMembershipLog.membership_id, ProjectMembershipLog.to_state,
               func.max(ProjectMembershipLog.date))
        .where(ProjectMembershipLog.membership_id.in_([m.id for m in memberships]))
        .group_by(ProjectMembershipLog.membership_id, ProjectMembershipLog.to_state)
    ):
        dates.setdefault(membership_id, {})[state] = date
    return [
        MembershipDetails(
            membership=m,
            dates=dates.get(m.id, {}),
            allowed_actions=[
                action for action in ACTIONS
                if refusal(action, actor, m, m.project, counts.get(m.project_id, 0)) is None
            ],
        )
        for m in memberships
    ]


def membership_details(dbsession, actor, membership):
    return details(dbsession, actor, [membership])[0]


def list_memberships(dbsession, actor, project_id=None):
    """``MembershipDetails`` of the memberships the caller may see (P29),
    of one project if ``project_id`` is given, by id."""
    query = (
        select(ProjectMembership)
        .join(Project, Project.id == ProjectMembership.project_id)
        .join(ProjectApplication, ProjectApplication.id == Project.application_id)
        .where(visible_memberships_sql(actor))
        .order_by(ProjectMembership.id)
    )
    if project_id is not None:
        number = db_id(project_id)
        if number is None:
            return []
        query = query.where(ProjectMembership.project_id == number)
    return details(dbsession, actor, dbsession.scalars(query))
