"""What the API shows of projects, for a given caller (behaviours-projects.md
P10, P20, P21): the project with its current application, and, for callers
at applicant level only, the newest pending application and the latest
deactivation date."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from synnefo_pyr.identity.models import User
from synnefo_pyr.projects.models import (
    PENDING, SUSPENDED, TERMINATED, Project, ProjectApplication, ProjectLog,
)
from synnefo_pyr.projects.permissions import applicant_level, visible_projects_sql
from synnefo_pyr.projects.states import overall_state, overall_state_sql


@dataclass
class ProjectDetails:
    project: Project
    application: ProjectApplication
    state: str
    #: The caller is at applicant level: the three restricted keys are shown.
    restricted: bool
    pending_application: int | None = None
    deactivation_date: datetime | None = None


@dataclass(frozen=True)
class ProjectFilters:
    """``None``: no filter on that key; a tuple: any of these (P20)."""

    states: tuple | None = None
    owners: tuple | None = None
    names: tuple | None = None


def details(dbsession, actor, projects):
    projects = list(projects)
    shown = {p.id for p in projects if applicant_level(actor, p.application)}
    pending, deactivated = {}, {}
    if shown:
        pending = dict(dbsession.execute(
            select(ProjectApplication.project_id, func.max(ProjectApplication.id))
            .where(ProjectApplication.project_id.in_(shown), ProjectApplication.state == PENDING)
            .group_by(ProjectApplication.project_id)
        ).all())
        deactivated = dict(dbsession.execute(
            select(ProjectLog.project_id, func.max(ProjectLog.date))
            .where(ProjectLog.project_id.in_(shown),
                   ProjectLog.to_state.in_((SUSPENDED, TERMINATED)))
            .group_by(ProjectLog.project_id)
        ).all())
    return [
        ProjectDetails(
            project=p, application=p.application, state=overall_state(p),
            restricted=p.id in shown,
            pending_application=pending.get(p.id), deactivation_date=deactivated.get(p.id),
        )
        for p in projects
    ]


def project_details(dbsession, actor, project):
    return details(dbsession, actor, [project])[0]


def list_projects(dbsession, actor, filters=ProjectFilters()):
    """The projects the caller may see that pass the filters, by id (P20)."""
    query = (
        select(Project)
        .join(ProjectApplication, ProjectApplication.id == Project.application_id)
        .where(visible_projects_sql(actor))
        .order_by(Project.id)
    )
    if filters.states:
        query = query.where(overall_state_sql().in_(filters.states))
    if filters.owners is not None:
        query = query.where(ProjectApplication.owner_id.in_(
            select(User.id).where(User.uuid.in_(filters.owners))
        ))
    if filters.names is not None:
        query = query.where(ProjectApplication.name.in_(filters.names))
    return details(dbsession, actor, dbsession.scalars(query).unique())
