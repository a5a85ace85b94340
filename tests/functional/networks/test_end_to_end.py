"""Networks and servers together, the backend jobs run for real: creating
a server plugs its public NIC, ``add`` / ``remove`` connect and disconnect
it from private networks, deleting it gives its addresses back."""

from synnefo_pyr.orm import utcnow

from tests.helpers import assert_fault, post_json

COMPUTE = "/compute/v2.0"


def get_server(testapp, owner, server_id):
    return testapp.get(f"{COMPUTE}/servers/{server_id}", headers=owner.headers).json["server"]


def get_network(testapp, owner, network_id):
    return testapp.get(f"{COMPUTE}/networks/{network_id}", headers=owner.headers).json["network"]


def network_action(testapp, owner, network_id, body, status=202):
    return post_json(testapp, f"{COMPUTE}/networks/{network_id}/action", body, status=status,
                     headers=owner.headers)


def built_server(testapp, create_server, run_jobs, owner):
    server = create_server(owner)
    run_jobs()
    return server["id"]


def test_a_new_server_is_on_the_public_network(testapp, create_server, run_jobs, user, public_network):
    server = create_server(user)
    assert server["attachments"] == [] and server["addresses"] == {}
    run_jobs()
    server = get_server(testapp, user, server["id"])
    [nic] = server["attachments"]
    # D1: the public network's numeric id; "public" still names it in URLs.
    assert nic["id"] == f"nic-{server['id']}-0" and nic["network_id"] == str(public_network)
    assert nic["ipv4"] == "10.0.0.2" and nic["mac_address"].startswith("aa:00:00:")
    assert server["addresses"] == {
        str(public_network): [{"version": 4, "addr": "10.0.0.2", "OS-EXT-IPS:type": "fixed"}]}
    assert get_network(testapp, user, "public")["attachments"] == [nic["id"]]


def test_servers_cannot_be_created_without_a_public_network(testapp, flavor, image, user):
    res = post_json(testapp, f"{COMPUTE}/servers",
                    {"server": {"name": "vm", "imageRef": image, "flavorRef": flavor}},
                    status=503, headers=user.headers)
    assert_fault(res, "serviceUnavailable", 503)


def test_connect_and_disconnect_a_private_network(testapp, create_server, run_jobs, user, public_network):
    server_id = built_server(testapp, create_server, run_jobs, user)
    net = post_json(testapp, f"{COMPUTE}/networks", {"network": {"name": "lan", "type": "MAC_FILTERED",
                    "cidr": "172.16.0.0/24", "gateway": "172.16.0.1", "cidr6": "2001:db8:9::/64"}},
                    status=202, headers=user.headers).json["network"]["id"]

    network_action(testapp, user, net, {"add": {"serverRef": server_id}})
    assert get_server(testapp, user, server_id)["SNF:task_state"] == "CONNECTING"
    # A second action waits for the first (H5).
    res = network_action(testapp, user, net, {"add": {"serverRef": server_id}}, status=400)
    assert_fault(res, "badRequest", 400)
    run_jobs()
    server = get_server(testapp, user, server_id)
    assert server["SNF:task_state"] == ""
    nic = server["attachments"][1]
    assert (nic["id"], nic["network_id"], nic["ipv4"]) == (f"nic-{server_id}-1", net, "172.16.0.2")
    assert nic["ipv6"].startswith("2001:db8:9:0:")
    assert [a["version"] for a in server["addresses"][net]] == [4, 6]
    assert get_network(testapp, user, net)["attachments"] == [nic["id"]]

    assert_fault(testapp.delete(f"{COMPUTE}/networks/{net}", headers=user.headers, status=421),
                 "networkInUse", 421)

    network_action(testapp, user, net, {"remove": {"serverRef": server_id, "attachment": nic["id"]}})
    assert get_server(testapp, user, server_id)["SNF:task_state"] == "DISCONNECTING"
    run_jobs()
    server = get_server(testapp, user, server_id)
    assert [a["network_id"] for a in server["attachments"]] == [str(public_network)]
    assert get_network(testapp, user, net)["attachments"] == []
    testapp.delete(f"{COMPUTE}/networks/{net}", headers=user.headers, status=204)


def test_remove_with_only_the_attachment(testapp, create_server, run_jobs, user):
    server_id = built_server(testapp, create_server, run_jobs, user)
    net = post_json(testapp, f"{COMPUTE}/networks", {"network": {"name": "lan", "type": "CUSTOM"}},
                    status=202, headers=user.headers).json["network"]["id"]
    network_action(testapp, user, net, {"add": {"serverRef": server_id}})
    run_jobs()
    network_action(testapp, user, net, {"remove": {"attachment": f"nic-{server_id}-1"}})
    run_jobs()
    assert len(get_server(testapp, user, server_id)["attachments"]) == 1


def test_connecting_shows_in_network_changes_since(testapp, create_server, run_jobs, user):
    server_id = built_server(testapp, create_server, run_jobs, user)
    net = post_json(testapp, f"{COMPUTE}/networks", {"network": {"name": "lan", "type": "CUSTOM"}},
                    status=202, headers=user.headers).json["network"]["id"]
    since = utcnow().isoformat()
    testapp.get(f"{COMPUTE}/networks", {"changes-since": since}, headers=user.headers, status=304)
    network_action(testapp, user, net, {"add": {"serverRef": server_id}})
    run_jobs()
    res = testapp.get(f"{COMPUTE}/networks/detail", {"changes-since": since}, headers=user.headers)
    assert net in [n["id"] for n in res.json["networks"]]


def test_a_deleted_server_gives_its_address_back(testapp, create_server, run_jobs, user):
    first = built_server(testapp, create_server, run_jobs, user)
    testapp.delete(f"{COMPUTE}/servers/{first}", headers=user.headers, status=204)
    run_jobs()
    assert get_server(testapp, user, first)["attachments"] == []
    assert get_network(testapp, user, "public")["attachments"] == []
    second = built_server(testapp, create_server, run_jobs, user)
    assert get_server(testapp, user, second)["attachments"][0]["ipv4"] == "10.0.0.2"


def test_firewall_profile_of_the_public_nic(testapp, create_server, run_jobs, user):
    server_id = built_server(testapp, create_server, run_jobs, user)
    post_json(testapp, f"{COMPUTE}/servers/{server_id}/action",
              {"firewallProfile": {"profile": "PROTECTED"}}, status=202, headers=user.headers)
    run_jobs()
    assert get_server(testapp, user, server_id)["attachments"][0]["firewallProfile"] == "PROTECTED"
    res = post_json(testapp, f"{COMPUTE}/servers/{server_id}/action",
                    {"firewallProfile": {"profile": "ENABLED", "nic": f"nic-{server_id}-9"}},
                    status=404, headers=user.headers)
    assert_fault(res, "itemNotFound", 404)
