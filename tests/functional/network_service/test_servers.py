"""Servers and the network service (behaviours-network.md L39-L44, D1,
D8-D10, D14): the ports a new server gets, its attachments and addresses,
floating IPs through server actions, and the compute guide's view of the
same networks."""
import pytest
import webtest

from synnefo_pyr.db import session_scope
from synnefo_pyr.quotas import engine as quotas

from tests.helpers import assert_fault, post_json

COMPUTE = "/compute/v2.0"


def body(testapp, user, server_id):
    return testapp.get(f"{COMPUTE}/servers/{server_id}", headers=user.headers).json["server"]


def ports_of(net, user, server_id):
    return [p for p in net.get(user, "/ports").json["ports"] if p["device_id"] == str(server_id)]


def action(testapp, user, server_id, payload, status=202):
    return post_json(testapp, f"{COMPUTE}/servers/{server_id}/action", payload, status=status,
                     headers=user.headers)


# --- what a new server gets (L39, L41, D8) ------------------------------------------


def test_without_networks_one_port_on_the_default_public_network(net, testapp, registry, user,
                                                                  create_server, run_jobs, pool_network):
    created = create_server(user)
    [port] = ports_of(net, user, created["id"])
    assert (port["network_id"], port["status"], port["device_owner"]) == (str(pool_network), "BUILD", "vm")
    assert port["fixed_ips"][0]["ip_address"] == "10.0.0.2"
    # No floating IP and no quota for it (D8).
    assert net.get(user, "/floatingips").json == {"floatingips": []}
    with session_scope(registry) as db:
        assert quotas.usage(db, user.uuid)["cyclades.floating_ip"]["usage"] == 0
    run_jobs()
    assert ports_of(net, user, created["id"])[0]["status"] == "ACTIVE"
    [attachment] = body(testapp, user, created["id"])["attachments"]
    assert attachment["network_id"] == str(pool_network) and attachment["OS-EXT-IPS:type"] == "fixed"


def test_an_empty_list_gives_no_port(net, testapp, user, create_server, run_jobs):
    created = create_server(user, networks=[])
    run_jobs()
    assert ports_of(net, user, created["id"]) == []
    assert body(testapp, user, created["id"])["attachments"] == []


def test_on_a_public_network_a_free_floating_ip_is_taken(net, testapp, user, create_server, fip, run_jobs,
                                                         pool_network):
    public = str(pool_network)
    res = create_server(user, status=409, networks=[{"uuid": public}])
    assert_fault(res, "conflict", 409, f"Cannot find an unused floating IP to connect server to network"
                                       f" '{public}'. Please create a floating IP.")
    first, second = fip(user), fip(user)
    created = create_server(user, networks=[{"uuid": public}])
    assert net.get(user, f"/floatingips/{first['id']}").json["floatingip"]["instance_id"] == str(created["id"])
    # The alias "public" names the default public network (D1).
    other = create_server(user, networks=[{"uuid": "public"}])
    assert net.get(user, f"/floatingips/{second['id']}").json["floatingip"]["instance_id"] == str(other["id"])
    run_jobs()
    server = body(testapp, user, created["id"])
    [attachment] = server["attachments"]
    assert (attachment["ipv4"], attachment["OS-EXT-IPS:type"]) == (first["floating_ip_address"], "floating")
    assert server["addresses"] == {public: [{"version": 4, "addr": first["floating_ip_address"],
                                             "OS-EXT-IPS:type": "floating"}]}


def test_a_given_floating_ip(net, user, other_user, create_server, fip, pool_network):
    public = str(pool_network)
    mine = fip(user)
    res = create_server(user, status=404, networks=[{"uuid": public, "fixed_ip": fip(other_user)["floating_ip_address"]}])
    assert_fault(res, "itemNotFound", 404, "Floating IP does not exist.")
    created = create_server(user, networks=[{"uuid": public, "fixed_ip": mine["floating_ip_address"]}])
    assert net.get(user, f"/floatingips/{mine['id']}").json["floatingip"]["instance_id"] == str(created["id"])
    res = create_server(user, status=409, networks=[{"uuid": public, "fixed_ip": mine["floating_ip_address"]}])
    assert_fault(res, "conflict", 409)
    res = create_server(user, status=400, networks=[{"uuid": public, "fixed_ip": None}])
    assert_fault(res, "badRequest", 400)


def test_an_existing_port(net, user, other_user, create_server, fip, run_jobs, pool_network):
    mine = fip(user)
    port = net.post(user, "/ports", {"port": {"network_id": str(pool_network),
                                              "fixed_ips": [{"ip_address": mine["floating_ip_address"]}]}}
                    ).json["port"]
    created = create_server(user, networks=[{"port": port["id"], "uuid": "ignored"}])
    attached = net.get(user, f"/ports/{port['id']}").json["port"]
    assert (attached["device_id"], attached["status"], attached["fixed_ips"]) == (
        str(created["id"]), "BUILD", port["fixed_ips"])
    res = create_server(user, status=409, networks=[{"port": port["id"]}])
    assert_fault(res, "conflict", 409, f"Port {port['id']} is already in use.")
    theirs = net.post(other_user, "/ports", {"port": {"network_id": str(pool_network),
                      "fixed_ips": [{"ip_address": fip(other_user)["floating_ip_address"]}]}}).json["port"]
    assert_fault(create_server(user, status=404, networks=[{"port": theirs["id"]}]), "itemNotFound", 404)
    assert_fault(create_server(user, status=404, networks=[{"port": 4242}]), "itemNotFound", 404)
    assert_fault(create_server(user, status=400, networks=[{"port": "x"}]), "badRequest", 400,
                 "Invalid port ID 'x'")
    run_jobs()
    assert net.get(user, f"/ports/{port['id']}").json["port"]["status"] == "ACTIVE"


def test_the_same_port_twice_is_409(net, user, with_subnet, create_server):
    port = net.post(user, "/ports", {"port": {"network_id": with_subnet(user)["id"]}}).json["port"]
    res = create_server(user, status=409, networks=[{"port": port["id"]}, {"port": port["id"]}])
    assert_fault(res, "conflict", 409)


def test_private_networks(net, testapp, user, other_user, with_subnet, private, create_server, run_jobs,
                          pool_network):
    network = with_subnet(user)["id"]
    created = create_server(user, networks=[{"uuid": network}, {"uuid": network, "fixed_ip": "192.168.3.50"},
                                            {"uuid": int(network)}])
    run_jobs()
    server = body(testapp, user, created["id"])
    assert [(a["id"], a["ipv4"]) for a in server["attachments"]] == [
        (f"nic-{created['id']}-0", "192.168.3.2"), (f"nic-{created['id']}-1", "192.168.3.50"),
        (f"nic-{created['id']}-2", "192.168.3.3")]
    # D10: the addresses of several ports on one network add up.
    assert [a["addr"] for a in server["addresses"][network]] == ["192.168.3.2", "192.168.3.50", "192.168.3.3"]
    res = create_server(user, status=409, networks=[{"uuid": network, "fixed_ip": "192.168.3.50"}])
    assert_fault(res, "conflict", 409, "IP address 192.168.3.50 is already used.")
    res = create_server(user, status=400, networks=[{"uuid": network, "fixed_ip": "10.0.0.9"}])
    assert_fault(res, "badRequest", 400)
    bare = private(user)["id"]
    res = create_server(user, status=400, networks=[{"uuid": bare, "fixed_ip": "10.0.0.9"}])
    assert_fault(res, "badRequest", 400, "Address 10.0.0.9 is not a valid IP for the defined network subnets")
    assert_fault(create_server(user, status=404, networks=[{"uuid": private(other_user)["id"]}]), "itemNotFound", 404)
    assert_fault(create_server(user, status=400, networks=[{"uuid": "lan"}]), "badRequest", 400)
    gone = private(user)["id"]
    net.delete(user, f"/networks/{gone}")
    assert_fault(create_server(user, status=400, networks=[{"uuid": gone}]), "badRequest", 400,
                 "Network has been deleted.")


@pytest.mark.parametrize("networks, message", [
    ([{}], "Network 'uuid' or 'port' attribute is required."),
    ([{"fixed_ip": "10.0.0.5"}], "Network 'uuid' or 'port' attribute is required."),
    (["1"], "Malformed request"),
    ({"uuid": "1"}, "Malformed request"),
])
def test_malformed_networks_are_400(create_server, user, networks, message):
    assert_fault(create_server(user, status=400, networks=networks), "badRequest", 400, message)


def test_an_ipv6_only_public_network_is_403(user, create_server, operator_network):
    only6 = operator_network(public=True, name="v6", cidr6="2001:db8:6::/64")
    res = create_server(user, status=403, networks=[{"uuid": str(only6)}])
    assert_fault(res, "forbidden", 403, "Cannot connect to IPv6 only public network")


def test_at_most_eight_ports_and_all_or_nothing(net, testapp, user, with_subnet, create_server):
    network = with_subnet(user)["id"]
    res = create_server(user, status=400, networks=[{"uuid": network}] * 9)
    assert_fault(res, "badRequest", 400, "Maximum ports per server limit reached")
    res = create_server(user, status=409, networks=[{"uuid": network}, {"uuid": network, "fixed_ip": "192.168.3.2"}])
    assert_fault(res, "conflict", 409)
    assert net.get(user, "/ports").json == {"ports": []}
    assert testapp.get(f"{COMPUTE}/servers", headers=user.headers).json == {"servers": []}


def test_forced_and_default_network_settings(make_app, user, flavor, image, pool_network, operator_network,
                                             registry):
    other = operator_network(public=True, name="second", cidr="10.20.0.0/24")
    only6 = operator_network(public=True, name="six", cidr6="2001:db8:7::/64")

    def create(settings, networks=None, status=202):
        app = webtest.TestApp(make_app(**settings))
        server = {"name": "s", "imageRef": image, "flavorRef": flavor}
        if networks is not None:
            server["networks"] = networks
        res = post_json(app, f"{COMPUTE}/servers", {"server": server}, status=status, headers=user.headers)
        if status != 202:
            return res
        with session_scope(registry) as db:
            from synnefo_pyr.network.models import NIC
            return [n.network_id for n in db.query(NIC).filter_by(server_id=res.json["server"]["id"])
                    .order_by(NIC.index)]

    assert create({"synnefo_pyr.network.forced_server_networks": f"{other} SNF:ANY_PUBLIC_IPV6"}) == [
        other, only6, pool_network]
    assert create({"synnefo_pyr.network.forced_server_networks": f"4242|{other}"}, networks=[]) == [other]
    assert create({"synnefo_pyr.network.default_server_networks": "none"}) == []
    assert create({"synnefo_pyr.network.default_server_networks": "SNF:ANY_PUBLIC"}) == [pool_network]
    res = create({"synnefo_pyr.network.forced_server_networks": "4242"}, status=503)
    assert_fault(res, "serviceUnavailable", 503)


@pytest.mark.parametrize("key, value", [
    ("synnefo_pyr.network.forced_server_networks", "SNF:ANY"),
    ("synnefo_pyr.network.default_server_networks", "public"),
    ("synnefo_pyr.network.api_enabled_types", "BRIDGED"),
    ("synnefo_pyr.network.max_cidr_block", "30"),
    ("synnefo_pyr.network.max_ports_per_server", "0"),
    ("synnefo_pyr.network.mac_prefix_pool", "aa:01-aa:02"),
    ("synnefo_pyr.network.mac_prefix_pool", "aa:02:00-aa:01:00"),
])
def test_bad_settings_stop_the_application(make_app, key, value):
    from synnefo_pyr.settings import SettingsError

    with pytest.raises(SettingsError):
        make_app(**{key: value})


# --- addFloatingIp / removeFloatingIp (L42, D14) -----------------------------------------


def test_add_and_remove_floating_ip(net, testapp, user, other_user, server, fip, run_jobs):
    vm = server(user)
    mine = fip(user)
    address = mine["floating_ip_address"]
    assert_fault(action(testapp, user, vm, {"addFloatingIp": {}}, status=400), "badRequest", 400)
    res = action(testapp, user, vm, {"addFloatingIp": {"address": fip(other_user)["floating_ip_address"]}},
                 status=404)
    assert_fault(res, "itemNotFound", 404)
    res = action(testapp, user, vm, {"removeFloatingIp": {"address": address}}, status=400)
    assert_fault(res, "badRequest", 400, f"Floating IP {address} not attached to instance")
    assert action(testapp, user, vm, {"addFloatingIp": {"address": address}}).body == b""
    run_jobs()
    assert net.get(user, f"/floatingips/{mine['id']}").json["floatingip"]["instance_id"] == str(vm)
    assert address in [a["ipv4"] for a in body(testapp, user, vm)["attachments"]]
    other_vm = server(user)
    assert_fault(action(testapp, user, other_vm, {"addFloatingIp": {"address": address}}, status=409),
                 "conflict", 409)
    assert_fault(action(testapp, user, other_vm, {"removeFloatingIp": {"address": address}}, status=400),
                 "badRequest", 400)
    action(testapp, user, vm, {"removeFloatingIp": {"address": address}})
    run_jobs()
    assert net.get(user, f"/floatingips/{mine['id']}").json["floatingip"]["port_id"] is None
    assert address not in [a["ipv4"] for a in body(testapp, user, vm)["attachments"]]


def test_firewall_profile_by_port_id(net, testapp, user, server):
    vm = server(user)
    [port] = ports_of(net, user, vm)
    action(testapp, user, vm, {"firewallProfile": {"profile": "ENABLED", "nic": port["id"]}})
    assert body(testapp, user, vm)["attachments"][0]["firewallProfile"] == "ENABLED"


def test_ipv6_addresses_in_the_server_body(net, testapp, user, with_subnet, server, run_jobs):
    network = with_subnet(user)
    net.post(user, "/subnets", {"subnet": {"network_id": network["id"], "cidr": "2001:db8:5::/64",
                                           "ip_version": 6}})
    vm = server(user)
    net.post(user, "/ports", {"port": {"network_id": network["id"], "device_id": vm}})
    run_jobs()
    attachment = body(testapp, user, vm)["attachments"][1]
    assert attachment["ipv6"].startswith("2001:db8:5:0:") and attachment["OS-EXT-IPS:type"] == "fixed"
    assert [a["version"] for a in body(testapp, user, vm)["addresses"][network["id"]]] == [4, 6]


# --- the compute guide's view of the same networks (L44) ----------------------------------


def test_the_compute_view_of_service_networks(net, testapp, user, with_subnet, private, server, run_jobs,
                                              manage):
    with_v4 = with_subnet(user, cidr="10.0.3.0/24")
    bare = private(user)
    listed = {n["id"]: n for n in testapp.get(f"{COMPUTE}/networks/detail", headers=user.headers).json["networks"]}
    assert (listed[with_v4["id"]]["cidr"], listed[with_v4["id"]]["gateway"], listed[with_v4["id"]]["dhcp"]) == (
        "10.0.3.0/24", "10.0.3.1", True)
    assert (listed[bare["id"]]["cidr"], listed[bare["id"]]["cidr6"]) == (None, None)
    vm = server(user)
    net.post(user, "/ports", {"port": {"network_id": bare["id"], "device_id": vm}})
    run_jobs()
    assert body(testapp, user, vm)["attachments"][1]["ipv4"] is None
    got = testapp.get(f"{COMPUTE}/networks/{bare['id']}", headers=user.headers).json["network"]
    assert got["attachments"] == [f"nic-{vm}-1"]
    # A port without a server is in use too: 421 in this view.
    net.post(user, "/ports", {"port": {"network_id": with_v4["id"]}})
    res = testapp.delete(f"{COMPUTE}/networks/{with_v4['id']}", headers=user.headers, status=421)
    assert_fault(res, "networkInUse", 421)
    manage("network-modify", with_v4["id"], "--drained")
    assert testapp.get(f"{COMPUTE}/networks/{with_v4['id']}", headers=user.headers).json["network"][
        "status"] == "ACTIVE"


def test_compute_networks_are_service_networks(net, testapp, user):
    created = post_json(testapp, f"{COMPUTE}/networks",
                        {"network": {"name": "c", "type": "CUSTOM", "cidr": "10.30.0.0/16",
                                     "gateway": "10.30.0.1", "cidr6": "2001:db8:30::/64"}},
                        status=202, headers=user.headers).json["network"]
    seen = net.get(user, f"/networks/{created['id']}").json["network"]
    assert (seen["type"], len(seen["subnets"])) == ("CUSTOM", 2)
    [v4, v6] = [net.get(user, f"/subnets/{s}").json["subnet"] for s in seen["subnets"]]
    assert (v4["cidr"], v4["allocation_pools"]) == ("10.30.0.0/16", [{"start": "10.30.0.2", "end": "10.30.255.254"}])
    assert (v6["cidr"], v6["gateway_ip"]) == ("2001:db8:30::/64", None)
    # It has its subnets already (L19 step 8).
    res = net.post(user, "/subnets", {"subnet": {"network_id": created["id"], "cidr": "10.0.3.0/24"}}, status=400)
    assert_fault(res, "badRequest", 400)
