"""Applications: list, get, approve, deny, dismiss, cancel
(behaviours-projects.md P11, P14, P26-P28), and project actions: suspend,
unsuspend, terminate, reinstate (P25)."""
from synnefo_pyr.db import session_scope
from synnefo_pyr.quotas import engine as quotas

from tests.helpers import assert_fault


def pending_count(registry, user):
    with session_scope(registry) as db:
        return quotas.usage(db, user.uuid)["astakos.pending_app"]["usage"]


def test_list_and_get_applications(api, user, other_user, admin, factory):
    mine = api.create(user)
    applied = api.create(other_user, owner=user.uuid)
    theirs = api.create(other_user, name="their.pr")
    ids = [mine["application"], applied["application"], theirs["application"]]
    assert [a["id"] for a in api.get("/projects/apps", user).json] == ids[:2]
    assert [a["id"] for a in api.get("/projects/apps", other_user).json] == ids[1:]
    assert [a["id"] for a in api.get("/projects/apps", admin).json] == ids
    assert [a["id"] for a in api.get("/projects/apps", admin, {"project": theirs["id"]}).json] \
        == [theirs["application"]]
    assert api.get("/projects/apps", admin, {"project": 12345}).json == []
    assert api.get("/projects/apps", admin, {"project": 2 ** 70}).json == []
    assert api.get("/projects/apps", admin, {"project": None}).status_int == 200
    for bad in ("1", 1.0, True, [1]):
        assert_fault(api.get("/projects/apps", user, {"project": bad}, status=400), "badRequest",
                     400, "'project' must be integer")
    app = api.get(f"/projects/apps/{applied['application']}", user).json
    assert set(app) == {"id", "project", "state", "comments", "name", "owner", "applicant",
                        "homepage", "description", "start_date", "end_date", "join_policy",
                        "leave_policy", "max_members", "resources"}
    assert (app["project"], app["state"], app["owner"], app["applicant"]) == \
        (applied["id"], "pending", user.uuid, other_user.uuid)
    assert_fault(api.get("/projects/apps/999", user, status=404), "itemNotFound", 404,
                 "There is no project application identified by 999.")
    assert_fault(api.get(f"/projects/apps/{theirs['application']}", user, status=403),
                 "forbidden", 403)


def test_members_do_not_see_the_applications(api, user, other_user, admin):
    project_id, app_id = api.active_project(user, admin)
    api.join(project_id, other_user)
    assert_fault(api.get(f"/projects/apps/{app_id}", other_user, status=403), "forbidden", 403)
    assert api.get("/projects/apps", other_user).json == []


def test_application_actions_need_their_level(api, user, other_user):
    app_id = api.create(user)["application"]
    for action, caller in (("approve", user), ("deny", user), ("dismiss", other_user),
                           ("cancel", other_user)):
        assert_fault(api.app_action(app_id, caller, action, status=403), "forbidden", 403,
                     "You do not have the permissions to perform this action.")


def test_application_action_bodies_and_unknown_ids(api, user, admin):
    app_id = api.create(user)["application"]
    path = f"/projects/apps/{app_id}/action"
    assert_fault(api.post(path, admin, {"approve": "", "deny": ""}, status=400), "badRequest", 400,
                 "Multiple actions not supported")
    assert_fault(api.post(path, admin, {"suspend": ""}, status=400), "badRequest", 400,
                 "No recognized action")
    # The body is checked before the lookup.
    assert_fault(api.post("/projects/apps/999/action", admin, {"x": 1}, status=400), "badRequest", 400)
    assert_fault(api.app_action(999, admin, "approve", status=404), "itemNotFound", 404,
                 "There is no project application identified by 999.")
    assert_fault(api.app_action(99999999999, admin, "approve", status=404), "itemNotFound", 404)
    # Any JSON value is a reason; other keys are ignored.
    api.post(path, admin, {"approve": {"why": ["ok"]}, "other": 1})


def test_application_state_machine(api, registry, user, admin):
    first = api.create(user)["application"]
    assert pending_count(registry, user) == 1
    for action in ("dismiss",):
        assert_fault(api.app_action(first, user, action, status=409), "conflict", 409,
                     f"Cannot dismiss application {first} in state 'Pending review'")
    api.app_action(first, admin, "deny", reason="no")
    assert pending_count(registry, user) == 0
    for action, status in (("approve", 409), ("deny", 409), ("cancel", 409)):
        assert_fault(api.app_action(first, admin, action, status=status), "conflict", 409,
                     f"Cannot {action} application {first} in state 'Denied'")
    api.app_action(first, user, "dismiss")
    assert pending_count(registry, user) == 0
    project = api.get("/projects", user).json[0]
    assert project["state"] == "dismissed"
    assert_fault(api.app_action(first, user, "dismiss", status=409), "conflict", 409,
                 f"Cannot dismiss application {first} in state 'Dismissed'")
    second = api.modify(project["id"], user)["application"]
    api.app_action(second, user, "cancel")
    assert api.project(project["id"], user)["state"] == "cancelled"
    assert_fault(api.app_action(second, admin, "approve", status=409), "conflict", 409,
                 f"Cannot approve application {second} in state 'Cancelled'")
    third = api.modify(project["id"], user)["application"]
    fourth = api.modify(project["id"], user)["application"]
    assert_fault(api.app_action(third, admin, "approve", status=409), "conflict", 409,
                 f"Cannot approve application {third} in state 'Replaced'")
    api.app_action(fourth, admin, "approve")
    assert pending_count(registry, user) == 0
    assert_fault(api.app_action(fourth, admin, "approve", status=409), "conflict", 409,
                 f"Cannot approve application {fourth} in state 'Approved'")
    # Denying a modification leaves the approved project as it was.
    fifth = api.modify(project["id"], user, name="other.pr")["application"]
    api.app_action(fifth, admin, "deny")
    shown = api.project(project["id"], user)
    assert (shown["state"], shown["application"], shown["name"]) == ("active", fourth, "test.pr")


def test_the_applicant_may_cancel_and_dismiss(api, user, other_user, admin):
    app_id = api.create(other_user, owner=user.uuid)["application"]
    api.app_action(app_id, other_user, "cancel")
    app_id = api.create(other_user, owner=user.uuid, name="two.pr")["application"]
    api.app_action(app_id, admin, "deny")
    api.app_action(app_id, other_user, "dismiss")


def test_approval_does_not_make_the_owner_a_member(api, user, admin):
    api.active_project(user, admin)
    assert api.get("/projects/memberships", user).json == []


# --- project actions -------------------------------------------------------------------


def test_project_actions_checks_in_order(api, user, other_user, admin):
    project_id, _ = api.active_project(user, admin)
    path = f"/projects/{project_id}/action"
    assert_fault(api.post("/projects/999/action", admin, {"nonex": ""}, status=400), "badRequest", 400)
    assert_fault(api.post(path, admin, {"terminate": "", "reinstate": ""}, status=400), "badRequest",
                 400, "Multiple actions not supported")
    for action in ("suspend", "unsuspend", "terminate", "reinstate"):
        assert_fault(api.project_action(999, admin, action, status=404), "itemNotFound", 404,
                     "There is no project identified by 999.")
        for caller in (user, other_user):
            assert_fault(api.project_action(project_id, caller, action, status=403), "forbidden", 403)


def test_project_state_machine(api, user, admin):
    pending = api.create(user, name="pending.pr")["id"]
    for action, message in (("suspend", f"Project {pending} is not alive."),
                            ("terminate", f"Project {pending} is not alive."),
                            ("unsuspend", f"Project {pending} is not suspended."),
                            ("reinstate", f"Project {pending} is not terminated.")):
        assert_fault(api.project_action(pending, admin, action, status=409), "conflict", 409, message)
    project_id, _ = api.active_project(user, admin)
    assert_fault(api.project_action(project_id, admin, "reinstate", status=409), "conflict", 409)
    api.project_action(project_id, admin, "suspend", reason={"any": "json"})
    api.project_action(project_id, admin, "suspend")  # again: accepted (U6)
    assert api.project(project_id, user)["state"] == "suspended"
    api.project_action(project_id, admin, "terminate")
    shown = api.project(project_id, user)
    assert shown["state"] == "terminated" and shown["deactivation_date"]
    for action in ("suspend", "terminate", "unsuspend"):
        assert_fault(api.project_action(project_id, admin, action, status=409), "conflict", 409)
    api.project_action(project_id, admin, "reinstate")
    assert api.project(project_id, user)["state"] == "active"


def test_live_names_are_unique(api, user, other_user, admin):
    first, _ = api.active_project(user, admin, name="shared.name")
    second = api.create(other_user, name="shared.name")["application"]
    message = f"cannot approve: project with name 'shared.name' already exists (id: {first})"
    assert_fault(api.app_action(second, admin, "approve", status=409), "conflict", 409, message)
    # A suspended project keeps its name; a terminated one gives it up.
    api.project_action(first, admin, "suspend")
    api.app_action(second, admin, "approve", status=409)
    api.project_action(first, admin, "terminate")
    api.app_action(second, admin, "approve")
    other = api.get("/projects", admin, {"filter": {"owner": other_user.uuid}}).json[0]["id"]
    assert_fault(api.project_action(first, admin, "reinstate", status=409), "conflict", 409,
                 f"cannot approve: project with name 'shared.name' already exists (id: {other})")
    # Approving a rename of the terminated project reinstates it.
    rename = api.modify(first, user, name="fresh.name")["application"]
    api.app_action(rename, admin, "approve")
    shown = api.project(first, user)
    assert (shown["state"], shown["name"]) == ("active", "fresh.name")


def test_approving_a_modification_unsuspends(api, user, admin):
    project_id, _ = api.active_project(user, admin)
    api.project_action(project_id, admin, "suspend")
    app_id = api.modify(project_id, user)["application"]
    assert api.project(project_id, user)["state"] == "suspended"
    api.app_action(app_id, admin, "approve")
    assert api.project(project_id, user)["state"] == "active"
