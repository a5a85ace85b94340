"""The shared HTTP rules of behaviours.md section A, on the identity and
account APIs (the other APIs repeat them in their own suites)."""
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest

from synnefo_pyr.identity import feedback as user_feedback
from synnefo_pyr.views import ui
from synnefo_pyr.views.account import catalogs as account
from synnefo_pyr.views.identity import tokens as identity

from tests.helpers import assert_fault, post_json

CATALOGS = "/account/v1.0/user_catalogs"
NS = "{http://docs.openstack.org/identity/api/v2.0}"


def test_no_cache_headers_and_vary(testapp):
    res = testapp.post("/identity/v2.0/tokens")
    assert {"no-cache", "no-store", "must-revalidate"} <= {
        part.strip() for part in res.headers["Cache-Control"].split(",")
    }
    assert "Expires" in res.headers
    assert res.headers["Vary"] == "X-Auth-Token"
    assert int(res.headers["Content-Length"]) == len(res.body)


def test_faults_carry_the_headers_too(testapp):
    res = testapp.get("/nowhere", status=400)
    assert res.headers["Vary"] == "X-Auth-Token"
    assert "no-store" in res.headers["Cache-Control"]


@pytest.mark.parametrize("path, status", [
    ("/identity/v2.0", 200), ("/compute/v2.0/flavors", 401), ("/object-store/v1/nobody", 401),
    ("/nowhere", 400),
])
def test_every_response_forbids_content_sniffing(testapp, path, status):
    res = testapp.get(path, status=status)
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert parsedate_to_datetime(res.headers["Expires"]).tzinfo is not None


def test_no_event_is_notified(app):
    """Every response header is a tween's: with no subscriber, Pyramid
    notifies no event on any request (five per request otherwise)."""
    assert app.registry.has_listeners is False


def test_token_in_query_parameter(testapp, user):
    res = post_json(testapp, f"{CATALOGS}?X-Auth-Token={user.token}", {"uuids": [user.uuid]}, status=200)
    assert res.json["uuid_catalog"] == {user.uuid: user.email}


def test_query_token_is_checked_before_header(testapp, user):
    res = post_json(testapp, f"{CATALOGS}?X-Auth-Token=bogus", {}, headers=user.headers)
    assert_fault(res, "unauthorized", 401, "Invalid token")


def test_format_by_query_suffix_and_accept(testapp):
    assert testapp.get("/nowhere", {"format": "xml"}, status=400).content_type == "application/xml"
    assert testapp.get("/nowhere.xml", status=400).content_type == "application/xml"
    res = testapp.get("/nowhere", headers={"Accept": "text/html, application/xml"}, status=400)
    assert res.content_type == "application/xml"
    # ?format wins over Accept; JSON is the default.
    res = testapp.get("/nowhere", {"format": "json"}, headers={"Accept": "application/xml"}, status=400)
    assert res.content_type == "application/json"
    assert testapp.get("/nowhere", status=400).content_type == "application/json"


def test_json_suffix_reaches_the_same_view(testapp):
    res = testapp.post("/identity/v2.0/tokens.json", status=200)
    assert "serviceCatalog" in res.json["access"]


def test_xml_fault_body(testapp):
    res = testapp.get("/identity/v2.0/tokens", {"format": "xml"}, status=405)
    root = ET.fromstring(res.body)
    assert root.tag == NS + "notAllowed"
    assert root.get("code") == "405"
    assert root.find(NS + "message").text == "Method not allowed"
    assert res.headers["Allow"] == "POST"


def explode(*args, **kwargs):
    raise RuntimeError("password=hunter2 at db.internal:5432")


def test_unexpected_error_is_500_and_leaks_nothing(testapp, user, monkeypatch):
    monkeypatch.setattr(account.accounts, "uuid_catalog", explode)
    res = post_json(testapp, CATALOGS, {"uuids": []}, headers=user.headers, status=500)
    assert_fault(res, "internalServerError", 500, "Unexpected error")
    assert b"hunter2" not in res.body and b"RuntimeError" not in res.body


@pytest.mark.parametrize("call", ["authenticate", "validate", "service_catalogs", "feedback",
                                  "get_services"])
def test_every_call_documents_500(testapp, factory, user, monkeypatch, call):
    """The guide lists 500 for each call: an internal failure anywhere is
    the same internalServerError fault."""
    if call == "authenticate":
        monkeypatch.setattr(identity, "service_catalog", explode)
        res = post_json(testapp, "/identity/v2.0/tokens", {"auth": {"token": {"id": user.token}}})
    elif call == "validate":
        monkeypatch.setattr(identity, "token_dict", explode)
        res = testapp.get(f"/identity/v2.0/tokens/{factory.token(user, scope='/')}", status="*")
    elif call == "service_catalogs":
        monkeypatch.setattr(account.accounts, "displayname_catalog", explode)
        res = post_json(testapp, "/account/v1.0/service/user_catalogs", {"uuids": None},
                        headers={"X-Auth-Token": factory.component("cyclades")})
    elif call == "feedback":
        monkeypatch.setattr(user_feedback, "submit", explode)
        res = testapp.post("/account/v1.0/feedback", {"feedback_msg": "x"}, headers=user.headers,
                           status="*")
    else:
        monkeypatch.setattr(ui, "service_catalog", explode)
        res = testapp.get("/ui/get_services", status="*")
    assert_fault(res, "internalServerError", 500, "Unexpected error")


def test_unknown_url_outside_any_api(testapp):
    assert_fault(testapp.get("/definitely/not/here", status=400), "badRequest", 400,
                 "API endpoint not found")


def test_scoped_token_reaches_only_its_scope(testapp, factory, user):
    inside = factory.token(user, scope="/account/v1.0/user_catalogs")
    post_json(testapp, CATALOGS, {"uuids": [user.uuid]}, headers={"X-Auth-Token": inside}, status=200)
    outside = factory.token(user, scope="/compute/v2.0")
    res = post_json(testapp, CATALOGS, {"uuids": []}, headers={"X-Auth-Token": outside})
    assert_fault(res, "forbidden", 403)
    res = testapp.post(CATALOGS.replace("user_catalogs", "feedback"), {"feedback_msg": "x"},
                       headers={"X-Auth-Token": inside}, status=403)
    assert_fault(res, "forbidden", 403)


def test_scope_is_a_path_not_a_string_prefix(testapp, factory, user):
    """A token scoped to ``/account/v1.0/service`` reaches what lies under
    it, not ``/account/v1.0/service_quotas`` beside it."""
    scoped = {"X-Auth-Token": factory.token(user, scope="/account/v1.0/service")}
    assert_fault(testapp.get("/account/v1.0/service_quotas", headers=scoped, status=403), "forbidden", 403)


def test_expired_scoped_token_is_401(testapp, factory, user):
    scoped = factory.token(user, ttl=-1, scope=CATALOGS)
    res = post_json(testapp, CATALOGS, {"uuids": []}, headers={"X-Auth-Token": scoped})
    assert_fault(res, "unauthorized", 401, "Authentication expired")


def test_server_timing_is_opt_in(testapp, make_app, user):
    """``synnefo_pyr.timing_header``: the database time and statement count
    of the request; without it, no header."""
    import re

    import webtest

    assert "Server-Timing" not in testapp.get("/compute/v2.0/flavors", headers=user.headers).headers
    timed = webtest.TestApp(make_app(**{"synnefo_pyr.timing_header": "true"}))
    header = timed.get("/compute/v2.0/flavors", headers=user.headers).headers["Server-Timing"]
    found = re.fullmatch(r'db;dur=([\d.]+);desc="(\d+) statements", app;dur=([\d.]+)', header)
    assert found, header
    # The token lookup and the flavors query, at least.
    assert int(found.group(2)) >= 2 and float(found.group(3)) >= float(found.group(1))
