"""Quota settings: ini keys name declared resources only."""
import pytest

from synnefo_pyr import errors
from synnefo_pyr.compute import RESOURCES as COMPUTE_RESOURCES
from synnefo_pyr.network import RESOURCES as NETWORK_RESOURCES
from synnefo_pyr.quotas import DEFAULT_LIMIT_PREFIX
from synnefo_pyr.quotas.registry import parse_default_limits, with_default_limits

DECLARED = COMPUTE_RESOURCES + NETWORK_RESOURCES


def test_ini_limits_override_the_declared_defaults():
    limits = parse_default_limits({
        "synnefo_pyr.quotas.default_limit.cyclades.vm": "3",
        "synnefo_pyr.quotas.default_limit.cyclades.cpu": "",
        "synnefo_pyr.other": "x",
    }, DECLARED, DEFAULT_LIMIT_PREFIX)
    assert limits == {"cyclades.vm": 3}
    specs = {spec.name: spec for spec in with_default_limits(DECLARED, limits)}
    declared = {spec.name: spec for spec in DECLARED}
    assert specs["cyclades.vm"].default_limit == 3
    assert specs["cyclades.cpu"].default_limit == declared["cyclades.cpu"].default_limit


@pytest.mark.parametrize("key, value", [
    ("synnefo_pyr.quotas.default_limit.cyclades.nothing", "1"),
    ("synnefo_pyr.quotas.default_limit.cyclades.vm", "-1"),
    ("synnefo_pyr.quotas.default_limit.cyclades.vm", "ten"),
    ("synnefo_pyr.quotas.default_limit.cyclades.vm", str(2 ** 63)),
])
def test_bad_ini_limits_are_refused(key, value):
    with pytest.raises(errors.Invalid):
        parse_default_limits({key: value}, DECLARED, DEFAULT_LIMIT_PREFIX)


def test_declared_resources_leave_room():
    gib = 1024 ** 3
    limits = {spec.name: spec.default_limit for spec in DECLARED}
    assert limits["cyclades.vm"] >= 10 and limits["cyclades.cpu"] >= 40
    assert limits["cyclades.ram"] >= 40 * gib and limits["cyclades.disk"] >= 400 * gib
    assert limits["cyclades.network.private"] >= 5
    assert limits["cyclades.floating_ip"] >= 2  # burnin needs two at once
    assert {spec.service for spec in DECLARED} == {"cyclades_compute", "cyclades_network"}
