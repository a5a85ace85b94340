"""Projects for the operator: list and show them, decide on applications,
suspend, unsuspend, terminate and reinstate projects, list memberships.
Every command acts as a project administrator (``permissions.OPERATOR``,
the original's ``project-control``) and prints the API's shapes."""
from synnefo_pyr.projects import actions, applications, details, memberships, store
from synnefo_pyr.projects.permissions import OPERATOR
from synnefo_pyr.views.projects.render import application_dict, membership_dict, project_dict


def _project(ctx, project_id):
    return project_dict(details.project_details(
        ctx.dbsession, OPERATOR, store.project(ctx.dbsession, project_id)
    ))


def project_list(args, ctx):
    return [project_dict(item) for item in details.list_projects(ctx.dbsession, OPERATOR)]


def project_show(args, ctx):
    """The project, its applications (oldest first) and memberships."""
    shown = _project(ctx, args.id)
    shown["applications"] = [
        application_dict(app)
        for app in applications.list_applications(ctx.dbsession, OPERATOR, shown["id"])
    ]
    shown["memberships"] = [
        membership_dict(item)
        for item in memberships.list_memberships(ctx.dbsession, OPERATOR, shown["id"])
    ]
    return shown


def _decide(action):
    def command(args, ctx):
        return application_dict(applications.act(ctx.dbsession, OPERATOR, args.id, action, args.reason))

    return command


def _project_action(action):
    def command(args, ctx):
        project = actions.act(ctx.dbsession, OPERATOR, args.id, action, args.reason)
        return _project(ctx, project.id)

    return command


def project_expired(args, ctx):
    """The alive projects past their end date; terminated with --terminate."""
    found = actions.expired(ctx.dbsession)
    if args.terminate:
        for project in found:
            actions.act(ctx.dbsession, OPERATOR, project.id, "terminate", "expired")
    return [_project(ctx, project.id) for project in found]


def membership_list(args, ctx):
    return [membership_dict(item)
            for item in memberships.list_memberships(ctx.dbsession, OPERATOR, args.project)]


def register(add):
    add("project-list", project_list, "List every project.")

    p = add("project-show", project_show, "Show a project, its applications and memberships.")
    p.add_argument("id", metavar="ID", help="The project's id.")

    for action, text in (("approve", "Approve a pending application."),
                         ("deny", "Deny a pending application.")):
        p = add(f"project-{action}", _decide(action), text)
        p.add_argument("id", metavar="APP_ID", help="The application's id.")
        p.add_argument("--reason", help="Why, kept with the application.")

    for action, text in (("suspend", "Suspend an active project (its members lose its grants)."),
                         ("unsuspend", "Resume a suspended project."),
                         ("terminate", "Terminate a project (its name is released)."),
                         ("reinstate", "Reinstate a terminated project.")):
        p = add(f"project-{action}", _project_action(action), text)
        p.add_argument("id", metavar="ID", help="The project's id.")
        p.add_argument("--reason", help="Why, kept in the project's log.")

    p = add("project-expired", project_expired,
            "List the active or suspended projects past their end date.")
    p.add_argument("--terminate", action="store_true", help="Terminate them too.")

    p = add("membership-list", membership_list, "List the memberships of every project.")
    p.add_argument("--project", metavar="ID", help="Only those of this project.")
