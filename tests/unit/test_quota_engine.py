"""Quota settings: ini keys name built-in resources only."""
import pytest

from synnefo_pyr.quotas import BUILTIN_BY_NAME, parse_settings


def test_ini_limits_override_the_builtin_defaults():
    settings = parse_settings({
        "synnefo_pyr.quotas.default_limit.cyclades.vm": "3",
        "synnefo_pyr.quotas.default_limit.cyclades.cpu": "",
        "synnefo_pyr.other": "x",
    })
    assert settings.default_limits == {"cyclades.vm": 3}
    specs = {spec.name: spec for spec in settings.builtin_specs()}
    assert specs["cyclades.vm"].default_limit == 3
    assert specs["cyclades.cpu"].default_limit == BUILTIN_BY_NAME["cyclades.cpu"].default_limit


@pytest.mark.parametrize("key, value", [
    ("synnefo_pyr.quotas.default_limit.cyclades.nothing", "1"),
    ("synnefo_pyr.quotas.default_limit.cyclades.vm", "-1"),
    ("synnefo_pyr.quotas.default_limit.cyclades.vm", "ten"),
    ("synnefo_pyr.quotas.default_limit.cyclades.vm", str(2 ** 63)),
])
def test_bad_ini_limits_are_refused(key, value):
    with pytest.raises(ValueError):
        parse_settings({key: value})


def test_builtin_resources_leave_room():
    gib = 1024 ** 3
    limits = {name: spec.default_limit for name, spec in BUILTIN_BY_NAME.items()}
    assert limits["cyclades.vm"] >= 10 and limits["cyclades.cpu"] >= 40
    assert limits["cyclades.ram"] >= 40 * gib and limits["cyclades.disk"] >= 400 * gib
    assert limits["cyclades.network.private"] >= 5
    assert {spec.service for spec in BUILTIN_BY_NAME.values()} == {"cyclades_compute"}
