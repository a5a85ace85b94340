"""``/projects/apps``, ``/projects/apps/<id>`` and its ``/action``
(behaviours-projects.md P26-P28)."""
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.projects import applications
from synnefo_pyr.resources.projects import Applications, actor
from synnefo_pyr.schemas import projects as schema
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.projects.projects import SLASH
from synnefo_pyr.views.projects.render import application_dict

JSON = {"renderer": "synnefo_json", "factory": Applications}
apps = SynnefoService(name="account.applications", path="/projects/apps" + SLASH, **JSON)
app = SynnefoService(name="account.application", path=r"/projects/apps/{app_id:\d+}" + SLASH,
                     traverse="/{app_id}", **JSON)
app_action = SynnefoService(
    name="account.application_action", path=r"/projects/apps/{app_id:\d+}/action" + SLASH, **JSON
)


@apps.get(permission=P.PROJECTS_USE, validators=(schema.filter_body, schema.project_filter))
def list_applications(request):
    found = applications.list_applications(
        request.dbsession, actor(request), request.validated["project"]
    )
    return [application_dict(item) for item in found]


@app.get(permission=P.PROJECT_READ)
def get_application(request):
    return application_dict(request.context.obj)


@app_action.post(permission=P.PROJECTS_USE,
                 validators=(schema.post_body, schema.action_of(applications.ACTIONS)))
def take_action(request):
    action, reason = request.validated["action"]
    applications.act(request.dbsession, actor(request), request.matchdict["app_id"], action, reason)
    return None


def includeme(config):
    for service in (apps, app, app_action):
        config.add_cornice_service(service)
