"""Account API: user catalogs (user and service) and feedback (C1-C7)."""
import logging

import pytest
import webtest
from sqlalchemy import func, select
from webob import Request

from synnefo_pyr.identity import feedback as feedback_module
from synnefo_pyr.db import session_scope
from synnefo_pyr.identity.models import Feedback

from tests.helpers import assert_fault, post_json

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


def test_user_catalogs_content_type_errors(testapp, user):
    """A11 on the user catalogs."""
    request = Request.blank(CATALOGS, method="POST", body=b"{}", headers=user.headers)
    assert_fault(request.get_response(testapp.app), "badRequest", 400,
                 "Missing Content-Type header field")
    res = testapp.post(CATALOGS, "uuids=x", headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400,
                 "Unsupported Content-type: 'application/x-www-form-urlencoded'")


@pytest.mark.parametrize("url", [CATALOGS, SERVICE_CATALOGS])
def test_catalogs_are_json_even_when_xml_is_asked_for(testapp, factory, user, url):
    """The guide promises "a json formatted dictionary": its keys (uuids,
    emails) could not be XML names anyway."""
    headers = {"X-Auth-Token": factory.component("cyclades")} if "service" in url else user.headers
    res = post_json(testapp, url + "?format=xml", {"uuids": [user.uuid]},
                    headers=dict(headers, Accept="application/xml"), status=200)
    assert res.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert res.json["uuid_catalog"] == {user.uuid: user.email}
    assert res.headers["Vary"] == "X-Auth-Token"


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
    assert_fault(post_json(testapp, SERVICE_CATALOGS, {"uuids": []}), "unauthorized", 401,
                 "Access denied. No authentication token")
    assert_fault(post_json(testapp, SERVICE_CATALOGS, {"uuids": []}, headers={"X-Auth-Token": "bogus"}),
                 "unauthorized", 401, "Invalid token")
    assert_fault(post_json(testapp, SERVICE_CATALOGS, {"uuids": []}, headers=user.headers),
                 "unauthorized", 401, "Invalid token")


def test_service_user_catalogs_bad_bodies(testapp, factory):
    headers = {"X-Auth-Token": factory.component("cyclades")}
    for body in ('["a list"]', "{broken", {"uuids": [1]}, {"displaynames": "x"}):
        assert_fault(post_json(testapp, SERVICE_CATALOGS, body, headers=headers), "badRequest", 400)
    res = testapp.get(SERVICE_CATALOGS, headers=headers, status=405)
    assert res.headers["Allow"] == "POST"


def test_service_token_cannot_use_user_api(testapp, factory):
    headers = {"X-Auth-Token": factory.component("cyclades")}
    assert_fault(post_json(testapp, CATALOGS, {"uuids": []}, headers=headers), "unauthorized", 401)


@pytest.mark.parametrize("url", [FEEDBACK, "/feedback"])
def test_send_feedback_is_stored_and_logged(testapp, registry, user, url, caplog):
    with caplog.at_level(logging.INFO, logger="synnefo_pyr.identity.feedback"):
        res = testapp.post(url, {"feedback_msg": "Great cloud", "feedback_data": "{}"},
                           headers=user.headers, status=200)
    assert res.body == b""
    with session_scope(registry) as db:
        stored = db.scalars(select(Feedback)).all()
        assert [(f.user_id, f.message, f.data) for f in stored] == [(user.id, "Great cloud", "{}")]
    # The default sink, log, handed it on.
    assert any("Great cloud" in r.getMessage() and user.uuid in r.getMessage() for r in caplog.records)


def test_feedback_goes_to_the_smtp_sink(make_app, registry, user, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, mail):
            sent.append(mail)

    monkeypatch.setattr(feedback_module.smtplib, "SMTP", FakeSMTP)
    testapp = webtest.TestApp(make_app(**{
        "synnefo_pyr.feedback.sink": "smtp", "synnefo_pyr.feedback.smtp_host": "mail.example.org",
        "synnefo_pyr.feedback.smtp_port": "2525", "synnefo_pyr.feedback.to": "ops@example.org",
    }))
    testapp.post(FEEDBACK, {"feedback_msg": "Slow disks", "feedback_data": "vm 42"},
                 headers=user.headers, status=200)
    (host, port), mail = sent
    assert (host, port) == ("mail.example.org", 2525)
    assert mail["To"] == "ops@example.org" and user.email in mail["Subject"]
    assert "Slow disks" in mail.get_content() and "vm 42" in mail.get_content()
    assert feedback_count(registry) == 1


def test_feedback_errors(testapp, registry, user):
    assert_fault(testapp.post(FEEDBACK, {"feedback_data": "x"}, headers=user.headers, status=400),
                 "badRequest", 400, "Invalid data")
    assert_fault(testapp.post(FEEDBACK, {"feedback_msg": "hi"}, status=401), "unauthorized", 401)
    assert_fault(testapp.post(FEEDBACK, {"feedback_msg": "   "}, headers=user.headers, status=400),
                 "badRequest", 400, "Invalid data")
    res = testapp.get(FEEDBACK, headers=user.headers, status=405)
    assert res.headers["Allow"] == "POST"
    assert feedback_count(registry) == 0


def test_feedback_expired_token_and_service_token_are_401(testapp, registry, factory, user):
    component = {"X-Auth-Token": factory.component("cyclades")}
    assert_fault(testapp.post(FEEDBACK, {"feedback_msg": "hi"}, headers=component, status=401),
                 "unauthorized", 401, "Invalid token")
    factory.expire_tokens(user)
    assert_fault(testapp.post(FEEDBACK, {"feedback_msg": "hi"}, headers=user.headers, status=401),
                 "unauthorized", 401, "Authentication expired")
    assert feedback_count(registry) == 0


def test_feedback_sink_failure_is_502_and_stores_nothing(make_app, registry, user):
    """A request that fails leaves no partial write: the feedback row was
    added before the sink failed, and the transaction rolled it back."""
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
