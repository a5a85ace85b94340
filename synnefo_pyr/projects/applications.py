"""Applications: submitting one (create or modify a project) and deciding
on it (approve, deny, dismiss, cancel): behaviours-projects.md P14, P22-P24,
P26-P28.

The body's fields are checked at the edge (``schemas/projects.py``) into an
``ApplicationSpec``; ``resources`` is checked here, because a modification
checks it only after the project's 404 and 403 (P23).
"""
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from synnefo_pyr import errors
from synnefo_pyr.identity.models import User
from synnefo_pyr.db import db_id
from synnefo_pyr.orm import utcnow
from synnefo_pyr.projects import quota, store
from synnefo_pyr.projects.models import (
    APPROVED, CANCELLED, DENIED, DISMISSED, NORMAL, PENDING, REPLACED, Project, ProjectApplication,
    ProjectLog, ProjectResourceGrant,
)
from synnefo_pyr.projects.permissions import applicant_level, require, visible_applications_sql
from synnefo_pyr.projects.states import APPLICATION_STATE_DISPLAY
from synnefo_pyr.quotas.registry import QUANTITY_MAX, resources_by_name

ACTIONS = ("approve", "deny", "dismiss", "cancel")
#: The state each action requires.
_REQUIRED_STATE = {"approve": PENDING, "deny": PENDING, "dismiss": DENIED, "cancel": PENDING}
MALFORMED_GRANTS = "Malformed resource policies"
NAME_TAKEN = "cannot approve: project with name '{}' already exists (id: {})"


@dataclass(frozen=True)
class ApplicationSpec:
    """A submission's fields, checked (P22) except ``resources``."""

    name: str
    end_date: datetime
    max_members: int
    #: The owner's user row; ``None``: the caller.
    owner: object = None
    join_policy: str = "moderated"
    leave_policy: str = "auto"
    start_date: datetime | None = None
    homepage: str | None = None
    description: str | None = None
    comments: str | None = None
    #: The JSON value as sent (absent: ``{}``); ``parse_grants`` checks it.
    resources: object = field(default_factory=dict)


def find_active_user(dbsession, uuid):
    """The active user of this uuid, or ``None`` (an application's owner)."""
    if not isinstance(uuid, str):
        return None
    return dbsession.scalar(select(User).where(User.uuid == uuid, User.is_active.is_(True)))


def reason_text(value):
    """An action's reason (any JSON value) as the text the logs keep."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def _capacity(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= QUANTITY_MAX


def parse_grants(dbsession, raw):
    """``[(resource, member_capacity, project_capacity)]`` of a ``resources``
    object (P13, P22); anything else is 400 "Malformed resource policies"."""
    if not isinstance(raw, dict):
        raise errors.Invalid(MALFORMED_GRANTS, "'resources' must be an object")
    known = resources_by_name(dbsession, list(raw))
    grants = []
    for name, value in raw.items():
        resource = known.get(name)
        if resource is None or not resource.api_visible or not resource.allow_in_projects:
            raise errors.Invalid(MALFORMED_GRANTS, f"No resource {name!r} that projects may grant")
        if not isinstance(value, dict):
            raise errors.Invalid(MALFORMED_GRANTS, f"The grant of {name!r} must be an object")
        member = value.get("member_capacity")
        project = value.get("project_capacity")
        if not _capacity(member) or not (project is None or _capacity(project)):
            raise errors.Invalid(
                MALFORMED_GRANTS,
                f"The capacities of {name!r} must be integers from 0 to {QUANTITY_MAX}"
                " (member_capacity required)",
            )
        grants.append((resource, member, project))
    return grants


def submit(dbsession, actor, spec, project_id=None):
    """A new pending application: of a new project (create, P22) or of
    ``project_id`` (modify, P23). Returns the application."""
    now = utcnow()
    replaced = []
    if project_id is not None:
        project = store.lock_project(dbsession, store.project(dbsession, project_id).id)
        require(applicant_level(actor, project.application))
        replaced = list(dbsession.scalars(
            select(ProjectApplication).where(ProjectApplication.project_id == project.id,
                                             ProjectApplication.state == PENDING)
        ))
    grants = parse_grants(dbsession, spec.resources)
    owner = spec.owner if spec.owner is not None else dbsession.get(User, actor.user_id)
    if owner is None:
        raise errors.Invalid("User does not exist.")
    if project_id is None:
        project = Project(state=NORMAL, creation_date=now)
        dbsession.add(project)
        dbsession.flush()
        dbsession.add(ProjectLog(project_id=project.id, from_state=None, to_state=NORMAL,
                                 date=now, actor_id=actor.user_id))
    application = ProjectApplication(
        project_id=project.id, state=PENDING, applicant_id=actor.user_id, owner_id=owner.id,
        name=spec.name, homepage=spec.homepage, description=spec.description,
        comments=spec.comments, start_date=spec.start_date, end_date=spec.end_date,
        join_policy=spec.join_policy, leave_policy=spec.leave_policy,
        max_members=spec.max_members, issue_date=now,
        grants=[ProjectResourceGrant(resource_id=resource.id, member_capacity=member,
                                     project_capacity=capacity)
                for resource, member, capacity in grants],
    )
    dbsession.add(application)
    dbsession.flush()
    for old in replaced:
        old.state = REPLACED
    # An approved application stays current until another one is approved.
    if project.application is None or project.application.state != APPROVED:
        project.application = application
    # Netted per user: replacing one's own pending application never fails.
    changes = Counter({owner.uuid: 1})
    for old in replaced:
        changes[old.owner.uuid] -= 1
    quota.change_pending(dbsession, changes, check=not actor.is_admin,
                         name=f"project application {application.id}")
    dbsession.flush()
    return application


# --- decisions ------------------------------------------------------------------


def claim_name(dbsession, project, name):
    """Make ``name`` the project's live name, unless another active or
    suspended project holds it (409). The unique index decides between two
    concurrent claims; the loser gets the same 409."""
    holder = dbsession.scalar(select(Project.id).where(Project.name == name, Project.id != project.id))
    if holder is None:
        try:
            with dbsession.begin_nested():
                project.name = name
                dbsession.flush()
            return
        except IntegrityError:
            holder = dbsession.scalar(
                select(Project.id).where(Project.name == name, Project.id != project.id)
            )
    raise errors.Conflict(NAME_TAKEN.format(name, holder))


def set_project_state(dbsession, project, to_state, actor, reason, now):
    """Change the project's own state, and log it (``deactivation_date``)."""
    dbsession.add(ProjectLog(project_id=project.id, from_state=project.state, to_state=to_state,
                             date=now, actor_id=actor.user_id, reason=reason))
    project.state = to_state


def act(dbsession, actor, application_id, action, reason=None):
    """Approve, deny, dismiss or cancel an application (P28)."""
    application = store.application(dbsession, application_id)
    project = store.lock_project(dbsession, application.project_id)
    store.refresh(dbsession, application)
    if action in ("approve", "deny"):
        require(actor.is_admin)
    else:
        require(applicant_level(actor, application))
    if application.state != _REQUIRED_STATE[action]:
        raise errors.Conflict(
            f"Cannot {action} application {application.id} in state "
            f"'{APPLICATION_STATE_DISPLAY[application.state]}'"
        )
    now, reason = utcnow(), reason_text(reason)
    owner = application.owner.uuid
    if action == "approve":
        claim_name(dbsession, project, application.name)
        application.state = APPROVED
        application.response_date, application.response = now, reason
        application.response_actor_id = actor.user_id
        project.application = application
        if project.state != NORMAL:
            # Approval also unsuspends or reinstates.
            set_project_state(dbsession, project, NORMAL, actor, reason, now)
        dbsession.flush()
        # The new grants replace the old ones (Q2); one ordered lock pass
        # covers the members' holdings and the owner's pending count.
        quota.sync_members(dbsession, project, pending_of=[owner])
    elif action == "deny":
        application.state = DENIED
        application.response_date, application.response = now, reason
        application.response_actor_id = actor.user_id
    else:
        application.state = DISMISSED if action == "dismiss" else CANCELLED
        application.waive_date, application.waive_reason = now, reason
        application.waive_actor_id = actor.user_id
    if action != "dismiss":
        quota.change_pending(dbsession, {owner: -1}, check=False,
                             name=f"project application {application.id}")
    dbsession.flush()
    return application


# --- reading --------------------------------------------------------------------


def list_applications(dbsession, actor, project_id=None):
    """The applications the caller may see (P26), of one project if
    ``project_id`` is given (an unknown one: none), by id."""
    query = (select(ProjectApplication).where(visible_applications_sql(actor))
             .order_by(ProjectApplication.id))
    if project_id is not None:
        number = db_id(project_id)
        if number is None:
            return []
        query = query.where(ProjectApplication.project_id == number)
    return list(dbsession.scalars(query))
