"""Memberships: list, get, join, enroll, and the five actions
(behaviours-projects.md P12, P16-P19, P29-P34)."""
import pytest

from tests.helpers import assert_fault


@pytest.fixture
def third(factory):
    return factory.user(email="carol@example.org", first_name="Carol")


def test_join_forms_are_400_before_any_lookup(api, user):
    for body, message in [
        ({}, "No recognized action"),
        ({"join": {"project": 1}, "enroll": {"project": 1, "user": "x"}},
         "Multiple actions not supported"),
        ({"join": 1}, "Malformed request"),
        ({"join": {}}, "Missing project"),
        ({"join": {"project": None}}, "Missing project"),
        ({"join": {"project": "abc"}}, "Invalid project id"),
        ({"join": {"project": "1.0"}}, "Invalid project id"),
        ({"join": {"project": 1.0}}, "Invalid project id"),
        ({"join": {"project": True}}, "Invalid project id"),
        ({"join": {"project": [1]}}, "Invalid project id"),
        ({"enroll": {"project": 1}}, "Missing user"),
        ({"enroll": {"project": 1, "user": 7}}, "Missing user"),
        ({"enroll": {"project": "x", "user": "a@b.c"}}, "Invalid project id"),
    ]:
        assert_fault(api.post("/projects/memberships", user, body, status=400), "badRequest", 400,
                     message)


def test_join_refusals(api, user, other_user, admin):
    assert_fault(api.join(5, other_user, status=404), "itemNotFound", 404,
                 "There is no project identified by 5.")
    assert_fault(api.join("99999999999999999999", other_user, status=404), "itemNotFound", 404)
    assert_fault(api.join(-3, other_user, status=404), "itemNotFound", 404)
    pending = api.create(user, name="pending.pr")["id"]
    assert_fault(api.join(pending, other_user, status=409), "conflict", 409,
                 f"Project {pending} is not alive.")
    closed, _ = api.active_project(user, admin, name="closed.pr", join_policy="closed")
    assert_fault(api.join(closed, other_user, status=409), "conflict", 409,
                 "The Project's member join policy is closed.")
    moderated, _ = api.active_project(user, admin, name="moderated.pr", join_policy="moderated")
    api.join(moderated, other_user)
    assert_fault(api.join(moderated, other_user, status=409), "conflict", 409,
                 "Request or membership already exists.")


def test_join_policies_and_the_member_limit(api, user, other_user, admin, third):
    auto, _ = api.active_project(user, admin, name="auto.pr", max_members=1)
    # kamaki sends the id as a string.
    first = api.join(str(auto), other_user).json["id"]
    assert api.membership(first, other_user)["state"] == "accepted"
    # Full: an auto join stays requested, and cannot be accepted.
    second = api.join(auto, third).json["id"]
    assert api.membership(second, third)["state"] == "requested"
    assert_fault(api.member_action(second, user, "accept", status=409), "conflict", 409,
                 "You have reached the maximum number of members for this Project.")
    assert "accept" not in api.membership(second, user)["allowed_actions"]
    moderated, _ = api.active_project(user, admin, name="moderated.pr", join_policy="moderated")
    joined = api.join(moderated, other_user).json["id"]
    shown = api.membership(joined, other_user)
    assert shown["state"] == "requested" and "accepted" not in shown
    # A suspended project may be joined (and grants nothing until active).
    api.project_action(moderated, admin, "suspend")
    assert api.join(moderated, third).status_int == 200
    nobody, _ = api.active_project(user, admin, name="nobody.pr", max_members=0)
    assert api.membership(api.join(nobody, third).json["id"], third)["state"] == "requested"


def test_membership_objects_carry_a_date_per_state(api, user, other_user, admin):
    project_id, _ = api.active_project(user, admin, join_policy="moderated")
    member = api.join(project_id, other_user).json["id"]
    api.member_action(member, user, "reject")
    api.join(project_id, other_user)
    api.member_action(member, user, "accept")
    shown = api.membership(member, other_user)
    assert set(shown) == {"id", "user", "project", "state", "requested", "rejected", "accepted",
                          "allowed_actions"}
    assert (shown["user"], shown["project"], shown["state"]) == (other_user.uuid, project_id,
                                                                 "accepted")
    # The latest entry into a state (requested twice).
    assert shown["requested"] > shown["rejected"] and shown["requested"].endswith("+00:00")
    assert shown["allowed_actions"] == ["leave"]
    assert api.membership(member, user)["allowed_actions"] == ["remove"]
    assert api.membership(member, admin)["allowed_actions"] == ["leave", "remove"]


def test_list_and_get_memberships(api, user, other_user, admin, third):
    project_id, _ = api.active_project(user, admin)
    other, _ = api.active_project(third, admin, name="other.pr")
    theirs = api.join(project_id, other_user).json["id"]
    elsewhere = api.join(other, other_user).json["id"]
    own = api.join(other, user).json["id"]
    assert [m["id"] for m in api.get("/projects/memberships", user).json] == [theirs, own]
    assert [m["id"] for m in api.get("/projects/memberships", other_user).json] == [theirs, elsewhere]
    assert [m["id"] for m in api.get("/projects/memberships", admin).json] == [theirs, elsewhere, own]
    assert [m["id"] for m in api.get("/projects/memberships", admin, {"project": other}).json] \
        == [elsewhere, own]
    assert api.get("/projects/memberships", admin, {"project": 77}).json == []
    assert_fault(api.get("/projects/memberships", admin, {"project": "1"}, status=400),
                 "badRequest", 400, "'project' must be integer")
    assert_fault(api.get("/projects/memberships/999", user, status=404), "itemNotFound", 404,
                 "This is not a valid membership request.")
    assert_fault(api.get(f"/projects/memberships/{elsewhere}", user, status=403), "forbidden", 403)
    assert api.membership(elsewhere, third)["id"] == elsewhere


def test_enroll_checks_in_order(api, user, other_user, admin, third, factory):
    project_id, _ = api.active_project(user, admin, max_members=2)
    inactive = factory.user(email="inactive@example.org")
    factory.set_active(inactive, False)
    # The e-mail first (exact, active users only), then the project (409).
    for email in ("nobody@example.org", "BOB@example.org", inactive.email):
        assert_fault(api.enroll(999, email, user, status=409), "conflict", 409,
                     f"Unknown users: {email}")
    assert_fault(api.enroll(999, other_user.email, user, status=409), "conflict", 409,
                 "There is no project identified by 999.")
    assert_fault(api.enroll(project_id, other_user.email, third, status=403), "forbidden", 403)
    first = api.enroll(project_id, other_user.email, user).json["id"]
    shown = api.membership(first, other_user)
    assert shown["state"] == "accepted" and "requested" not in shown
    assert_fault(api.enroll(project_id, other_user.email, user, status=409), "conflict", 409,
                 "Membership already exists.")
    # An admin enrolls too; a requested membership becomes accepted.
    requested = api.join(project_id, third).json["id"]
    assert api.membership(requested, third)["state"] == "accepted"  # auto, not full
    api.member_action(requested, third, "leave")
    assert api.enroll(str(project_id), third.email, admin).json["id"] == requested
    assert_fault(api.enroll(project_id, user.email, user, status=409), "conflict", 409,
                 "You have reached the maximum number of members for this Project.")
    closed, _ = api.active_project(user, admin, name="closed.pr", join_policy="closed")
    assert_fault(api.enroll(closed, third.email, user, status=409), "conflict", 409,
                 "The Project's member join policy is closed.")
    api.project_action(closed, admin, "terminate")
    assert_fault(api.enroll(closed, third.email, user, status=409), "conflict", 409,
                 f"Project {closed} is not alive.")


def test_membership_action_bodies_and_unknown_ids(api, user):
    assert_fault(api.post("/projects/memberships/9/action", user, {"leave": "", "cancel": ""},
                          status=400), "badRequest", 400, "Multiple actions not supported")
    assert_fault(api.post("/projects/memberships/9/action", user, {"join": ""}, status=400),
                 "badRequest", 400, "No recognized action")
    for action in ("leave", "cancel", "accept", "reject", "remove"):
        assert_fault(api.member_action(9, user, action, status=404), "itemNotFound", 404,
                     "This is not a valid membership request.")


def test_membership_actions_check_state_then_who_then_alive_then_policy(
        api, user, other_user, admin, third):
    project_id, _ = api.active_project(user, admin, join_policy="moderated")
    requested = api.join(project_id, other_user).json["id"]
    # 1. State wins over permission: a stranger gets the 409.
    for action in ("leave", "remove"):
        assert_fault(api.member_action(requested, third, action, status=409), "conflict", 409,
                     "This is not an accepted membership.")
    # 2. Who: owner level accepts, rejects, removes; the member cancels and leaves.
    for action in ("accept", "reject"):
        assert_fault(api.member_action(requested, other_user, action, status=403), "forbidden", 403)
        assert_fault(api.member_action(requested, third, action, status=403), "forbidden", 403)
    assert_fault(api.member_action(requested, user, "cancel", status=403), "forbidden", 403)
    assert api.membership(requested, other_user)["allowed_actions"] == ["cancel"]
    assert api.membership(requested, user)["allowed_actions"] == ["accept", "reject"]
    api.member_action(requested, user, "accept")
    for action in ("accept", "reject", "cancel"):
        assert_fault(api.member_action(requested, user, action, status=409), "conflict", 409,
                     "This is not a valid membership request.")
    assert_fault(api.member_action(requested, user, "leave", status=403), "forbidden", 403)
    assert_fault(api.member_action(requested, other_user, "remove", status=403), "forbidden", 403)
    # 3. Alive: nothing moves in a terminated project, and nothing is allowed.
    api.project_action(project_id, admin, "terminate")
    for action, caller in (("leave", other_user), ("remove", user)):
        assert_fault(api.member_action(requested, caller, action, status=409), "conflict", 409,
                     f"Project {project_id} is not alive.")
    assert api.membership(requested, admin)["allowed_actions"] == []
    api.project_action(project_id, admin, "reinstate")
    # An admin may make a member leave.
    api.member_action(requested, admin, "leave")
    assert api.membership(requested, admin)["state"] == "removed"


def test_policies_closed_and_moderated(api, user, other_user, admin):
    closed, app_id = api.active_project(user, admin, join_policy="moderated",
                                        leave_policy="closed")
    member = api.join(closed, other_user).json["id"]
    api.member_action(member, user, "accept")
    for action, caller in (("leave", other_user), ("remove", user)):
        assert_fault(api.member_action(member, caller, action, status=409), "conflict", 409,
                     "The project's member leave policy is closed.")
    assert api.membership(member, admin)["allowed_actions"] == []
    # A join policy closed by a modification blocks accepting requests too.
    requested_by = api.join(closed, admin).json["id"]
    api.app_action(api.modify(closed, user, join_policy="closed", leave_policy="moderated")
                   ["application"], admin, "approve")
    assert_fault(api.member_action(requested_by, user, "accept", status=409), "conflict", 409,
                 "The Project's member join policy is closed.")
    api.member_action(requested_by, user, "reject")
    # Moderated leave: leave_requested, then the owner removes.
    api.member_action(member, other_user, "leave")
    shown = api.membership(member, user)
    assert shown["state"] == "leave_requested" and shown["allowed_actions"] == ["remove"]
    assert api.membership(member, other_user)["allowed_actions"] == ["leave"]
    api.member_action(member, user, "remove")
    assert api.membership(member, user)["state"] == "removed"
