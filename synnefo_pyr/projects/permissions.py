"""Who may do what: project administrators and the permission levels of
behaviours-projects.md P8 and P9, in Python (one object) and in SQL (lists).

An ``Actor`` is the caller as the project rules see it: a user (id and
uuid) who is or is not a project administrator, or ``OPERATOR``, a
management command, which acts at administrator level with no user (the
original's ``project-control``).

Levels, for an application A, a project P (judged through its *current*
application) and a membership M of user U:

* admin: a project administrator (P8);
* owner: admin, or A's owner;
* applicant: owner level, or A's applicant;
* any (projects): applicant level, or P is active, or the caller is a
  member of P in an accepted-like state (``Audience``);
* membership view: owner level of P, or U;
* member-or-admin: admin, or U.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import select

from synnefo_pyr import errors
from synnefo_pyr.identity.models import User
from synnefo_pyr.projects import states
from synnefo_pyr.projects.models import (
    ACCEPTED_LIKE, Project, ProjectApplication, ProjectMembership,
)

FORBIDDEN = "You do not have the permissions to perform this action."


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    uuid: str | None
    is_admin: bool = False


#: A management command.
OPERATOR = Actor(None, None, True)


def is_project_admin(user, admins):
    """Users with the ``admin`` role (``user-add --admin``) and those whose
    uuid the ``synnefo_pyr.projects.admins`` setting lists."""
    return bool(user.is_admin) or user.uuid in admins


def forbidden():
    return errors.Forbidden(FORBIDDEN)


def owner_level(actor, application):
    return actor.is_admin or actor.user_id == application.owner_id


def applicant_level(actor, application):
    return owner_level(actor, application) or actor.user_id == application.applicant_id


def member_or_admin(actor, membership):
    return actor.is_admin or actor.user_id == membership.user_id


def may_view_membership(actor, membership):
    return owner_level(actor, membership.project.application) or actor.user_id == membership.user_id


def require(allowed):
    if not allowed:
        raise forbidden()


@dataclass(frozen=True)
class Audience:
    """Who passes "any level" of a project, administrators aside."""

    #: Uuids at applicant level (owner and applicant of the current application).
    applicants: frozenset
    #: Uuids of the members in an accepted-like state.
    members: frozenset
    #: The project is active: every user sees it.
    public: bool

    def admits(self, actor):
        return actor.is_admin or self.public or actor.uuid in self.applicants | self.members


def audience(dbsession, project):
    current = project.application
    members = dbsession.scalars(
        select(User.uuid).join(ProjectMembership, ProjectMembership.user_id == User.id)
        .where(ProjectMembership.project_id == project.id,
               ProjectMembership.state.in_(ACCEPTED_LIKE))
    )
    return Audience(
        applicants=frozenset({current.owner.uuid, current.applicant.uuid}),
        members=frozenset(members),
        public=states.is_active(project),
    )


# --- the same rules in SQL, for the lists (P20, P26, P29) -------------------


def visible_projects_sql(actor, application=ProjectApplication):
    """Projects passing "any level" (``Project`` joined with its current
    application as ``application``)."""
    if actor.is_admin:
        return sa.true()
    member = select(ProjectMembership.id).where(
        ProjectMembership.project_id == Project.id,
        ProjectMembership.user_id == actor.user_id,
        ProjectMembership.state.in_(ACCEPTED_LIKE),
    ).exists()
    return sa.or_(
        application.owner_id == actor.user_id,
        application.applicant_id == actor.user_id,
        states.active_sql(application),
        member,
    )


def visible_applications_sql(actor):
    if actor.is_admin:
        return sa.true()
    return sa.or_(ProjectApplication.owner_id == actor.user_id,
                  ProjectApplication.applicant_id == actor.user_id)


def visible_memberships_sql(actor, current=ProjectApplication):
    """Own memberships and those of projects whose current application the
    caller owns (``ProjectMembership`` joined with the project and its
    current application as ``current``)."""
    if actor.is_admin:
        return sa.true()
    return sa.or_(ProjectMembership.user_id == actor.user_id, current.owner_id == actor.user_id)
