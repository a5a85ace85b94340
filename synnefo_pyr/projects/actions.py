"""What project administrators do to a project: suspend, unsuspend,
terminate, reinstate (behaviours-projects.md P15, P25). Each changes the
members' limits (Q2): the grants of a suspended or terminated project stop
applying at once, while usages stay as they are (Q3)."""
from sqlalchemy import select

from synnefo_pyr import errors
from synnefo_pyr.orm import utcnow
from synnefo_pyr.projects import quota, store
from synnefo_pyr.projects.applications import claim_name, reason_text, set_project_state
from synnefo_pyr.projects.models import (
    APPROVED, NORMAL, SUSPENDED, TERMINATED, Project, ProjectApplication,
)
from synnefo_pyr.projects.permissions import require
from synnefo_pyr.projects.states import is_alive, overall_state

ACTIONS = ("suspend", "unsuspend", "terminate", "reinstate")
NOT_ALIVE = "Project {} is not alive."


def _check(project, action):
    state = overall_state(project)
    if action in ("suspend", "terminate") and not is_alive(project):
        raise errors.Conflict(NOT_ALIVE.format(project.id))
    if action == "unsuspend" and state != SUSPENDED:
        raise errors.Conflict(f"Project {project.id} is not suspended.")
    if action == "reinstate" and state != TERMINATED:
        raise errors.Conflict(f"Project {project.id} is not terminated.")


def act(dbsession, actor, project_id, action, reason=None):
    """Take ``action`` on the project, as an administrator; returns it."""
    project = store.project(dbsession, project_id)
    require(actor.is_admin)
    project = store.lock_project(dbsession, project.id)
    _check(project, action)
    now, reason = utcnow(), reason_text(reason)
    if action == "suspend":
        # Suspending a suspended project is accepted and logged again (U6).
        set_project_state(dbsession, project, SUSPENDED, actor, reason, now)
    elif action == "terminate":
        set_project_state(dbsession, project, TERMINATED, actor, reason, now)
        # Another project may now be approved with this name.
        project.name = None
    else:
        if action == "reinstate":
            claim_name(dbsession, project, project.application.name)
        set_project_state(dbsession, project, NORMAL, actor, reason, now)
    dbsession.flush()
    quota.sync_members(dbsession, project)
    return project


def expired(dbsession, now=None):
    """The alive projects whose current application's end date has passed:
    reaching it changes nothing by itself (P36); the operator lists them,
    or terminates them (``project-expired --terminate``)."""
    return list(dbsession.scalars(
        select(Project).join(ProjectApplication, ProjectApplication.id == Project.application_id)
        .where(Project.state.in_((NORMAL, SUSPENDED)), ProjectApplication.state == APPROVED,
               ProjectApplication.end_date < (now or utcnow()))
        .order_by(Project.id)
    ))
