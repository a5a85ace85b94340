"""The quota members gain (behaviours-projects.md Q1-Q6, P37-P41): a
member's ``system`` limit is their base limit plus the member capacities
of the active projects they belong to, recomputed on every change; usages
never move with it."""
import pytest
import webtest

from synnefo_pyr.db import session_scope
from synnefo_pyr.quotas import engine as quotas

from tests.functional.projects.conftest import BASE_LIMIT, RESOURCE, ROOT, spec
from tests.helpers import assert_fault, post_json


@pytest.fixture(autouse=True)
def _resource(resource):
    """Every test here grants the test resource."""


def grant(amount, resource=RESOURCE):
    return {resource: {"member_capacity": amount, "project_capacity": None}}


def test_limits_follow_every_change_of_membership_and_project(api, user, other_user, admin):
    M = other_user
    first, _ = api.active_project(user, admin, name="one.pr", join_policy="moderated",
                                  leave_policy="moderated", resources=grant(10))
    second, _ = api.active_project(user, admin, name="two.pr", resources=grant(20))
    assert api.limit(M)["limit"] == BASE_LIMIT
    member = api.join(first, M).json["id"]
    assert api.limit(M)["limit"] == BASE_LIMIT  # requested: nothing yet
    api.member_action(member, user, "accept")
    assert api.limit(M)["limit"] == BASE_LIMIT + 10
    api.join(second, M)  # auto
    assert api.limit(M)["limit"] == BASE_LIMIT + 30
    api.member_action(member, M, "leave")  # moderated: leave_requested still bears
    assert api.limit(M)["limit"] == BASE_LIMIT + 30
    api.project_action(second, admin, "suspend")
    assert api.limit(M)["limit"] == BASE_LIMIT + 10
    api.project_action(second, admin, "unsuspend")
    assert api.limit(M)["limit"] == BASE_LIMIT + 30
    api.project_action(second, admin, "terminate")
    assert api.limit(M)["limit"] == BASE_LIMIT + 10
    api.project_action(second, admin, "reinstate")
    assert api.limit(M)["limit"] == BASE_LIMIT + 30
    # Approving a modification: the new grants replace the old ones.
    changed = api.modify(first, user, name="one.pr", resources=grant(5), join_policy="moderated",
                         leave_policy="moderated")["application"]
    assert api.limit(M)["limit"] == BASE_LIMIT + 30  # pending: nothing changes yet
    api.app_action(changed, admin, "approve")
    assert api.limit(M)["limit"] == BASE_LIMIT + 25
    api.member_action(member, user, "remove")
    assert api.limit(M)["limit"] == BASE_LIMIT + 20
    # Only the member's limits moved.
    assert api.limit(user)["limit"] == BASE_LIMIT and api.limit(admin)["limit"] == BASE_LIMIT


def test_enroll_and_an_admins_leave_sync_the_member(api, user, other_user, admin):
    project_id, _ = api.active_project(user, admin, resources=grant(50))
    member = api.enroll(project_id, other_user.email, user).json["id"]
    assert api.limit(other_user)["limit"] == BASE_LIMIT + 50
    api.member_action(member, admin, "leave")
    assert api.limit(other_user)["limit"] == BASE_LIMIT
    assert api.limit(admin)["limit"] == BASE_LIMIT


def test_pending_and_denied_projects_grant_nothing(api, user, other_user, admin):
    project_id, _ = api.active_project(user, admin, resources=grant(50))
    api.join(project_id, other_user)
    denied = api.modify(project_id, user, resources=grant(500))["application"]
    api.app_action(denied, admin, "deny")
    assert api.limit(other_user)["limit"] == BASE_LIMIT + 50


def test_a_shrunk_limit_refuses_allocations_but_not_releases(api, registry, user, other_user,
                                                              admin, factory):
    """Q3: the usage stays above the new limit; allocations are 413,
    releases succeed (in-process and over the commission API)."""
    project_id, _ = api.active_project(user, admin, resources=grant(50))
    member = api.join(project_id, other_user).json["id"]
    with session_scope(registry) as db:
        quotas.charge(db, other_user.uuid, {RESOURCE: 140})
    api.member_action(member, other_user, "leave")
    assert api.limit(other_user) == {"limit": BASE_LIMIT, "usage": 140, "pending": 0}
    service = {"X-Auth-Token": factory.component("test")}
    provision = {"holder": other_user.uuid, "source": "system", "resource": RESOURCE}
    res = post_json(api.testapp, "/account/v1.0/commissions",
                    {"provisions": [dict(provision, quantity=1)]}, headers=service, status=413)
    assert_fault(res, "overLimit", 413)
    res = post_json(api.testapp, "/account/v1.0/commissions",
                    {"provisions": [dict(provision, quantity=-30)], "auto_accept": True},
                    headers=service, status=201)
    assert api.limit(other_user)["usage"] == 110
    # Joining again restores the grant.
    api.join(project_id, other_user)
    assert api.limit(other_user) == {"limit": BASE_LIMIT + 50, "usage": 110, "pending": 0}


def test_quota_set_changes_the_base_and_keeps_the_grants(api, manage, user, other_user, admin):
    project_id, _ = api.active_project(user, admin, resources=grant(50))
    api.join(project_id, other_user)
    shown = manage("quota-set", other_user.uuid, RESOURCE, "10")
    assert shown["quotas"]["system"][RESOURCE]["limit"] == 60
    assert api.limit(other_user)["limit"] == 60


def test_quotas_and_service_quotas_keep_their_shape(api, user, other_user, admin, factory):
    project_id, _ = api.active_project(user, admin, resources=grant(50, "cyclades.vm"))
    api.join(project_id, other_user)
    shown = api.testapp.get("/account/v1.0/quotas", headers=other_user.headers).json
    assert list(shown) == ["system"]
    assert shown["system"]["cyclades.vm"] == {"limit": 60, "usage": 0, "pending": 0}
    service = {"X-Auth-Token": factory.component("cyclades")}
    res = api.testapp.get("/account/v1.0/service_quotas", {"user": other_user.uuid},
                          headers=service).json
    assert list(res) == [other_user.uuid] and list(res[other_user.uuid]) == ["system"]
    assert res[other_user.uuid]["system"]["cyclades.vm"]["limit"] == 60


def test_commissions_on_a_project_source_find_no_holding(api, user, admin, factory):
    project_id, _ = api.active_project(user, admin, resources=grant(50))
    service = {"X-Auth-Token": factory.component("test")}
    body = {"provisions": [{"holder": user.uuid, "source": f"project:{project_id}",
                            "resource": RESOURCE, "quantity": 1}]}
    res = post_json(api.testapp, "/account/v1.0/commissions", body, headers=service, status=404)
    fault = assert_fault(res, "itemNotFound", 404)
    assert fault["data"]["name"] == "NoHoldingError"
    # A provision with "project" instead of "source" lacks the source.
    body = {"provisions": [{"holder": user.uuid, "project": "x", "resource": RESOURCE,
                            "quantity": 1}]}
    post_json(api.testapp, "/account/v1.0/commissions", body, headers=service, status=400)


def test_grants_sum_and_are_capped_at_64_bits(api, user, other_user, admin):
    huge = 2 ** 63 - 1
    first, _ = api.active_project(user, admin, name="one.pr", resources=grant(huge))
    second, _ = api.active_project(user, admin, name="two.pr", resources=grant(huge))
    api.join(first, other_user)
    api.join(second, other_user)
    assert api.limit(other_user)["limit"] == huge


def test_the_pending_limit_default_comes_from_the_ini(make_app, user):
    app = make_app(**{"synnefo_pyr.quotas.default_limit.astakos.pending_app": "1"})
    client = webtest.TestApp(app)
    post_json(client, ROOT + "/projects", spec(), headers=user.headers, status=201)
    res = post_json(client, ROOT + "/projects", spec(), headers=user.headers, status=409)
    assert_fault(res, "conflict", 409,
                 "You have reached the maximum number of pending project applications: 1.")
