"""Ids beyond the column's range, of 30 digits, or made of characters that
are digits to Python but not to us, name nothing: "not found" (or, where
the guide parses the value itself, 400), never a 500 (the re-founding
issue's fix 1: one id parser, ``db.db_id``)."""
import pytest

from synnefo_pyr.db import db_id

from tests.functional.compute.conftest import COMPUTE
from tests.helpers import assert_fault, post_json

HUGE = ["2147483648", "99999999999", "9" * 30]


@pytest.mark.parametrize("value, expected", [
    ("1", 1), (1, 1), ("2147483647", 2 ** 31 - 1),
    ("2147483648", None), (2 ** 31, None), ("9" * 30, None), ("0", None), (0, None),
    ("²", None), ("١", None), ("-1", None), (-1, None), ("1.0", None), (True, None), (None, None),
])
def test_db_id(value, expected):
    assert db_id(value) == expected


@pytest.mark.parametrize("server_id", HUGE)
def test_huge_server_ids_are_not_found(testapp, user, server_id):
    url = f"{COMPUTE}/servers/{server_id}"
    assert_fault(testapp.get(url, headers=user.headers, status=404), "itemNotFound", 404,
                 "Server not found.")
    assert_fault(testapp.get(url + "/ips", headers=user.headers, status=404), "itemNotFound", 404)
    assert_fault(post_json(testapp, url + "/action", {"reboot": {}}, headers=user.headers, status=404),
                 "itemNotFound", 404)
    assert_fault(testapp.delete(url, headers=user.headers, status=404), "itemNotFound", 404)


@pytest.mark.parametrize("flavor_id", HUGE)
def test_huge_flavor_ids_are_not_found(testapp, user, flavor_id):
    res = testapp.get(f"{COMPUTE}/flavors/{flavor_id}", headers=user.headers, status=404)
    assert_fault(res, "itemNotFound", 404, "Flavor not found.")


@pytest.mark.parametrize("flavor_ref", [2 ** 31, "2147483648", "9" * 30, 10 ** 30])
def test_huge_flavor_refs_are_not_found(create_server, user, flavor_ref):
    res = create_server(user, status=404, flavorRef=flavor_ref)
    assert_fault(res, "itemNotFound", 404, "Flavor not found.")


@pytest.mark.parametrize("flavor_ref", ["²", "١", "-1", "1.5", True])
def test_flavor_refs_that_are_no_ids_are_400(create_server, user, flavor_ref):
    res = create_server(user, status=400, flavorRef=flavor_ref)
    assert_fault(res, "badRequest", 400, "Invalid flavor ID")


@pytest.mark.parametrize("network_id", [2 ** 31, "2147483648", "9" * 30])
def test_huge_network_ids_are_not_found(create_server, user, network_id):
    res = create_server(user, status=404, networks=[{"uuid": network_id}])
    assert_fault(res, "itemNotFound", 404, f"Network {network_id} not found.")


@pytest.mark.parametrize("network_id", ["²", "١", "lan"])
def test_network_ids_that_are_no_ids_are_400(create_server, user, network_id):
    # behaviours-network.md L39: a non-integer network id (but the alias
    # "public") is 400.
    res = create_server(user, status=400, networks=[{"uuid": network_id}])
    assert_fault(res, "badRequest", 400, f"Invalid network ID '{network_id}'")


@pytest.mark.parametrize("network_id", HUGE)
def test_huge_network_ids_in_urls_are_not_found(testapp, user, network_id):
    res = testapp.get(f"{COMPUTE}/networks/{network_id}", headers=user.headers, status=404)
    assert_fault(res, "itemNotFound", 404, "Network not found")


@pytest.mark.parametrize("server_ref", [2 ** 31, "9" * 30])
def test_huge_server_refs_in_network_actions_are_not_found(testapp, user, server_ref, registry):
    from tests.factories import make_network

    net = make_network(registry, name="n", type="MAC_FILTERED", owner=user.uuid, cidr="192.168.1.0/24")
    res = post_json(testapp, f"{COMPUTE}/networks/{net}/action", {"add": {"serverRef": server_ref}},
                    headers=user.headers, status=404)
    assert_fault(res, "itemNotFound", 404, "Server not found.")


def test_digit_like_characters_in_urls_are_unknown_urls(testapp, user):
    # /servers/abc is an unknown URL (A10); so is /servers/² (not a number).
    for path in ("/servers/%C2%B2", "/flavors/%C2%B2"):
        assert_fault(testapp.get(COMPUTE + path, headers=user.headers, status=400), "badRequest", 400,
                     "API endpoint not found")
