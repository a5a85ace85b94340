"""``/subnets`` (behaviours-network.md L17-L21), with the reference's own
cases (T-subnets)."""
import pytest

from tests.helpers import assert_fault

KEYS = {"id", "network_id", "name", "user_id", "tenant_id", "public", "ip_version", "cidr",
        "gateway_ip", "enable_dhcp", "dns_nameservers", "host_routes", "allocation_pools", "links"}


@pytest.fixture
def create(net, private):
    """POST /subnets on a new private network of ``user``."""
    def post(user, status=201, network=None, **attrs):
        network_id = network if network is not None else private(user)["id"]
        body = {"subnet": dict({"network_id": network_id, "cidr": "10.0.3.0/24"}, **attrs)}
        res = net.post(user, "/subnets", body, status=status)
        return res.json["subnet"] if status == 201 else res
    return post


def test_create_derives_gateway_and_pools(net, user, create):
    subnet = create(user)
    assert set(subnet) == KEYS
    assert (subnet["ip_version"], subnet["cidr"], subnet["gateway_ip"], subnet["enable_dhcp"],
            subnet["allocation_pools"], subnet["name"], subnet["dns_nameservers"],
            subnet["host_routes"], subnet["public"], subnet["user_id"]) == (
        4, "10.0.3.0/24", "10.0.3.1", True, [{"start": "10.0.3.2", "end": "10.0.3.254"}], "", [], [],
        False, user.uuid)
    href = f"http://cloud.example.org/network/v2.0/subnets/{subnet['id']}"
    assert subnet["links"] == [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}]
    network = net.get(user, f"/networks/{subnet['network_id']}").json["network"]
    assert network["subnets"] == [subnet["id"]]


@pytest.mark.parametrize("gateway, pools", [
    ("10.0.3.150", [("10.0.3.1", "10.0.3.149"), ("10.0.3.151", "10.0.3.254")]),
    ("10.0.3.254", [("10.0.3.1", "10.0.3.253")]),
    ("10.0.3.1", [("10.0.3.2", "10.0.3.254")]),
    (None, [("10.0.3.1", "10.0.3.254")]),
    ("", [("10.0.3.1", "10.0.3.254")]),
])
def test_pools_derived_from_the_gateway(user, create, gateway, pools):
    subnet = create(user, gateway_ip=gateway)
    assert subnet["gateway_ip"] == (gateway or None)
    assert subnet["allocation_pools"] == [{"start": a, "end": b} for a, b in pools]


def test_given_pools_are_sorted_and_echoed(user, create):
    subnet = create(user, allocation_pools=[{"start": "10.0.3.200", "end": "10.0.3.220"},
                                            {"start": "10.0.3.2", "end": "10.0.3.100"}],
                    name="sub", dns_nameservers=["8.8.8.8"], host_routes=["8.8.8.8", "1.1.1.1"],
                    enable_dhcp=False, id="99")
    assert subnet["allocation_pools"] == [{"start": "10.0.3.2", "end": "10.0.3.100"},
                                          {"start": "10.0.3.200", "end": "10.0.3.220"}]
    assert (subnet["name"], subnet["dns_nameservers"], subnet["host_routes"], subnet["enable_dhcp"]) == (
        "sub", ["8.8.8.8"], ["8.8.8.8", "1.1.1.1"], False)
    assert subnet["id"] != "99"


def test_an_empty_pool_list_means_no_pool(net, user, create):
    subnet = create(user, allocation_pools=[])
    assert subnet["allocation_pools"] == []
    res = net.post(user, "/ports", {"port": {"network_id": subnet["network_id"]}}, status=409)
    assert_fault(res, "conflict", 409)


def test_ipv6_subnet(net, user, create):
    subnet = create(user, cidr="fdc1:4992:1130:fc0b::/64", ip_version=6, enable_slaac=False)
    assert (subnet["ip_version"], subnet["gateway_ip"], subnet["allocation_pools"], subnet["enable_slaac"],
            subnet["enable_dhcp"]) == (6, "fdc1:4992:1130:fc0b::1", [], False, False)
    assert set(subnet) == KEYS | {"enable_slaac"}


def test_one_subnet_of_each_version(net, user, private, create):
    network = private(user)["id"]
    v4 = create(user, network=network)
    v6 = create(user, network=network, cidr="2001:db8::/64", ip_version=6)
    res = create(user, network=network, cidr="10.0.4.0/24", status=400)
    assert_fault(res, "badRequest", 400, "Only one subnet of IPv4/IPv6 per network is allowed")
    res = create(user, network=network, cidr="2001:db9::/64", ip_version=6, status=400)
    assert_fault(res, "badRequest", 400, "Only one subnet of IPv4/IPv6 per network is allowed")
    assert net.get(user, f"/networks/{network}").json["network"]["subnets"] == [v4["id"], v6["id"]]


@pytest.mark.parametrize("attrs, code, message", [
    ({"cidr": None}, 400, "Malformed CIDR 'None'"),
    ({"allocation_pools": [{"start": "10.0.3.2"}]}, 400, "Malformed allocation pool."),
    ({"allocation_pools": "10.0.3.2"}, 400, "Malformed allocation pool."),
    ({"allocation_pools": [{"start": "10.0.3.2", "end": "x"}]}, 400,
     "Allocation pools contain invalid IPv4 address"),
    ({"cidr": "10.0.3.0/33"}, 400, "Malformed CIDR '10.0.3.0/33'"),
    ({"enable_dhcp": "None"}, 400, "Malformed request, dhcp must be True or False"),
    ({"cidr": "2001:db8::/64", "ip_version": 6, "enable_slaac": "Random"}, 400,
     "Malformed request, enable_slaac must be True or False"),
    ({"ip_version": 8}, 400, "Malformed IP version type"),
    ({"ip_version": "6"}, 400, "Malformed IP version type"),
    ({"cidr": "192.168.3.0/8"}, 400, "Invalid network IPv4 subnet"),
    ({"cidr": "10.0.3.5/24"}, 400, "Invalid network IPv4 subnet"),
    ({"cidr": "2001:db8::/64"}, 400, "Invalid network IPv4 subnet"),
    ({"cidr": "10.0.0.0/22"}, 413, "Unsupported network size"),
    ({"cidr": "10.0.3.0/30"}, 413, "Unsupported network size"),
    ({"gateway_ip": "192.168.0.1"}, 400, "Invalid network IPv4 gateway"),
    ({"gateway_ip": "2001:db8::1"}, 400, "Invalid network IPv4 gateway"),
    ({"cidr": "10.0.3.0/24", "ip_version": 6}, 400, "Invalid network IPv6 subnet"),
    ({"cidr": "2001:db8::/80", "ip_version": 6}, 400, "Unsupported IPv6 subnet size. Network netmask must be /64"),
    ({"cidr": "2001:db8::/64", "ip_version": 6, "gateway_ip": "2001:db9::1"}, 400, "Invalid network IPv6 gateway"),
    ({"name": "x" * 300}, 400, "Subnet name is too long"),
    ({"name": 5}, 400, "Malformed request"),
    ({"cidr": "2001:db8::/64", "ip_version": 6, "allocation_pools": []}, 409, "Can't allocate an IP Pool in IPv6"),
    ({"gateway_ip": "10.0.3.1", "allocation_pools": [{"start": "10.0.3.0", "end": "10.0.3.255"}]}, 409,
     "IP Pool out of bounds"),
    ({"allocation_pools": [{"start": "10.0.3.10", "end": "10.0.3.5"}]}, 409, "Invalid IP pool range"),
    ({"cidr": "10.0.1.0/24", "allocation_pools": [{"start": "10.0.8.0", "end": "10.0.1.250"}]}, 409,
     "Invalid IP pool range"),
    ({"allocation_pools": [{"start": "10.0.3.1", "end": "10.0.3.5"}]}, 409, "Gateway cannot be in pool range"),
    ({"allocation_pools": [{"start": "10.0.3.2", "end": "10.0.3.50"}, {"start": "10.0.3.40", "end": "10.0.3.60"}]},
     409, "IP Pool range conflict"),
    ({"gateway_ip": "10.0.3.0"}, 409, "Invalid IP pool range"),
    ({"dns_nameservers": "8.8.8.8"}, 400, "Malformed request"),
    ({"host_routes": {"a": 1}}, 400, "Malformed request"),
])
def test_refused_subnets_store_nothing(net, user, create, private, attrs, code, message):
    network = private(user)["id"]
    res = create(user, network=network, status=code, **attrs)
    name = {400: "badRequest", 409: "conflict", 413: "overLimit"}[code]
    fault = assert_fault(res, name, code, message)
    if code == 413:
        assert fault["details"] == "Netmask must be in range: (22, 29]"
    assert net.get(user, "/subnets").json == {"subnets": []}
    assert net.get(user, f"/networks/{network}").json["network"]["subnets"] == []


@pytest.mark.parametrize("body", [{}, {"subnet": None}, {"subnet": {"cidr": "10.0.3.0/24"}},
                                  {"subnet": {"network_id": "1"}}, {"subnets": [{"network_id": "1"}]}])
def test_malformed_bodies(net, user, body):
    assert_fault(net.post(user, "/subnets", body, status=400), "badRequest", 400, "Malformed request")


def test_the_network(net, user, other_user, private, create, pool_network):
    res = create(user, network="420000", status=404)
    assert_fault(res, "itemNotFound", 404, "No network found with that id")
    theirs = private(other_user)["id"]
    assert_fault(create(user, network=theirs, status=404), "itemNotFound", 404)
    # D6: a public network is 403, not the reference's 401.
    assert_fault(create(user, network=str(pool_network), cidr="10.9.0.0/24", status=403), "forbidden", 403)
    assert_fault(create(user, network="abc", status=400), "badRequest", 400, "Invalid network ID 'abc'")
    assert_fault(create(user, network=[1], status=400), "badRequest", 400)
    gone = private(user)["id"]
    net.delete(user, f"/networks/{gone}")
    assert_fault(create(user, network=gone, status=400), "badRequest", 400, "Network has been deleted")
    assert create(user, network=int(private(user)["id"]))["cidr"] == "10.0.3.0/24"


def test_no_subnet_once_a_server_was_attached(net, user, private, create, server):
    network = private(user)["id"]
    create(user, network=network)
    vm = server(user)
    # A port without a server does not count...
    other = private(user)["id"]
    net.post(user, "/ports", {"port": {"network_id": other}})
    create(user, network=other, cidr="10.0.5.0/24")
    # ...a server does, and for good.
    net.post(user, "/ports", {"port": {"network_id": network, "device_id": vm}})
    res = create(user, network=network, cidr="2001:db8::/64", ip_version=6, status=400)
    assert_fault(res, "badRequest", 400,
                 f"Cannot create subnet in network {network}, VMs are already connected to this network")


# --- list and get (L20) -----------------------------------------------------------


def test_list_and_get(net, user, other_user, create, pool_network):
    [public] = net.get(user, "/subnets").json["subnets"]
    assert (public["network_id"], public["public"], public["user_id"]) == (str(pool_network), True, None)
    mine = create(user)
    create(other_user)
    for path in ("/subnets", "/subnets/detail", "/subnets/"):
        assert [s["id"] for s in net.get(user, path).json["subnets"]] == [public["id"], mine["id"]]
    assert net.get(user, f"/subnets/{mine['id']}").json == {"subnet": mine}
    assert net.get(other_user, f"/subnets/{public['id']}").json["subnet"] == public


def test_unknown_another_users_or_malformed_subnet(net, user, other_user, create):
    theirs = create(other_user)
    for subnet_id in (theirs["id"], "4242", "99999999999999999999"):
        res = net.get(user, f"/subnets/{subnet_id}", status=404)
        assert_fault(res, "itemNotFound", 404, f"Subnet '{subnet_id}' not found.")
    assert_fault(net.get(user, "/subnets/a-b", status=400), "badRequest", 400, "Invalid subnet ID 'a-b'")


def test_subnet_changes_since(net, user, create):
    from datetime import timedelta
    from urllib.parse import quote

    from synnefo_pyr.orm import utcnow

    since = quote((utcnow() - timedelta(seconds=1)).isoformat())
    subnet = create(user)
    net.delete(user, f"/networks/{subnet['network_id']}")
    listed = net.get(user, f"/subnets?changes-since={since}").json["subnets"]
    assert [s["id"] for s in listed] == [subnet["id"]]
    net.get(user, f"/subnets?changes-since={quote(utcnow().isoformat())}", status=304)


# --- rename (L21) and delete (L18) -------------------------------------------------


def test_rename(net, user, create):
    subnet = create(user, name="a")
    assert net.put(user, f"/subnets/{subnet['id']}", {"subnet": {"name": "b"}}).json["subnet"]["name"] == "b"
    assert net.put(user, f"/subnets/{subnet['id']}", {"subnet": {"name": None}}).json["subnet"]["name"] == ""
    assert net.get(user, f"/subnets/{subnet['id']}").json["subnet"]["name"] == ""


@pytest.mark.parametrize("body, message", [
    ({}, "Malformed request"),
    ({"subnet": {}}, "Only the name of subnet can be updated"),
    ({"subnet": {"cidr": "10.0.0.0/24"}}, "Only the name of subnet can be updated"),
    ({"subnet": {"name": "x", "enable_dhcp": False}}, "Only the name of subnet can be updated"),
    ({"subnet": {"name": "x" * 129}}, "Subnet name is too long"),
])
def test_bad_renames_are_400(net, user, create, body, message):
    subnet = create(user)
    assert_fault(net.put(user, f"/subnets/{subnet['id']}", body, status=400), "badRequest", 400, message)


def test_rename_of_unknown_theirs_or_public_subnets(net, user, other_user, create):
    theirs = create(other_user)
    for subnet_id in (theirs["id"], "4242", "abc"):
        res = net.put(user, f"/subnets/{subnet_id}", {"subnet": {"name": "x"}}, status=404)
        assert_fault(res, "itemNotFound", 404, "Subnet not found")
    # The body is checked first, even for an id that names nothing.
    res = net.put(user, "/subnets/abc", {"subnet": {"cidr": "x"}}, status=400)
    assert_fault(res, "badRequest", 400, "Only the name of subnet can be updated")


def test_public_subnets_cannot_be_renamed(net, user, pool_network):
    [public] = net.get(user, "/subnets").json["subnets"]
    res = net.put(user, f"/subnets/{public['id']}", {"subnet": {"name": "x"}}, status=403)
    assert_fault(res, "forbidden", 403)


@pytest.mark.parametrize("subnet_id", ["own", "4242", "abc", "public"])
def test_delete_is_always_400(net, user, create, pool_network, subnet_id):
    ids = {"own": create(user)["id"], "public": net.get(user, "/subnets").json["subnets"][0]["id"]}
    res = net.delete(user, f"/subnets/{ids.get(subnet_id, subnet_id)}", status=400)
    assert_fault(res, "badRequest", 400, "Deletion of a subnet is not supported")
