"""The network service as a whole (behaviours-network.md L1-L8, D3, D4):
its catalog entry, URL layout, tokens, methods, formats and bodies."""
import pytest
import webtest

from tests.helpers import assert_fault

from .conftest import NET


def test_catalog_lists_the_network_service_once(testapp):
    catalog = testapp.post("/identity/v2.0/tokens").json["access"]["serviceCatalog"]
    [entry] = [s for s in catalog if s["type"] == "network"]
    assert entry == {
        "name": "cyclades_network", "type": "network", "endpoints_links": [],
        "endpoints": [{"versionId": "v2.0", "publicURL": "http://cloud.example.org/network/v2.0",
                       "SNF:uiURL": "http://cloud.example.org/ui", "region": "default"}],
    }


def test_the_root_is_configurable(make_app, user):
    app = webtest.TestApp(make_app(**{"synnefo_pyr.prefix.network": "/neutron/v2"}),
                          extra_environ={"HTTP_HOST": "cloud.example.org"})
    catalog = app.post("/identity/v2.0/tokens").json["access"]["serviceCatalog"]
    [entry] = [s for s in catalog if s["type"] == "network"]
    assert entry["endpoints"][0]["publicURL"] == "http://cloud.example.org/neutron/v2"
    assert app.get("/neutron/v2/networks", headers=user.headers).json == {"networks": []}
    app.get("/network/v2.0/networks", headers=user.headers, status=400)


@pytest.mark.parametrize("path", ["/network", "/network/", NET, NET + "/", NET + "/routers",
                                  NET + "/networks/1/extra", NET + "/ports/a.b", NET + "/networks/a-b"])
def test_unknown_urls_are_400(testapp, user, path):
    res = testapp.get(path, headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, "API endpoint not found")


CALLS = [
    ("GET", "/networks"), ("GET", "/networks/detail"), ("POST", "/networks"), ("GET", "/networks/1"),
    ("PUT", "/networks/1"), ("DELETE", "/networks/1"), ("GET", "/networks/abc"),
    ("GET", "/subnets"), ("GET", "/subnets/detail"), ("POST", "/subnets"), ("GET", "/subnets/1"),
    ("PUT", "/subnets/1"), ("DELETE", "/subnets/1"), ("GET", "/subnets/x-y"),
    ("GET", "/ports"), ("GET", "/ports/detail"), ("POST", "/ports"), ("GET", "/ports/1"),
    ("PUT", "/ports/1"), ("DELETE", "/ports/1"), ("GET", "/ports/nic-1-0"), ("GET", "/ports/x"),
    ("GET", "/floatingips"), ("GET", "/floatingips/detail"), ("POST", "/floatingips"),
    ("GET", "/floatingips/1"), ("PUT", "/floatingips/1"), ("DELETE", "/floatingips/1"),
    ("GET", "/floatingips/x"),
]


@pytest.mark.parametrize("method, path", CALLS)
def test_every_call_needs_a_token(testapp, method, path):
    res = testapp.request(NET + path, method=method, body=b"{}", expect_errors=True,
                          headers={"Content-Type": "application/json"})
    assert_fault(res, "unauthorized", 401, "Access denied. No authentication token")


@pytest.mark.parametrize("method, path, allow", [
    ("PUT", "/networks", "GET,POST"), ("DELETE", "/networks/", "GET,POST"),
    ("POST", "/networks/detail", "GET"), ("POST", "/networks/1", "GET,PUT,DELETE"),
    ("POST", "/networks/abc", "GET,PUT,DELETE"), ("HEAD", "/networks", "GET,POST"),
    ("PUT", "/subnets", "GET,POST"), ("DELETE", "/subnets/detail", "GET"),
    ("POST", "/subnets/1", "GET,PUT,DELETE"), ("POST", "/subnets/a-b", "GET,PUT,DELETE"),
    ("DELETE", "/ports", "GET,POST"), ("PUT", "/ports/detail", "GET"),
    ("POST", "/ports/1", "GET,PUT,DELETE"), ("POST", "/ports/nic-1-0", "GET,PUT,DELETE"),
    ("PUT", "/floatingips", "GET,POST"), ("POST", "/floatingips/detail", "GET"),
    ("POST", "/floatingips/1", "GET,PUT,DELETE"), ("POST", "/floatingips/x", "GET,PUT,DELETE"),
])
def test_wrong_methods_are_405_with_allow(testapp, user, method, path, allow):
    res = testapp.request(NET + path, method=method, headers=user.headers, expect_errors=True)
    assert res.status_int == 405
    assert sorted(res.headers["Allow"].split(",")) == sorted(allow.split(","))
    if method != "HEAD":
        assert_fault(res, "notAllowed", 405, "Method not allowed")


def test_trailing_slash_and_suffixes(net, user, pool_network):
    expected = net.get(user, "/networks").json
    for path in ("/networks/", "/networks.json", "/networks/detail/", "/networks/detail.json",
                 "/networks.xml", "/networks?format=xml"):
        res = net.get(user, path)
        assert res.json == expected
    assert net.get(user, f"/networks/{pool_network}/").json == net.get(user, f"/networks/{pool_network}").json


def test_bodies_are_json_whatever_is_asked(net, user, pool_network):
    for path, headers in (("/networks.xml", {}), ("/networks?format=xml", {}),
                          ("/networks", {"Accept": "application/xml"})):
        res = net.get(user, path, headers=headers)
        assert res.headers["Content-Type"] == "application/json; charset=UTF-8"
        assert res.json["networks"][0]["id"] == str(pool_network)


def test_faults_follow_the_requested_format(net, user):
    res = net.get(user, "/networks/999.xml", status=404)
    assert res.content_type == "application/xml"
    assert b"<itemNotFound" in res.body and b'code="404"' in res.body


@pytest.mark.parametrize("path, wrapper", [("/networks", "network"), ("/ports", "port"),
                                           ("/floatingips", "floatingip")])
def test_missing_or_null_wrapper_is_400(net, user, path, wrapper):
    message = f"Malformed request. Missing attribute '{wrapper}'."
    for body in ({}, {wrapper: None}, {f"{wrapper}s": [{}]}):
        assert_fault(net.post(user, path, body, status=400), "badRequest", 400, message)
    # D5: a wrapper that is not an object is 400, not a crash.
    assert_fault(net.post(user, path, {wrapper: [1]}, status=400), "badRequest", 400)


@pytest.mark.parametrize("path", ["/networks", "/subnets", "/ports", "/floatingips"])
def test_bodies_must_be_json_objects(net, user, path):
    res = net.post(user, path, "x", status=400, headers={"Content-Type": "text/plain"})
    assert_fault(res, "badRequest", 400, "Unsupported Content-type: 'text/plain'")
    assert_fault(net.post(user, path, "{x", status=400), "badRequest", 400, "Invalid JSON data")
    assert_fault(net.post(user, path, "[1]", status=400), "badRequest", 400, "Malformed request")
    res = net.post(user, path, "", status=400, headers={"Content-Type": ""})
    assert_fault(res, "badRequest", 400)
