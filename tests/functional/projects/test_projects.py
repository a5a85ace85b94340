"""Projects: list, get, create, modify (behaviours-projects.md P10, P15,
P20-P24)."""
from synnefo_pyr.db import session_scope
from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.quotas import registry as resource_registry

from tests.functional.projects.conftest import RESOURCE, spec
from tests.helpers import assert_fault

GRANT = {RESOURCE: {"member_capacity": 7, "project_capacity": 70}}


def test_create_answers_201_and_the_project_shows_the_application(api, user, resource):
    created = api.create(user, name="My.Project.org", homepage="https://example.org",
                         description="about", comments="please", start_date="2013-5-5T20:20:20Z",
                         end_date="2014-01-01T05:00:00+02:00", max_members=0, resources=GRANT,
                         state="active")
    assert set(created) == {"id", "application"}
    shown = api.project(created["id"], user)
    assert shown == {
        "id": created["id"], "application": created["application"], "state": "pending",
        "creation_date": shown["creation_date"], "name": "My.Project.org", "owner": user.uuid,
        "applicant": user.uuid, "homepage": "https://example.org", "description": "about",
        "start_date": "2013-05-05T20:20:20+00:00", "end_date": "2014-01-01T03:00:00+00:00",
        "join_policy": "auto", "leave_policy": "auto", "max_members": 0, "resources": GRANT,
        "comments": "please", "pending_application": created["application"],
    }
    assert shown["creation_date"].endswith("+00:00")


def test_create_defaults_and_another_owner(api, user, other_user):
    body = spec(join_policy=None, leave_policy=None, owner=other_user.uuid)
    created = api.post("/projects", user, body, status=201).json
    app = api.get(f"/projects/apps/{created['application']}", user).json
    assert (app["join_policy"], app["leave_policy"]) == ("moderated", "auto")
    assert (app["owner"], app["applicant"], app["resources"]) == (other_user.uuid, user.uuid, {})
    assert app["start_date"] is None and app["homepage"] is None
    # Both see it: the owner and the applicant are at applicant level.
    assert api.project(created["id"], other_user)["pending_application"] == created["application"]
    # The pending count is the owner's.
    with session_scope(api.testapp.app.registry) as db:
        assert quotas.usage(db, other_user.uuid)["astakos.pending_app"]["usage"] == 1
        assert quotas.usage(db, user.uuid)["astakos.pending_app"]["usage"] == 0


def test_two_pending_projects_may_share_a_name(api, user, other_user):
    api.create(user, name="same.name")
    api.create(other_user, name="same.name")


BAD_FIELDS = [
    ({"owner": "nobody"}, "User does not exist."),
    ({"owner": 42}, "User does not exist."),
    ({"name": None}, "Name missing."),
    ({"name": 12}, "Project name should be in domain format"),
    ({"name": "a" * 60 + "." + "b" * 20 + ".pr"}, "Project name is too long"),
    ({"join_policy": "open"}, "Invalid join policy"),
    ({"join_policy": None, "leave_policy": None, "extra": 1, "__null__": "join_policy"},
     "Invalid join policy"),
    ({"leave_policy": "never"}, "Invalid leave policy"),
    ({"start_date": "2014-01-01"}, "Invalid start_date"),
    ({"start_date": "2014-01-01T00:00:00"}, "Invalid start_date"),
    ({"start_date": 1388534400}, "Invalid start_date"),
    ({"start_date": "2014-13-01T00:00Z"}, "Invalid start_date"),
    ({"end_date": None}, "Missing end date"),
    ({"end_date": "tomorrow"}, "Invalid end_date"),
    ({"end_date": "2014-01-01T00:00:00"}, "Invalid end_date"),
    ({"max_members": None}, "Invalid max_members"),
    ({"max_members": -3}, "Invalid max_members"),
    ({"max_members": True}, "Invalid max_members"),
    ({"max_members": "5"}, "Invalid max_members"),
    ({"max_members": 2 ** 63}, "Invalid max_members"),
    ({"homepage": {}}, "homepage must be string"),
    ({"homepage": "x" * 256}, "homepage must be string"),
    ({"description": 5}, "description must be string"),
    ({"comments": ["x"]}, "comments must be string"),
    ({"resources": []}, "Malformed resource policies"),
    ({"resources": None, "__null__": "resources"}, "Malformed resource policies"),
    ({"resources": {"42": 42}}, "Malformed resource policies"),
    ({"resources": {RESOURCE: 5}}, "Malformed resource policies"),
    ({"resources": {RESOURCE: {}}}, "Malformed resource policies"),
    ({"resources": {RESOURCE: {"member_capacity": -1}}}, "Malformed resource policies"),
    ({"resources": {RESOURCE: {"member_capacity": True}}}, "Malformed resource policies"),
    ({"resources": {RESOURCE: {"member_capacity": 1.5}}}, "Malformed resource policies"),
    ({"resources": {RESOURCE: {"member_capacity": 2 ** 63}}}, "Malformed resource policies"),
    ({"resources": {RESOURCE: {"member_capacity": 1, "project_capacity": "9"}}},
     "Malformed resource policies"),
    ({"resources": {RESOURCE: {"member_capacity": 1, "project_capacity": -9}}},
     "Malformed resource policies"),
    ({"resources": {"astakos.pending_app": {"member_capacity": 1}}}, "Malformed resource policies"),
]


def test_each_bad_field_is_400_and_writes_nothing(api, user, resource):
    for overrides, message in BAD_FIELDS:
        overrides = dict(overrides)
        null = overrides.pop("__null__", None)
        body = spec(**overrides)
        if null:
            body[null] = None
        res = api.post("/projects", user, body, status="*")
        assert res.status_int == 400, (overrides, res.body)
        assert_fault(res, "badRequest", 400, message)
    assert api.get("/projects", user).json == []


def test_resources_projects_may_not_grant(api, user, factory):
    with factory.session() as db:
        resource_registry.add_resource(db, "test.hidden", "x", 1, api_visible=False)
        resource_registry.add_resource(db, "test.private", "x", 1, allow_in_projects=False)
    for name in ("test.hidden", "test.private"):
        res = api.post("/projects", user, spec(resources={name: {"member_capacity": 1}}), status=400)
        assert_fault(res, "badRequest", 400, "Malformed resource policies")


NAMES = [
    ("test.pr", True), ("new.name", True), ("project.synnefo.org", True), ("A-b.Example.ORG", True),
    ("non_domain_name", False), ("a.b", False), ("my.project1", False), ("name", False),
    ("-a.org", False), ("a-.org", False), ("test.pr\n", False), (".pr", False), ("a..pr", False),
    ("x" * 64 + ".pr", False), ("test.toolong", False),
]


def test_names_are_in_domain_form(api, user):
    for name, valid in NAMES:
        res = api.post("/projects", user, spec(name=name), status="*")
        assert res.status_int == (201 if valid else 400), name
        if not valid:
            assert_fault(res, "badRequest", 400, "Project name should be in domain format")


DATES = [
    ("2013-01-01T0:0Z", "2013-01-01T00:00:00+00:00"),
    ("2013-5-5T20:20:20Z", "2013-05-05T20:20:20+00:00"),
    ("2013-06-26T11:48:06.579100+00:00", "2013-06-26T11:48:06.579100+00:00"),
    ("2014-01-01T00:00:00-05:30", "2014-01-01T05:30:00+00:00"),
    ("2014-01-01 00:00+0100", "2013-12-31T23:00:00+00:00"),
    ("2000-01-01T00:00:00z", "2000-01-01T00:00:00+00:00"),
]


def test_dates_carry_a_zone_and_are_shown_in_utc(api, user):
    for value, stored in DATES:
        created = api.create(user, start_date=value, end_date=value)
        shown = api.project(created["id"], user)
        # No ordering or future check: an end in the past is accepted.
        assert shown["start_date"] == shown["end_date"] == stored, value


# --- get ---------------------------------------------------------------------------


def test_get_is_404_for_missing_and_403_for_invisible_projects(api, user, other_user, admin):
    assert_fault(api.get("/projects/2", user, status=404), "itemNotFound", 404,
                 "There is no project identified by 2.")
    assert_fault(api.get("/projects/99999999999", user, status=404), "itemNotFound", 404)
    pending = api.create(user)["id"]
    res = api.get(f"/projects/{pending}", other_user, status=403)
    assert_fault(res, "forbidden", 403, "You do not have the permissions to perform this action.")
    # The admin sees it, with the restricted keys.
    assert "pending_application" in api.project(pending, admin)


def test_visibility_and_restricted_keys_per_level(api, user, other_user, admin, factory):
    member = factory.user(email="member@example.org")
    project_id, app_id = api.active_project(user, admin, join_policy="auto")
    api.join(project_id, member)
    api.project_action(project_id, admin, "suspend")
    # A member of a suspended project still sees it, without the restricted keys.
    shown = api.project(project_id, member)
    assert shown["state"] == "suspended"
    assert not {"comments", "pending_application", "deactivation_date"} & set(shown)
    assert_fault(api.get(f"/projects/{project_id}", other_user, status=403), "forbidden", 403)
    api.project_action(project_id, admin, "unsuspend")
    # Active: everyone sees it; the owner also the deactivation date (kept).
    assert "comments" not in api.project(project_id, other_user)
    shown = api.project(project_id, user)
    assert shown["pending_application"] is None and shown["deactivation_date"]


# --- list ---------------------------------------------------------------------------


def test_list_visibility_filters_and_order(api, user, other_user, admin):
    mine = api.create(user, name="mine.pr")["id"]
    active, _ = api.active_project(other_user, admin, name="theirs.pr")
    hidden = api.create(other_user, name="hidden.pr")["id"]
    assert [p["id"] for p in api.get("/projects", user).json] == [mine, active]
    assert [p["id"] for p in api.get("/projects", admin).json] == [mine, active, hidden]

    def ids(**filters):
        return [p["id"] for p in api.get("/projects", admin, {"filter": filters}).json]

    assert ids(state=["pending"]) == [mine, hidden]
    assert ids(state=[]) == [mine, active, hidden]
    assert ids(owner=other_user.uuid) == [active, hidden]
    assert ids(owner=[]) == [] and ids(name=[]) == []
    assert ids(name=["mine.pr", "theirs.pr"], state="active") == [active]
    # Filters and visibility combine.
    res = api.get("/projects", user, {"filter": {"owner": other_user.uuid}})
    assert [p["id"] for p in res.json] == [active]
    assert api.get("/projects", user, {"filter": None}).status_int == 200


BAD_FILTERS = [
    ({"filter": {"state": "nonex"}}, "Unrecognized state nonex"),
    ({"filter": {"state": ["active", "nonex"]}}, "Unrecognized state nonex"),
    ({"filter": {"state": "active,suspended"}}, "Unrecognized state active,suspended"),
    ({"filter": {"mode": "member"}}, "Unrecognized filter mode"),
    ({"filter": {"name": 5}}, "Malformed request"),
    ({"filter": {"owner": [1]}}, "Malformed request"),
    ({"filter": "active"}, "Malformed request"),
]


def test_bad_filters_are_400(api, user):
    for filters, message in BAD_FILTERS:
        assert_fault(api.get("/projects", user, filters, status=400), "badRequest", 400, message)


# --- modify --------------------------------------------------------------------------


def test_modify_checks_the_body_then_404_then_403_then_resources(api, user, other_user, resource):
    project_id = api.create(user)["id"]
    # A bad body is 400 even for a missing project.
    assert_fault(api.post("/projects/99", user, spec(name="bad_name"), status=400), "badRequest", 400)
    assert_fault(api.post("/projects/99", user, spec(), status=404), "itemNotFound", 404,
                 "There is no project identified by 99.")
    # resources are checked after the 404 and the 403.
    bad = spec(resources={"nothing": {"member_capacity": 1}})
    assert_fault(api.post("/projects/99", user, bad, status=404), "itemNotFound", 404)
    assert_fault(api.post(f"/projects/{project_id}", other_user, bad, status=403), "forbidden", 403)
    assert_fault(api.post(f"/projects/{project_id}", user, bad, status=400), "badRequest", 400,
                 "Malformed resource policies")


def test_modify_is_a_complete_new_application(api, user, other_user, admin, resource):
    project_id, first = api.active_project(user, admin, resources=GRANT, join_policy="closed",
                                           comments="old")
    # An admin modifies: nothing is inherited, the admin becomes the owner.
    second = api.post(f"/projects/{project_id}", admin, {
        "name": "test.pr", "end_date": "2031-01-01T00:00Z", "max_members": 1,
    }, status=201).json
    assert second["id"] == project_id and second["application"] > first
    app = api.get(f"/projects/apps/{second['application']}", admin).json
    assert (app["owner"], app["applicant"], app["join_policy"], app["resources"], app["comments"]) \
        == (admin.uuid, admin.uuid, "moderated", {}, None)
    # The approved application stays current; the new one is pending.
    shown = api.project(project_id, user)
    assert (shown["application"], shown["pending_application"]) == (first, second["application"])
    assert shown["state"] == "active"
    # A newer submission replaces the pending one; the first stays approved.
    third = api.modify(project_id, user)["application"]
    states = {a["id"]: a["state"] for a in api.get("/projects/apps", user, {"project": project_id}).json}
    assert states == {first: "approved", third: "pending"}
    assert api.get(f"/projects/apps/{second['application']}", admin).json["state"] == "replaced"


def test_modify_of_a_never_approved_project_makes_the_new_application_current(api, user, admin):
    project_id, first = api.create(user).values()
    api.app_action(first, admin, "deny")
    assert api.project(project_id, user)["state"] == "denied"
    second = api.modify(project_id, user, name="other.pr")["application"]
    shown = api.project(project_id, user)
    assert (shown["application"], shown["state"], shown["name"]) == (second, "pending", "other.pr")


# --- the pending-application limit (P24) ------------------------------------------------


def test_the_pending_limit_counts_the_owners_applications(api, registry, user, other_user, admin):
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "astakos.pending_app", 1)
    project_id = api.create(user)["id"]
    assert_fault(api.post("/projects", user, spec(), status=409), "conflict", 409,
                 "You have reached the maximum number of pending project applications: 1.")
    # Somebody else applying with this user as the owner is limited too.
    api.post("/projects", other_user, spec(owner=user.uuid), status=409)
    # Replacing one's own pending application never fails.
    api.modify(project_id, user)
    # A modification that adds a pending application is limited too.
    approved = api.create(admin, owner=user.uuid, name="approved.pr")["application"]
    api.app_action(approved, admin, "approve")
    approved_project = api.get(f"/projects/apps/{approved}", admin).json["project"]
    api.app_action(api.get("/projects/apps", user, {"project": project_id}).json[-1]["id"], user,
                   "cancel")
    api.modify(approved_project, user)
    assert_fault(api.post(f"/projects/{project_id}", user, spec(), status=409), "conflict",
                 409, "You have reached the maximum number of pending project applications: 1.")
    # Admins are not limited; the count still grows.
    api.post("/projects", admin, spec(owner=user.uuid), status=201)
    with session_scope(registry) as db:
        assert quotas.usage(db, user.uuid)["astakos.pending_app"]["usage"] == 2
    assert api.project(approved_project, user)["state"] == "active"


def test_a_modification_with_another_owner_moves_the_count(api, registry, user, other_user):
    project_id = api.create(user)["id"]
    api.modify(project_id, user, owner=other_user.uuid)
    with session_scope(registry) as db:
        assert quotas.usage(db, user.uuid)["astakos.pending_app"]["usage"] == 0
        assert quotas.usage(db, other_user.uuid)["astakos.pending_app"]["usage"] == 1


def test_the_pending_resource_is_hidden(api, user):
    api.create(user)
    assert "astakos.pending_app" not in api.testapp.get("/account/v1.0/resources").json
    quotas_shown = api.testapp.get("/account/v1.0/quotas", headers=user.headers).json
    assert "astakos.pending_app" not in quotas_shown["system"]
