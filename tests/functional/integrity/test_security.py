"""Findings 10-16: images keep their owner, components their own
resources, access tokens a real scope and a bounded life, URLs a
configured base, logins a constant cost, logs no tokens, locations no
``..``."""
import logging
import statistics
import time

import pytest

from synnefo_pyr import errors
import webtest

from synnefo_pyr import main
from synnefo_pyr.compute import reads as compute_reads
from synnefo_pyr.db import session_scope
from synnefo_pyr.identity import accounts
from synnefo_pyr.identity.token_cache import TokenCache
from synnefo_pyr.images.models import Image
from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.quotas import registry as quota_registry
from synnefo_pyr.settings import SettingsError
from synnefo_pyr.wsgi_filters import request_log_filter, scrub_query

from tests.functional.compute.conftest import COMPUTE
from tests.helpers import assert_fault, post_json

IMAGES = "/image/v1.0/images"


def register(testapp, user, location=None):
    res = testapp.post(IMAGES, headers=dict(user.headers, **{
        "X-Image-Meta-Name": "n",
        "X-Image-Meta-Location": location or f"pithos://{user.uuid}/c/x.img"}), status="*")
    return res


# --- 10 -------------------------------------------------------------------------


@pytest.mark.parametrize("new_owner", ["other", "nobody", ""])
def test_image_owner_never_changes(testapp, registry, user, other_user, new_owner, db_kind, factory):
    factory.stored_file(user.uuid, "c/x.img")
    image_id = register(testapp, user).headers["X-Image-Meta-Id"]
    owner = other_user.uuid if new_owner == "other" else new_owner
    res = testapp.put(f"{IMAGES}/{image_id}", headers=dict(user.headers, **{
        "X-Image-Meta-Owner": owner}), status=400)
    assert_fault(res, "badRequest", 400, "Illegal header value")
    with session_scope(registry, write=False) as db:
        assert db.get(Image, image_id).owner == user.uuid
    # Naming the owner itself changes nothing, and is fine.
    res = testapp.put(f"{IMAGES}/{image_id}", headers=dict(user.headers, **{
        "X-Image-Meta-Owner": user.uuid}), status=200)
    assert res.headers["X-Image-Meta-Owner"] == user.uuid


# --- 11 -------------------------------------------------------------------------


def test_a_component_commissions_only_its_own_resources(testapp, registry, factory, user, db_kind):
    with session_scope(registry) as db:
        quota_registry.add_resource(db, "archive.diskspace", "archive", 1000, unit="bytes")
    pithos = {"X-Auth-Token": factory.component("archive", base_url="https://a.example.org/")}

    def commission(resource):
        return post_json(testapp, "/account/v1.0/commissions", {"provisions": [
            {"holder": user.uuid, "source": "system", "resource": resource, "quantity": 100}],
            "force": True, "auto_accept": True}, headers=pithos, status="*")

    res = commission("cyclades.vm")
    assert res.status_int == 404
    assert res.json["itemNotFound"]["message"] == "Resource 'cyclades.vm' does not exist"
    with session_scope(registry, write=False) as db:
        assert quotas.usage(db, user.uuid)["cyclades.vm"]["usage"] == 0
    assert commission("archive.diskspace").status_int == 201
    seen = testapp.get("/account/v1.0/service_quotas", headers=pithos).json
    assert set(seen[user.uuid]["system"]) == {"archive.diskspace"}


# --- 12 -------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["", " ", "/", "//", "compute", "/compute/../"])
def test_token_create_refuses_scopes_that_reach_everything(manage, user, scope, db_kind):
    err = manage("token-create", "--user", user.uuid, "--scope", scope, expect=1)
    assert err.startswith("Error:") and "--scope" in err


@pytest.mark.parametrize("seconds", ["0", "-5", str(10 ** 12)])
def test_token_lifetimes_are_bounded(manage, user, seconds, db_kind):
    err = manage("token-create", "--user", user.uuid, "--scope", "/compute/v2.0",
                 "--expires-in", seconds, expect=1)
    assert err.startswith("Error:") and "--expires-in" in err and "Traceback" not in err
    # Re-dating tokens may expire them now (<= 0), a new one must live.
    err = manage("user-modify", user.uuid, "--renew-token", "--token-expires-in", seconds, expect=1)
    assert err.startswith("Error:") and "--token-expires-in" in err
    err = manage("user-modify", user.uuid, "--token-expires-in", str(-10 ** 12), expect=1)
    assert "Traceback" not in err and "--token-expires-in" in err
    assert manage("token-create", "--user", user.uuid, "--scope", "/compute/v2.0/servers/1",
                  "--expires-in", "60")["scope"] == "/compute/v2.0/servers/1"


# --- 13 -------------------------------------------------------------------------


def test_start_refuses_without_a_base_url(base_settings, monkeypatch, db_kind):
    monkeypatch.delenv("SYNNEFO_BASE_URL", raising=False)
    settings = dict(base_settings, **{"synnefo_pyr.trust_host_header": "false"})
    with pytest.raises(SettingsError, match="base_url is required"):
        main({}, **settings)


def test_a_base_url_beats_the_host_header(make_app, user, db_kind):
    client = webtest.TestApp(make_app(**{"synnefo_pyr.base_url": "https://cloud.example.com",
                                         "synnefo_pyr.trust_host_header": "false"}),
                             extra_environ={"HTTP_HOST": "attacker.example"})
    res = post_json(client, "/identity/v2.0/tokens", {"auth": {"token": {"id": user.token}}}, status=200)
    urls = [e["publicURL"] for s in res.json["access"]["serviceCatalog"] for e in s["endpoints"]]
    assert urls and all(url.startswith("https://cloud.example.com/") for url in urls), urls
    assert "attacker" not in res.text


def test_development_says_the_host_header_is_trusted(make_app, caplog, db_kind):
    with caplog.at_level(logging.INFO, logger="synnefo_pyr.settings"):
        make_app(**{"synnefo_pyr.trust_host_header": "true"})
    assert any("Host header" in r.getMessage() for r in caplog.records)


# --- 14 -------------------------------------------------------------------------


def test_login_costs_the_same_whoever_asks(registry, factory, db_kind):
    factory.user(email="known@example.org", password="right")

    def cost(username):
        timings = []
        for _ in range(3):
            with session_scope(registry) as db:
                started = time.perf_counter()
                with pytest.raises(errors.Unauthenticated):
                    accounts.authenticate(lambda: db, "wrong", TokenCache(0), username=username)
                timings.append(time.perf_counter() - started)
        return statistics.median(timings)

    cost("warm-up@example.org")
    known, unknown = cost("known@example.org"), cost("nobody@example.org")
    assert 0.5 < unknown / known < 2, (known, unknown)


# --- 15 -------------------------------------------------------------------------


def test_tokens_never_reach_the_log(testapp, user, monkeypatch, caplog, db_kind):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(compute_reads, "server_views", broken)
    with caplog.at_level(logging.INFO):
        res = testapp.get(f"{COMPUTE}/servers?X-Auth-Token={user.token}&format=json", status=500)
    assert_fault(res, "internalServerError", 500)
    assert user.token not in caplog.text
    assert "X-Auth-Token=***" in caplog.text
    # The access log line too.
    logged = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())
    access = logging.getLogger("synnefo_pyr.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        app = request_log_filter(lambda environ, start: (start("200 OK", []), [b""])[1], {})
        app({"REQUEST_METHOD": "GET", "PATH_INFO": "/x",
             "QUERY_STRING": f"a=1&x-auth-token={user.token}&X_AUTH_TOKEN={user.token}"},
            lambda status, headers, exc_info=None: None)
    finally:
        access.removeHandler(handler)
    assert logged and user.token not in logged[0] and "x-auth-token=***" in logged[0]
    assert scrub_query("X-Auth-Token%3Dsecret") == "X-Auth-Token%3D***"


# --- 16 -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["c/../../{other}/images/x", "c/./x", "c//x", "../{other}/c/x", "c/x/.."])
def test_dot_segments_in_locations_are_refused(testapp, registry, user, other_user, path, db_kind):
    location = f"pithos://{user.uuid}/" + path.format(other=other_user.uuid)
    res = register(testapp, user, location)
    assert_fault(res, "badRequest", 400)
    with session_scope(registry, write=False) as db:
        assert db.query(Image).count() == 0
