"""Response shapes of the project API (behaviours-projects.md P10-P13).

Plain functions of the domain's objects, without a request: the
management commands print the same shapes.
"""
from synnefo_pyr.serialization import isoformat


def grants_dict(application):
    """``resources``: the api-visible grants (P13)."""
    return {
        grant.resource.name: {
            "member_capacity": grant.member_capacity,
            "project_capacity": grant.project_capacity,
        }
        for grant in application.grants if grant.resource.api_visible
    }


def _described(application):
    return {
        "name": application.name,
        "owner": application.owner.uuid,
        "applicant": application.applicant.uuid,
        "homepage": application.homepage,
        "description": application.description,
        "start_date": isoformat(application.start_date),
        "end_date": isoformat(application.end_date),
        "join_policy": application.join_policy,
        "leave_policy": application.leave_policy,
        "max_members": application.max_members,
        "resources": grants_dict(application),
    }


def project_dict(details):
    """A project as ``details`` (``projects.details.ProjectDetails``) shows
    it to its caller: the restricted keys only at applicant level (P10)."""
    project, application = details.project, details.application
    data = {
        "id": project.id,
        "application": application.id,
        "state": details.state,
        "creation_date": isoformat(project.creation_date),
        **_described(application),
    }
    if details.restricted:
        data["comments"] = application.comments
        data["pending_application"] = details.pending_application
        if details.deactivation_date is not None:
            data["deactivation_date"] = isoformat(details.deactivation_date)
    return data


def application_dict(application):
    """An application (P11)."""
    return {
        "id": application.id,
        "project": application.project_id,
        "state": application.state,
        "comments": application.comments,
        **_described(application),
    }


def membership_dict(details):
    """A membership (P12): one date key per state it ever entered."""
    membership = details.membership
    data = {
        "id": membership.id,
        "user": membership.user.uuid,
        "project": membership.project_id,
        "state": membership.state,
    }
    for state, date in sorted(details.dates.items()):
        data[state] = isoformat(date)
    data["allowed_actions"] = list(details.allowed_actions)
    return data
