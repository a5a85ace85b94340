"""``POST /networks/<id>/action``: connecting (``add``) and disconnecting
(``remove``) servers, which the backend then carries out."""
import json

import pytest
from sqlalchemy import select

from synnefo_pyr.backend.jobs import payload_of
from synnefo_pyr.db import session_scope
from synnefo_pyr.network.models import NIC
from synnefo_pyr.backend.models import BackendJob
from synnefo_pyr.compute.models import Server

from tests.factories import nic_row
from tests.helpers import assert_fault, post_json

BASE = "/compute/v2.0/networks"


def action(testapp, owner, network_id, body, status=202):
    return post_json(testapp, f"{BASE}/{network_id}/action", body, status=status, headers=owner.headers)


def jobs(registry):
    with session_scope(registry) as db:
        return [(j.server_id, j.action, payload_of(j))
                for j in db.scalars(select(BackendJob).order_by(BackendJob.id))]


def nics(registry, server_id):
    with session_scope(registry) as db:
        return [(n.index, n.network_id, n.state, n.ipv4)
                for n in db.scalars(select(NIC).where(NIC.server_id == server_id).order_by(NIC.index))]


def server_task(registry, server_id):
    with session_scope(registry) as db:
        return db.get(Server, server_id).task


def connected(registry, server_id, network_id, ipv4, index=0):
    """A NIC the backend has already plugged."""
    with session_scope(registry) as db:
        nic_row(db, server_id=server_id, network_id=network_id, index=index, ipv4=ipv4,
                user_uuid=db.get(Server, server_id).user_uuid,
                mac=f"aa:00:00:01:{server_id:02x}:{index:02x}")


# --- add --------------------------------------------------------------------
#
# Connect and disconnect: 202, 400, 401, 403 (the public network) and 404
# are tested here, and H5's 409 for a building server and 503 for a network
# with no free address. 503 "service not currently available" has no other
# cause: the backend is reached later, by the worker.


def test_add_creates_a_nic_and_enqueues_connect(testapp, registry, user, data):
    net = data.private_network(user, cidr="10.5.0.0/24", gateway="10.5.0.1")
    server = data.server(user)
    res = action(testapp, user, net, {"add": {"serverRef": server}})
    assert res.body == b""
    [(index, network_id, state, ipv4)] = nics(registry, server)
    assert (index, network_id, state, ipv4) == (0, net, "BUILD", "10.5.0.2")
    with session_scope(registry) as db:
        nic_id = db.scalars(select(NIC.id).where(NIC.server_id == server)).one()
    assert jobs(registry) == [(server, "connect", {"nic_id": nic_id})]
    assert server_task(registry, server) == "CONNECT"
    # Not an attachment until the backend has plugged it (F10).
    got = testapp.get(f"{BASE}/{net}", headers=user.headers).json["network"]
    assert got["attachments"] == []


def test_add_accepts_a_string_server_ref(testapp, registry, user, data):
    net = data.private_network(user)
    server = data.server(user)
    action(testapp, user, net, {"add": {"serverRef": str(server)}})
    assert [n[1] for n in nics(registry, server)] == [net]


def test_add_numbers_nics_after_the_existing_ones(testapp, registry, user, data):
    public = data.public_network()
    net = data.private_network(user)
    server = data.server(user)
    connected(registry, server, public, "10.0.0.2")
    action(testapp, user, net, {"add": {"serverRef": server}})
    assert [(n[0], n[1]) for n in nics(registry, server)] == [(0, public), (1, net)]


def test_adding_to_the_public_network_is_403(testapp, registry, user, data):
    data.public_network()
    server = data.server(user)
    res = action(testapp, user, "public", {"add": {"serverRef": server}}, status=403)
    assert_fault(res, "forbidden", 403)
    assert jobs(registry) == []


def test_adding_another_users_server_is_404(testapp, registry, user, other_user, data):
    net = data.private_network(user)
    theirs = data.server(other_user)
    res = action(testapp, user, net, {"add": {"serverRef": theirs}}, status=404)
    assert_fault(res, "itemNotFound", 404, "Server not found.")
    res = action(testapp, user, net, {"add": {"serverRef": 987654}}, status=404)
    assert_fault(res, "itemNotFound", 404, "Server not found.")
    # Ids no row can have are missing servers too, not database errors.
    for body in ({"add": {"serverRef": 2 ** 31}}, {"remove": {"serverRef": 10 ** 20}},
                 {"remove": {"attachment": f"nic-{10 ** 20}-0"}}):
        assert_fault(action(testapp, user, net, body, status=404), "itemNotFound", 404, "Server not found.")
    assert nics(registry, theirs) == [] and jobs(registry) == []


def test_add_to_a_deleted_network_is_400(testapp, user, data):
    net = data.private_network(user)
    server = data.server(user)
    testapp.delete(f"{BASE}/{net}", headers=user.headers, status=204)
    res = action(testapp, user, net, {"add": {"serverRef": server}}, status=400)
    assert_fault(res, "badRequest", 400, "Network has been deleted.")


def test_add_to_a_building_server_is_409(testapp, registry, user, data):
    net = data.private_network(user)
    server = data.server(user, operstate="BUILD", task="BUILD")
    res = action(testapp, user, net, {"add": {"serverRef": server}}, status=409)
    assert_fault(res, "buildInProgress", 409)
    assert nics(registry, server) == []


@pytest.mark.parametrize("changes, code, name", [
    ({"task": "REBOOT"}, 400, "badRequest"),
    ({"operstate": "ERROR"}, 400, "badRequest"),
    ({"deleted": True, "operstate": "DELETED"}, 400, "badRequest"),
    ({"suspended": True}, 403, "forbidden"),
])
def test_add_refused_by_the_server_state(testapp, registry, user, data, changes, code, name):
    net = data.private_network(user)
    server = data.server(user)
    with session_scope(registry) as db:
        for key, value in changes.items():
            setattr(db.get(Server, server), key, value)
    res = action(testapp, user, net, {"add": {"serverRef": server}}, status=code)
    assert_fault(res, name, code)
    assert nics(registry, server) == [] and jobs(registry) == []


def test_a_full_network_is_409_and_changes_nothing(testapp, registry, user, data):
    """As creating a server on it (F11) and as the network service answers
    (behaviours-network.md): a full network is a conflict, not an outage."""
    net = data.private_network(user, cidr="10.6.0.0/30", gateway="10.6.0.1")
    first, second = data.server(user, name="a"), data.server(user, name="b")
    action(testapp, user, net, {"add": {"serverRef": first}})
    res = action(testapp, user, net, {"add": {"serverRef": second}}, status=409)
    assert_fault(res, "conflict", 409, "No more IP addresses available")
    assert nics(registry, second) == [] and server_task(registry, second) is None
    assert len(jobs(registry)) == 1


@pytest.mark.parametrize("body, message", [
    ({}, "Malformed request"),
    ({"add": {"serverRef": 1}, "remove": {"serverRef": 1}}, "Malformed request"),
    ({"connect": {"serverRef": 1}}, "Action connect not supported"),
    ({"add": 1}, "Invalid argument"),
    ({"add": {}}, "Malformed request"),
    ({"add": {"serverRef": "abc"}}, "Invalid serverRef"),
    ({"add": {"serverRef": True}}, "Invalid serverRef"),
    ({"remove": {}}, "Malformed request"),
    ({"remove": {"attachment": "eth0"}}, "Invalid attachment"),
    ({"remove": {"serverRef": 2, "attachment": "nic-1-0"}}, "Invalid attachment"),
])
def test_malformed_actions_are_400(testapp, user, data, body, message):
    net = data.private_network(user)
    res = action(testapp, user, net, body, status=400)
    assert_fault(res, "badRequest", 400, message)


def test_action_without_token_is_401(testapp, user, data):
    net = data.private_network(user)
    res = post_json(testapp, f"{BASE}/{net}/action", {"add": {"serverRef": 1}}, status=401)
    assert_fault(res, "unauthorized", 401)


def test_action_body_must_be_json(testapp, user, data):
    net = data.private_network(user)
    res = testapp.post(f"{BASE}/{net}/action", json.dumps({"add": {"serverRef": 1}}),
                       headers=dict(user.headers, **{"Content-Type": "text/plain"}), status=400)
    assert_fault(res, "badRequest", 400, "Unsupported Content-type: 'text/plain'")


# --- remove -------------------------------------------------------------------


@pytest.mark.parametrize("form", ["attachment", "serverRef", "both"])
def test_remove_enqueues_disconnect(testapp, registry, user, data, form):
    net = data.private_network(user)
    server = data.server(user)
    connected(registry, server, net, "192.168.1.2", index=3)
    nic = f"nic-{server}-3"
    body = {"attachment": {"attachment": nic}, "serverRef": {"serverRef": server},
            "both": {"serverRef": server, "attachment": nic}}[form]
    res = action(testapp, user, net, {"remove": body})
    assert res.body == b""
    with session_scope(registry) as db:
        nic_id = db.scalars(select(NIC.id).where(NIC.server_id == server)).one()
    assert jobs(registry) == [(server, "disconnect", {"nic_id": nic_id})]
    assert server_task(registry, server) == "DISCONNECT"
    # The NIC stays until the backend has unplugged it.
    assert nics(registry, server) == [(3, net, "ACTIVE", "192.168.1.2")]


def test_removing_from_the_public_network_is_403(testapp, registry, user, data):
    public = data.public_network()
    server = data.server(user)
    connected(registry, server, public, "10.0.0.2")
    res = action(testapp, user, "public", {"remove": {"attachment": f"nic-{server}-0"}}, status=403)
    assert_fault(res, "forbidden", 403)
    assert jobs(registry) == []


def test_removing_a_nic_of_another_network_is_404(testapp, registry, user, data):
    net = data.private_network(user, name="a")
    other = data.private_network(user, name="b", cidr="192.168.2.0/24")
    server = data.server(user)
    connected(registry, server, other, "192.168.2.2")
    for body in ({"attachment": f"nic-{server}-0"}, {"serverRef": server}, {"attachment": f"nic-{server}-7"}):
        res = action(testapp, user, net, {"remove": body}, status=404)
        assert_fault(res, "itemNotFound", 404)
    assert jobs(registry) == []


def test_removing_another_users_nic_is_404(testapp, registry, user, other_user, data):
    net = data.private_network(user)
    theirs = data.server(other_user)
    res = action(testapp, user, net, {"remove": {"attachment": f"nic-{theirs}-0"}}, status=404)
    assert_fault(res, "itemNotFound", 404, "Server not found.")


def test_remove_by_server_with_several_nics_on_the_network_is_400(testapp, registry, user, data):
    net = data.private_network(user)
    server = data.server(user)
    connected(registry, server, net, "192.168.1.2", index=0)
    connected(registry, server, net, "192.168.1.3", index=1)
    res = action(testapp, user, net, {"remove": {"serverRef": server}}, status=400)
    assert_fault(res, "badRequest", 400)
    action(testapp, user, net, {"remove": {"attachment": f"nic-{server}-1"}})


def test_remove_while_an_action_is_pending_is_400(testapp, registry, user, data):
    net = data.private_network(user)
    server = data.server(user)
    action(testapp, user, net, {"add": {"serverRef": server}})
    res = action(testapp, user, net, {"remove": {"attachment": f"nic-{server}-0"}}, status=400)
    assert_fault(res, "badRequest", 400)
    assert [j[1] for j in jobs(registry)] == ["connect"]
