"""The quota engine's Python interface (``synnefo_pyr.quotas``), as the
compute service calls it in-process."""
import pytest

from synnefo_pyr import errors, faults
from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.db import session_scope

GiB = 1024 ** 3


@pytest.fixture
def db(registry):
    """A session whose transaction the test commits by leaving the block."""
    return lambda: session_scope(registry)


def test_defaults_leave_room_for_a_user(db, user):
    with db() as s:
        usage = quotas.usage(s, user.uuid)
    assert usage["cyclades.vm"] == {"limit": 10, "usage": 0, "pending": 0}
    assert usage["cyclades.cpu"]["limit"] >= 40
    assert usage["cyclades.ram"]["limit"] >= 40 * GiB
    assert usage["cyclades.disk"]["limit"] >= 400 * GiB
    assert usage["cyclades.network.private"]["limit"] >= 5


def test_charge_then_release(db, user):
    with db() as s:
        serial = quotas.charge(s, user.uuid, {"cyclades.vm": 1, "cyclades.ram": 2 * GiB})
        assert isinstance(serial, int)
    with db() as s:
        usage = quotas.usage(s, user.uuid)
    assert usage["cyclades.vm"] == {"limit": 10, "usage": 1, "pending": 0}
    assert usage["cyclades.ram"]["usage"] == 2 * GiB
    with db() as s:
        quotas.charge(s, user.uuid, {"cyclades.vm": -1, "cyclades.ram": -2 * GiB})
    with db() as s:
        usage = quotas.usage(s, user.uuid)
    assert usage["cyclades.vm"]["usage"] == 0 and usage["cyclades.ram"]["usage"] == 0


def test_charge_over_limit_names_everything(db, user):
    with db() as s:
        quotas.set_limit(s, user.uuid, "cyclades.vm", 2)
        quotas.charge(s, user.uuid, {"cyclades.vm": 2})
    with db() as s, pytest.raises(errors.QuotaExceeded) as raised:
        quotas.charge(s, user.uuid, {"cyclades.vm": 1, "cyclades.cpu": 1})
    fault = raised.value
    assert faults.from_error(fault, "account").code == 413
    assert fault.message == "Resource Limit Exceeded for your account."
    assert fault.details == ("Limit for resource 'Virtual Machine' exceeded for your account. "
                             "Available: 0, Requested: 1")
    data = fault.data["data"]
    assert data["provision"] == {"holder": user.uuid, "source": "system",
                                 "resource": "cyclades.vm", "quantity": 1}
    assert (data["resource"], data["holder"], data["source"]) == ("cyclades.vm", user.uuid, "system")
    assert (data["requested"], data["current"], data["limit"], data["usage"]) == (1, 2, 2, 2)
    with db() as s:
        usage = quotas.usage(s, user.uuid)
    # Nothing of the refused commission was applied, not even the CPU.
    assert usage["cyclades.vm"]["usage"] == 2 and usage["cyclades.cpu"]["usage"] == 0


def test_force_exceeds_the_limit(db, user):
    with db() as s:
        quotas.set_limit(s, user.uuid, "cyclades.vm", 0)
        quotas.charge(s, user.uuid, {"cyclades.vm": 3}, force=True)
    with db() as s:
        assert quotas.usage(s, user.uuid)["cyclades.vm"] == {"limit": 0, "usage": 3, "pending": 0}


def test_release_below_zero_is_refused(db, user):
    with db() as s, pytest.raises(errors.QuotaExceeded) as raised:
        quotas.charge(s, user.uuid, {"cyclades.vm": -1})
    assert raised.value.data["data"]["name"] == "NoQuantityError"


def test_unknown_resource_or_holder(db, user):
    with db() as s, pytest.raises(errors.NotFound):
        quotas.charge(s, user.uuid, {"cyclades.nothing": 1})
    with db() as s, pytest.raises(errors.NotFound):
        quotas.charge(s, "no-such-user", {"cyclades.vm": 1})


def test_charge_joins_the_callers_transaction(db, user):
    with pytest.raises(RuntimeError):
        with db() as s:
            quotas.charge(s, user.uuid, {"cyclades.vm": 1})
            raise RuntimeError("the change being accounted for failed")
    with db() as s:
        assert quotas.usage(s, user.uuid)["cyclades.vm"]["usage"] == 0


def test_forced_release_never_fails(db, user):
    with db() as s:
        quotas.charge(s, user.uuid, {"cyclades.vm": -1}, force=True)
    with db() as s:
        assert quotas.usage(s, user.uuid)["cyclades.vm"]["usage"] == -1
