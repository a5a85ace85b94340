"""Commissions over HTTP (quota guide; behaviours.md C11-C16)."""
import pytest

from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.db import session_scope

from tests.helpers import assert_fault, post_json

ROOT = "/account/v1.0"


@pytest.fixture
def service(factory):
    return {"X-Auth-Token": factory.component("cyclades")}


def provision(holder, resource="cyclades.vm", quantity=1, source="system"):
    return {"holder": holder, "source": source, "resource": resource, "quantity": quantity}


def issue(testapp, headers, provisions, status=201, **extra):
    return post_json(testapp, ROOT + "/commissions", dict(extra, provisions=provisions),
                     headers=headers, status=status)


def user_quota(testapp, user, resource="cyclades.vm"):
    return testapp.get(ROOT + "/quotas", headers=user.headers).json["system"][resource]


def test_commissions_need_a_component_token(testapp, user):
    assert_fault(testapp.get(ROOT + "/commissions", status=401), "unauthorized", 401)
    assert_fault(testapp.get(ROOT + "/commissions", headers=user.headers, status=401),
                 "unauthorized", 401)
    res = issue(testapp, user.headers, [provision(user.uuid)], status=401)
    assert_fault(res, "unauthorized", 401)
    assert_fault(testapp.get(ROOT + "/commissions/1", status=401), "unauthorized", 401)
    res = post_json(testapp, ROOT + "/commissions/1/action", {"accept": ""}, status=401)
    assert_fault(res, "unauthorized", 401)
    res = post_json(testapp, ROOT + "/commissions/action", {"accept": [1]}, status=401)
    assert_fault(res, "unauthorized", 401)


def test_issue_get_and_accept(testapp, service, user):
    assert testapp.get(ROOT + "/commissions", headers=service, status=200).json == []
    wanted = [provision(user.uuid), provision(user.uuid, "cyclades.ram", 536870912)]
    res = issue(testapp, service, wanted, name="an optional description")
    serial = res.json["serial"]
    assert isinstance(serial, int) and list(res.json) == ["serial"]
    assert testapp.get(ROOT + "/commissions", headers=service).json == [serial]
    got = testapp.get(f"{ROOT}/commissions/{serial}", headers=service, status=200).json
    assert got["serial"] == serial and got["name"] == "an optional description"
    assert got["provisions"] == wanted
    assert got["issue_time"].endswith("+00:00")
    assert user_quota(testapp, user) == {"limit": 10, "usage": 1, "pending": 1}

    res = post_json(testapp, f"{ROOT}/commissions/{serial}/action", {"accept": ""},
                    headers=service, status=200)
    assert res.body == b""
    assert user_quota(testapp, user) == {"limit": 10, "usage": 1, "pending": 0}
    assert testapp.get(ROOT + "/commissions", headers=service).json == []
    # Resolved: as unknown, with an empty body (C12, C14).
    res = testapp.get(f"{ROOT}/commissions/{serial}", headers=service, status=404)
    assert res.body == b""
    res = post_json(testapp, f"{ROOT}/commissions/{serial}/action", {"accept": ""},
                    headers=service, status=404)
    assert_fault(res, "itemNotFound", 404)


def test_reject_undoes_the_commission(testapp, service, user):
    serial = issue(testapp, service, [provision(user.uuid, quantity=3)]).json["serial"]
    post_json(testapp, f"{ROOT}/commissions/{serial}/action", {"reject": ""},
              headers=service, status=200)
    assert user_quota(testapp, user) == {"limit": 10, "usage": 0, "pending": 0}


def test_release_is_pending_until_accepted(testapp, service, user):
    issue(testapp, service, [provision(user.uuid, quantity=2)], auto_accept=True)
    serial = issue(testapp, service, [provision(user.uuid, quantity=-2)]).json["serial"]
    assert user_quota(testapp, user) == {"limit": 10, "usage": 2, "pending": 2}
    post_json(testapp, f"{ROOT}/commissions/{serial}/action", {"accept": ""}, headers=service)
    assert user_quota(testapp, user) == {"limit": 10, "usage": 0, "pending": 0}


def test_serials_increase(testapp, service, user):
    serials = [issue(testapp, service, [provision(user.uuid)]).json["serial"] for _ in range(3)]
    assert serials == sorted(serials) and len(set(serials)) == 3
    assert testapp.get(ROOT + "/commissions", headers=service).json == serials


def test_auto_accept_resolves_at_once(testapp, service, user):
    serial = issue(testapp, service, [provision(user.uuid)], auto_accept=True).json["serial"]
    assert testapp.get(ROOT + "/commissions", headers=service).json == []
    assert testapp.get(f"{ROOT}/commissions/{serial}", headers=service, status=404).body == b""
    assert user_quota(testapp, user) == {"limit": 10, "usage": 1, "pending": 0}


def test_over_limit(testapp, registry, service, user):
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.vm", 2)
    issue(testapp, service, [provision(user.uuid, quantity=2)], auto_accept=True)
    wanted = [provision(user.uuid, "cyclades.cpu", 1), provision(user.uuid)]
    res = issue(testapp, service, wanted, status=413)
    fault = assert_fault_with_data(res, "overLimit", 413)
    data = fault["data"]
    assert data["provision"] == provision(user.uuid)
    assert data["name"] == "NoCapacityError"
    assert (data["limit"], data["usage"]) == (2, 2)
    assert (data["resource"], data["source"], data["holder"]) == ("cyclades.vm", "system", user.uuid)
    assert (data["requested"], data["current"]) == (1, 2)
    # Nothing was registered, not even the CPU that fitted.
    assert testapp.get(ROOT + "/commissions", headers=service).json == []
    assert user_quota(testapp, user, "cyclades.cpu")["usage"] == 0


def test_force_surpasses_the_limit(testapp, registry, service, user):
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.vm", 0)
    issue(testapp, service, [provision(user.uuid)], force=True, auto_accept=True)
    assert user_quota(testapp, user) == {"limit": 0, "usage": 1, "pending": 0}


def test_release_below_zero(testapp, service, user):
    res = issue(testapp, service, [provision(user.uuid, quantity=-1)], status=413)
    fault = assert_fault_with_data(res, "overLimit", 413)
    assert fault["data"]["name"] == "NoQuantityError"
    assert fault["data"]["provision"] == provision(user.uuid, quantity=-1)


@pytest.mark.parametrize("wanted, what", [
    (lambda u: provision("no-such-user"), "holder"),
    (lambda u: provision(u, "cyclades.nothing"), "resource"),
    (lambda u: provision(u, source="project:1"), "source"),
])
def test_unknown_holding(testapp, service, user, wanted, what):
    res = issue(testapp, service, [wanted(user.uuid)], status=404)
    fault = assert_fault_with_data(res, "itemNotFound", 404)
    assert fault["data"] == {"provision": wanted(user.uuid), "name": "NoHoldingError"}


@pytest.mark.parametrize("body", [
    {"provisions": "cyclades.vm"},
    {},
    {"provisions": [{"holder": "x", "source": "system", "resource": "cyclades.vm"}]},
    {"provisions": [{"holder": "x", "source": "system", "resource": "cyclades.vm",
                     "quantity": "1"}]},
    {"provisions": [{"holder": "x", "source": "system", "resource": "cyclades.vm",
                     "quantity": 1.5}]},
    {"provisions": ["cyclades.vm"]},
    {"provisions": [], "force": "yes"},
    {"provisions": [], "name": 12},
    # What the BIGINT and VARCHAR(255) columns cannot store is invalid, not a 500.
    {"provisions": [{"holder": "x", "source": "system", "resource": "cyclades.vm",
                     "quantity": 2 ** 63}], "force": True},
    {"provisions": [{"holder": "x", "source": "system", "resource": "cyclades.vm",
                     "quantity": -2 ** 63 - 1}], "force": True},
    {"provisions": [], "name": "x" * 256},
])
def test_invalid_commission(testapp, service, body):
    res = post_json(testapp, ROOT + "/commissions", body, headers=service, status=400)
    assert_fault(res, "badRequest", 400, "Commission failed due to invalid input data")


def test_name_of_the_longest_length(testapp, service, user):
    serial = issue(testapp, service, [provision(user.uuid)], name="x" * 255).json["serial"]
    assert testapp.get(f"{ROOT}/commissions/{serial}", headers=service).json["name"] == "x" * 255


def test_forced_usage_beyond_64_bits_is_invalid(testapp, service, user):
    issue(testapp, service, [provision(user.uuid, quantity=2 ** 62)], force=True, auto_accept=True)
    res = issue(testapp, service, [provision(user.uuid, quantity=2 ** 62)], force=True, status=400)
    assert_fault(res, "badRequest", 400, "Commission failed due to invalid input data")
    issue(testapp, service, [provision(user.uuid, "cyclades.cpu", -2 ** 63)], force=True)
    res = issue(testapp, service, [provision(user.uuid, "cyclades.cpu", -1)], force=True,
                status=400)
    assert_fault(res, "badRequest", 400, "Commission failed due to invalid input data")
    assert user_quota(testapp, user)["usage"] == 2 ** 62
    assert user_quota(testapp, user, "cyclades.cpu")["pending"] == 2 ** 63


def test_duplicate_provision_is_invalid(testapp, service, user):
    res = issue(testapp, service, [provision(user.uuid), provision(user.uuid)], status=400)
    assert_fault(res, "badRequest", 400)


def test_body_must_be_json(testapp, service):
    res = testapp.post(ROOT + "/commissions", "x", headers=service, content_type="text/plain",
                       status=400)
    assert_fault(res, "badRequest", 400, "Unsupported Content-type: 'text/plain'")
    res = post_json(testapp, ROOT + "/commissions", "{", headers=service, status=400)
    assert_fault(res, "badRequest", 400, "Invalid JSON data")


def test_components_see_only_their_own_commissions(testapp, factory, service, user):
    other = {"X-Auth-Token": factory.component("pithos", base_url="https://p.example.org/")}
    serial = issue(testapp, service, [provision(user.uuid)]).json["serial"]
    assert testapp.get(ROOT + "/commissions", headers=other).json == []
    assert testapp.get(f"{ROOT}/commissions/{serial}", headers=other, status=404).body == b""
    res = post_json(testapp, f"{ROOT}/commissions/{serial}/action", {"accept": ""},
                    headers=other, status=404)
    assert_fault(res, "itemNotFound", 404)
    res = post_json(testapp, ROOT + "/commissions/action", {"accept": [serial]},
                    headers=other, status=200)
    assert res.json["accepted"] == [] and res.json["failed"][0][0] == serial


def test_unknown_serial(testapp, service):
    assert testapp.get(ROOT + "/commissions/999", headers=service, status=404).body == b""
    res = post_json(testapp, ROOT + "/commissions/999/action", {"reject": ""},
                    headers=service, status=404)
    assert_fault(res, "itemNotFound", 404)


@pytest.mark.parametrize("serial", [2 ** 31, 10 ** 20])
def test_serials_beyond_the_integer_range_are_unknown(testapp, service, serial):
    assert testapp.get(f"{ROOT}/commissions/{serial}", headers=service, status=404).body == b""
    res = post_json(testapp, f"{ROOT}/commissions/{serial}/action", {"accept": ""},
                    headers=service, status=404)
    assert_fault(res, "itemNotFound", 404, f"serial {serial} does not exist")
    res = post_json(testapp, ROOT + "/commissions/action", {"reject": [serial]},
                    headers=service, status=200)
    assert res.json["rejected"] == []
    assert res.json["failed"][0][0] == serial
    assert res.json["failed"][0][1]["itemNotFound"]["code"] == 404


@pytest.mark.parametrize("body", [{}, {"accept": "", "reject": ""}])
def test_serial_action_needs_exactly_one(testapp, service, user, body):
    serial = issue(testapp, service, [provision(user.uuid)]).json["serial"]
    res = post_json(testapp, f"{ROOT}/commissions/{serial}/action", body,
                    headers=service, status=400)
    assert_fault(res, "badRequest", 400)
    assert testapp.get(ROOT + "/commissions", headers=service).json == [serial]


def test_resolve_many(testapp, service, user):
    s56, s57, s58 = (issue(testapp, service, [provision(user.uuid)]).json["serial"]
                     for _ in range(3))
    res = post_json(testapp, ROOT + "/commissions/action",
                    {"accept": [s56, s57], "reject": [s56, s58, 999]},
                    headers=service, status=200)
    assert res.json["accepted"] == [s57]
    assert res.json["rejected"] == [s58]
    failed = dict((serial, fault) for serial, fault in res.json["failed"])
    assert set(failed) == {s56, 999}
    assert failed[s56] == {"badRequest": {
        "code": 400, "message": f"cannot both accept and reject serial {s56}", "details": ""}}
    assert failed[999]["itemNotFound"]["code"] == 404
    assert failed[999]["itemNotFound"]["message"] == "serial 999 does not exist"
    assert testapp.get(ROOT + "/commissions", headers=service).json == [s56]
    assert user_quota(testapp, user) == {"limit": 10, "usage": 2, "pending": 1}


@pytest.mark.parametrize("body", [{"accept": 1}, {"reject": ["1"]}, {"accept": [True]}])
def test_resolve_many_invalid(testapp, service, body):
    res = post_json(testapp, ROOT + "/commissions/action", body, headers=service, status=400)
    assert_fault(res, "badRequest", 400)


@pytest.mark.parametrize("method, path, allow", [
    ("head", "/commissions", "GET,POST"),
    ("delete", "/commissions", "GET,POST"),
    ("post", "/commissions/1", "GET"),
    ("get", "/commissions/1/action", "POST"),
    ("get", "/commissions/action", "POST"),
])
def test_wrong_methods(testapp, service, method, path, allow):
    res = getattr(testapp, method)(ROOT + path, headers=service, status=405)
    assert sorted(res.headers["Allow"].split(",")) == sorted(allow.split(","))
    if method != "head":
        assert_fault(res, "notAllowed", 405, "Method not allowed")


@pytest.mark.parametrize("path", ["/commissions/abc", "/commissions/1/nothing", "/quota"])
def test_unknown_paths(testapp, service, path):
    assert_fault(testapp.get(ROOT + path, headers=service, status=400),
                 "badRequest", 400, "API endpoint not found")


def explode(*args, **kwargs):
    raise RuntimeError("database unreachable")


@pytest.mark.parametrize("method, path, body, engine_call", [
    ("get", "/commissions", None, "pending_serials"),
    ("post", "/commissions", {"provisions": []}, "issue"),
    ("get", "/commissions/1", None, "pending_commission"),
    ("post", "/commissions/1/action", {"accept": ""}, "resolve"),
    ("post", "/commissions/action", {"accept": [1]}, "resolve"),
])
def test_internal_failure_is_500(testapp, service, monkeypatch, method, path, body, engine_call):
    monkeypatch.setattr(quotas, engine_call, explode)
    if body is None:
        res = testapp.get(ROOT + path, headers=service, status=500)
    else:
        res = post_json(testapp, ROOT + path, body, headers=service, status=500)
    assert_fault(res, "internalServerError", 500, "Unexpected error")
    assert b"unreachable" not in res.body


def assert_fault_with_data(res, name, code):
    """A fault body carrying the ``data`` of the quota guide beside the usual keys."""
    assert res.status_int == code
    body = res.json
    assert list(body) == [name]
    fault = body[name]
    assert fault["code"] == code and isinstance(fault["message"], str)
    assert set(fault) == {"code", "message", "details", "data"}
    return fault
