"""``/floatingips`` (behaviours-network.md L29-L34)."""
from datetime import timedelta
from urllib.parse import quote

import pytest

from synnefo_pyr.db import session_scope
from synnefo_pyr.orm import utcnow
from synnefo_pyr.quotas import engine as quotas

from tests.helpers import assert_fault

KEYS = {"id", "floating_ip_address", "floating_network_id", "instance_id", "port_id", "fixed_ip_address"}


def usage(registry, user):
    with session_scope(registry) as db:
        return quotas.usage(db, user.uuid)["cyclades.floating_ip"]["usage"]


def allocate(net, user, status=200, **attrs):
    res = net.post(user, "/floatingips", {"floatingip": attrs}, status=status)
    return res.json["floatingip"] if status == 200 else res


def test_allocate_from_a_pool(net, registry, user, pool_network):
    created = allocate(net, user, floating_network_id=str(pool_network), port_id="1", fixed_ip_address="x")
    assert created == {"id": created["id"], "floating_ip_address": "10.0.0.2",
                       "floating_network_id": str(pool_network), "instance_id": None, "port_id": None,
                       "fixed_ip_address": None}
    assert usage(registry, user) == 1
    assert allocate(net, user, floating_network_id=pool_network)["floating_ip_address"] == "10.0.0.3"
    assert net.get(user, f"/floatingips/{created['id']}").json == {"floatingip": created}


def test_allocate_without_a_network_takes_any_pool(net, user, operator_network):
    res = allocate(net, user, status=409)
    assert_fault(res, "conflict", 409, "Cannot allocate a floating IP address.")
    operator_network(public=True, name="plain", cidr="10.7.0.0/24")
    assert_fault(allocate(net, user, status=409), "conflict", 409)
    full = operator_network(public=True, name="full", cidr="10.8.0.0/30", gateway="10.8.0.1",
                            floating_ip_pool=True)
    second = operator_network(public=True, name="second", cidr="10.9.0.0/24", floating_ip_pool=True)
    first = allocate(net, user, floating_ip_address="10.9.0.50")
    assert (first["floating_network_id"], first["floating_ip_address"]) == (str(full), "10.8.0.2")
    assert allocate(net, user)["floating_network_id"] == str(second)
    assert allocate(net, user, floating_network_id=None)["floating_ip_address"] == "10.9.0.2"


def test_allocate_a_given_address(net, user, other_user, pool_network, with_subnet):
    pool = str(pool_network)
    assert allocate(net, user, floating_network_id=pool, floating_ip_address="10.0.0.10")[
        "floating_ip_address"] == "10.0.0.10"
    res = allocate(net, other_user, status=409, floating_network_id=pool, floating_ip_address="10.0.0.10")
    assert_fault(res, "conflict", 409, "IP address 10.0.0.10 is already used.")
    for address in ("192.168.3.5", "10.0.0.1", "10.0.0.255"):
        res = allocate(net, user, status=400, floating_network_id=pool, floating_ip_address=address)
        assert_fault(res, "badRequest", 400, f"Address {address} does not belong to network {pool}")
    for address in ("x", "2001:db8::1"):
        assert_fault(allocate(net, user, status=400, floating_network_id=pool, floating_ip_address=address),
                     "badRequest", 400)
    assert_fault(allocate(net, user, status=400, floating_network_id=pool, floating_ip_address=5),
                 "badRequest", 400)


def test_the_pool_network(net, user, other_user, private, operator_network, manage):
    assert_fault(allocate(net, user, status=400, floating_network_id="abc"), "badRequest", 400,
                 "Invalid network ID.")
    for network_id in ("4242", private(other_user)["id"]):
        assert_fault(allocate(net, user, status=404, floating_network_id=network_id), "itemNotFound", 404)
    own = private(user)["id"]
    res = allocate(net, user, status=409, floating_network_id=own)
    assert_fault(res, "conflict", 409, f"Cannot allocate floating IP. Network {own} is not a floating IP pool.")
    plain = str(operator_network(public=True, name="plain", cidr="10.7.0.0/24"))
    assert_fault(allocate(net, user, status=409, floating_network_id=plain), "conflict", 409)
    drained = str(operator_network(public=True, name="d", cidr="10.6.0.0/24", floating_ip_pool=True,
                                   drained=True))
    assert_fault(allocate(net, user, status=409, floating_network_id=drained), "conflict", 409)
    full = str(operator_network(public=True, name="f", cidr="10.5.0.0/30", gateway="10.5.0.1",
                                floating_ip_pool=True))
    allocate(net, user, floating_network_id=full)
    res = allocate(net, user, status=409, floating_network_id=full)
    assert_fault(res, "conflict", 409)
    net.delete(user, f"/networks/{own}")
    assert_fault(allocate(net, user, status=400, floating_network_id=own), "badRequest", 400)


def test_over_quota_is_413(net, registry, user, pool_network):
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.floating_ip", 1)
    allocate(net, user, floating_network_id=str(pool_network))
    fault = assert_fault(allocate(net, user, status=413, floating_network_id=str(pool_network)), "overLimit", 413)
    assert fault["details"] == ("Limit for resource 'Floating IP address' exceeded for your account."
                                " Available: 0, Requested: 1")
    assert len(net.get(user, "/floatingips").json["floatingips"]) == 1


def test_the_default_limit_is_four(net, user, pool_network):
    for _ in range(4):
        allocate(net, user, floating_network_id=str(pool_network))
    assert_fault(allocate(net, user, status=413, floating_network_id=str(pool_network)), "overLimit", 413)


def test_list_get_and_changes_since(net, user, other_user, fip):
    assert net.get(user, "/floatingips").json == {"floatingips": []}
    since = quote((utcnow() - timedelta(seconds=1)).isoformat())
    first, second = fip(user), fip(user)
    fip(other_user)
    for path in ("/floatingips", "/floatingips/detail", "/floatingips/", f"/floatingips?changes-since={since}"):
        listed = net.get(user, path).json["floatingips"]
        assert [f["id"] for f in listed] == [first["id"], second["id"]]
        assert all(set(f) == KEYS for f in listed)
    net.get(user, f"/floatingips?changes-since={quote(utcnow().isoformat())}", status=304)


def test_unknown_another_users_or_malformed_floating_ip(net, user, other_user, fip):
    theirs = fip(other_user)["id"]
    for fip_id in (theirs, "4242", "99999999999999999999"):
        res = net.get(user, f"/floatingips/{fip_id}", status=404)
        assert_fault(res, "itemNotFound", 404, f"Floating IP with ID {fip_id} does not exist.")
        assert_fault(net.delete(user, f"/floatingips/{fip_id}", status=404), "itemNotFound", 404)
    assert_fault(net.get(user, "/floatingips/x", status=400), "badRequest", 400, "Invalid Floating IP ID x")


@pytest.mark.parametrize("fip_id", ["own", "4242", "x"])
def test_update_is_501(net, user, fip, fip_id):
    ids = {"own": fip(user)["id"]}
    res = net.put(user, f"/floatingips/{ids.get(fip_id, fip_id)}", {"floatingip": {"port_id": "1"}}, status=501)
    assert_fault(res, "notImplemented", 501, "Updating a floating IP is not supported.")


def test_release(net, registry, user, fip):
    created = fip(user)
    assert usage(registry, user) == 1
    assert net.delete(user, f"/floatingips/{created['id']}").body == b""
    assert usage(registry, user) == 0
    assert_fault(net.get(user, f"/floatingips/{created['id']}", status=404), "itemNotFound", 404)
    assert net.get(user, "/floatingips").json == {"floatingips": []}
    # Its address is free again at once.
    assert fip(user)["floating_ip_address"] == created["floating_ip_address"]


def test_attach_detach_and_release(net, testapp, registry, user, fip, server, run_jobs, pool_network):
    vm = server(user)
    created = fip(user)
    # L34: attach is POST /ports with the address.
    port = net.post(user, "/ports", {"port": {"network_id": created["floating_network_id"], "device_id": vm,
                                              "fixed_ips": [{"ip_address": created["floating_ip_address"]}]}}
                    ).json["port"]
    attached = net.get(user, f"/floatingips/{created['id']}").json["floatingip"]
    assert (attached["port_id"], attached["instance_id"]) == (port["id"], str(vm))
    res = net.delete(user, f"/floatingips/{created['id']}", status=409)
    assert_fault(res, "conflict", 409, f"Floating IP '{created['id']}' is used by server '{vm}'")
    run_jobs()
    body = testapp.get(f"/compute/v2.0/servers/{vm}", headers=user.headers).json["server"]
    floating = [a for a in body["attachments"] if a["ipv4"] == created["floating_ip_address"]]
    assert [a["OS-EXT-IPS:type"] for a in floating] == ["floating"]
    # Detach: the port goes; the floating IP stays, its quota held.
    net.delete(user, f"/ports/{port['id']}")
    run_jobs()
    detached = net.get(user, f"/floatingips/{created['id']}").json["floatingip"]
    assert (detached["port_id"], detached["instance_id"]) == (None, None)
    assert usage(registry, user) == 1
    net.delete(user, f"/floatingips/{created['id']}")


def test_release_while_held_by_a_port_without_server(net, user, fip):
    created = fip(user)
    port = net.post(user, "/ports", {"port": {"network_id": created["floating_network_id"],
                                              "fixed_ips": [{"ip_address": created["floating_ip_address"]}]}}
                    ).json["port"]
    res = net.delete(user, f"/floatingips/{created['id']}", status=409)
    assert_fault(res, "conflict", 409, f"Floating IP '{created['id']}' is used by port '{port['id']}'")
    net.delete(user, f"/ports/{port['id']}")
    net.delete(user, f"/floatingips/{created['id']}")


def test_deleting_a_server_keeps_its_floating_ips(net, testapp, user, fip, create_server, run_jobs, pool_network):
    created = fip(user)
    vm = create_server(user, networks=[{"uuid": str(pool_network)}])["id"]
    assert net.get(user, f"/floatingips/{created['id']}").json["floatingip"]["instance_id"] == str(vm)
    run_jobs()
    testapp.delete(f"/compute/v2.0/servers/{vm}", headers=user.headers, status=204)
    run_jobs()
    kept = net.get(user, f"/floatingips/{created['id']}").json["floatingip"]
    assert (kept["instance_id"], kept["port_id"]) == (None, None)
