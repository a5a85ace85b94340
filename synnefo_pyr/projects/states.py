"""The state a project shows, in Python and in SQL (P15), and what it means
to be alive or active."""
import sqlalchemy as sa

from synnefo_pyr.projects.models import (
    ACTIVE, APPROVED, NORMAL, SUSPENDED, TERMINATED, Project, ProjectApplication,
)

#: How a 409 names an application's state (P28).
APPLICATION_STATE_DISPLAY = {
    "pending": "Pending review",
    "approved": "Approved",
    "replaced": "Replaced",
    "denied": "Denied",
    "dismissed": "Dismissed",
    "cancelled": "Cancelled",
}


def overall_state(project):
    """``pending``, ``active``, ``denied``, ``dismissed``, ``cancelled``,
    ``suspended`` or ``terminated``: the project's own state where it is
    suspended or terminated, else its current application's."""
    if project.state in (SUSPENDED, TERMINATED):
        return project.state
    state = project.application.state
    return ACTIVE if state == APPROVED else state


def is_active(project):
    return overall_state(project) == ACTIVE


def is_alive(project):
    """Members may come and go (P17): active or suspended."""
    return overall_state(project) in (ACTIVE, SUSPENDED)


def overall_state_sql(application=ProjectApplication):
    """``overall_state`` as a SQL expression over ``Project`` joined with
    its current application (``application``: the alias joined)."""
    return sa.case(
        (Project.state == SUSPENDED, SUSPENDED),
        (Project.state == TERMINATED, TERMINATED),
        (application.state == APPROVED, ACTIVE),
        else_=application.state,
    )


def active_sql(application=ProjectApplication):
    """The project is active (its grants apply), in SQL."""
    return sa.and_(Project.state == NORMAL, application.state == APPROVED)
