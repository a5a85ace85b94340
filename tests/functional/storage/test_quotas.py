"""Quota (behaviours-object M0.15): current versions count, charged in
the transaction of the change; a refused or failed request leaves nothing."""
import threading

import pytest
import webtest

from synnefo_pyr.db import session_scope
from synnefo_pyr.quotas import engine
from synnefo_pyr.storage.models import Version
from tests.functional.storage.conftest import Pithos
from tests.helpers import assert_fault


def usage(registry, user):
    with session_scope(registry) as db:
        return engine.usage(db, user.uuid)["pithos.diskspace"]["usage"]


def test_usage_follows_current_versions(alice, bob, registry):
    alice.put("pithos/a", b"x" * 100)
    alice.put("pithos/a", b"x" * 40)           # overwrite: +(40 - 100)
    alice.post("pithos/a", params="update", headers={"X-Object-Meta-K": "v"})  # metadata: 0
    alice.put("trash/b", headers={"X-Copy-From": "/pithos/a"})               # a copy counts in full
    assert usage(registry, alice.user) == 80
    assert alice.head().headers["X-Account-Bytes-Used"] == "80"
    alice.request("MOVE", "trash/b", headers={"Destination": "/pithos/c"}, status=201)  # inside: 0
    assert usage(registry, alice.user) == 80
    alice.delete("pithos/c")
    alice.put("pithos/d", content_type="application/directory")  # directories are 0
    assert usage(registry, alice.user) == 40
    # Writes by a shared user are charged to the owner; cross-account moves move the charge.
    alice.post("pithos/a", params="update", headers={"X-Object-Sharing": f"write={bob.user.uuid}"})
    bob.put("pithos/a", b"y" * 10, account=alice.user.uuid)
    assert (usage(registry, alice.user), usage(registry, bob.user)) == (10, 0)
    alice.request("MOVE", "pithos/a", headers={"Destination": "/pithos/a", "Destination-Account": bob.user.uuid},
                  status=403)  # no write in bob's account
    bob.put("pithos/mine", b"z" * 5)
    bob.request("MOVE", "pithos/mine", headers={"Destination": "/pithos/from-bob",
                                                 "Destination-Account": alice.user.uuid}, status=403)
    alice.put("pithos/drop", content_type="application/directory",
              headers={"X-Object-Sharing": f"write={bob.user.uuid}"})
    bob.request("MOVE", "pithos/mine", headers={"Destination": "/pithos/drop/mine",
                                                 "Destination-Account": alice.user.uuid}, status=201)
    assert (usage(registry, alice.user), usage(registry, bob.user)) == (15, 0)
    assert alice.get("pithos/drop/mine").body == b"z" * 5


def test_over_the_limit_is_413_and_writes_nothing(alice, manage, registry):
    manage("quota-set", alice.user.uuid, "pithos.diskspace", "100")
    alice.put("pithos/fits", b"x" * 60)
    res = alice.put("pithos/big", b"x" * 50, headers={"X-Object-Meta-K": "v",
                                                      "X-Object-Sharing": "read=*"}, status=413)
    fault = assert_fault(res, "requestEntityTooLarge", 413)
    assert fault["message"].startswith("Quota error: ")
    assert alice.head("pithos/big").status_int == 404
    assert alice.get("pithos", params="format=json").json[0]["name"] == "fits"
    with session_scope(registry) as db:
        assert db.query(Version).filter(Version.size == 50).count() == 0
    assert usage(registry, alice.user) == 60
    assert alice.put("trash/copy", headers={"X-Copy-From": "/pithos/fits"}, status=413)
    alice.put("pithos/fits", b"x" * 100)  # an overwrite is charged by its difference
    assert usage(registry, alice.user) == 100


@pytest.mark.postgresql_only
def test_concurrent_uploads_leave_exact_objects_and_usage(app, user, registry):
    """Threads upload the same object and different objects at once; every
    object ends as one of the bodies sent for it, and the usage is exactly
    the sum of the current sizes."""
    errors = []

    def upload(index):
        client = Pithos(webtest.TestApp(app), user)
        try:
            for round_ in range(4):
                body = bytes([65 + index]) * (100 + index * 10 + round_)
                client.put("pithos/shared", body)
                client.put(f"pithos/own-{index}", body)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    client = Pithos(webtest.TestApp(app), user)
    listed = {e["name"]: e["bytes"] for e in client.json("pithos")}
    assert set(listed) == {"shared"} | {f"own-{i}" for i in range(6)}
    for i in range(6):
        assert client.get(f"pithos/own-{i}").body == bytes([65 + i]) * (100 + i * 10 + 3)
    shared = client.get("pithos/shared").body
    assert len(set(shared)) == 1 and len(shared) == listed["shared"]
    assert usage(registry, user) == sum(listed.values())
