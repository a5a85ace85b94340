"""``/networks`` of the network service (behaviours-network.md L9-L16)."""
from datetime import timedelta
from urllib.parse import quote

import pytest
import webtest

from synnefo_pyr import errors
from synnefo_pyr.db import session_scope
from synnefo_pyr.network import services as networks
from synnefo_pyr.network.models import Network
from synnefo_pyr.orm import utcnow
from synnefo_pyr.quotas import engine as quotas

from tests.helpers import assert_fault

KEYS = {"id", "name", "links", "user_id", "tenant_id", "type", "status", "public", "router:external",
        "admin_state_up", "subnets", "SNF:floating_ip_pool", "created", "updated"}


def usage(registry, user, resource="cyclades.network.private"):
    with session_scope(registry) as db:
        return quotas.usage(db, user.uuid)[resource]["usage"]


# --- list (L12) ----------------------------------------------------------------


def test_a_new_user_without_public_networks_lists_nothing(net, user):
    assert net.get(user, "/networks").json == {"networks": []}
    assert net.get(user, "/networks/detail").json == {"networks": []}


def test_list_shows_the_callers_and_the_public_networks(net, user, other_user, pool_network, private):
    mine = private(user, name="mine")
    private(other_user, name="theirs")
    for path in ("/networks", "/networks/detail"):
        listed = net.get(user, path).json["networks"]
        assert [(n["id"], n["name"]) for n in listed] == [(str(pool_network), "Internet"), (mine["id"], "mine")]
        assert all(set(n) == KEYS for n in listed)
    assert [n["id"] for n in net.get(other_user, "/networks").json["networks"]] != [mine["id"]]


def test_the_network_body(net, user, pool_network, private):
    public = net.get(user, f"/networks/{pool_network}").json["network"]
    href = f"http://cloud.example.org/network/v2.0/networks/{pool_network}"
    assert public == {
        "id": str(pool_network), "name": "Internet", "user_id": None, "tenant_id": None,
        "links": [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}],
        "type": "IP_LESS_ROUTED", "status": "ACTIVE", "public": True, "router:external": True,
        "admin_state_up": True, "subnets": public["subnets"], "SNF:floating_ip_pool": True,
        "created": public["created"], "updated": public["updated"],
    }
    assert [isinstance(s, str) for s in public["subnets"]] == [True]
    assert public["created"].endswith("+00:00")
    own = private(user)
    assert (own["user_id"], own["tenant_id"], own["public"], own["router:external"]) == (
        user.uuid, user.uuid, False, False)


def test_deleted_networks_are_not_listed(net, user, private):
    own = private(user)
    net.delete(user, f"/networks/{own['id']}")
    assert net.get(user, "/networks").json == {"networks": []}


def test_changes_since(net, user, private):
    since = quote((utcnow() - timedelta(seconds=1)).isoformat())
    kept, gone = private(user, name="kept"), private(user, name="gone")
    net.delete(user, f"/networks/{gone['id']}")
    listed = net.get(user, f"/networks?changes-since={since}").json["networks"]
    assert [(n["id"], n["status"]) for n in listed] == [(kept["id"], "ACTIVE"), (gone["id"], "DELETED")]
    now = quote(utcnow().isoformat())
    res = net.get(user, f"/networks/detail?changes-since={now}", status=304)
    assert res.body == b""
    assert_fault(net.get(user, "/networks?changes-since=yesterday", status=400), "badRequest", 400)


# --- create (L13) ---------------------------------------------------------------


def test_create(net, registry, user, private):
    before = usage(registry, user)
    res = net.post(user, "/networks", {"network": {"type": "MAC_FILTERED"}})
    created = res.json["network"]
    assert set(created) == KEYS
    assert (created["name"], created["status"], created["public"], created["router:external"],
            created["SNF:floating_ip_pool"], created["subnets"], created["type"]) == (
        "", "ACTIVE", False, False, False, [], "MAC_FILTERED")
    assert created["user_id"] == created["tenant_id"] == user.uuid
    assert usage(registry, user) == before + 1
    assert net.get(user, f"/networks/{created['id']}").json["network"] == created


def test_create_ignores_public_shared_and_unknown_keys(net, user):
    body = {"network": {"type": "MAC_FILTERED", "name": "n", "public": True, "shared": True,
                        "admin_state_up": False, "cidr": "10.0.0.0/24", "id": "42"}}
    created = net.post(user, "/networks", body).json["network"]
    assert (created["public"], created["admin_state_up"], created["name"], created["subnets"]) == (
        False, True, "n", [])
    assert "shared" not in created


@pytest.mark.parametrize("attrs, message", [
    ({}, "Malformed request. Missing attribute 'type'."),
    ({"type": None}, "Malformed request. Missing attribute 'type'."),
    ({"type": "foo"}, "Invalid network type 'foo'"),
    ({"type": "MAC_FILTERED", "name": "x" * 129}, "Network name is too long"),
    ({"type": "MAC_FILTERED", "name": 5}, "Malformed request"),
])
def test_bad_create_is_400_and_stores_nothing(net, registry, user, attrs, message):
    res = net.post(user, "/networks", {"network": attrs}, status=400)
    assert_fault(res, "badRequest", 400, message)
    assert net.get(user, "/networks").json == {"networks": []}
    assert usage(registry, user) == 0


def test_only_enabled_types_are_created(net, user, make_app):
    for net_type in ("CUSTOM", "IP_LESS_ROUTED", "PHYSICAL_VLAN"):
        res = net.post(user, "/networks", {"network": {"type": net_type}}, status=403)
        assert_fault(res, "forbidden", 403, f"Cannot create network of type '{net_type}'.")
    app = webtest.TestApp(make_app(**{"synnefo_pyr.network.api_enabled_types": "CUSTOM PHYSICAL_VLAN"}))
    headers = dict(user.headers, **{"Content-Type": "application/json"})
    app.post("/network/v2.0/networks", '{"network": {"type": "CUSTOM"}}', headers=headers, status=201)
    app.post("/network/v2.0/networks", '{"network": {"type": "MAC_FILTERED"}}', headers=headers, status=403)


def test_over_quota_is_413(net, registry, user, private):
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.network.private", 1)
    private(user)
    res = private(user, status=413)
    fault = assert_fault(res, "overLimit", 413, "Resource Limit Exceeded for your account.")
    assert fault == {"code": 413, "message": "Resource Limit Exceeded for your account.",
                     "details": "Limit for resource 'Private Network' exceeded for your account."
                                " Available: 0, Requested: 1"}
    assert len(net.get(user, "/networks").json["networks"]) == 1


def test_mac_filtered_networks_lease_their_own_prefix(make_app, user, registry):
    app = webtest.TestApp(make_app(**{"synnefo_pyr.network.mac_prefix_pool": "aa:01:00-aa:01:01"}))
    headers = dict(user.headers, **{"Content-Type": "application/json"})

    def create(status):
        return app.post("/network/v2.0/networks", '{"network": {"type": "MAC_FILTERED"}}',
                        headers=headers, status=status)

    first, second = (create(201).json["network"]["id"] for _ in range(2))
    with session_scope(registry) as db:
        assert [db.get(Network, int(i)).mac_prefix for i in (first, second)] == ["aa:01:00", "aa:01:01"]
    # L13 step 6: no prefix left is 503, and nothing is stored or charged.
    res = create(503)
    assert_fault(res, "serviceUnavailable", 503, "Failed to allocate resources for network.")
    assert usage(registry, user) == 2
    # Deleting gives the prefix back.
    app.delete(f"/network/v2.0/networks/{first}", headers=user.headers, status=204)
    third = create(201).json["network"]["id"]
    with session_scope(registry) as db:
        assert db.get(Network, int(third)).mac_prefix == "aa:01:00"


def test_prefixes_not_locally_administered_unicast_are_skipped():
    from synnefo_pyr.network.allocation import MacPrefixPool

    pool = MacPrefixPool.parse("a9:ff:fe-aa:00:01", "aa:00:00")
    # a9 is multicast; aa:00:00 and aa:00:01... overlap nothing but aa:00:00 itself.
    assert list(pool.prefixes()) == ["aa:00:01"]


# --- get (L14) -------------------------------------------------------------------


def test_get_own_public_and_deleted_networks(net, user, pool_network, private):
    own = private(user)
    assert net.get(user, f"/networks/{own['id']}").json["network"]["id"] == own["id"]
    assert net.get(user, f"/networks/{pool_network}").json["network"]["public"] is True
    net.delete(user, f"/networks/{own['id']}")
    assert net.get(user, f"/networks/{own['id']}").json["network"]["status"] == "DELETED"


def test_unknown_or_another_users_network_is_404(net, user, other_user, private):
    theirs = private(other_user)
    for network_id in (theirs["id"], "424242", "99999999999999999999"):
        res = net.get(user, f"/networks/{network_id}", status=404)
        assert_fault(res, "itemNotFound", 404, f"Network {network_id} not found.")
        assert_fault(net.delete(user, f"/networks/{network_id}", status=404), "itemNotFound", 404)
        res = net.put(user, f"/networks/{network_id}", {"network": {"name": "x"}}, status=404)
        assert_fault(res, "itemNotFound", 404)


def test_a_non_integer_id_is_400(net, user):
    assert_fault(net.get(user, "/networks/abc", status=400), "badRequest", 400, "Invalid network ID 'abc'")
    assert_fault(net.delete(user, "/networks/public", status=400), "badRequest", 400,
                 "Invalid network ID 'public'")
    res = net.put(user, "/networks/x1", {"network": {"name": "n"}}, status=400)
    assert_fault(res, "badRequest", 400, "Invalid network ID 'x1'")


# --- rename (L15) -----------------------------------------------------------------


def test_rename(net, user, private):
    own = private(user, name="old")
    renamed = net.put(user, f"/networks/{own['id']}",
                      {"network": {"name": "new", "admin_state_up": False, "shared": True}}).json["network"]
    assert renamed["name"] == "new" and renamed["updated"] >= own["updated"]
    assert net.get(user, f"/networks/{own['id']}").json["network"]["name"] == "new"


@pytest.mark.parametrize("body, message", [
    ({}, "Malformed request. Missing attribute 'network'."),
    ({"network": {}}, "Malformed request. Missing attribute 'name'."),
    ({"network": {"name": None}}, "Malformed request. Missing attribute 'name'."),
    ({"network": {"name": "x" * 129}}, "Network name is too long"),
    ({"network": {"name": ["x"]}}, "Malformed request"),
])
def test_bad_rename_is_400(net, user, private, body, message):
    own = private(user)
    assert_fault(net.put(user, f"/networks/{own['id']}", body, status=400), "badRequest", 400, message)
    res = net.put(user, f"/networks/{own['id']}", "", status=400)
    assert_fault(res, "badRequest", 400)


def test_public_networks_cannot_be_renamed_or_deleted(net, user, pool_network):
    res = net.put(user, f"/networks/{pool_network}", {"network": {"name": "x"}}, status=403)
    assert_fault(res, "forbidden", 403, "Cannot rename the public network.")
    res = net.delete(user, f"/networks/{pool_network}", status=403)
    assert_fault(res, "forbidden", 403, "Cannot delete the public network.")


def test_a_deleted_network_cannot_be_renamed_or_deleted(net, user, private):
    own = private(user)
    net.delete(user, f"/networks/{own['id']}")
    res = net.put(user, f"/networks/{own['id']}", {"network": {"name": "x"}}, status=400)
    assert_fault(res, "badRequest", 400, "Network has been deleted.")
    res = net.delete(user, f"/networks/{own['id']}", status=400)
    assert_fault(res, "badRequest", 400, "Network has been deleted.")


# --- delete (L16) ------------------------------------------------------------------


def test_delete_completes_at_once(net, registry, user, with_subnet):
    own = with_subnet(user)
    assert usage(registry, user) == 1
    res = net.delete(user, f"/networks/{own['id']}")
    assert res.body == b""
    gone = net.get(user, f"/networks/{own['id']}").json["network"]
    assert gone["status"] == "DELETED" and gone["subnets"] == [own["subnet"]["id"]]
    assert net.get(user, "/subnets").json == {"subnets": []}
    assert net.get(user, f"/subnets/{own['subnet']['id']}").json["subnet"]["id"] == own["subnet"]["id"]
    assert usage(registry, user) == 0


def test_a_network_with_ports_is_409(net, user, with_subnet):
    own = with_subnet(user)
    port = net.post(user, "/ports", {"port": {"network_id": own["id"]}}).json["port"]
    res = net.delete(user, f"/networks/{own['id']}", status=409)
    assert_fault(res, "conflict", 409)
    net.delete(user, f"/ports/{port['id']}")
    net.delete(user, f"/networks/{own['id']}")


def test_a_network_with_floating_ips_cannot_be_deleted(registry, user, pool_network, fip):
    # Only public networks hold floating IPs, and users cannot delete
    # those (403): the rule is the domain's, for every caller.
    fip(user)
    with pytest.raises(errors.InUse), session_scope(registry) as db:
        networks.delete_network(db, db.get(Network, pool_network))


def test_drained_networks_show_it(net, user, registry, operator_network):
    drained = operator_network(public=True, name="d", cidr="10.1.0.0/24", drained=True)
    assert net.get(user, f"/networks/{drained}").json["network"]["status"] == "SNF:DRAINED"
