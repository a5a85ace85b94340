"""Account API: user catalogs (user and service) and feedback (C1-C7)."""
import pytest
from sqlalchemy import func, select

from synnefo_pyr.db import session_scope
from synnefo_pyr.models.identity import Feedback

from ..helpers import assert_fault, post_json

CATALOGS = "/account/v1.0/user_catalogs"
SERVICE_CATALOGS = "/account/v1.0/service/user_catalogs"
FEEDBACK = "/account/v1.0/feedback"


def feedback_count(registry):
    with session_scope(registry) as db:
        return db.scalar(select(func.count(Feedback.id)))


@pytest.mark.parametrize("url", [CATALOGS, "/user_catalogs"])
def test_user_catalogs(testapp, user, other_user, url):
    body = {"uuids": [other_user.uuid, "missing-uuid"], "displaynames": ["BOB@example.org", "nobody@x"]}
    res = post_json(testapp, url, body, headers=user.headers, status=200)
    assert res.json == {
        "uuid_catalog": {other_user.uuid: "bob@example.org"},
        "displayname_catalog": {"BOB@example.org": other_user.uuid},
    }


def test_user_catalogs_null_is_nothing_for_users(testapp, user, other_user):
    res = post_json(testapp, CATALOGS, {"uuids": None}, headers=user.headers, status=200)
    assert res.json == {"uuid_catalog": {}, "displayname_catalog": {}}


def test_user_catalogs_token_errors(testapp, factory, user):
    assert_fault(post_json(testapp, CATALOGS, {}), "unauthorized", 401,
                 "Access denied. No authentication token")
    assert_fault(post_json(testapp, CATALOGS, {}, headers={"X-Auth-Token": "bogus"}),
                 "unauthorized", 401, "Invalid token")
    factory.expire_tokens(user)
    assert_fault(post_json(testapp, CATALOGS, {}, headers=user.headers),
                 "unauthorized", 401, "Authentication expired")


def test_user_catalogs_inactive_user(testapp, factory, user):
    factory.set_active(user, False)
    assert_fault(post_json(testapp, CATALOGS, {}, headers=user.headers),
                 "unauthorized", 401, "User inactive")


def test_user_catalogs_bad_bodies(testapp, user):
    assert_fault(post_json(testapp, CATALOGS, '"a string"', headers=user.headers), "badRequest", 400)
    assert_fault(post_json(testapp, CATALOGS, "{broken", headers=user.headers),
                 "badRequest", 400, "Invalid JSON data")
    assert_fault(post_json(testapp, CATALOGS, {"uuids": "x"}, headers=user.headers), "badRequest", 400)


def test_user_catalogs_get_is_not_allowed(testapp, user):
    res = testapp.get(CATALOGS, headers=user.headers, status=405)
    assert res.headers["Allow"] == "POST"
    assert_fault(res, "notAllowed", 405)


@pytest.mark.parametrize("url", [SERVICE_CATALOGS, "/service/api/user_catalogs"])
def test_service_user_catalogs(testapp, factory, user, other_user, url):
    service_token = factory.component("cyclades")
    headers = {"X-Auth-Token": service_token}
    res = post_json(testapp, url, {"uuids": [user.uuid]}, headers=headers, status=200)
    assert res.json["uuid_catalog"] == {user.uuid: "alice@example.org"}
    everyone = post_json(testapp, url, {"uuids": None, "displaynames": None}, headers=headers).json
    assert everyone["uuid_catalog"] == {user.uuid: "alice@example.org", other_user.uuid: "bob@example.org"}
    assert everyone["displayname_catalog"] == {"alice@example.org": user.uuid, "bob@example.org": other_user.uuid}


def test_service_user_catalogs_needs_a_service_token(testapp, user):
    assert_fault(post_json(testapp, SERVICE_CATALOGS, {"uuids": []}), "unauthorized", 401)
    assert_fault(post_json(testapp, SERVICE_CATALOGS, {"uuids": []}, headers=user.headers),
                 "unauthorized", 401, "Invalid token")


def test_service_token_cannot_use_user_api(testapp, factory):
    headers = {"X-Auth-Token": factory.component("cyclades")}
    assert_fault(post_json(testapp, CATALOGS, {"uuids": []}, headers=headers), "unauthorized", 401)


@pytest.mark.parametrize("url", [FEEDBACK, "/feedback"])
def test_send_feedback_is_stored(testapp, registry, user, url):
    res = testapp.post(url, {"feedback_msg": "Great cloud", "feedback_data": "{}"},
                       headers=user.headers, status=200)
    assert res.body == b""
    assert feedback_count(registry) == 1


def test_feedback_errors(testapp, registry, user):
    assert_fault(testapp.post(FEEDBACK, {"feedback_data": "x"}, headers=user.headers, status=400),
                 "badRequest", 400, "Invalid data")
    assert_fault(testapp.post(FEEDBACK, {"feedback_msg": "hi"}, status=401), "unauthorized", 401)
    res = testapp.get(FEEDBACK, headers=user.headers, status=405)
    assert res.headers["Allow"] == "POST"
    assert feedback_count(registry) == 0


def test_feedback_sink_failure_is_502_and_stores_nothing(make_app, registry, user):
    """A request that fails leaves no partial write: the feedback row was
    added before the sink failed, and the transaction rolled it back."""
    import webtest

    # Nothing listens on port 1: the SMTP sink fails.
    app = make_app(**{"synnefo_pyr.feedback.sink": "smtp",
                      "synnefo_pyr.feedback.smtp_host": "127.0.0.1",
                      "synnefo_pyr.feedback.smtp_port": "1"})
    testapp = webtest.TestApp(app)
    res = testapp.post(FEEDBACK, {"feedback_msg": "hello"}, headers=user.headers, status=502)
    assert_fault(res, "badGateway", 502, "Failed to send feedback")
    assert feedback_count(registry) == 0


def test_unknown_account_path(testapp):
    assert_fault(testapp.get("/account/v1.0/nowhere", status=400), "badRequest", 400,
                 "API endpoint not found")
