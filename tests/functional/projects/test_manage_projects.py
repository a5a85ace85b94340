"""``snf-pyr-manage`` project commands: they act as a project
administrator and print the API's shapes."""
from tests.functional.projects.conftest import BASE_LIMIT, RESOURCE


def test_operator_approves_and_controls_projects(api, manage, user, other_user, resource):
    created = api.create(user, resources={RESOURCE: {"member_capacity": 5}})
    project_id, app_id = created["id"], created["application"]
    listed = manage("project-list")
    assert [(p["id"], p["state"], p["pending_application"]) for p in listed] == \
        [(project_id, "pending", app_id)]
    approved = manage("project-approve", str(app_id), "--reason", "fine")
    assert (approved["id"], approved["state"]) == (app_id, "approved")
    api.join(project_id, other_user)
    assert api.limit(other_user)["limit"] == BASE_LIMIT + 5
    for action, state, limit in (("suspend", "suspended", BASE_LIMIT),
                                 ("unsuspend", "active", BASE_LIMIT + 5),
                                 ("terminate", "terminated", BASE_LIMIT),
                                 ("reinstate", "active", BASE_LIMIT + 5)):
        shown = manage(f"project-{action}", str(project_id))
        assert shown["state"] == state
        assert api.limit(other_user)["limit"] == limit
    shown = manage("project-show", str(project_id))
    assert [a["id"] for a in shown["applications"]] == [app_id]
    assert [(m["user"], m["state"]) for m in shown["memberships"]] == [(other_user.uuid, "accepted")]
    assert shown["deactivation_date"]
    members = manage("membership-list", "--project", str(project_id))
    assert [m["user"] for m in members] == [other_user.uuid]
    assert members[0]["allowed_actions"] == ["leave", "remove"]


def test_operator_denies_and_refusals_are_errors(api, manage, user):
    app_id = api.create(user)["application"]
    assert manage("project-deny", str(app_id))["state"] == "denied"
    assert "Cannot deny application" in manage("project-deny", str(app_id), expect=1)
    assert "There is no project application identified by 77." in \
        manage("project-approve", "77", expect=1)
    assert "is not alive" in manage("project-suspend", "1", expect=1)


def test_expired_projects_are_listed_and_terminated(api, manage, user, admin):
    past, _ = api.active_project(user, admin, name="past.pr", end_date="2001-01-01T00:00Z")
    api.active_project(user, admin, name="future.pr")
    assert [p["id"] for p in manage("project-expired")] == [past]
    assert api.project(past, user)["state"] == "active"
    assert [p["state"] for p in manage("project-expired", "--terminate")] == ["terminated"]
    assert manage("project-expired") == []
