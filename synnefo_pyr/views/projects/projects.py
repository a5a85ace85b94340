"""``/projects``, ``/projects/<id>`` and ``/projects/<id>/action``
(behaviours-projects.md P20-P25). JSON only, like every account call."""
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.projects import actions, applications, details
from synnefo_pyr.resources.projects import Projects, actor
from synnefo_pyr.schemas import projects as schema
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.projects.render import project_dict

#: Every path takes an optional trailing slash (P1).
SLASH = "{slash:/?}"
JSON = {"renderer": "synnefo_json", "factory": Projects}
projects = SynnefoService(name="account.projects", path="/projects" + SLASH, **JSON)
project = SynnefoService(name="account.project", path=r"/projects/{project_id:\d+}" + SLASH,
                         traverse="/{project_id}", **JSON)
project_action = SynnefoService(
    name="account.project_action", path=r"/projects/{project_id:\d+}/action" + SLASH, **JSON
)

SUBMIT = {"permission": P.PROJECTS_USE, "validators": (schema.post_body, schema.application_spec)}


@projects.get(permission=P.PROJECTS_USE, validators=(schema.filter_body, schema.project_filters))
def list_projects(request):
    found = details.list_projects(request.dbsession, actor(request), request.validated["filters"])
    return [project_dict(item) for item in found]


def _submitted(request, application):
    request.response.status_code = 201
    return {"id": application.project_id, "application": application.id}


@projects.post(**SUBMIT)
def create_project(request):
    """A new project, pending: its first application (P22)."""
    return _submitted(request, applications.submit(
        request.dbsession, actor(request), request.validated["application"]
    ))


@project.get(permission=P.PROJECT_READ)
def get_project(request):
    return project_dict(details.project_details(request.dbsession, actor(request), request.context.obj))


@project.post(**SUBMIT)
def modify_project(request):
    """A complete new application of the project (P23)."""
    return _submitted(request, applications.submit(
        request.dbsession, actor(request), request.validated["application"],
        project_id=request.matchdict["project_id"],
    ))


@project_action.post(permission=P.PROJECTS_USE,
                     validators=(schema.post_body, schema.action_of(actions.ACTIONS)))
def take_action(request):
    action, reason = request.validated["action"]
    actions.act(request.dbsession, actor(request), request.matchdict["project_id"], action, reason)
    return None


def includeme(config):
    for service in (projects, project, project_action):
        config.add_cornice_service(service)
