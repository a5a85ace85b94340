"""The networks API as the compute guide documents it: list, detail,
create, get, rename, delete, with the default public network (also
named ``public`` in this view; its id is numeric like every network's, D1)."""
import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest

from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.db import session_scope
from synnefo_pyr.compute.models import Server
from synnefo_pyr.network.models import Network
from synnefo_pyr.orm import utcnow

from tests.factories import nic_row
from tests.helpers import assert_fault, post_json

BASE = "/compute/v2.0/networks"
COMPUTE_NS = "{http://docs.openstack.org/compute/api/v1.1}"


def create(testapp, owner, status=202, **attrs):
    body = {"network": dict({"name": "net", "type": "MAC_FILTERED"}, **attrs)}
    return post_json(testapp, BASE, body, status=status, headers=owner.headers)


def add_nic(registry, server_id, network_id, index=0, ipv4=None, state="ACTIVE"):
    with session_scope(registry) as db:
        nic_row(db, server_id=server_id, network_id=network_id, index=index, ipv4=ipv4, state=state,
                user_uuid=db.get(Server, server_id).user_uuid,
                mac=f"aa:00:00:00:{server_id:02x}:{index:02x}")


# --- list -------------------------------------------------------------------


# List: 200 (the guide's "204 (OK)" is a typo: the answer has a body), 304
# and 401 are tested below. Its 400 "Malformed network id", 404 and 409 do
# not apply to a list of the caller's own networks, and 503 has no cause
# here: the list is read from the database alone.


def test_new_user_without_public_network_lists_nothing(testapp, user):
    assert testapp.get(BASE, headers=user.headers).json == {"networks": []}
    assert testapp.get(BASE + "/detail", headers=user.headers).json == {"networks": []}


def test_list_shows_public_and_own_networks_only(testapp, user, other_user, data):
    public = data.public_network()
    own = data.private_network(user, name="mine")
    data.private_network(other_user, name="theirs")
    for url in (BASE, BASE + "/", BASE + ".json"):
        body = testapp.get(url, headers=user.headers).json
        assert [(n["id"], n["name"]) for n in body["networks"]] == [(str(public), "public"), (str(own), "mine")]
    entry = body["networks"][1]
    href = f"http://cloud.example.org/compute/v2.0/networks/{own}"
    assert entry == {"id": str(own), "name": "mine", "links": [
        {"href": href, "rel": "self"}, {"href": href, "rel": "bookmark"}]}


def test_list_without_token_is_401(testapp):
    assert_fault(testapp.get(BASE, status=401), "unauthorized", 401)
    assert_fault(testapp.get(BASE + "/detail", status=401), "unauthorized", 401)


def test_detail_lists_full_attributes_and_own_active_attachments(testapp, registry, user, other_user, data):
    public = data.public_network()
    own = data.private_network(user, cidr="10.1.0.0/24", gateway="10.1.0.1", cidr6="2001:db8::/64")
    mine = data.server(user)
    theirs = data.server(other_user)
    add_nic(registry, mine, public, 0, "10.0.0.2")
    add_nic(registry, mine, own, 1, "10.1.0.2")
    add_nic(registry, mine, own, 2, "10.1.0.3", state="BUILD")
    add_nic(registry, theirs, public, 0, "10.0.0.3")
    networks = testapp.get(BASE + "/detail", headers=user.headers).json["networks"]
    assert [n["attachments"] for n in networks] == [[f"nic-{mine}-0"], [f"nic-{mine}-1"]]
    detail = networks[1]
    assert set(detail) == {"id", "name", "links", "type", "status", "public", "dhcp", "cidr",
                           "cidr6", "gateway", "gateway6", "created", "updated", "attachments"}
    assert detail["id"] == str(own) and detail["public"] is False and detail["status"] == "ACTIVE"
    assert (detail["cidr"], detail["gateway"], detail["cidr6"], detail["gateway6"]) == (
        "10.1.0.0/24", "10.1.0.1", "2001:db8::/64", None)
    assert detail["created"].endswith("+00:00") and detail["updated"].endswith("+00:00")
    assert networks[0]["id"] == str(public) and networks[0]["public"] is True


def test_list_in_xml(testapp, user, data):
    public = data.public_network()
    own = data.private_network(user, name="mine")
    for url in (BASE + ".xml", BASE + "/detail?format=xml"):
        res = testapp.get(url, headers=user.headers)
        assert res.content_type == "application/xml"
        root = ElementTree.fromstring(res.body)
        assert root.tag == COMPUTE_NS + "networks"
        items = root.findall(COMPUTE_NS + "network")
        assert [(n.get("id"), n.get("name")) for n in items] == [(str(public), "public"), (str(own), "mine")]
    assert items[1].get("cidr") == "192.168.1.0/24"
    assert items[1].find(COMPUTE_NS + "attachments") is not None


def test_detail_in_xml_lists_the_attachments(testapp, registry, user, data):
    own = data.private_network(user)
    server = data.server(user)
    add_nic(registry, server, own, 1, "192.168.1.2")
    for url in (f"{BASE}/detail.xml", f"{BASE}/{own}.xml"):
        root = ElementTree.fromstring(testapp.get(url, headers=user.headers).body)
        net = root if root.tag == COMPUTE_NS + "network" else root.find(COMPUTE_NS + "network")
        assert [nic.text for nic in net.find(COMPUTE_NS + "attachments")] == [f"nic-{server}-1"]
        assert (net.get("id"), net.get("public"), net.get("status")) == (str(own), "false", "ACTIVE")


def test_deleted_networks_are_not_listed(testapp, user, data):
    own = data.private_network(user)
    testapp.delete(f"{BASE}/{own}", headers=user.headers, status=204)
    assert testapp.get(BASE, headers=user.headers).json == {"networks": []}
    assert testapp.get(BASE + "/detail", headers=user.headers).json == {"networks": []}


# --- changes-since (A14) ---------------------------------------------------------


def test_changes_since_lists_changed_networks_including_deleted(testapp, user, data):
    since = (utcnow() - timedelta(seconds=1)).isoformat()
    kept = data.private_network(user, name="kept")
    gone = data.private_network(user, name="gone")
    testapp.delete(f"{BASE}/{gone}", headers=user.headers, status=204)
    res = testapp.get(BASE + "/detail", {"changes-since": since}, headers=user.headers)
    assert [(n["id"], n["status"]) for n in res.json["networks"]] == [
        (str(kept), "ACTIVE"), (str(gone), "DELETED")]
    res = testapp.get(BASE, {"changes-since": since}, headers=user.headers)
    assert [n["id"] for n in res.json["networks"]] == [str(kept), str(gone)]


def test_changes_since_with_nothing_changed_is_304(testapp, user, data):
    data.private_network(user)
    since = utcnow().isoformat()
    res = testapp.get(BASE, {"changes-since": since}, headers=user.headers, status=304)
    assert res.body == b""
    testapp.get(BASE + "/detail", {"changes-since": since}, headers=user.headers, status=304)


@pytest.mark.parametrize("value, message", [
    ("yesterday", "Invalid changes-since parameter."),
    ("2026-01-01T00:00:00", "Invalid changes-since parameter."),
    ((utcnow() + timedelta(days=1)).isoformat(), "changes-since value set in the future."),
    ("2001-01-01T00:00:00+00:00", "Too old changes-since value."),
])
def test_bad_changes_since_is_400(testapp, user, value, message):
    res = testapp.get(BASE, {"changes-since": value}, headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, message)


# --- create -------------------------------------------------------------------


# Create: 202, 400, 401, 403, 413 and 415 are tested below. 404 "Network
# not found" has nothing to name on POST /networks, and 503 "Failed to
# allocate network resources" has no cause: a network is only a row (no
# backend step), ACTIVE at once (README, Networks).


def test_create_answers_202_with_the_network(testapp, user):
    res = create(testapp, user, name="private_net")
    net = res.json["network"]
    assert net["name"] == "private_net" and net["type"] == "MAC_FILTERED"
    assert (net["dhcp"], net["cidr"], net["cidr6"], net["gateway"], net["gateway6"]) == (
        True, "192.168.1.0/24", None, None, None)
    assert net["public"] is False and net["status"] == "ACTIVE" and net["attachments"] == []
    assert isinstance(net["id"], str)
    got = testapp.get(f"{BASE}/{net['id']}", headers=user.headers).json["network"]
    assert got == net


def test_create_with_every_attribute(testapp, user):
    net = create(testapp, user, type="CUSTOM", dhcp=False, cidr="10.20.0.0/16", gateway="10.20.0.1",
                 cidr6="2001:db8:5::/64", gateway6="2001:db8:5::1", public=False).json["network"]
    assert (net["type"], net["dhcp"], net["cidr"], net["gateway"], net["cidr6"], net["gateway6"]) == (
        "CUSTOM", False, "10.20.0.0/16", "10.20.0.1", "2001:db8:5::/64", "2001:db8:5::1")


@pytest.mark.parametrize("net_type", ["CUSTOM", "IP_LESS_ROUTED", "MAC_FILTERED", "PHYSICAL_VLAN"])
def test_every_guide_type_is_accepted(testapp, user, net_type):
    assert create(testapp, user, type=net_type).json["network"]["type"] == net_type


def test_create_in_xml(testapp, user):
    res = post_json(testapp, BASE + ".xml", {"network": {"name": "x", "type": "CUSTOM"}},
                    status=202, headers=user.headers)
    root = ElementTree.fromstring(res.body)
    assert root.tag == COMPUTE_NS + "network" and root.get("name") == "x"


def test_public_network_cannot_be_created(testapp, user):
    assert_fault(create(testapp, user, public=True, status=403), "forbidden", 403)


def test_bad_network_type_is_415(testapp, user):
    assert_fault(create(testapp, user, type="BRIDGED", status=415), "badMediaType", 415)


@pytest.mark.parametrize("body", [
    {}, {"network": "x"}, {"network": {"name": "x"}}, {"network": {"type": "CUSTOM"}},
    {"network": {"name": 5, "type": "CUSTOM"}},
    {"network": {"name": "x", "type": "CUSTOM", "dhcp": "yes"}},
    {"network": {"name": "x", "type": "CUSTOM", "public": "no"}},
    {"network": {"name": "x" * 129, "type": "CUSTOM"}},
])
def test_malformed_create_is_400(testapp, user, body):
    res = post_json(testapp, BASE, body, status=400, headers=user.headers)
    assert_fault(res, "badRequest", 400)


@pytest.mark.parametrize("attrs", [
    {"cidr": "192.168.1.5/24"},            # host bits set
    {"cidr": "not a network"},
    {"cidr": 42},
    {"cidr": "2001:db8::/64"},             # not IPv4
    {"cidr": "10.0.0.0/8"},                # too large
    {"cidr": "10.0.0.0/31"},               # no room for a NIC
    {"gateway": "10.0.0.1"},               # outside the default 192.168.1.0/24
    {"gateway": "192.168.1.0"},            # the network address
    {"gateway": "192.168.1.255"},          # the broadcast address
    {"gateway": "192.168.1"},
    {"cidr6": "10.0.0.0/24"},              # not IPv6
    {"cidr6": "2001:db8::/80"},            # too small for EUI-64 addresses
    {"cidr6": "2001:db8::1/64"},           # host bits set
    {"gateway6": "2001:db8::1"},           # without cidr6
    {"cidr6": "2001:db8::/64", "gateway6": "2001:db9::1"},
    {"cidr6": "2001:db8::/64", "gateway6": "10.0.0.1"},
])
def test_invalid_subnets_are_400(testapp, user, attrs):
    res = create(testapp, user, status=400, **attrs)
    assert_fault(res, "badRequest", 400)
    assert testapp.get(BASE, headers=user.headers).json == {"networks": []}


def test_create_needs_a_json_body(testapp, user):
    res = testapp.post(BASE, "name=x", headers=dict(user.headers, **{"Content-Type": "text/plain"}),
                       status=400)
    assert_fault(res, "badRequest", 400, "Unsupported Content-type: 'text/plain'")
    res = post_json(testapp, BASE, "{not json", status=400, headers=user.headers)
    assert_fault(res, "badRequest", 400, "Invalid JSON data")


def test_create_without_token_is_401(testapp):
    res = post_json(testapp, BASE, {"network": {"name": "x", "type": "CUSTOM"}}, status=401)
    assert_fault(res, "unauthorized", 401)


def test_private_networks_are_charged_to_the_quota(testapp, registry, user):
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.network.private", 1)
    first = create(testapp, user).json["network"]["id"]
    res = create(testapp, user, status=413)
    fault = assert_fault(res, "overLimit", 413)
    assert "Private Network" in fault["details"]
    assert [n["id"] for n in testapp.get(BASE, headers=user.headers).json["networks"]] == [first]
    # Deleting gives the network back.
    testapp.delete(f"{BASE}/{first}", headers=user.headers, status=204)
    create(testapp, user)
    with session_scope(registry) as db:
        assert quotas.usage(db, user.uuid)["cyclades.network.private"]["usage"] == 1


# --- get ----------------------------------------------------------------------


def test_get_public_network(testapp, user, data):
    public = data.public_network(cidr="10.9.0.0/24", gateway="10.9.0.1")
    # "public" names the default public network; its numeric id works too (D1).
    for segment in ("public", str(public)):
        net = testapp.get(f"{BASE}/{segment}", headers=user.headers).json["network"]
        assert (net["id"], net["public"], net["cidr"], net["gateway"]) == (
            str(public), True, "10.9.0.0/24", "10.9.0.1")


def test_get_public_network_when_there_is_none_is_404(testapp, user):
    assert_fault(testapp.get(BASE + "/public", headers=user.headers, status=404), "itemNotFound", 404)


def test_get_in_xml(testapp, user, data):
    own = data.private_network(user, name="mine")
    res = testapp.get(f"{BASE}/{own}", headers=dict(user.headers, Accept="application/xml"))
    root = ElementTree.fromstring(res.body)
    assert (root.tag, root.get("id"), root.get("name")) == (COMPUTE_NS + "network", str(own), "mine")


def test_another_users_network_is_404(testapp, user, other_user, data):
    theirs = data.private_network(other_user)
    res = testapp.get(f"{BASE}/{theirs}", headers=user.headers, status=404)
    assert_fault(res, "itemNotFound", 404, "Network not found")
    res = testapp.put(f"{BASE}/{theirs}", json.dumps({"network": {"name": "x"}}), status=404,
                      headers=dict(user.headers, **{"Content-Type": "application/json"}))
    assert_fault(res, "itemNotFound", 404)
    assert_fault(testapp.delete(f"{BASE}/{theirs}", headers=user.headers, status=404), "itemNotFound", 404)
    res = post_json(testapp, f"{BASE}/{theirs}/action", {"add": {"serverRef": 1}}, status=404,
                    headers=user.headers)
    assert_fault(res, "itemNotFound", 404)


def test_unknown_network_is_404_and_malformed_id_400(testapp, user):
    assert_fault(testapp.get(BASE + "/4242", headers=user.headers, status=404), "itemNotFound", 404)
    # Beyond any row id: still a missing network, not a database error.
    res = testapp.get(BASE + "/99999999999999999999", headers=user.headers, status=404)
    assert_fault(res, "itemNotFound", 404, "Network not found")
    res = post_json(testapp, BASE + "/2147483648/action", {"add": {"serverRef": 1}}, status=404,
                    headers=user.headers)
    assert_fault(res, "itemNotFound", 404, "Network not found")
    res = testapp.get(BASE + "/abc", headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, "API endpoint not found")


def test_get_without_token_is_401(testapp, user, data):
    own = data.private_network(user)
    assert_fault(testapp.get(f"{BASE}/{own}", status=401), "unauthorized", 401)


def test_deleted_network_is_still_readable(testapp, user, data):
    own = data.private_network(user)
    testapp.delete(f"{BASE}/{own}", headers=user.headers, status=204)
    net = testapp.get(f"{BASE}/{own}", headers=user.headers).json["network"]
    assert net["status"] == "DELETED"


# --- rename -------------------------------------------------------------------


def put_json(testapp, url, body, owner, status):
    return testapp.put(url, json.dumps(body), status=status,
                       headers=dict(owner.headers, **{"Content-Type": "application/json"}))


# Rename: 204, 400, 401, 403 (the public network) and 404 are tested here.
# 413 and 415 cannot happen: a rename changes no quota and no type (the
# body's other keys are ignored); 503 has no cause (a row update only).


def test_rename(testapp, user, data):
    own = data.private_network(user, name="old")
    res = put_json(testapp, f"{BASE}/{own}", {"network": {"name": "new"}}, user, 204)
    assert res.body == b""
    assert testapp.get(f"{BASE}/{own}", headers=user.headers).json["network"]["name"] == "new"


def test_a_rename_shows_in_changes_since(testapp, user, data):
    own = data.private_network(user, name="old")
    since = utcnow().isoformat()
    testapp.get(BASE, {"changes-since": since}, headers=user.headers, status=304)
    put_json(testapp, f"{BASE}/{own}", {"network": {"name": "new"}}, user, 204)
    res = testapp.get(BASE, {"changes-since": since}, headers=user.headers)
    assert [(n["id"], n["name"]) for n in res.json["networks"]] == [(str(own), "new")]


def test_public_network_cannot_be_renamed(testapp, user, data):
    data.public_network()
    res = put_json(testapp, BASE + "/public", {"network": {"name": "mine"}}, user, 403)
    assert_fault(res, "forbidden", 403)
    assert testapp.get(BASE + "/public", headers=user.headers).json["network"]["name"] == "public"


@pytest.mark.parametrize("body", [{}, {"network": {}}, {"network": "x"}, {"network": {"name": None}},
                                  {"network": {"name": "x" * 129}}])
def test_malformed_rename_is_400(testapp, user, data, body):
    own = data.private_network(user)
    assert_fault(put_json(testapp, f"{BASE}/{own}", body, user, 400), "badRequest", 400)


def test_renaming_a_deleted_network_is_400(testapp, user, data):
    own = data.private_network(user)
    testapp.delete(f"{BASE}/{own}", headers=user.headers, status=204)
    res = put_json(testapp, f"{BASE}/{own}", {"network": {"name": "x"}}, user, 400)
    assert_fault(res, "badRequest", 400, "Network has been deleted.")


# --- delete -------------------------------------------------------------------


# Delete: 204, 400, 401, 403 (the public network), 404 and 421 are tested
# here; 503 has no cause (a row update only).


def test_delete(testapp, registry, user, data):
    own = data.private_network(user)
    res = testapp.delete(f"{BASE}/{own}", headers=user.headers, status=204)
    assert res.body == b""
    with session_scope(registry) as db:
        assert db.get(Network, own).deleted is True


def test_public_network_cannot_be_deleted(testapp, user, data):
    data.public_network()
    assert_fault(testapp.delete(BASE + "/public", headers=user.headers, status=403), "forbidden", 403)


def test_deleting_twice_is_400(testapp, user, data):
    own = data.private_network(user)
    testapp.delete(f"{BASE}/{own}", headers=user.headers, status=204)
    res = testapp.delete(f"{BASE}/{own}", headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, "Network has been deleted.")


@pytest.mark.parametrize("state", ["ACTIVE", "BUILD"])
def test_network_in_use_is_421(testapp, registry, user, data, state):
    own = data.private_network(user)
    add_nic(registry, data.server(user), own, 1, "192.168.1.2", state=state)
    res = testapp.delete(f"{BASE}/{own}", headers=user.headers, status=421)
    assert_fault(res, "networkInUse", 421)
    assert testapp.get(f"{BASE}/{own}", headers=user.headers).json["network"]["status"] == "ACTIVE"


# --- methods and URLs ---------------------------------------------------------


@pytest.mark.parametrize("method, url, allow", [
    ("PUT", "", "GET,POST"),
    ("DELETE", "", "GET,POST"),
    ("POST", "/detail", "GET"),
    ("DELETE", "/detail", "GET"),
    ("POST", "/{id}", "GET,PUT,DELETE"),
    ("HEAD", "/{id}", "GET,PUT,DELETE"),
    ("GET", "/{id}/action", "POST"),
    ("PUT", "/public/action", "POST"),
])
def test_wrong_method_is_405(testapp, user, data, method, url, allow):
    data.public_network()
    own = data.private_network(user)
    res = testapp.request(BASE + url.format(id=own), method=method, headers=user.headers,
                          expect_errors=True)
    assert res.status_int == 405
    assert sorted(res.headers["Allow"].split(",")) == sorted(allow.split(","))
    if method != "HEAD":
        assert_fault(res, "notAllowed", 405, "Method not allowed")
