"""Server actions (H1-H10)."""
import pytest

from synnefo_pyr.db import session_scope
from synnefo_pyr.compute.models import Server

from tests.helpers import assert_fault, post_json
from tests.functional.compute.conftest import COMPUTE, make_flavor


def action(testapp, user, server_id, body, status="*"):
    return post_json(testapp, f"{COMPUTE}/servers/{server_id}/action", body, headers=user.headers,
                     status=status)


def details(testapp, user, server_id):
    return testapp.get(f"{COMPUTE}/servers/{server_id}", headers=user.headers).json["server"]


@pytest.fixture
def active(create_server, user, run_jobs):
    server = create_server(user)
    run_jobs()
    return server["id"]


@pytest.fixture
def stopped(active, testapp, user, run_jobs):
    action(testapp, user, active, {"shutdown": {}}, status=202)
    run_jobs()
    return active


def test_shutdown_then_start(active, testapp, user, run_jobs):
    res = action(testapp, user, active, {"shutdown": {}}, status=202)
    assert res.body == b""
    assert details(testapp, user, active)["SNF:task_state"] == "STOPPING"
    run_jobs()
    assert details(testapp, user, active)["status"] == "STOPPED"
    action(testapp, user, active, {"start": {}}, status=202)
    assert details(testapp, user, active)["SNF:task_state"] == "STARTING"
    run_jobs()
    server = details(testapp, user, active)
    assert (server["status"], server["SNF:task_state"]) == ("ACTIVE", "")


def test_openstack_stop_and_start_aliases(active, testapp, user, run_jobs):
    action(testapp, user, active, {"os-stop": None}, status=202)
    run_jobs()
    assert details(testapp, user, active)["status"] == "STOPPED"
    action(testapp, user, active, {"os-start": None}, status=202)
    run_jobs()
    assert details(testapp, user, active)["status"] == "ACTIVE"


@pytest.mark.parametrize("kind", ["SOFT", "HARD", "soft", None])
def test_reboot_goes_through_reboot(active, testapp, user, run_jobs, kind):
    action(testapp, user, active, {"reboot": {"type": kind} if kind else {}}, status=202)
    server = details(testapp, user, active)
    assert (server["status"], server["SNF:task_state"]) == ("REBOOT", "REBOOTING")
    run_jobs()
    assert details(testapp, user, active)["status"] == "ACTIVE"


def test_reboot_with_an_unknown_type_is_400(active, testapp, user):
    assert_fault(action(testapp, user, active, {"reboot": {"type": "GENTLE"}}, status=400), "badRequest", 400)


def test_state_guards(active, stopped, testapp, user):
    res = action(testapp, user, stopped, {"shutdown": {}}, status=400)
    assert_fault(res, "badRequest", 400, "Cannot perform 'shutdown' action while server is in 'STOPPED' state.")
    action(testapp, user, stopped, {"start": {}}, status=202)
    res = action(testapp, user, stopped, {"shutdown": {}}, status=400)
    assert "pending" in assert_fault(res, "badRequest", 400)["message"]


def test_start_on_an_active_server_is_400(active, testapp, user):
    res = action(testapp, user, active, {"start": {}}, status=400)
    assert_fault(res, "badRequest", 400, "Cannot perform 'start' action while server is in 'ACTIVE' state.")


def test_any_action_while_building_is_409(create_server, testapp, user):
    server = create_server(user)
    for body in ({"start": {}}, {"shutdown": {}}, {"reboot": {}}, {"resize": {"flavorRef": 1}},
                 {"firewallProfile": {"profile": "ENABLED"}}):
        assert_fault(action(testapp, user, server["id"], body, status=409), "buildInProgress", 409)


def test_console_while_building_is_400_not_409(create_server, testapp, user):
    server = create_server(user)
    res = action(testapp, user, server["id"], {"console": {"type": "vnc"}}, status=400)
    assert_fault(res, "badRequest", 400)


def _set(registry, server_id, **values):
    with session_scope(registry) as db:
        server = db.get(Server, server_id)
        for key, value in values.items():
            setattr(server, key, value)


def test_any_action_on_a_server_in_error_is_400(active, testapp, user, registry):
    _set(registry, active, operstate="ERROR")
    for body in ({"start": {}}, {"shutdown": {}}, {"reboot": {}}):
        assert_fault(action(testapp, user, active, body, status=400), "badRequest", 400)


def test_actions_on_deleted_suspended_or_others_servers(active, testapp, user, other_user, registry, run_jobs):
    assert_fault(action(testapp, other_user, active, {"shutdown": {}}, status=404), "itemNotFound", 404)
    _set(registry, active, suspended=True)
    for body in ({"shutdown": {}}, {"console": {"type": "vnc"}}, {"firewallProfile": {"profile": "ENABLED"}}):
        assert_fault(action(testapp, user, active, body, status=403), "forbidden", 403)
    _set(registry, active, suspended=False)
    testapp.delete(f"{COMPUTE}/servers/{active}", headers=user.headers, status=204)
    run_jobs()
    for body in ({"shutdown": {}}, {"console": {"type": "vnc"}}, {"firewallProfile": {"profile": "ENABLED"}}):
        res = action(testapp, user, active, body, status=400)
        assert_fault(res, "badRequest", 400, "Server has been deleted.")


@pytest.mark.parametrize("body,message", [
    ({}, "Malformed request"),
    ({"start": {}, "shutdown": {}}, "Malformed request"),
    ({"start": ""}, "Invalid argument"),
    ({"shutdown": []}, "Invalid argument"),
])
def test_malformed_action_bodies(active, testapp, user, body, message):
    assert_fault(action(testapp, user, active, body, status=400), "badRequest", 400, message)


def test_non_json_action_body_is_400(active, testapp, user):
    res = action(testapp, user, active, "{start", status=400)
    assert_fault(res, "badRequest", 400, "Invalid JSON data")


@pytest.mark.parametrize("name", ["changePassword", "rebuild", "confirmResize", "revertResize",
                                  "createImage", "explode"])
def test_openstack_only_and_unknown_actions_are_not_supported(active, testapp, user, name):
    res = action(testapp, user, active, {name: {}}, status=400)
    assert_fault(res, "badRequest", 400, f"Action {name} not supported")


def test_console(active, testapp, user):
    res = action(testapp, user, active, {"console": {"type": "vnc"}}, status=200)
    console = res.json["console"]
    assert set(console) == {"type", "host", "port", "password"} and console["type"] == "vnc"
    again = action(testapp, user, active, {"console": {"type": "vnc"}}, status=200).json["console"]
    assert again["password"] != console["password"]


@pytest.mark.parametrize("argument", [{}, {"type": "spice"}])
def test_console_needs_type_vnc(active, testapp, user, argument):
    assert_fault(action(testapp, user, active, {"console": argument}, status=400), "badRequest", 400)


def test_console_of_a_stopped_server_is_400(stopped, testapp, user):
    assert_fault(action(testapp, user, stopped, {"console": {"type": "vnc"}}, status=400), "badRequest", 400)


def test_firewall_profile(active, testapp, user):
    res = action(testapp, user, active, {"firewallProfile": {"profile": "ENABLED"}}, status=202)
    assert res.body == b""
    assert details(testapp, user, active)["attachments"][0]["firewallProfile"] == "ENABLED"
    nic = f"nic-{active}-0"
    action(testapp, user, active, {"firewallProfile": {"profile": "PROTECTED", "nic": nic}}, status=202)
    assert details(testapp, user, active)["attachments"][0]["firewallProfile"] == "PROTECTED"


def test_firewall_profile_without_a_public_nic_is_404(create_server, testapp, user, registry, run_jobs):
    from tests.factories import make_network

    network_id = make_network(registry, owner=user.uuid, name="mine", type="MAC_FILTERED",
                              cidr="192.168.0.0/24")
    server = create_server(user, networks=[{"uuid": str(network_id)}])
    run_jobs()
    res = action(testapp, user, server["id"], {"firewallProfile": {"profile": "ENABLED"}}, status=404)
    assert_fault(res, "itemNotFound", 404)


def test_firewall_profile_errors(active, testapp, user):
    assert_fault(action(testapp, user, active, {"firewallProfile": {}}, status=400), "badRequest", 400)
    res = action(testapp, user, active, {"firewallProfile": {"profile": "OPEN"}}, status=400)
    assert_fault(res, "badRequest", 400)
    res = action(testapp, user, active, {"firewallProfile": {"profile": "ENABLED", "nic": "nic-999-0"}},
                 status=404)
    assert_fault(res, "itemNotFound", 404)


# --- resize (H9) ---------------------------------------------------------


def test_resize_a_stopped_server(stopped, testapp, user, other_flavor, run_jobs):
    action(testapp, user, stopped, {"resize": {"flavorRef": other_flavor}}, status=202)
    server = details(testapp, user, stopped)
    assert (server["status"], server["SNF:task_state"]) == ("RESIZE", "RESIZING")
    res = action(testapp, user, stopped, {"start": {}}, status=400)
    assert_fault(res, "badRequest", 400)
    run_jobs()
    server = details(testapp, user, stopped)
    assert (server["status"], server["flavor"]["id"]) == ("STOPPED", other_flavor)


def test_resize_errors(stopped, active, testapp, user, flavor, registry):
    def resize(flavor_ref, status):
        body = {"resize": {} if flavor_ref is None else {"flavorRef": flavor_ref}}
        return action(testapp, user, stopped, body, status=status)

    assert_fault(resize(None, 400), "badRequest", 400)
    assert_fault(resize(flavor, 400), "badRequest", 400)
    assert_fault(resize(make_flavor(registry, cpu=2, ram=2048, disk=40), 400), "badRequest", 400)
    assert_fault(resize(make_flavor(registry, cpu=2, ram=2048, disk=20, disk_template="plain"), 400),
                 "badRequest", 400)
    assert_fault(resize(9999, 404), "itemNotFound", 404)


def test_resize_of_an_active_server_is_400(create_server, testapp, user, other_flavor, run_jobs):
    server = create_server(user)
    run_jobs()
    res = action(testapp, user, server["id"], {"resize": {"flavorRef": other_flavor}}, status=400)
    assert_fault(res, "badRequest", 400, "Cannot perform 'resize' action while server is in 'ACTIVE' state.")
