"""Servers: list, create, details, rename, delete, addresses, stats,
diagnostics (F1-F17)."""
import base64
from datetime import datetime, timedelta, timezone

from xml.etree import ElementTree

import pytest
from webob import Request

from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.db import session_scope

from tests.factories import make_network
from tests.helpers import assert_fault, post_json
from tests.functional.compute.conftest import COMPUTE, make_flavor

NS = "http://docs.openstack.org/compute/api/v1.1"

DETAIL_KEYS = {
    "id", "name", "links", "user_id", "tenant_id", "status", "SNF:task_state", "progress",
    "hostId", "updated", "created", "flavor", "image", "suspended", "metadata", "attachments",
    "addresses", "diagnostics", "security_groups", "key_name", "config_drive", "accessIPv4",
    "accessIPv6", "SNF:fqdn", "SNF:port_forwarding",
}


def server_url(server_id, suffix=""):
    return f"{COMPUTE}/servers/{server_id}{suffix}"


# --- create --------------------------------------------------------------


def test_create_answers_202_with_the_new_server(create_server, user, image, flavor):
    server = create_server(user, metadata={"role": "web"})
    assert set(server) == DETAIL_KEYS | {"adminPass"}
    assert server["status"] == "BUILD" and server["progress"] == 0
    assert server["SNF:task_state"] == "BUILDING"
    assert server["user_id"] == server["tenant_id"] == user.uuid
    assert isinstance(server["id"], int)
    assert server["flavor"]["id"] == flavor
    assert server["image"]["id"] == image
    assert [link["rel"] for link in server["image"]["links"]] == ["self", "bookmark", "alternate"]
    assert server["image"]["links"][2]["href"] == f"http://cloud.example.org/image/v1.0/images/{image}"
    # Exactly what was sent: the image's OS and users properties stay the
    # image's (behaviours.md preface, item 7).
    assert server["metadata"] == {"role": "web"}
    password = server["adminPass"]
    assert len(password) == 10 and password.isalnum()
    assert any(c.islower() for c in password) and any(c.isupper() for c in password)
    assert any(c.isdigit() for c in password)
    # The public NIC exists but shows only once the backend has plugged it.
    assert server["attachments"] == [] and server["addresses"] == {}


def test_create_accepts_flavor_ref_as_string_or_url_and_ignores_unknown_keys(create_server, user, flavor):
    assert create_server(user, flavorRef=str(flavor))["flavor"]["id"] == flavor
    url = f"http://cloud.example.org/compute/v2.0/flavors/{flavor}"
    server = create_server(user, flavorRef=url, min_count=1, max_count=1, block_device_mapping_v2=[])
    assert server["flavor"]["id"] == flavor


def test_create_ignores_unknown_query_parameters(testapp, user, image, flavor, public_network):
    body = {"server": {"name": "s", "imageRef": image, "flavorRef": flavor}}
    post_json(testapp, f"{COMPUTE}/servers?foo=bar", body, headers=user.headers, status=202)


@pytest.mark.parametrize("body", [
    {},
    {"server": {}},
    {"server": "x"},
    {"server": {"imageRef": "i", "flavorRef": 1}},
    {"server": {"name": "s", "flavorRef": 1}},
    {"server": {"name": "s", "imageRef": "i"}},
])
def test_create_without_the_required_fields_is_malformed(testapp, user, body):
    res = post_json(testapp, f"{COMPUTE}/servers", body, headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, "Malformed request")


def test_create_with_an_invalid_flavor_ref(create_server, user):
    res = create_server(user, status=400, flavorRef="small")
    assert_fault(res, "badRequest", 400, "Invalid flavor ID")


def test_create_with_a_long_name(create_server, user):
    res = create_server(user, status=400, name="x" * 256)
    assert_fault(res, "badRequest", 400, "Server name is too long")


@pytest.mark.parametrize("field,value", [
    ("metadata", ["a"]), ("metadata", {"a": 1}), ("personality", {"path": "/x"}), ("networks", "public"),
])
def test_create_with_malformed_optional_fields(create_server, user, field, value):
    assert_fault(create_server(user, status=400, **{field: value}), "badRequest", 400)


def test_create_with_unknown_or_deleted_flavor_is_404(create_server, user, registry):
    assert_fault(create_server(user, status=404, flavorRef=9999), "itemNotFound", 404)
    deleted = make_flavor(registry, cpu=8, ram=1, disk=1, deleted=True)
    assert_fault(create_server(user, status=404, flavorRef=deleted), "itemNotFound", 404)


def test_create_with_an_invisible_image_is_404(create_server, user, other_user, registry, factory):
    from synnefo_pyr.images import registry as image_registry

    location = factory.stored_file(other_user.uuid, "c/private.img")
    with session_scope(registry) as db:
        private = image_registry.register(db, name="mine", owner=other_user.uuid,
                                          location=location).id
    assert_fault(create_server(user, status=404, imageRef=private), "itemNotFound", 404)
    assert_fault(create_server(user, status=404, imageRef="no-such-image"), "itemNotFound", 404)


def _personality(contents=b"hello", **extra):
    return dict({"path": "/etc/motd", "contents": base64.b64encode(contents).decode()}, **extra)


def test_create_with_personality(create_server, user):
    item = _personality(owner="root", group="root", mode=0o600)
    assert create_server(user, personality=[item] * 5)["status"] == "BUILD"


def test_personality_limits_are_413(create_server, user):
    res = create_server(user, status=413, personality=[_personality()] * 6)
    assert_fault(res, "overLimit", 413, "Maximum number of personalities exceeded")
    big = _personality(b"x" * 10241)
    res = create_server(user, status=413, personality=[big])
    assert_fault(res, "overLimit", 413, "Maximum size of personality exceeded")
    # The limit holds for the encoded contents too: 8000 bytes are 10668 in base64.
    encoded_too_big = _personality(b"x" * 8000)
    res = create_server(user, status=413, personality=[encoded_too_big])
    assert_fault(res, "overLimit", 413, "Maximum size of personality exceeded")
    assert create_server(user, personality=[_personality(b"x" * 7680)])["status"] == "BUILD"


@pytest.mark.parametrize("item", [
    "not an object",
    {"path": "/x", "contents": "not base64!"},
    {"path": "/x", "contents": 42},
    {"path": "/x", "contents": "", "color": "red"},
])
def test_malformed_personality_is_400(create_server, user, item):
    res = create_server(user, status=400, personality=[item])
    assert_fault(res, "badRequest", 400, "Malformed personality in request")


def test_create_over_quota_is_413_naming_the_resource(create_server, user, registry, testapp):
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.vm", 1)
    create_server(user)
    res = create_server(user, status=413)
    fault = assert_fault(res, "overLimit", 413, "Resource Limit Exceeded for your account.")
    assert fault == {
        "code": 413, "message": "Resource Limit Exceeded for your account.",
        "details": "Limit for resource 'Virtual Machine' exceeded for your account. Available: 0, Requested: 1",
    }
    # Nothing of the refused server was written.
    assert len(testapp.get(f"{COMPUTE}/servers", headers=user.headers).json["servers"]) == 1


def test_create_without_public_network_is_503(testapp, user, image, flavor):
    body = {"server": {"name": "s", "imageRef": image, "flavorRef": flavor}}
    res = post_json(testapp, f"{COMPUTE}/servers", body, headers=user.headers, status=503)
    assert_fault(res, "serviceUnavailable", 503)
    assert testapp.get(f"{COMPUTE}/servers", headers=user.headers).json["servers"] == []


def test_create_on_a_full_network_is_409(testapp, user, image, flavor, registry):
    # A /30 has two hosts: the gateway and one server.
    make_network(registry, public=True, name="Internet", type="IP_LESS_ROUTED", cidr="10.0.0.0/30",
                 gateway="10.0.0.1")
    body = {"server": {"name": "s", "imageRef": image, "flavorRef": flavor}}
    post_json(testapp, f"{COMPUTE}/servers", body, headers=user.headers, status=202)
    res = post_json(testapp, f"{COMPUTE}/servers", body, headers=user.headers, status=409)
    assert_fault(res, "conflict", 409, "No more IP addresses available")
    assert len(testapp.get(f"{COMPUTE}/servers", headers=user.headers).json["servers"]) == 1


def test_create_needs_a_json_body(testapp, user, image, flavor, public_network):
    url = f"{COMPUTE}/servers"
    request = Request.blank(url, method="POST", body=b"{}", headers=user.headers)
    assert "Content-Type" not in request.headers
    assert_fault(request.get_response(testapp.app), "badRequest", 400, "Missing Content-Type header field")
    res = testapp.post(url, "x", headers=dict(user.headers, **{"Content-Type": "text/plain"}), status=400)
    assert_fault(res, "badRequest", 400, "Unsupported Content-type: 'text/plain'")
    res = post_json(testapp, url, "{server", headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, "Invalid JSON data")


def test_create_on_another_users_private_network_is_404(create_server, user, other_user, registry):
    network_id = make_network(registry, owner=other_user.uuid, name="theirs", type="MAC_FILTERED",
                              cidr="192.168.0.0/24")
    res = create_server(user, status=404, networks=[{"uuid": str(network_id)}])
    assert_fault(res, "itemNotFound", 404)


def test_create_on_own_private_network(create_server, user, registry, run_jobs, testapp):
    network_id = make_network(registry, owner=user.uuid, name="mine", type="MAC_FILTERED",
                              cidr="192.168.0.0/24")
    server = create_server(user, networks=[{"uuid": str(network_id)}])
    run_jobs()
    detail = testapp.get(server_url(server["id"]), headers=user.headers).json["server"]
    assert list(detail["addresses"]) == [str(network_id)]


def test_create_needs_a_token(testapp):
    res = post_json(testapp, f"{COMPUTE}/servers", {"server": {}}, status=401)
    assert_fault(res, "unauthorized", 401)


def test_create_in_xml(testapp, user, image, flavor, public_network):
    body = {"server": {"name": "x", "imageRef": image, "flavorRef": flavor}}
    res = post_json(testapp, f"{COMPUTE}/servers", body, headers=dict(user.headers, Accept="application/xml"),
                    status=202)
    assert res.content_type == "application/xml"
    root = ElementTree.fromstring(res.body)
    assert root.tag == f"{{{NS}}}server"
    assert root.get("status") == "BUILD" and len(root.get("adminPass")) == 10


# --- list and details ----------------------------------------------------


def test_list_servers_of_the_caller_only(create_server, user, other_user, testapp):
    assert testapp.get(f"{COMPUTE}/servers", headers=user.headers).json == {"servers": []}
    first = create_server(user, name="one")
    second = create_server(user, name="two")
    create_server(other_user)
    for path in ("/servers", "/servers/", "/servers.json"):
        servers = testapp.get(COMPUTE + path, headers=user.headers).json["servers"]
        assert [s["id"] for s in servers] == [first["id"], second["id"]]
        assert set(servers[0]) == {"id", "name", "links"}
        assert servers[0]["links"][0] == {"rel": "self", "href": f"http://cloud.example.org{server_url(first['id'])}"}


def test_list_in_detail(create_server, user, testapp, run_jobs, public_network):
    created = create_server(user)
    run_jobs()
    servers = testapp.get(f"{COMPUTE}/servers/detail", headers=user.headers).json["servers"]
    assert len(servers) == 1 and set(servers[0]) == DETAIL_KEYS
    server = servers[0]
    assert server["id"] == created["id"] and server["status"] == "ACTIVE" and server["progress"] == 100
    nic = server["attachments"][0]
    # D1: the public network's numeric id, like every network's.
    assert nic["id"] == f"nic-{created['id']}-0" and nic["network_id"] == str(public_network)
    assert server["addresses"] == {
        str(public_network): [{"version": 4, "addr": nic["ipv4"], "OS-EXT-IPS:type": "fixed"}]}
    assert server["SNF:fqdn"] == nic["ipv4"]
    assert server["security_groups"] == [{"name": "default"}]


def test_metadata_is_never_copied_from_the_image(create_server, user, testapp):
    bare = create_server(user, name="bare")
    assert bare["metadata"] == {}
    assert testapp.get(f"{COMPUTE}/servers/{bare['id']}/metadata", headers=user.headers).json == {"metadata": {}}
    own = create_server(user, name="own", metadata={"OS": "windows"})
    assert own["metadata"] == {"OS": "windows"}


def test_list_in_xml(create_server, user, testapp, run_jobs, public_network):
    created = create_server(user, name="xml", metadata={"OS": "debian"})
    run_jobs()
    res = testapp.get(f"{COMPUTE}/servers.xml", headers=user.headers)
    root = ElementTree.fromstring(res.body)
    assert root.tag == f"{{{NS}}}servers"
    assert [(s.get("id"), s.get("name")) for s in root] == [(str(created["id"]), "xml")]
    detail = testapp.get(f"{COMPUTE}/servers/detail?format=xml", headers=user.headers).body
    ElementTree.fromstring(detail)  # well-formed, namespaces declared
    assert f'<addresses><network id="{public_network}"><ip version="4" addr="10.0.0.'.encode() in detail
    assert b"<metadata><meta key=\"OS\">debian</meta>" in detail


def test_deleted_servers_are_hidden_from_plain_lists(create_server, user, testapp, run_jobs):
    server = create_server(user)
    testapp.delete(server_url(server["id"]), headers=user.headers, status=204)
    run_jobs()
    assert testapp.get(f"{COMPUTE}/servers", headers=user.headers).json["servers"] == []


def _iso(dt):
    return dt.isoformat()


def test_changes_since_reports_updates_and_deletions(create_server, user, testapp, run_jobs):
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    kept = create_server(user, name="kept")
    gone = create_server(user, name="gone")
    run_jobs()
    testapp.delete(server_url(gone["id"]), headers=user.headers, status=204)
    run_jobs()
    res = testapp.get(f"{COMPUTE}/servers/detail", {"changes-since": _iso(before)}, headers=user.headers)
    statuses = {s["id"]: s["status"] for s in res.json["servers"]}
    assert statuses == {kept["id"]: "ACTIVE", gone["id"]: "DELETED"}


def test_changes_since_forgets_deletions_before_the_window(create_server, user, testapp, run_jobs):
    gone = create_server(user)
    testapp.delete(server_url(gone["id"]), headers=user.headers, status=204)
    run_jobs()
    after = datetime.now(timezone.utc)
    res = testapp.get(f"{COMPUTE}/servers/detail", {"changes-since": _iso(after)}, headers=user.headers,
                      status=304)
    assert res.body == b""


def test_changes_since_with_nothing_new_is_304(create_server, user, testapp, run_jobs):
    create_server(user)
    run_jobs()
    now = datetime.now(timezone.utc)
    res = testapp.get(f"{COMPUTE}/servers", {"changes-since": _iso(now)}, headers=user.headers, status=304)
    assert res.body == b""


@pytest.mark.parametrize("value,message", [
    ("yesterday", "Invalid changes-since parameter."),
    ("2030-01-01T00:00:00", "Invalid changes-since parameter."),
    (_iso(datetime.now(timezone.utc) + timedelta(days=1)), "changes-since value set in the future."),
    (_iso(datetime.now(timezone.utc) - timedelta(hours=2)), "Too old changes-since value."),
])
def test_bad_changes_since_is_400(testapp, user, value, message):
    res = testapp.get(f"{COMPUTE}/servers", {"changes-since": value}, headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, message)


def test_changes_since_window_is_configurable(make_app, user):
    import webtest

    app = webtest.TestApp(make_app(**{"synnefo_pyr.compute.poll_limit": "10"}),
                          extra_environ={"HTTP_HOST": "cloud.example.org"})
    value = _iso(datetime.now(timezone.utc) - timedelta(seconds=60))
    res = app.get(f"{COMPUTE}/servers", {"changes-since": value}, headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, "Too old changes-since value.")


def test_get_server(create_server, user, testapp):
    created = create_server(user)
    server = testapp.get(server_url(created["id"]), headers=user.headers).json["server"]
    assert set(server) == DETAIL_KEYS
    # A13: dates carry an explicit UTC offset.
    assert server["created"].endswith("+00:00") and server["updated"].endswith("+00:00")
    assert datetime.fromisoformat(server["created"]) <= datetime.fromisoformat(server["updated"])
    assert (server["hostId"], server["key_name"], server["config_drive"]) == ("", None, "")
    assert (server["accessIPv4"], server["accessIPv6"], server["SNF:port_forwarding"]) == ("", "", {})
    assert server["status"] == "BUILD" and server["progress"] < 100


def test_progress_stays_below_100_until_active(create_server, user, testapp, registry):
    from synnefo_pyr.backend.worker import run_once

    created = create_server(user)
    seen = []
    while run_once(registry, "test") is not None:
        server = testapp.get(server_url(created["id"]), headers=user.headers).json["server"]
        seen.append((server["status"], server["progress"]))
    assert seen[-1] == ("ACTIVE", 100)
    building = [p for status, p in seen if status == "BUILD"]
    assert building == sorted(building) and max(building) < 100 and len(set(building)) > 2


def test_another_users_server_is_404(create_server, user, other_user, testapp):
    created = create_server(other_user)
    for method, path in (("get", ""), ("delete", ""), ("get", "/ips"), ("get", "/ips/public"),
                         ("get", "/stats"), ("get", "/diagnostics"), ("get", "/metadata")):
        res = getattr(testapp, method)(server_url(created["id"], path), headers=user.headers, status=404)
        assert_fault(res, "itemNotFound", 404, "Server not found.")
    res = testapp.put_json(server_url(created["id"]), {"server": {"name": "mine"}}, headers=user.headers,
                           status=404)
    assert_fault(res, "itemNotFound", 404, "Server not found.")


def test_missing_server_is_404_and_non_numeric_id_is_an_unknown_endpoint(testapp, user):
    assert_fault(testapp.get(server_url(9999), headers=user.headers, status=404), "itemNotFound", 404)
    for method, path in (("get", ""), ("put", ""), ("delete", ""), ("post", "/action"),
                         ("get", "/metadata"), ("get", "/ips"), ("get", "/stats"), ("get", "/diagnostics")):
        res = getattr(testapp, method)(f"{COMPUTE}/servers/abc{path}", headers=user.headers, status=400)
        assert_fault(res, "badRequest", 400, "API endpoint not found")


def test_server_calls_need_a_token(create_server, user, testapp):
    created = create_server(user)
    assert_fault(testapp.get(f"{COMPUTE}/servers", status=401), "unauthorized", 401)
    assert_fault(testapp.get(server_url(created["id"]), status=401), "unauthorized", 401)


def test_wrong_methods_are_405_with_allow(create_server, user, testapp):
    created = create_server(user)
    for method, path, allowed in (
        ("put", "/servers", {"GET", "POST"}),
        ("delete", "/servers", {"GET", "POST"}),
        ("post", f"/servers/{created['id']}", {"GET", "PUT", "DELETE"}),
        ("put", f"/servers/{created['id']}/metadata", {"GET", "POST"}),
        ("delete", f"/servers/{created['id']}/metadata", {"GET", "POST"}),
        ("post", f"/servers/{created['id']}/metadata/k", {"GET", "PUT", "DELETE"}),
        ("get", f"/servers/{created['id']}/action", {"POST"}),
    ):
        res = getattr(testapp, method)(COMPUTE + path, headers=user.headers, status=405)
        assert_fault(res, "notAllowed", 405, "Method not allowed")
        assert set(res.headers["Allow"].split(",")) == allowed


# --- rename and delete ---------------------------------------------------


# The guide lists 409 "Server is not ready yet" for rename, delete and the
# address calls; the original service (F12-F14) accepted them while the
# server builds, and so do we (this rename, test_delete_during_build_then_deleted
# and the stats/diagnostics tests call a server in BUILD).
def test_rename(create_server, user, testapp):
    created = create_server(user)
    res = testapp.put_json(server_url(created["id"]), {"server": {"name": "renamed"}},
                           headers=user.headers, status=204)
    assert res.body == b""
    assert testapp.get(server_url(created["id"]), headers=user.headers).json["server"]["name"] == "renamed"


@pytest.mark.parametrize("body", [{}, {"server": {}}, {"server": "x"}, {"server": {"name": 5}},
                                  {"server": {"name": "x" * 256}}])
def test_malformed_rename_is_400(create_server, user, testapp, body):
    created = create_server(user)
    res = testapp.put_json(server_url(created["id"]), body, headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400)


def test_rename_of_a_deleted_server_is_400(create_server, user, testapp, run_jobs):
    created = create_server(user)
    testapp.delete(server_url(created["id"]), headers=user.headers, status=204)
    run_jobs()
    res = testapp.put_json(server_url(created["id"]), {"server": {"name": "x"}}, headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, "Server has been deleted.")


def suspend(registry, server_id, value=True):
    from synnefo_pyr.compute.models import Server

    with session_scope(registry) as db:
        db.get(Server, server_id).suspended = value


def test_suspended_server_refuses_rename_and_delete(create_server, user, testapp, registry):
    created = create_server(user)
    suspend(registry, created["id"])
    res = testapp.put_json(server_url(created["id"]), {"server": {"name": "x"}}, headers=user.headers, status=403)
    assert_fault(res, "forbidden", 403)
    assert_fault(testapp.delete(server_url(created["id"]), headers=user.headers, status=403), "forbidden", 403)
    assert testapp.get(server_url(created["id"]), headers=user.headers).json["server"]["suspended"] is True


def test_delete_during_build_then_deleted(create_server, user, testapp, run_jobs):
    created = create_server(user)
    res = testapp.delete(server_url(created["id"]), headers=user.headers, status=204)
    assert res.body == b""
    server = testapp.get(server_url(created["id"]), headers=user.headers).json["server"]
    assert server["SNF:task_state"] == "DESTROYING"
    run_jobs()
    server = testapp.get(server_url(created["id"]), headers=user.headers).json["server"]
    assert server["status"] == "DELETED" and server["SNF:task_state"] == ""
    res = testapp.delete(server_url(created["id"]), headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, "Server has been deleted.")


def test_delete_twice_before_the_backend_confirms_is_400(create_server, user, testapp, run_jobs):
    created = create_server(user)
    run_jobs()
    testapp.delete(server_url(created["id"]), headers=user.headers, status=204)
    assert_fault(testapp.delete(server_url(created["id"]), headers=user.headers, status=400), "badRequest", 400)


def test_delete_missing_server_is_404(testapp, user):
    assert_fault(testapp.delete(server_url(9999), headers=user.headers, status=404), "itemNotFound", 404)


# --- addresses, stats, diagnostics ---------------------------------------


def test_addresses(create_server, user, testapp, run_jobs, public_network):
    created = create_server(user)
    run_jobs()
    ips = testapp.get(server_url(created["id"], "/ips"), headers=user.headers).json
    assert set(ips) == {"addresses", "attachments"}
    public = str(public_network)
    assert list(ips["addresses"]) == [public] and len(ips["attachments"]) == 1
    # The numeric id, or "public" for the default public network (D1).
    for segment in (public, "public"):
        by_network = testapp.get(server_url(created["id"], f"/ips/{segment}"), headers=user.headers).json
        assert by_network == {"network": {public: ips["addresses"][public]}}
    res = testapp.get(server_url(created["id"], "/ips/12345"), headers=user.headers, status=404)
    assert_fault(res, "itemNotFound", 404)
    xml = testapp.get(server_url(created["id"], "/ips/public?format=xml"), headers=user.headers).body
    assert f'<network id="{public}"'.encode() in xml and b'<ip version="4"' in xml


def test_stats(create_server, user, testapp, registry):
    created = create_server(user)
    stats = testapp.get(server_url(created["id"], "/stats"), headers=user.headers).json["stats"]
    assert stats["serverRef"] == created["id"] and stats["refresh"] == 60
    assert all(stats[k].startswith("http") for k in ("cpuBar", "cpuTimeSeries", "netBar", "netTimeSeries"))
    assert_fault(testapp.get(server_url(9999, "/stats"), headers=user.headers, status=404), "itemNotFound", 404)
    suspend(registry, created["id"])
    assert_fault(testapp.get(server_url(created["id"], "/stats"), headers=user.headers, status=403), "forbidden", 403)


def test_stats_of_a_deleted_server_is_400(create_server, user, testapp, run_jobs):
    created = create_server(user)
    testapp.delete(server_url(created["id"]), headers=user.headers, status=204)
    run_jobs()
    assert_fault(testapp.get(server_url(created["id"], "/stats"), headers=user.headers, status=400), "badRequest", 400)


# The guide lists 400 "Server deleted" and 403 "suspended" for diagnostics;
# the original service (F16) answered them for any server of the caller, and
# so do we: diagnostics explain why a server failed or was suspended.
def test_diagnostics_are_a_bare_list(create_server, user, testapp, run_jobs):
    created = create_server(user)
    assert testapp.get(server_url(created["id"], "/diagnostics"), headers=user.headers).json == []
    run_jobs()
    entries = testapp.get(server_url(created["id"], "/diagnostics"), headers=user.headers).json
    assert isinstance(entries, list) and entries
    assert set(entries[0]) == {"level", "created", "source", "source_date", "message", "details"}
    assert entries[0]["message"] == "Server built"  # newest first
    res = testapp.get(server_url(9999, "/diagnostics"), headers=user.headers, status=404)
    assert_fault(res, "itemNotFound", 404)
    xml = testapp.get(server_url(created["id"], "/diagnostics.xml"), headers=user.headers).body
    assert b"<diagnostics" in xml and b"<diagnostic " in xml


def test_diagnostics_of_a_suspended_or_deleted_server_stay_readable(create_server, user, testapp, registry,
                                                                    run_jobs):
    created = create_server(user)
    suspend(registry, created["id"])
    assert testapp.get(server_url(created["id"], "/diagnostics"), headers=user.headers).json == []
    suspend(registry, created["id"], False)
    testapp.delete(server_url(created["id"]), headers=user.headers, status=204)
    run_jobs()
    testapp.get(server_url(created["id"], "/diagnostics"), headers=user.headers, status=200)
