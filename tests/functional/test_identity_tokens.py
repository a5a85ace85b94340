"""Identity: authenticate and validate (behaviours.md B1-B17)."""
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
import webtest
from sqlalchemy import func, select
from webob import Request

from synnefo_pyr.db import session_scope
from synnefo_pyr.identity.models import AuthToken
from synnefo_pyr.serialization import parse_isoformat

from tests.helpers import assert_fault, post_json

TOKENS = "/identity/v2.0/tokens"
NS = "{http://docs.openstack.org/identity/api/v2.0}"


def authenticate(testapp, body, status="*", **kwargs):
    return post_json(testapp, TOKENS, body, status=status, **kwargs)


def token_count(registry, user):
    with session_scope(registry) as db:
        return db.scalar(select(func.count(AuthToken.id)).where(AuthToken.user_id == user.id))


def test_public_mode_returns_only_the_catalog(testapp):
    res = testapp.post(TOKENS, status=200)
    access = res.json["access"]
    assert list(access) == ["serviceCatalog"]
    names = {(s["name"], s["type"]) for s in access["serviceCatalog"]}
    assert names == {
        ("astakos_account", "account"), ("astakos_identity", "identity"),
        ("cyclades_compute", "compute"), ("cyclades_plankton", "image"),
        ("cyclades_network", "network"),
        ("pithos_object-store", "object-store"),
    }


def test_catalog_endpoints_have_the_documented_keys(testapp):
    catalog = testapp.post(TOKENS).json["access"]["serviceCatalog"]
    by_type = {s["type"]: s for s in catalog}
    endpoint = by_type["compute"]["endpoints"][0]
    assert endpoint == {
        "versionId": "v2.0",
        "publicURL": "http://cloud.example.org/compute/v2.0",
        "SNF:uiURL": "http://cloud.example.org/ui",
        "region": "default",
    }
    assert by_type["compute"]["endpoints_links"] == []
    assert by_type["image"]["endpoints"][0]["publicURL"] == "http://cloud.example.org/image/v1.0"
    assert by_type["account"]["endpoints"][0]["versionId"] == "v1.0"


def test_authenticate_with_token(testapp, user):
    res = authenticate(testapp, {"auth": {"token": {"id": user.token}}}, status=200)
    assert res.content_type == "application/json"
    access = res.json["access"]
    assert access["token"]["id"] == user.token
    assert access["token"]["tenant"] == {"id": user.uuid, "name": "Alice Cooper"}
    assert access["token"]["expires"].endswith("+00:00")
    assert access["user"]["id"] == user.uuid
    assert access["user"]["name"] == "Alice Cooper"
    assert access["user"]["roles"] == [{"id": access["user"]["roles"][0]["id"], "name": "default"}]
    assert isinstance(access["user"]["roles"][0]["id"], str)
    assert access["user"]["roles_links"] == []
    assert len(access["serviceCatalog"]) == 6


def test_authenticate_with_password_credentials_uuid_and_token(testapp, user):
    body = {"auth": {"passwordCredentials": {"username": user.uuid, "password": user.token},
                     "tenantName": user.uuid}}
    res = authenticate(testapp, body, status=200)
    assert res.json["access"]["token"]["id"] == user.token


def test_authenticate_with_account_password_issues_fresh_token(testapp, factory):
    carol = factory.user(email="carol@example.org", password="s3cret")
    for username in (carol.uuid, "CAROL@example.org"):
        body = {"auth": {"passwordCredentials": {"username": username, "password": "s3cret"}}}
        res = authenticate(testapp, body, status=200)
        fresh = res.json["access"]["token"]["id"]
        assert fresh != carol.token
        # The fresh token works, and so does the old one: several live tokens.
        for token in (fresh, carol.token):
            authenticate(testapp, {"auth": {"token": {"id": token}}}, status=200)


# An empty or unknown password is an unknown token (behaviours.md preface
# 10, B5); "Invalid credentials" is for another user's valid token (B6).
def test_wrong_account_password_is_invalid_token(testapp, factory):
    carol = factory.user(email="carol@example.org", password="s3cret")
    body = {"auth": {"passwordCredentials": {"username": carol.uuid, "password": "nope"}}}
    assert_fault(authenticate(testapp, body), "unauthorized", 401, "Invalid token")


def test_empty_password_is_invalid_token(testapp, factory):
    carol = factory.user(email="carol@example.org", password="s3cret")
    for username in (carol.uuid, carol.email):
        body = {"auth": {"passwordCredentials": {"username": username, "password": ""}}}
        assert_fault(authenticate(testapp, body), "unauthorized", 401, "Invalid token")


def test_user_without_password_cannot_log_in_with_one(testapp, user):
    body = {"auth": {"passwordCredentials": {"username": user.email, "password": "anything"}}}
    assert_fault(authenticate(testapp, body), "unauthorized", 401, "Invalid token")


def test_unknown_username_is_invalid_token(testapp):
    body = {"auth": {"passwordCredentials": {"username": "nobody@example.org", "password": "x"}}}
    assert_fault(authenticate(testapp, body), "unauthorized", 401, "Invalid token")


def test_another_users_token_is_invalid_credentials(testapp, user, other_user):
    body = {"auth": {"passwordCredentials": {"username": user.uuid, "password": other_user.token}}}
    assert_fault(authenticate(testapp, body), "unauthorized", 401, "Invalid credentials")


def test_inactive_user_cannot_log_in_with_password(testapp, registry, factory):
    carol = factory.user(email="carol@example.org", password="s3cret", active=False)
    body = {"auth": {"passwordCredentials": {"username": carol.uuid, "password": "s3cret"}}}
    assert_fault(authenticate(testapp, body), "unauthorized", 401, "User inactive")
    assert token_count(registry, carol) == 1


def test_password_login_token_lives_token_ttl_seconds(make_app, factory):
    carol = factory.user(email="carol@example.org", password="s3cret")
    testapp = webtest.TestApp(make_app(**{"synnefo_pyr.token_ttl": "60"}))
    body = {"auth": {"passwordCredentials": {"username": carol.email, "password": "s3cret"}}}
    expires = parse_isoformat(authenticate(testapp, body, status=200).json["access"]["token"]["expires"])
    now = datetime.now(timezone.utc)
    assert now + timedelta(seconds=50) < expires <= now + timedelta(seconds=61)


def test_tenant_name_is_checked_with_password_credentials(testapp, registry, factory):
    carol = factory.user(email="carol@example.org", password="s3cret")
    for password in ("s3cret", carol.token):
        body = {"auth": {"passwordCredentials": {"username": carol.uuid, "password": password},
                         "tenantName": "somebody-else"}}
        assert_fault(authenticate(testapp, body), "badRequest", 400, "Not conforming tenantName")
    # The refused password login left no fresh token behind.
    assert token_count(registry, carol) == 1
    body["auth"]["tenantName"] = carol.uuid
    authenticate(testapp, body, status=200)


def test_get_tokens_is_not_allowed(testapp):
    res = testapp.get(TOKENS, status=405)
    assert res.headers["Allow"] == "POST"
    assert_fault(res, "notAllowed", 405, "Method not allowed")


def test_xml_body_is_unsupported(testapp, user):
    res = testapp.post(TOKENS, "<auth/>", headers={"Content-Type": "application/xml"}, status=400)
    assert_fault(res, "badRequest", 400, "Unsupported Content-type: 'application/xml'")


def test_missing_content_type(testapp):
    request = Request.blank(TOKENS, method="POST", body=b'{"auth": {}}')
    assert "Content-Type" not in request.headers
    res = request.get_response(testapp.app)
    assert_fault(res, "badRequest", 400, "Missing Content-Type header field")


@pytest.mark.parametrize("auth", [
    {"passwordCredentials": {"username": "someone"}},
    {"passwordCredentials": {"password": "something"}},
    {"auth_token": {"id": "x"}},
    {"token": "not-an-object"},
])
def test_malformed_requests(testapp, auth):
    fault = assert_fault(authenticate(testapp, {"auth": auth}), "badRequest", 400)
    assert fault["message"].startswith("Malformed request")


def test_body_without_auth_is_malformed(testapp):
    fault = assert_fault(authenticate(testapp, {"other": 1}), "badRequest", 400)
    assert fault["message"].startswith("Malformed request")


@pytest.mark.parametrize("token", ["", "bogus"])
def test_unknown_token(testapp, token):
    res = authenticate(testapp, {"auth": {"token": {"id": token}}})
    assert_fault(res, "unauthorized", 401, "Invalid token")


def test_token_of_another_user_is_invalid_credentials(testapp, user, other_user):
    body = {"auth": {"passwordCredentials": {"username": other_user.uuid, "password": user.token}}}
    assert_fault(authenticate(testapp, body), "unauthorized", 401, "Invalid credentials")


def test_invalid_json(testapp):
    res = authenticate(testapp, "{not json")
    assert_fault(res, "badRequest", 400, "Invalid JSON data")


def test_tenant_name_must_be_the_owner(testapp, user):
    body = {"auth": {"token": {"id": user.token}, "tenantName": "somebody-else"}}
    assert_fault(authenticate(testapp, body), "badRequest", 400, "Not conforming tenantName")
    body["auth"]["tenantName"] = ""
    authenticate(testapp, body, status=200)


def test_xml_answer(testapp, user):
    res = authenticate(testapp, {"auth": {"token": {"id": user.token}}},
                       headers={"Accept": "application/xml"}, status=200)
    assert res.content_type == "application/xml"
    root = ET.fromstring(res.body)
    assert root.tag == NS + "access"
    token = root.find(NS + "token")
    assert token.get("id") == user.token
    assert token.find(NS + "tenant").get("id") == user.uuid
    assert root.find(NS + "user").find(NS + "roles").find(NS + "role").get("name") == "default"
    services = root.find(NS + "serviceCatalog").findall(NS + "service")
    assert {s.get("name") for s in services} >= {"astakos_identity", "cyclades_compute"}
    endpoint = services[0].find(NS + "endpoint")
    assert endpoint.get("publicURL").startswith("http://cloud.example.org/")
    assert endpoint.get("{http://docs.synnefo.org/api/v1.0}uiURL") == "http://cloud.example.org/ui"


def test_xml_by_format_parameter_also_in_public_mode(testapp, user):
    res = post_json(testapp, TOKENS + "?format=xml", {"auth": {"token": {"id": user.token}}}, status=200)
    assert ET.fromstring(res.body).find(NS + "token").get("id") == user.token
    res = testapp.post(TOKENS + "?format=xml", status=200)
    root = ET.fromstring(res.body)
    assert [child.tag for child in root] == [NS + "serviceCatalog"]
    assert len(root.find(NS + "serviceCatalog")) == 6


def test_inactive_user(testapp, factory, user):
    # B11's third 401, "Pending approval terms", cannot happen here: this
    # deployment has no terms of use to accept.
    factory.set_active(user, False)
    res = authenticate(testapp, {"auth": {"token": {"id": user.token}}})
    assert_fault(res, "unauthorized", 401, "User inactive")


def test_expired_token(testapp, factory, user):
    factory.expire_tokens(user)
    res = authenticate(testapp, {"auth": {"token": {"id": user.token}}})
    assert_fault(res, "unauthorized", 401, "Authentication expired")


def test_access_token_does_not_authenticate(testapp, factory, user):
    scoped = factory.token(user, scope="/compute/v2.0/servers")
    res = authenticate(testapp, {"auth": {"token": {"id": scoped}}})
    assert_fault(res, "unauthorized", 401, "Invalid token")


def test_trailing_slash_is_also_authenticate(testapp, user):
    res = post_json(testapp, TOKENS + "/", {"auth": {"token": {"id": user.token}}}, status=200)
    assert res.json["access"]["token"]["id"] == user.token


# --- Validate token --------------------------------------------------------

def test_validate_access_token(testapp, factory, user):
    scoped = factory.token(user, scope="/compute/v2.0/servers")
    res = testapp.get(f"{TOKENS}/{scoped}", status=200)
    access = res.json["access"]
    assert access["user"]["id"] == user.uuid
    assert access["token"]["id"] == scoped
    assert access["token"]["tenant"] == {"id": user.uuid, "name": "Alice Cooper"}
    assert access["token"]["expires"].endswith("+00:00")
    assert "serviceCatalog" not in access


def test_validate_with_belongs_to(testapp, factory, user):
    scoped = factory.token(user, scope="/compute/v2.0/servers")
    testapp.get(f"{TOKENS}/{scoped}", {"belongsTo": "/compute/v2.0/servers/42"}, status=200)
    testapp.get(f"{TOKENS}/{scoped}", {"belongsTo": "/compute/v2.0/servers"}, status=200)
    res = testapp.get(f"{TOKENS}/{scoped}", {"belongsTo": "/image/v1.0"}, status=404)
    assert_fault(res, "itemNotFound", 404)


def test_belongs_to_matches_whole_path_segments(testapp, factory, user):
    """As the security policy matches a token's scope (one scope matcher):
    /servers/2 covers /servers/2/ips, not /servers/20."""
    scoped = factory.token(user, scope="/compute/v2.0/servers/2")
    testapp.get(f"{TOKENS}/{scoped}", {"belongsTo": "/compute/v2.0/servers/2"}, status=200)
    testapp.get(f"{TOKENS}/{scoped}", {"belongsTo": "/compute/v2.0/servers/2/ips"}, status=200)
    for outside in ("/compute/v2.0/servers/20", "/compute/v2.0/servers/2x", "/compute/v2.0/servers"):
        res = testapp.get(f"{TOKENS}/{scoped}", {"belongsTo": outside}, status=404)
        assert_fault(res, "itemNotFound", 404)


def test_validate_in_xml(testapp, factory, user):
    scoped = factory.token(user, scope="/compute/v2.0/servers")
    root = ET.fromstring(testapp.get(f"{TOKENS}/{scoped}", {"format": "xml"}, status=200).body)
    assert root.tag == NS + "access"
    assert root.find(NS + "token").get("id") == scoped
    assert root.find(NS + "user").get("id") == user.uuid


def test_validate_unknown_expired_and_user_tokens_are_404(testapp, factory, user):
    assert_fault(testapp.get(f"{TOKENS}/unknown", status=404), "itemNotFound", 404)
    # A user authentication token is not an access token.
    assert_fault(testapp.get(f"{TOKENS}/{user.token}", status=404), "itemNotFound", 404)
    expired = factory.token(user, ttl=-1, scope="/")
    assert_fault(testapp.get(f"{TOKENS}/{expired}", status=404), "itemNotFound", 404)


@pytest.mark.parametrize("method", ["head", "put", "post"])
def test_validate_wrong_methods(testapp, factory, user, method):
    scoped = factory.token(user, scope="/")
    res = getattr(testapp, method)(f"{TOKENS}/{scoped}", status=405)
    assert res.headers["Allow"] == "GET"
    if method != "head":
        assert_fault(res, "notAllowed", 405)


def test_unknown_identity_path(testapp):
    res = testapp.get("/identity/v2.0/nothing/here", status=400)
    assert_fault(res, "badRequest", 400, "API endpoint not found")


def test_version_document(testapp):
    for path in ("/identity/v2.0", "/identity/v2.0/"):
        version = testapp.get(path, status=200).json["version"]
        assert version["id"] == "v2.0"
        assert version["links"][0]["href"] == "http://cloud.example.org/identity/v2.0/"


def test_components_join_the_catalog(testapp, factory):
    factory.component("pithos", base_url="https://pithos.example.org/object-store/v1")
    catalog = testapp.post(TOKENS).json["access"]["serviceCatalog"]
    pithos = [s for s in catalog if s["name"] == "pithos"]
    assert pithos[0]["endpoints"][0]["publicURL"] == "https://pithos.example.org/object-store/v1"
    assert len({s["type"] for s in catalog}) == len(catalog)


def test_components_never_shadow_the_builtin_services(testapp, factory):
    factory.component("compute", base_url="https://other.example.org/compute")
    factory.component("astakos_account", base_url="https://other.example.org/account")
    catalog = testapp.post(TOKENS).json["access"]["serviceCatalog"]
    assert len(catalog) == 6
    assert all(s["endpoints"][0]["publicURL"].startswith("http://cloud.example.org/") for s in catalog)
    assert all(len(s["endpoints"]) == 1 for s in catalog)
