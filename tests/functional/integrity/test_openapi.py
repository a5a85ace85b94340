"""Finding 17: ``/openapi.json`` describes every JSON API, and cannot drift
from the registered routes and their validators."""
import re

from synnefo_pyr.openapi import FAULT, VALIDATORS, describe, validator_key

from tests.functional.integrity.routes import operations


def _path(pattern):
    # {name} and {name:regex}, a regex possibly holding slashes ({slash:/?}).
    path = "/" + re.sub(r"\{(\w+)(?::(?:[^{}]|\{[^{}]*\})*)?\}", r"{\1}", pattern.strip("/"))
    return path + ("/" if pattern.endswith("/") and pattern.strip("/") else "")


def test_served_at_a_documented_url(testapp, db_kind):
    for url in ("/openapi.json", "/openapi"):
        res = testapp.get(url, status=200)
        assert res.content_type == "application/json"
        assert res.json["openapi"] == "3.1.0" and res.json["paths"]


def test_every_route_and_method_is_described(registry, db_kind):
    document = describe(registry)
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    routed = {(_path(pattern), method) for method, pattern, _, _ in operations(registry)}
    assert described == routed
    assert len(described) > 70


def test_every_validator_has_its_entry(registry, db_kind):
    from synnefo_pyr.openapi import routed_operations

    used = {validator_key(v) for _, _, _, args in routed_operations(registry)
            for v in args.get("validators", ())}
    assert used <= set(VALIDATORS), used - set(VALIDATORS)
    # No entry for a validator that no longer exists.
    assert set(VALIDATORS) <= used, set(VALIDATORS) - used


def test_operations_declare_bodies_tokens_and_faults(registry, db_kind):
    paths = describe(registry)["paths"]
    create = paths["/compute/v2.0/servers"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["server"]
    assert create["security"] == [{"userToken": []}]
    assert paths["/account/v1.0/commissions"]["post"]["security"] == [{"serviceToken": []}]
    assert paths["/compute/v2.0/servers/{server_id}"]["get"]["parameters"][0]["schema"]["pattern"] == "^([0-9]+)$"
    for item in paths.values():
        for operation in item.values():
            assert operation["responses"]["default"]["content"]["application/json"]["schema"] == FAULT
            assert len({p["name"] for p in operation["parameters"]}) == len(operation["parameters"])
