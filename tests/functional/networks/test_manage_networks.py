"""``snf-pyr-manage network-create`` / ``network-list``."""

import pytest

from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.db import session_scope


def test_create_the_public_network_then_users_see_it(manage, testapp, user):
    created = manage("network-create", "--name", "Internet", "--public", "--subnet", "10.0.0.0/24",
                     "--gateway", "10.0.0.1", "--subnet6", "2001:db8::/64")
    # D1: a numeric id like every network's; "public" names it in compute URLs.
    assert created["id"].isdigit()
    assert (created["public"], created["cidr"], created["gateway"], created["cidr6"]) == (
        True, "10.0.0.0/24", "10.0.0.1", "2001:db8::/64")
    net = testapp.get("/compute/v2.0/networks/public", headers=user.headers).json["network"]
    assert (net["name"], net["cidr"]) == ("Internet", "10.0.0.0/24")
    listed = manage("network-list")
    assert [(n["id"], n["nics"]) for n in listed] == [(created["id"], 0)]


def test_several_public_networks_the_first_is_the_default(manage, testapp, user):
    first = manage("network-create", "--name", "a", "--public", "--subnet", "10.0.0.0/24")
    manage("network-create", "--name", "b", "--public", "--subnet", "10.1.0.0/24")
    net = testapp.get("/compute/v2.0/networks/public", headers=user.headers).json["network"]
    assert (net["id"], net["name"]) == (first["id"], "a")


@pytest.mark.parametrize("argv", [
    ["--subnet", "10.0.0.1/24"],
    ["--subnet", "10.0.0.0/24", "--gateway", "10.9.9.9"],
    ["--subnet", "10.0.0.0/24", "--subnet6", "2001:db8::/96"],
])
def test_invalid_subnets_are_refused(manage, argv):
    err = manage("network-create", "--name", "n", "--public", *argv, expect=1)
    assert err.startswith("Error: Invalid")
    assert manage("network-list") == []


def test_private_network_for_a_user_is_charged(manage, registry, testapp, user):
    created = manage("network-create", "--name", "lan", "--owner", user.uuid, "--subnet", "10.3.0.0/24",
                     "--type", "MAC_FILTERED", "--no-dhcp")
    assert (created["public"], created["owner"], created["dhcp"]) == (False, user.uuid, False)
    net = testapp.get(f"/compute/v2.0/networks/{created['id']}", headers=user.headers).json["network"]
    assert net["type"] == "MAC_FILTERED"
    with session_scope(registry) as db:
        assert quotas.usage(db, user.uuid)["cyclades.network.private"]["usage"] == 1


def test_private_network_for_an_unknown_user_is_refused(manage):
    err = manage("network-create", "--name", "lan", "--owner", "no-such-user", "--subnet", "10.3.0.0/24",
                 expect=1)
    assert "no-such-user" in err
    assert manage("network-list") == []


def test_public_or_owner_is_required(manage, user):
    assert "exactly one" in manage("network-create", "--name", "n", "--subnet", "10.0.0.0/24", expect=1)
    assert "exactly one" in manage("network-create", "--name", "n", "--public", "--owner", user.uuid,
                                   "--subnet", "10.0.0.0/24", expect=1)


def test_list_hides_deleted_networks_unless_asked(manage, testapp, user):
    created = manage("network-create", "--name", "lan", "--owner", user.uuid, "--subnet", "10.3.0.0/24")
    testapp.delete(f"/compute/v2.0/networks/{created['id']}", headers=user.headers, status=204)
    assert manage("network-list") == []
    assert [n["status"] for n in manage("network-list", "--deleted")] == ["DELETED"]
