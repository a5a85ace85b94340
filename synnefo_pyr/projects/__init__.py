"""Projects (the project guide; behaviours-projects.md is the contract):
applications, projects, memberships, and the quota members gain.

Serves ``/projects``, ``/projects/apps`` and ``/projects/memberships``
under the account API (``/account/v1.0``). Declares the hidden
``astakos.pending_app`` resource, and the member grants as a source of
quota (``projects/quota.py``): a member's ``system`` limit is their base
limit plus the member capacities of the active projects they belong to.

Project administrators are the users with the ``admin`` role and those
listed in ``synnefo_pyr.projects.admins``; the security policy gives them
the ``group:project-admins`` principal.
"""
from dataclasses import dataclass

from pyramid.authorization import Allow, Authenticated

from synnefo_pyr.permissions import PROJECT_ADMINS
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.projects import quota
from synnefo_pyr.projects.permissions import is_project_admin
from synnefo_pyr.settings import parse_section

PREFIX = "synnefo_pyr.projects."


@dataclass(frozen=True)
class ProjectsSettings:
    #: Uuids (whitespace-separated in the ini) of the users who administer
    #: projects beside those with the ``admin`` role (P8).
    admins: tuple[str, ...] = ()


def admin_principals(request, user):
    """``group:project-admins`` for the project administrators."""
    admins = request.registry.projects_settings.admins
    return (PROJECT_ADMINS,) if is_project_admin(user, admins) else ()


def includeme(config):
    config.registry.projects_settings = parse_section(config.get_settings(), PREFIX, ProjectsSettings)
    account = config.add_api("account", "/account/v1.0")
    config.add_root_grants((Allow, Authenticated, P.PROJECTS_USE))
    config.add_user_principals(admin_principals)
    config.add_quota_resources(*quota.RESOURCES)
    config.add_quota_grants(quota.member_grants)
    config.add_manage_commands("synnefo_pyr.projects.commands")
    config.include("synnefo_pyr.views.projects", route_prefix=account)
