"""``/projects/memberships`` (list, join, enroll), ``/projects/memberships/<id>``
and its ``/action`` (behaviours-projects.md P29-P34)."""
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.projects import memberships
from synnefo_pyr.resources.projects import Memberships, actor
from synnefo_pyr.schemas import projects as schema
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.projects.projects import SLASH
from synnefo_pyr.views.projects.render import membership_dict

JSON = {"renderer": "synnefo_json", "factory": Memberships}
members = SynnefoService(name="account.memberships", path="/projects/memberships" + SLASH, **JSON)
member = SynnefoService(
    name="account.membership", path=r"/projects/memberships/{membership_id:\d+}" + SLASH,
    traverse="/{membership_id}", **JSON
)
member_action = SynnefoService(
    name="account.membership_action",
    path=r"/projects/memberships/{membership_id:\d+}/action" + SLASH, **JSON
)


@members.get(permission=P.PROJECTS_USE, validators=(schema.filter_body, schema.project_filter))
def list_memberships(request):
    found = memberships.list_memberships(request.dbsession, actor(request), request.validated["project"])
    return [membership_dict(item) for item in found]


@members.post(permission=P.PROJECTS_USE, validators=(schema.post_body, schema.membership_request))
def join_or_enroll(request):
    """Join (P32) or enroll (P33): 200 and the membership's id."""
    action, project_id, email = request.validated["membership"]
    if action == "join":
        joined = memberships.join(request.dbsession, actor(request), project_id)
    else:
        joined = memberships.enroll(request.dbsession, actor(request), project_id, email)
    return {"id": joined.id}


@member.get(permission=P.PROJECT_READ)
def get_membership(request):
    return membership_dict(memberships.membership_details(
        request.dbsession, actor(request), request.context.obj
    ))


@member_action.post(permission=P.PROJECTS_USE,
                    validators=(schema.post_body, schema.action_of(memberships.ACTIONS)))
def take_action(request):
    action, reason = request.validated["action"]
    memberships.act(request.dbsession, actor(request), request.matchdict["membership_id"], action,
                    reason)
    return None


def includeme(config):
    for service in (members, member, member_action):
        config.add_cornice_service(service)
