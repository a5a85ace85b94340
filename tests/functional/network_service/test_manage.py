"""``snf-pyr-manage`` for networks: ``network-create`` with the contract's
options (L46), ``network-modify``, ``port-list``, ``floating-ip-list``."""


def test_a_public_floating_ip_pool(manage, net, user):
    created = manage("network-create", "--name", "Internet", "--public", "--floating-ip-pool",
                     "--subnet", "10.0.0.0/16", "--gateway", "10.0.0.1", "--subnet6", "2001:db8::/64",
                     "--gateway6", "2001:db8::1", "--type", "IP_LESS_ROUTED")
    assert (created["public"], created["floating_ip_pool"], created["cidr"], created["cidr6"],
            created["type"], created["status"]) == (True, True, "10.0.0.0/16", "2001:db8::/64",
                                                    "IP_LESS_ROUTED", "ACTIVE")
    assert created["subnets"][0]["allocation_pools"] == ["10.0.0.2,10.0.255.254"]
    seen = net.get(user, f"/networks/{created['id']}").json["network"]
    assert (seen["SNF:floating_ip_pool"], seen["router:external"], len(seen["subnets"])) == (True, True, 2)
    fip = net.post(user, "/floatingips", {"floatingip": {"floating_network_id": created["id"]}}, status=200)
    assert fip.json["floatingip"]["floating_ip_address"] == "10.0.0.2"


def test_allocation_pools_dhcp_drained(manage, net, user):
    created = manage("network-create", "--name", "p", "--public", "--subnet", "10.1.0.0/24",
                     "--allocation-pool", "10.1.0.100,10.1.0.110", "--allocation-pool", "10.1.0.10,10.1.0.20",
                     "--no-dhcp", "--drained")
    assert created["subnets"][0]["allocation_pools"] == ["10.1.0.10,10.1.0.20", "10.1.0.100,10.1.0.110"]
    assert (created["dhcp"], created["drained"], created["status"]) == (False, True, "SNF:DRAINED")
    assert manage("network-create", "--name", "q", "--public", "--dhcp", "--subnet", "10.2.0.0/24")["dhcp"] is True


BAD_RANGES = [
    (["--subnet", "10.0.0.1/24"], "Invalid cidr"),
    (["--subnet", "10.0.0.0/31"], "Invalid cidr"),
    (["--subnet", "10.0.0.0/24", "--gateway", "10.9.9.9"], "Invalid gateway"),
    (["--subnet6", "2001:db8::/96"], "Invalid cidr6"),
    (["--gateway", "10.0.0.1"], "Invalid gateway"),
    (["--subnet", "10.0.0.0/24", "--allocation-pool", "10.0.0.9"], "Invalid allocation pool"),
    (["--subnet", "10.0.0.0/24", "--allocation-pool", "10.0.0.0,10.0.0.9"], "IP Pool out of bounds"),
    (["--subnet", "10.0.0.0/24", "--gateway", "10.0.0.5", "--allocation-pool", "10.0.0.2,10.0.0.9"],
     "Gateway cannot be in pool range"),
]


def test_bad_ranges_are_refused(manage):
    # One test, not one per case: each command builds the application.
    for argv, text in BAD_RANGES:
        err = manage("network-create", "--name", "n", "--public", *argv, expect=1)
        assert err.startswith("Error: ") and text in err, (argv, err)
    assert manage("network-list") == []


def test_a_private_network_cannot_be_a_pool(manage, user):
    err = manage("network-create", "--name", "n", "--owner", user.uuid, "--floating-ip-pool", expect=1)
    assert "floating IP pool" in err


def test_network_modify(manage, net, user):
    created = manage("network-create", "--name", "a", "--public", "--subnet", "10.3.0.0/24")
    modified = manage("network-modify", created["id"], "--name", "b", "--drained", "--floating-ip-pool")
    assert (modified["name"], modified["drained"], modified["floating_ip_pool"]) == ("b", True, True)
    assert net.get(user, f"/networks/{created['id']}").json["network"]["status"] == "SNF:DRAINED"
    modified = manage("network-modify", created["id"], "--no-drained", "--no-floating-ip-pool")
    assert (modified["drained"], modified["floating_ip_pool"], modified["status"]) == (False, False, "ACTIVE")
    assert "not found" in manage("network-modify", "4242", "--drained", expect=1)
    private = manage("network-create", "--name", "p", "--owner", user.uuid)
    assert "floating IP pool" in manage("network-modify", private["id"], "--floating-ip-pool", expect=1)


def test_port_and_floating_ip_lists(manage, net, user, other_user, create_server, fip, pool_network):
    vm = create_server(user)["id"]
    theirs = create_server(other_user)["id"]
    mine = fip(user)
    ports = manage("port-list")
    assert [(p["server_id"], p["owner"], p["attachment"]) for p in ports] == [
        (vm, user.uuid, f"nic-{vm}-0"), (theirs, other_user.uuid, f"nic-{theirs}-0")]
    assert ports[0]["addresses"] == [{"address": "10.0.0.2", "version": 4, "floating": False}]
    assert [p["server_id"] for p in manage("port-list", "--user", other_user.uuid)] == [theirs]
    assert [p["server_id"] for p in manage("port-list", "--server", str(vm))] == [vm]
    assert len(manage("port-list", "--network", str(pool_network))) == 2
    [listed] = manage("floating-ip-list")
    assert (listed["id"], listed["address"], listed["owner"], listed["port_id"]) == (
        int(mine["id"]), mine["floating_ip_address"], user.uuid, None)
    assert manage("floating-ip-list", "--user", other_user.uuid) == []
    assert len(manage("floating-ip-list", "--network", str(pool_network))) == 1
