"""Findings 8 and 9: hostile input answers a documented 4xx fault and
writes nothing; sizes are bounded (README, "Limits")."""
import pytest
from sqlalchemy import func, select

from synnefo_pyr.compute.models import Server, ServerMetadata
from synnefo_pyr.db import session_scope
from synnefo_pyr.identity.models import Feedback
from synnefo_pyr.images.models import Image, ImageProperty
from synnefo_pyr.network.models import Network
from synnefo_pyr.quotas.models import Commission

from tests.functional.compute.conftest import COMPUTE
from tests.functional.integrity.routes import fill, json_operations, make_owned_targets
from tests.helpers import assert_fault, post_json

HOSTILE_BODIES = {
    "deep": ("[" * 100000, "application/json"),
    "deep object": ('{"a": ' * 50000 + "1" + "}" * 50000, "application/json"),
    "bogus charset": ('{"server": {}}', "application/json; charset=bogus"),
    "lone surrogate": ('{"server": {"name": "\\udfff"}, "name": "\\udfff", "x": ["\\udfff"]}',
                       "application/json"),
    "NUL": ('{"server": {"name": "a\\u0000b"}, "auth": {"token": {"id": "\\u0000"}},'
            ' "uuids": ["\\u0000"], "displaynames": ["a\\u0000"]}', "application/json"),
    "NUL in a key": ('{"metadata": {"k\\u0000": "v"}}', "application/json"),
}
COUNTED = (Server, ServerMetadata, Network, Image, ImageProperty, Commission, Feedback)


def counts(registry):
    with session_scope(registry, write=False) as db:
        return {model.__name__: db.scalar(select(func.count()).select_from(model)) for model in COUNTED}


@pytest.fixture
def targets(create_server, user, other_user, registry, factory, image):
    """A value for every URL placeholder, each naming something the
    caller may change, and the token each permission needs."""
    values = dict(make_owned_targets(create_server, user, registry, factory), key="k",
                  member=other_user.uuid, serial=1, token_id="x")
    component = {"X-Auth-Token": factory.component("cyclades")}
    return values, lambda permission: component if permission.startswith("service:") else user.headers


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
def test_hostile_json_bodies_everywhere(testapp, registry, targets, kind, db_kind):
    values, token_for = targets
    body, content_type = HOSTILE_BODIES[kind]
    before = counts(registry)
    operations = json_operations(registry)
    assert len(operations) >= 20, operations
    for method, pattern, permission, _ in operations:
        url = fill(pattern, values)
        res = testapp.request(url, method=method, body=body.encode("utf-8"), status="*",
                              headers=dict(token_for(permission), **{"Content-Type": content_type}))
        assert res.status_int == 400, (method, url, res.status, res.body[:200])
        fault = assert_fault(res, "badRequest", 400)
        assert fault["message"] in ("Invalid JSON data", "Malformed request"), (method, url, fault)
    assert counts(registry) == before


@pytest.mark.parametrize("url", [
    COMPUTE + "/servers/%ff",
    COMPUTE + "/servers?changes-since=%ff",
    COMPUTE + "/servers?format=%ff",
    COMPUTE + "/servers/%00",
    COMPUTE + "/servers?changes-since=%00",
    "/image/v1.0/images?name=a%00b",
    "/image/v1.0/images/%ff/members",
    "/account/v1.0/quotas?X-Auth-Token=%ff",
])
def test_urls_that_are_no_text(testapp, user, url, db_kind):
    res = testapp.get(url, headers=user.headers, status=400)
    fault = assert_fault(res, "badRequest", 400)
    assert fault["message"] in ("Invalid URL", "Invalid query string")
    assert res.headers["Cache-Control"].startswith("no-cache")


def test_nul_and_controls_in_image_headers(testapp, user, registry, db_kind):
    before = counts(registry)
    for name, value in (("Name", "a\x00b"), ("Property-Os", "deb\x01ian"), ("Checksum", "\x00")):
        res = testapp.post("/image/v1.0/images", headers=dict(user.headers, **{
            "X-Image-Meta-Name": "n", "X-Image-Meta-Location": f"pithos://{user.uuid}/c/x.img",
            "X-Image-Meta-" + name: value}), status=400)
        assert_fault(res, "badRequest", 400, "Illegal header value")
    assert counts(registry) == before


def test_cr_lf_in_image_properties(testapp, user, registry, db_kind, factory):
    factory.stored_file(user.uuid, "c/x.img")
    res = testapp.post("/image/v1.0/images", headers=dict(user.headers, **{
        "X-Image-Meta-Name": "n", "X-Image-Meta-Location": f"pithos://{user.uuid}/c/x.img"}))
    image_id = res.headers["X-Image-Meta-Id"]
    res = testapp.put_json(f"{COMPUTE}/images/{image_id}/metadata/os", {"meta": {"os": "a\r\nSet-Cookie: x"}},
                           headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400)
    res = post_json(testapp, f"{COMPUTE}/images/{image_id}/metadata", {"metadata": {"a\nb": "c"}},
                    headers=user.headers, status=400)
    # One stored before the rule existed still answers HEAD, on one line.
    with session_scope(registry) as db:
        db.add(ImageProperty(image_id=image_id, key="legacy", value="a\r\nb"))
    res = testapp.head(f"/image/v1.0/images/{image_id}", headers=user.headers, status=200)
    assert res.headers["X-Image-Meta-Property-Legacy"] == "a  b"


# --- finding 9: limits -----------------------------------------------------------


def test_request_body_size_is_bounded(testapp, user, db_kind):
    huge = '{"auth": {"token": {"id": "' + "x" * (2 * 1024 * 1024) + '"}}}'
    # Unauthenticated, and never parsed.
    res = post_json(testapp, "/identity/v2.0/tokens", huge, status=413)
    assert_fault(res, "requestEntityTooLarge", 413, "Request entity too large")
    res = post_json(testapp, f"{COMPUTE}/servers", huge, headers=user.headers, status=413)
    assert_fault(res, "requestEntityTooLarge", 413)


def test_server_metadata_limits(create_server, testapp, user, registry, db_kind):
    server = create_server(user)["id"]
    url = f"{COMPUTE}/servers/{server}/metadata"
    res = post_json(testapp, url, {"metadata": {"k": "v" * 1025}}, headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400)
    post_json(testapp, url, {"metadata": {"k": "v" * 1024}}, headers=user.headers, status=201)
    res = post_json(testapp, url, {"metadata": {f"k{i}": "v" for i in range(129)}},
                    headers=user.headers, status=413)
    assert_fault(res, "overLimit", 413, "Maximum number of metadata exceeded")
    # 127 more fit beside "k"; the 129th, one item at a time, does not.
    post_json(testapp, url, {"metadata": {f"k{i}": "v" for i in range(127)}}, headers=user.headers,
              status=201)
    res = testapp.put_json(f"{url}/last", {"meta": {"last": "v"}}, headers=user.headers, status=413)
    assert_fault(res, "overLimit", 413, "Maximum number of metadata exceeded")
    res = create_server(user, status=413, metadata={f"k{i}": "v" for i in range(129)})
    assert_fault(res, "overLimit", 413, "Maximum number of metadata exceeded")
    with session_scope(registry, write=False) as db:
        assert db.scalar(select(func.count()).select_from(ServerMetadata)) == 128


def test_image_property_limits(testapp, user, db_kind, factory):
    factory.stored_file(user.uuid, "c/x.img")
    res = testapp.post("/image/v1.0/images", headers=dict(user.headers, **{
        "X-Image-Meta-Name": "n", "X-Image-Meta-Location": f"pithos://{user.uuid}/c/x.img"}))
    image_id = res.headers["X-Image-Meta-Id"]
    url = f"{COMPUTE}/images/{image_id}/metadata"
    res = post_json(testapp, url, {"metadata": {"k": "v" * 1025}}, headers=user.headers, status=400)
    res = post_json(testapp, url, {"metadata": {f"k{i}": "v" for i in range(128)}}, headers=user.headers,
                    status=201)
    res = post_json(testapp, url, {"metadata": {"one": "more"}}, headers=user.headers, status=413)
    assert_fault(res, "overLimit", 413, "Maximum number of metadata exceeded")
    headers = {f"X-Image-Meta-Property-P{i}": "v" for i in range(129)}
    res = testapp.put(f"/image/v1.0/images/{image_id}", headers=dict(user.headers, **headers), status=413)
    assert_fault(res, "overLimit", 413)


def test_feedback_limits(testapp, user, registry, db_kind):
    url = "/account/v1.0/feedback"
    for form in ({"feedback_msg": "x" * 10001}, {"feedback_msg": "a\x00b"},
                 {"feedback_msg": "ok", "feedback_data": "y" * 10001}):
        res = testapp.post(url, form, headers=user.headers, status=400)
        assert_fault(res, "badRequest", 400, "Invalid data")
    # Bytes of a form that are no UTF-8 arrive as U+FFFD (WebOb), not as a 500.
    testapp.post(url, b"feedback_msg=%ff%fe", headers=dict(user.headers, **{
        "Content-Type": "application/x-www-form-urlencoded"}), status=200)
    res = testapp.post(url, {"feedback_msg": "z" * (2 * 1024 * 1024)}, headers=user.headers, status=413)
    assert_fault(res, "requestEntityTooLarge", 413)
    testapp.post(url, {"feedback_msg": "x" * 10000}, headers=user.headers, status=200)
    assert counts(registry)["Feedback"] == 2
