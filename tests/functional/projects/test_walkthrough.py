"""The contract's acceptance walk-through (behaviours-projects.md section S,
the original API test restated), as one test: O owns, A administers, M is
a plain user; O may have 3 pending applications; resource R has a base
limit of 100."""
from synnefo_pyr.db import session_scope
from synnefo_pyr.quotas import engine as quotas

from tests.functional.projects.conftest import BASE_LIMIT, RESOURCE, spec
from tests.helpers import assert_fault


def grant(amount):
    return {RESOURCE: {"member_capacity": amount, "project_capacity": None}}


def test_walkthrough(api, registry, user, other_user, admin, resource):
    O, A, M = user, admin, other_user
    with session_scope(registry) as db:
        quotas.set_limit(db, O.uuid, "astakos.pending_app", 3)

    # 1. Nothing exists yet.
    assert_fault(api.get("/projects/1", status=401), "unauthorized", 401)
    assert_fault(api.get("/projects/1", O, status=404), "itemNotFound", 404,
                 "There is no project identified by 1.")
    assert_fault(api.get("/projects/apps/1", O, status=404), "itemNotFound", 404)
    assert_fault(api.get("/projects/memberships/1", O, status=404), "itemNotFound", 404)
    assert_fault(api.member_action(1, A, "accept", status=404), "itemNotFound", 404)
    assert_fault(api.post("/projects/1", O, spec(), status=404), "itemNotFound", 404)

    # 2. O applies.
    created = api.create(O, join_policy="auto", max_members=5, resources=grant(512))
    p1, a1 = created["id"], created["application"]
    shown = api.project(p1, O)
    assert (shown["state"], shown["owner"], shown["application"]) == ("pending", O.uuid, a1)

    # 3. Only an administrator approves.
    assert_fault(api.app_action(a1, O, "approve", status=403), "forbidden", 403)

    # 4. Two more; a fourth pending application is over O's limit.
    p2, a2 = (lambda r: (r["id"], r["application"]))(
        api.create(O, join_policy="auto", max_members=5, resources=grant(512)))
    p3, a3 = (lambda r: (r["id"], r["application"]))(api.create(O, name="new.pr"))
    assert_fault(api.post("/projects", O, spec(name="four.pr"), status=409), "conflict", 409,
                 "You have reached the maximum number of pending project applications: 3.")
    api.app_action(a3, O, "cancel")

    # 5. Modify P1: a new application of the same project.
    modified = api.modify(p1, O, join_policy="moderated", leave_policy="auto", max_members=3,
                          resources=grant(1024))
    a4 = modified["application"]
    assert modified["id"] == p1 and a4 > a1
    assert_fault(api.app_action(a4, O, "dismiss", status=409), "conflict", 409,
                 f"Cannot dismiss application {a4} in state 'Pending review'")
    api.app_action(a4, A, "deny")
    assert api.get(f"/projects/apps/{a4}", O).json["state"] == "denied"
    api.app_action(a4, O, "dismiss")
    a5 = api.modify(p1, O, join_policy="moderated", leave_policy="auto", max_members=3,
                    resources=grant(1024))["application"]
    api.app_action(a5, A, "approve")
    assert api.project(p1, O)["state"] == "active"

    # 6. Applications of P1, and all of O's.
    assert [a["id"] for a in api.get("/projects/apps", O, {"project": p1}).json] == [a1, a4, a5]
    assert len(api.get("/projects/apps", O).json) == 5

    # 7. O enrolls M, and joins (moderated: requested).
    m_m = api.enroll(p1, M.email, O).json["id"]
    m_o = api.join(p1, O).json["id"]
    assert api.membership(m_o, O)["state"] == "requested"
    mine = api.get("/projects/memberships", M).json
    assert [(m["id"], m["user"], m["state"]) for m in mine] == [(m_m, M.uuid, "accepted")]
    assert len(api.get("/projects/memberships", O).json) == 2

    # 8. What each may do with O's request.
    seen = api.membership(m_o, A)
    assert seen["state"] == "requested"
    assert sorted(seen["allowed_actions"]) == ["accept", "cancel", "reject"]
    assert_fault(api.get(f"/projects/memberships/{m_o}", M, status=403), "forbidden", 403)
    assert_fault(api.member_action(m_o, A, "leave", status=409), "conflict", 409,
                 "This is not an accepted membership.")

    # 9. The membership row is reused, whatever happens to it.
    api.member_action(m_o, O, "cancel")
    assert api.join(p1, O).json["id"] == m_o
    api.member_action(m_o, O, "reject")
    assert api.join(p1, O).json["id"] == m_o
    api.member_action(m_o, O, "accept")
    assert_fault(api.enroll(p1, O.email, O, status=409), "conflict", 409,
                 "Membership already exists.")
    api.member_action(m_o, O, "remove")
    assert api.enroll(p1, O.email, O).json["id"] == m_o
    api.member_action(m_o, O, "remove")
    assert api.join(p1, O).json["id"] == m_o
    assert api.enroll(p1, O.email, O).json["id"] == m_o
    assert_fault(api.enroll(p1, O.email, O, status=409), "conflict", 409)
    assert_fault(api.enroll(-1, O.email, O, status=409), "conflict", 409,
                 "There is no project identified by -1.")

    # 10. Lists, visibility and filters.
    seen = api.get("/projects", M).json
    assert [p["id"] for p in seen] == [p1] and "pending_application" not in seen[0]
    seen = api.get("/projects", O, {"filter": {"state": ["active", "cancelled"]}}).json
    assert [p["id"] for p in seen] == [p1, p3] and all("pending_application" in p for p in seen)
    assert [p["id"] for p in api.get("/projects", O, {"filter": {"state": "pending"}}).json] == [p2]
    assert [p["id"] for p in api.get("/projects", O, {"filter": {"name": "test.pr"}}).json] == [p1, p2]

    # 11. Only the member (or an admin) leaves; the owner removes.
    assert_fault(api.member_action(m_m, O, "leave", status=403), "forbidden", 403)
    api.member_action(m_m, M, "leave")
    assert api.membership(m_m, M)["state"] == "removed"

    # 12. Suspension is for administrators.
    assert_fault(api.project_action(p1, O, "suspend", status=403), "forbidden", 403)
    assert_fault(api.project_action(p1, A, "unsuspend", status=409), "conflict", 409,
                 f"Project {p1} is not suspended.")
    api.project_action(p1, A, "suspend")
    assert_fault(api.get(f"/projects/{p1}", M, status=403), "forbidden", 403)
    api.project_action(p1, A, "unsuspend")

    # 13. Names are unique among live projects.
    assert_fault(api.app_action(a2, A, "approve", status=409), "conflict", 409,
                 f"cannot approve: project with name 'test.pr' already exists (id: {p1})")
    api.project_action(p1, A, "terminate")
    assert_fault(api.join(p1, A, status=409), "conflict", 409, f"Project {p1} is not alive.")
    api.app_action(a2, A, "approve")

    # 14. M joins P2 (auto); the owner sees and removes the membership.
    m_p2 = api.join(p2, M).json["id"]
    assert [m["id"] for m in api.get("/projects/memberships", O, {"project": p2}).json] == [m_p2]
    api.member_action(m_p2, O, "remove")
    assert_fault(api.project_action(p1, A, "reinstate", status=409), "conflict", 409,
                 f"cannot approve: project with name 'test.pr' already exists (id: {p2})")

    # 15. A rename of the terminated P1; approving it reinstates P1.
    a6 = api.modify(p1, O, name="new.name", join_policy="moderated", max_members=3,
                    resources=grant(1024))["application"]
    shown = api.project(p1, O)
    assert (shown["application"], shown["pending_application"], shown["state"]) == (a5, a6, "terminated")
    assert shown["deactivation_date"]
    assert_fault(api.get(f"/projects/apps/{a6}", M, status=403), "forbidden", 403)
    seen = api.get(f"/projects/apps/{a6}", O).json
    assert (seen["state"], seen["name"]) == ("pending", "new.name")
    api.post(f"/projects/apps/{a6}/action", A, {"approve": ""})
    shown = api.project(p1, O)
    assert (shown["state"], shown["name"], shown["application"]) == ("active", "new.name", a6)

    # 16. Methods and action bodies.
    for path in ("/projects", f"/projects/{p1}", "/projects/apps", "/projects/memberships"):
        res = api.testapp.request("/account/v1.0" + path, method="HEAD", status=405)
        assert res.headers["Allow"]
    assert_fault(api.post(f"/projects/{p1}/action", A, {"nonex": ""}, status=400), "badRequest",
                 400, "No recognized action")
    assert_fault(api.post(f"/projects/{p1}/action", A, {"suspend": "", "unsuspend": ""},
                          status=400), "badRequest", 400, "Multiple actions not supported")

    # 17. Every field of a submission, in the order they are checked.
    body = {"owner": "nonex", "join_policy": "bad", "leave_policy": "bad", "start_date": "bad",
            "max_members": -3, "homepage": {}, "resources": []}
    steps = [
        ("owner", None, "User does not exist."),
        ("name", "test.pr", "Name missing."),
        ("join_policy", "auto", "Invalid join policy"),
        ("leave_policy", "auto", "Invalid leave policy"),
        ("start_date", "2013-5-5T20:20:20Z", "Invalid start_date"),
        ("end_date", "2030-01-01T0:0Z", "Missing end date"),
        ("max_members", 0, "Invalid max_members"),
        ("homepage", "https://example.org", "homepage must be string"),
        ("resources", {"42": 42}, "Malformed resource policies"),
        ("resources", grant(512), "Malformed resource policies"),
    ]
    for key, fixed, message in steps:
        assert_fault(api.post("/projects", O, body, status=400), "badRequest", 400, message)
        if fixed is None:
            body.pop(key)
        else:
            body[key] = fixed
    api.post("/projects", O, body, status=201)
    assert_fault(api.post("/projects", O, dict(body, name="non_domain_name"), status=400),
                 "badRequest", 400, "Project name should be in domain format")
    without = {k: v for k, v in body.items() if k != "max_members"}
    assert_fault(api.post("/projects", O, without, status=400), "badRequest", 400,
                 "Invalid max_members")

    # 18. Bad filters.
    assert_fault(api.get("/projects", O, {"filter": {"state": "nonex"}}, status=400),
                 "badRequest", 400, "Unrecognized state nonex")
    assert_fault(api.get("/projects", O, {"filter": {"nonex": "x"}}, status=400),
                 "badRequest", 400, "Unrecognized filter nonex")
    for path in ("/projects/apps", "/projects/memberships"):
        assert_fault(api.get(path, O, {"project": "nonex"}, status=400), "badRequest", 400,
                     "'project' must be integer")

    # 19. Quotas: a member of an active project granting 100 has 200.
    p4, _ = api.active_project(O, A, name="quota.pr", resources=grant(100))
    member = api.join(p4, M).json["id"]
    assert api.limit(M)["limit"] == BASE_LIMIT + 100
    api.member_action(member, O, "remove")
    assert api.limit(M)["limit"] == BASE_LIMIT
