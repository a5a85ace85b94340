"""GET /resources, /quotas and /service_quotas (quota guide; behaviours.md C8-C10)."""
import pytest

from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.quotas import registry as quota_registry
from synnefo_pyr.settings import SettingsError
from synnefo_pyr.db import session_scope

from tests.helpers import assert_fault

ROOT = "/account/v1.0"
GiB = 1024 ** 3
BUILTIN = {"cyclades.vm", "cyclades.cpu", "cyclades.total_cpu", "cyclades.ram",
           "cyclades.total_ram", "cyclades.disk", "cyclades.network.private", "cyclades.floating_ip"}


def add_resource(registry, name, service, limit, api_visible=True):
    with session_scope(registry) as db:
        quota_registry.add_resource(db, name, service, limit, description=name, api_visible=api_visible)


def test_resources_need_no_token(testapp):
    res = testapp.get(ROOT + "/resources", status=200)
    assert res.content_type == "application/json"
    assert BUILTIN <= set(res.json)
    assert res.json["cyclades.vm"] == {
        "service": "cyclades_compute", "description": "Number of virtual machines", "unit": None,
        "allow_in_projects": True, "ui_visible": True, "api_visible": True,
    }
    assert res.json["cyclades.ram"]["unit"] == "bytes"
    assert res.json["cyclades.disk"]["unit"] == "bytes"


def test_resources_lists_only_api_visible(testapp, registry):
    add_resource(registry, "archive.hidden", "archive_store", 1, api_visible=False)
    add_resource(registry, "archive.diskspace", "archive_store", 1)
    listed = testapp.get(ROOT + "/resources", status=200).json
    assert "archive.diskspace" in listed and "archive.hidden" not in listed


def test_quotas_need_a_user_token(testapp, factory):
    assert_fault(testapp.get(ROOT + "/quotas", status=401), "unauthorized", 401)
    res = testapp.get(ROOT + "/quotas", headers={"X-Auth-Token": "bogus"}, status=401)
    assert_fault(res, "unauthorized", 401, "Invalid token")
    res = testapp.get(ROOT + "/quotas", headers={"X-Auth-Token": factory.component()}, status=401)
    assert_fault(res, "unauthorized", 401)


def test_quotas_of_an_inactive_user_are_refused(testapp, factory, user):
    factory.set_active(user, False)
    assert_fault(testapp.get(ROOT + "/quotas", headers=user.headers, status=401),
                 "unauthorized", 401, "User inactive")


def test_quotas_show_defaults_then_usage(testapp, registry, user):
    body = testapp.get(ROOT + "/quotas", headers=user.headers, status=200).json
    assert list(body) == ["system"]
    assert BUILTIN <= set(body["system"])
    assert body["system"]["cyclades.vm"] == {"limit": 10, "usage": 0, "pending": 0}
    assert body["system"]["cyclades.ram"]["limit"] == 40 * GiB
    with session_scope(registry) as db:
        quotas.charge(db, user.uuid, {"cyclades.vm": 2, "cyclades.ram": GiB})
    body = testapp.get(ROOT + "/quotas", headers=user.headers, status=200).json
    assert body["system"]["cyclades.vm"] == {"limit": 10, "usage": 2, "pending": 0}
    assert body["system"]["cyclades.ram"]["usage"] == GiB


def test_quotas_are_per_user(testapp, registry, user, other_user):
    with session_scope(registry) as db:
        quotas.charge(db, user.uuid, {"cyclades.vm": 1})
    body = testapp.get(ROOT + "/quotas", headers=other_user.headers, status=200).json
    assert body["system"]["cyclades.vm"]["usage"] == 0


def test_pending_is_shown(testapp, registry, user):
    with session_scope(registry) as db:
        quotas.issue(db, "cyclades", [(user.uuid, "system", "cyclades.vm", 1)])
    body = testapp.get(ROOT + "/quotas", headers=user.headers, status=200).json
    assert body["system"]["cyclades.vm"] == {"limit": 10, "usage": 1, "pending": 1}


def test_service_quotas_need_a_component_token(testapp, user):
    assert_fault(testapp.get(ROOT + "/service_quotas", status=401), "unauthorized", 401)
    res = testapp.get(ROOT + "/service_quotas", headers=user.headers, status=401)
    assert_fault(res, "unauthorized", 401)


def test_service_quotas_of_every_user(testapp, registry, factory, user, other_user):
    add_resource(registry, "archive.diskspace", "archive_store", 5)
    token = factory.component("cyclades")
    with session_scope(registry) as db:
        quotas.charge(db, user.uuid, {"cyclades.vm": 1})
    body = testapp.get(ROOT + "/service_quotas", headers={"X-Auth-Token": token}, status=200).json
    assert set(body) == {user.uuid, other_user.uuid}
    # Only the component's own resources (service cyclades_*).
    assert set(body[user.uuid]["system"]) == BUILTIN
    assert body[user.uuid]["system"]["cyclades.vm"] == {"limit": 10, "usage": 1, "pending": 0}
    assert body[other_user.uuid]["system"]["cyclades.vm"]["usage"] == 0


def test_service_quotas_of_another_component(testapp, registry, factory, user):
    add_resource(registry, "archive.diskspace", "archive", 5 * GiB)
    token = factory.component("archive", base_url="https://pithos.example.org/")
    body = testapp.get(ROOT + "/service_quotas", {"user": user.uuid},
                       headers={"X-Auth-Token": token}, status=200).json
    assert body == {user.uuid: {"system": {
        "archive.diskspace": {"limit": 5 * GiB, "usage": 0, "pending": 0}}}}


def test_service_quotas_of_one_user(testapp, factory, user, other_user):
    token = factory.component()
    body = testapp.get(ROOT + "/service_quotas", {"user": other_user.uuid},
                       headers={"X-Auth-Token": token}, status=200).json
    assert list(body) == [other_user.uuid]
    res = testapp.get(ROOT + "/service_quotas", {"user": "no-such-uuid"},
                      headers={"X-Auth-Token": token}, status=404)
    assert_fault(res, "itemNotFound", 404)


@pytest.mark.parametrize("method, path, allow", [
    ("post", "/resources", "GET"),
    ("delete", "/quotas", "GET"),
    ("put", "/service_quotas", "GET"),
    ("head", "/quotas", "GET"),
])
def test_wrong_methods(testapp, user, method, path, allow):
    res = getattr(testapp, method)(ROOT + path, headers=user.headers, status=405)
    assert res.headers["Allow"] == allow
    if method != "head":
        assert_fault(res, "notAllowed", 405, "Method not allowed")


def test_ini_default_limits(make_app, registry, user):
    import webtest
    app = make_app(**{"synnefo_pyr.quotas.default_limit.cyclades.vm": "3"})
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "cloud.example.org"})
    listed = client.get(ROOT + "/quotas", headers=user.headers, status=200).json
    assert listed["system"]["cyclades.vm"]["limit"] == 3


def test_unknown_ini_resource_is_an_error(make_app):
    with pytest.raises(SettingsError, match="cyclades.nothing"):
        make_app(**{"synnefo_pyr.quotas.default_limit.cyclades.nothing": "3"})


def explode(*args, **kwargs):
    raise RuntimeError("database unreachable")


@pytest.mark.parametrize("path, engine_call", [
    ("/resources", "list_resources"), ("/quotas", "quotas"), ("/service_quotas", "quotas"),
])
def test_internal_failure_is_500(testapp, factory, user, monkeypatch, path, engine_call):
    headers = {"/quotas": user.headers,
               "/service_quotas": {"X-Auth-Token": factory.component()}}.get(path, {})
    monkeypatch.setattr(quota_registry if engine_call == "list_resources" else quotas, engine_call, explode)
    res = testapp.get(ROOT + path, headers=headers, status=500)
    assert_fault(res, "internalServerError", 500, "Unexpected error")


@pytest.mark.parametrize("path", ["/resources", "/quotas", "/service_quotas"])
def test_answers_are_json_only(testapp, factory, user, path):
    headers = {"/quotas": user.headers,
               "/service_quotas": {"X-Auth-Token": factory.component()}}.get(path, {})
    res = testapp.get(ROOT + path, {"format": "xml"}, headers=headers, status=200)
    assert res.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert res.json
