"""``/ports`` (behaviours-network.md L22-L28, L40, D2, D12, D15)."""
import pytest
import webtest
from sqlalchemy import select

from synnefo_pyr.compute.models import Server
from synnefo_pyr.db import session_scope
from synnefo_pyr.network.models import Network

from tests.helpers import assert_fault

KEYS = {"id", "name", "links", "user_id", "tenant_id", "network_id", "device_id", "device_owner",
        "status", "mac_address", "fixed_ips", "security_groups", "admin_state_up", "created", "updated"}
COMPUTE = "/compute/v2.0"


@pytest.fixture
def port(net):
    def create(user, network_id, status=201, **attrs):
        res = net.post(user, "/ports", {"port": dict({"network_id": network_id}, **attrs)}, status=status)
        return res.json["port"] if status == 201 else res
    return create


def server_body(testapp, user, server_id):
    return testapp.get(f"{COMPUTE}/servers/{server_id}", headers=user.headers).json["server"]


def set_server(registry, server_id, **values):
    with session_scope(registry) as db:
        server = db.get(Server, server_id)
        for key, value in values.items():
            setattr(server, key, value)


# --- create without a server ----------------------------------------------------


def test_a_port_without_a_server(net, user, with_subnet, port):
    network = with_subnet(user)
    created = port(user, network["id"])
    assert set(created) == KEYS
    assert (created["status"], created["device_id"], created["device_owner"], created["mac_address"],
            created["name"], created["security_groups"], created["admin_state_up"], created["user_id"]) == (
        "DOWN", None, None, None, "", [], True, user.uuid)
    assert created["fixed_ips"] == [{"ip_address": "192.168.3.2", "subnet": network["subnet"]["id"]}]
    href = f"http://cloud.example.org/network/v2.0/ports/{created['id']}"
    assert created["links"] == [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}]
    assert net.get(user, f"/ports/{created['id']}").json == {"port": created}


def test_addresses_come_lowest_first_and_freed_ones_again(net, user, with_subnet, port):
    network = with_subnet(user, cidr="10.0.7.0/29", gateway_ip="10.0.7.3")["id"]
    ips = [port(user, network)["fixed_ips"][0]["ip_address"] for _ in range(5)]
    assert ips == ["10.0.7.1", "10.0.7.2", "10.0.7.4", "10.0.7.5", "10.0.7.6"]
    res = port(user, network, status=409)
    assert_fault(res, "conflict", 409)
    [second] = [p for p in net.get(user, "/ports").json["ports"] if p["fixed_ips"][0]["ip_address"] == "10.0.7.2"]
    net.delete(user, f"/ports/{second['id']}")
    assert port(user, network)["fixed_ips"][0]["ip_address"] == "10.0.7.2"


def test_a_network_without_subnet_gives_no_address(user, private, port):
    assert port(user, private(user)["id"])["fixed_ips"] == []


def test_explicit_addresses(user, with_subnet, port):
    network = with_subnet(user)["id"]
    created = port(user, network, fixed_ips=[{"ip_address": "192.168.3.9", "subnet_id": "ignored"}])
    assert created["fixed_ips"][0]["ip_address"] == "192.168.3.9"
    res = port(user, network, status=409, fixed_ips=[{"ip_address": "192.168.3.9"}])
    assert_fault(res, "conflict", 409, "IP address 192.168.3.9 is already used.")
    for address in ("192.168.3.1", "192.168.3.255", "10.1.1.1"):
        res = port(user, network, status=400, fixed_ips=[{"ip_address": address}])
        assert_fault(res, "badRequest", 400, f"Address {address} does not belong to network {network}")
    # An item without an address is as if none were given.
    assert port(user, network, fixed_ips=[{"subnet_id": "1"}])["fixed_ips"][0]["ip_address"] == "192.168.3.2"


@pytest.mark.parametrize("attrs, message", [
    ({"fixed_ips": [{"ip_address": "192.168.3.5"}, {"ip_address": "192.168.3.6"}]},
     "'fixed_ips' attribute must contain only one fixed IP."),
    ({"fixed_ips": [{"ip_address": "abc"}]}, "abc is not a valid IPv4 Address"),
    ({"fixed_ips": [{"ip_address": "babe::"}]}, "'ip_address' can be only an IPv4 address'"),
    ({"fixed_ips": "192.168.3.5"}, "Malformed request"),
    ({"fixed_ips": ["192.168.3.5"]}, "Malformed request"),
    ({"security_groups": ["abc"]}, "Malformed request"),
    ({"security_groups": "default"}, "Malformed request"),
    ({"name": "x" * 129}, "Port name is too long"),
    ({"name": 7}, "Malformed request"),
    ({"device_id": ""}, "Invalid server ID."),
    ({"device_id": "vm1"}, "Invalid server ID."),
    ({"device_id": True}, "Invalid server ID."),
])
def test_bad_creates_are_400_and_store_nothing(net, user, with_subnet, port, attrs, message):
    network = with_subnet(user)["id"]
    assert_fault(port(user, network, status=400, **attrs), "badRequest", 400, message)
    assert net.get(user, "/ports").json == {"ports": []}


def test_the_network_must_be_there(net, user, other_user, private, port):
    res = net.post(user, "/ports", {"port": {"name": "x"}}, status=400)
    assert_fault(res, "badRequest", 400, "Malformed request. Missing attribute 'network_id'.")
    for network_id in ("4242", private(other_user)["id"]):
        assert_fault(port(user, network_id, status=404), "itemNotFound", 404, f"Network {network_id} not found.")
    assert_fault(port(user, "abc", status=400), "badRequest", 400, "Invalid network ID 'abc'")
    gone = private(user)["id"]
    net.delete(user, f"/networks/{gone}")
    assert_fault(port(user, gone, status=400), "badRequest", 400, "Network has been deleted.")


def test_security_groups_do_not_exist(user, with_subnet, port):
    network = with_subnet(user)["id"]
    assert_fault(port(user, network, status=404, security_groups=["1"]), "itemNotFound", 404,
                 "Not valid security group")
    assert port(user, network, security_groups=[])["security_groups"] == []


def test_only_active_undrained_networks_take_ports(net, registry, user, with_subnet, port, manage):
    network = with_subnet(user)["id"]
    with session_scope(registry) as db:
        db.get(Network, int(network)).status = "ERROR"
    res = port(user, network, status=409)
    assert_fault(res, "conflict", 409, f"Cannot create port while network '{network}' is in 'ERROR' status")
    with session_scope(registry) as db:
        db.get(Network, int(network)).status = "ACTIVE"
    manage("network-modify", network, "--drained")
    res = port(user, network, status=409)
    assert_fault(res, "conflict", 409, f"Cannot create port while network {network} is in 'SNF:DRAINED' status")
    assert_fault(port(user, network, status=409, fixed_ips=[{"ip_address": "192.168.3.7"}]), "conflict", 409)


# --- public networks: floating IPs only (L25 step 5, L26) --------------------------------


def test_ports_on_public_networks_need_a_floating_ip(net, user, other_user, pool_network, fip, port,
                                                     operator_network):
    public = str(pool_network)
    res = port(user, public, status=400)
    assert_fault(res, "badRequest", 400, "'fixed_ips' attribute must contain a floating IP address in order"
                                         " to connect to a public network.")
    res = port(user, public, status=404, fixed_ips=[{"ip_address": "8.8.8.8"}])
    assert_fault(res, "itemNotFound", 404, "Floating IP does not exist.")
    theirs = fip(other_user)
    res = port(user, public, status=404, fixed_ips=[{"ip_address": theirs["floating_ip_address"]}])
    assert_fault(res, "itemNotFound", 404)
    mine = fip(user)
    held = port(user, public, fixed_ips=[{"ip_address": mine["floating_ip_address"]}])
    assert (held["status"], held["device_id"]) == ("DOWN", None)
    assert [ip["ip_address"] for ip in held["fixed_ips"]] == [mine["floating_ip_address"]]
    assert net.get(user, f"/floatingips/{mine['id']}").json["floatingip"]["port_id"] == held["id"]
    res = port(user, public, status=409, fixed_ips=[{"ip_address": mine["floating_ip_address"]}])
    assert_fault(res, "conflict", 409, f"IP address '{mine['floating_ip_address']}' is already in use")
    other_pool = str(operator_network(public=True, name="p2", cidr="10.5.0.0/24", floating_ip_pool=True))
    res = port(user, other_pool, status=409, fixed_ips=[{"ip_address": fip(user)["floating_ip_address"]}])
    assert_fault(res, "conflict", 409)


# --- create with a server (L25 step 13, L40) ---------------------------------------------


def test_connect_a_server(net, testapp, registry, user, with_subnet, port, server, run_jobs):
    network = with_subnet(user, cidr="10.0.9.0/24")
    subnet6 = net.post(user, "/subnets", {"subnet": {"network_id": network["id"], "cidr": "2001:db8:9::/64",
                                                     "ip_version": 6}}).json["subnet"]
    vm = server(user)
    before = server_body(testapp, user, vm)
    created = port(user, network["id"], device_id=vm, name="eth1")
    assert (created["status"], created["device_id"], created["device_owner"], created["name"]) == (
        "BUILD", str(vm), "vm", "eth1")
    assert created["mac_address"].startswith("aa:01:00:")  # the network's own prefix (MAC_FILTERED)
    # The IPv6 address shows once the port is ACTIVE.
    assert [ip["ip_address"] for ip in created["fixed_ips"]] == ["10.0.9.2"]
    during = server_body(testapp, user, vm)
    assert during["SNF:task_state"] == "CONNECTING" and during["updated"] >= before["updated"]
    assert len(during["attachments"]) == 1
    run_jobs()
    active = net.get(user, f"/ports/{created['id']}").json["port"]
    assert active["status"] == "ACTIVE"
    assert active["fixed_ips"] == [
        {"ip_address": "10.0.9.2", "subnet": network["subnet"]["id"]},
        {"ip_address": active["fixed_ips"][1]["ip_address"], "subnet": subnet6["id"]},
    ]
    assert active["fixed_ips"][1]["ip_address"].startswith("2001:db8:9:0:")
    after = server_body(testapp, user, vm)
    assert after["SNF:task_state"] == ""
    attachment = after["attachments"][1]
    assert (attachment["id"], attachment["network_id"], attachment["ipv4"], attachment["mac_address"]) == (
        f"nic-{vm}-1", network["id"], "10.0.9.2", active["mac_address"])
    assert net.get(user, f"/ports/nic-{vm}-1").json["port"]["id"] == created["id"]


def test_device_id_as_a_json_integer_or_digits(user, with_subnet, port, server, run_jobs):
    network = with_subnet(user)["id"]
    vm = server(user)
    assert port(user, network, device_id=vm)["device_id"] == str(vm)
    run_jobs()
    assert port(user, network, device_id=str(vm))["device_id"] == str(vm)


def test_the_server_must_be_the_callers(user, other_user, with_subnet, port, server, registry):
    network = with_subnet(user)["id"]
    for device in (server(other_user), 987654, 2 ** 40):
        assert_fault(port(user, network, status=404, device_id=device), "itemNotFound", 404, "Server not found.")
    vm = server(user)
    set_server(registry, vm, suspended=True)
    assert_fault(port(user, network, status=403, device_id=vm), "forbidden", 403)
    set_server(registry, vm, suspended=False, deleted=True, operstate="DELETED")
    assert_fault(port(user, network, status=400, device_id=vm), "badRequest", 400, "Server has been deleted.")


@pytest.mark.parametrize("values, code, name", [
    ({"operstate": "BUILD", "task": "BUILD"}, 409, "buildInProgress"),
    ({"task": "REBOOT"}, 400, "badRequest"),
    ({"operstate": "ERROR"}, 400, "badRequest"),
])
def test_the_server_must_be_idle(net, user, registry, with_subnet, port, server, values, code, name):
    network = with_subnet(user)["id"]
    vm = server(user)
    set_server(registry, vm, **values)
    assert_fault(port(user, network, status=code, device_id=vm), name, code)
    # All or nothing: no port, and its address is free again.
    assert net.get(user, "/ports").json["ports"] == [p for p in net.get(user, "/ports").json["ports"]
                                                      if p["network_id"] != network]
    assert port(user, network)["fixed_ips"][0]["ip_address"] == "192.168.3.2"


def test_stopped_servers_take_ports_and_hotplug_off_needs_them(net, make_app, user, registry, with_subnet,
                                                                port, server, run_jobs):
    network = with_subnet(user)["id"]
    vm = server(user)
    set_server(registry, vm, operstate="STOPPED")
    assert port(user, network, device_id=vm)["status"] == "BUILD"
    run_jobs()
    app = webtest.TestApp(make_app(**{"synnefo_pyr.network.hotplug": "false"}))
    headers = dict(user.headers, **{"Content-Type": "application/json"})
    body = '{"port": {"network_id": "%s", "device_id": %d}}' % (network, vm)
    app.post("/network/v2.0/ports", body, headers=headers, status=201)
    run_jobs()
    set_server(registry, vm, operstate="ACTIVE")
    res = app.post("/network/v2.0/ports", body, headers=headers, status=400)
    assert_fault(res, "badRequest", 400)


def test_at_most_eight_ports_per_server(net, user, with_subnet, port, server, run_jobs):
    network = with_subnet(user)["id"]
    vm = server(user)  # its first port, on the public network
    for _ in range(7):
        port(user, network, device_id=vm)
        run_jobs()
    res = port(user, network, status=400, device_id=vm)
    assert_fault(res, "badRequest", 400, "Maximum ports per server limit reached")


def test_a_failed_connect_removes_the_port(net, testapp, user, with_subnet, port, server, manage, run_jobs,
                                          pool_network, fip):
    vm = server(user)
    manage("server-modify", str(vm), "--fail", "Cable cut")
    mine = fip(user)
    created = port(user, str(pool_network), device_id=vm, fixed_ips=[{"ip_address": mine["floating_ip_address"]}])
    run_jobs()
    # D15: the port goes, the floating IP is detached, the server is as it was.
    assert_fault(net.get(user, f"/ports/{created['id']}", status=404), "itemNotFound", 404)
    assert net.get(user, f"/floatingips/{mine['id']}").json["floatingip"]["port_id"] is None
    body = server_body(testapp, user, vm)
    assert (body["status"], body["SNF:task_state"], len(body["attachments"])) == ("ACTIVE", "", 1)


def test_a_failed_build_puts_its_ports_in_error(net, user, create_server, manage, run_jobs):
    created = create_server(user)
    manage("server-modify", str(created["id"]), "--fail", "No disk")
    run_jobs()
    [public_port] = net.get(user, "/ports").json["ports"]
    assert (public_port["status"], public_port["device_id"]) == ("ERROR", str(created["id"]))


# --- list, get (L24) ------------------------------------------------------------------


def test_list_and_get(net, user, other_user, with_subnet, port, server, run_jobs):
    assert net.get(user, "/ports").json == {"ports": []}
    network = with_subnet(user)["id"]
    down = port(user, network)
    vm = server(user)
    server(other_user)
    for path in ("/ports", "/ports/detail", "/ports/", "/ports?changes-since=yesterday"):
        listed = net.get(user, path).json["ports"]
        assert [p["id"] for p in listed][0] == down["id"] and len(listed) == 2
        assert {p["device_id"] for p in listed} == {None, str(vm)}
    assert_fault(net.get(user, "/ports/x", status=400), "badRequest", 400, "Invalid port ID 'x'")
    theirs = net.get(other_user, "/ports").json["ports"][0]["id"]
    for port_id in (theirs, "4242", "99999999999999999999", "nic-4242-0", f"nic-{vm}-9"):
        assert_fault(net.get(user, f"/ports/{port_id}", status=404), "itemNotFound", 404,
                     f"Port '{port_id}' not found.")


# --- update (L27) ------------------------------------------------------------------------


def test_rename(net, user, with_subnet, port):
    created = port(user, with_subnet(user)["id"], name="a")
    path = f"/ports/{created['id']}"
    renamed = net.put(user, path, {"port": {"name": "b", "network_id": "whatever"}}).json["port"]
    assert renamed["name"] == "b" and renamed["updated"] >= created["updated"]
    for ignored in ("", None):
        assert net.put(user, path, {"port": {"name": ignored}}).json["port"]["name"] == "b"
    assert net.put(user, path, {"port": {}}).json["port"]["name"] == "b"
    for body, code, message in (({}, 400, "Malformed request. Missing attribute 'port'."),
                                ({"port": {"name": "x" * 129}}, 400, "Port name is too long"),
                                ({"port": {"name": 5}}, 400, "Malformed request"),
                                ({"port": {"security_groups": ["1"]}}, 404, "Not valid security group")):
        res = net.put(user, path, body, status=code)
        assert_fault(res, "badRequest" if code == 400 else "itemNotFound", code, message)
    assert_fault(net.put(user, "/ports/4242", {"port": {"name": "x"}}, status=404), "itemNotFound", 404)


# --- delete (L28, L40) ---------------------------------------------------------------------


def test_delete_a_port_without_a_server(net, user, with_subnet, port):
    created = port(user, with_subnet(user)["id"])
    assert net.delete(user, f"/ports/{created['id']}").body == b""
    assert_fault(net.get(user, f"/ports/{created['id']}", status=404), "itemNotFound", 404)


def test_the_default_public_port_cannot_be_deleted(net, user, server):
    vm = server(user)
    res = net.delete(user, f"/ports/nic-{vm}-0", status=403)
    assert_fault(res, "forbidden", 403, "Cannot disconnect from public network.")


def test_delete_an_attached_port_is_a_disconnect(net, testapp, user, with_subnet, port, server, run_jobs):
    network = with_subnet(user)["id"]
    vm = server(user)
    created = port(user, network, device_id=vm)
    run_jobs()
    net.delete(user, f"/ports/nic-{vm}-1")
    # Unchanged until the backend has unplugged it.
    assert net.get(user, f"/ports/{created['id']}").json["port"]["status"] == "ACTIVE"
    assert server_body(testapp, user, vm)["SNF:task_state"] == "DISCONNECTING"
    res = net.delete(user, f"/ports/{created['id']}", status=400)
    assert_fault(res, "badRequest", 400)
    run_jobs()
    assert_fault(net.get(user, f"/ports/{created['id']}", status=404), "itemNotFound", 404)
    assert [a["network_id"] for a in server_body(testapp, user, vm)["attachments"]] != [network]
    assert len(server_body(testapp, user, vm)["attachments"]) == 1
    assert port(user, network)["fixed_ips"][0]["ip_address"] == "192.168.3.2"


@pytest.mark.parametrize("values, code, name", [
    ({"operstate": "BUILD", "task": "BUILD"}, 409, "buildInProgress"),
    ({"operstate": "ERROR"}, 400, "badRequest"),
])
def test_delete_needs_an_idle_server(net, user, registry, with_subnet, port, server, run_jobs, values, code, name):
    vm = server(user)
    created = port(user, with_subnet(user)["id"], device_id=vm)
    run_jobs()
    set_server(registry, vm, **values)
    assert_fault(net.delete(user, f"/ports/{created['id']}", status=code), name, code)


def test_another_users_port_cannot_be_changed(net, user, other_user, with_subnet, port):
    theirs = port(other_user, with_subnet(other_user)["id"])
    assert_fault(net.delete(user, f"/ports/{theirs['id']}", status=404), "itemNotFound", 404)
    assert_fault(net.put(user, f"/ports/{theirs['id']}", {"port": {"name": "x"}}, status=404), "itemNotFound", 404)


def test_ports_of_a_destroyed_server_go(net, testapp, user, registry, with_subnet, port, server, run_jobs):
    network = with_subnet(user)["id"]
    vm = server(user)
    port(user, network, device_id=vm)
    run_jobs()
    testapp.delete(f"{COMPUTE}/servers/{vm}", headers=user.headers, status=204)
    run_jobs()
    assert net.get(user, "/ports").json == {"ports": []}
    with session_scope(registry) as db:
        assert db.scalars(select(Server.id).where(Server.id == vm)).one() == vm
