"""Loading projects, applications and memberships, and locking them.

Lock order of every project operation (P39): the project row first
(``SELECT ... FOR NO KEY UPDATE``), then its memberships, then quota
holdings (``quotas.limits``, in the engine's order). In the global order of
``compute/lifecycle.py`` a project stands where a server does: before the
holdings (no transaction locks both a project and a server). Everything that changes a
project, its applications or its memberships takes the project's lock
first and reads what it checks only after that, so two operations on one
project run one after the other; commissions lock only holdings, so no
cycle can form.
"""
from sqlalchemy import select

from synnefo_pyr import errors
from synnefo_pyr.db import INT32_MAX, db_id
from synnefo_pyr.projects.models import Project, ProjectApplication, ProjectMembership

NO_PROJECT = "There is no project identified by {}."
NO_APPLICATION = "There is no project application identified by {}."
NO_MEMBERSHIP = "This is not a valid membership request."


def _get(dbsession, model, ident):
    number = db_id(ident, INT32_MAX)
    return None if number is None else dbsession.get(model, number)


def find_project(dbsession, project_id):
    """The project ``project_id`` (URL text or a number) names, or ``None``."""
    return _get(dbsession, Project, project_id)


def find_application(dbsession, application_id):
    return _get(dbsession, ProjectApplication, application_id)


def find_membership(dbsession, membership_id):
    return _get(dbsession, ProjectMembership, membership_id)


def project(dbsession, project_id, error=errors.NotFound):
    """The project, or ``error`` (404 by default; enroll says 409)."""
    found = find_project(dbsession, project_id)
    if found is None:
        raise error(NO_PROJECT.format(project_id))
    return found


def application(dbsession, application_id):
    found = find_application(dbsession, application_id)
    if found is None:
        raise errors.NotFound(NO_APPLICATION.format(application_id))
    return found


def membership(dbsession, membership_id):
    found = find_membership(dbsession, membership_id)
    if found is None:
        raise errors.NotFound(NO_MEMBERSHIP)
    return found


def lock_project(dbsession, project_id):
    """Row-lock the project and read it (and its current application)
    afresh: what a concurrent operation committed is seen now. ``FOR NO
    KEY UPDATE`` on PostgreSQL, as ``db.lock_row``: a second locker waits,
    rows that merely reference the project do not."""
    return dbsession.scalar(
        select(Project).where(Project.id == project_id)
        .with_for_update(of=Project, key_share=True)
        .execution_options(populate_existing=True)
    )


def refresh(dbsession, obj):
    """Read ``obj`` again, after its project's lock was taken."""
    dbsession.refresh(obj)
    return obj
