"""The backend: jobs written with the request, the simulated driver's
life cycle, failures, quota bookkeeping, and the workers."""
import threading
import time
from collections import Counter

import pytest
import webtest
from sqlalchemy import func, select

from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.compute.lifecycle import server_provisions
from synnefo_pyr.backend.worker import run_pending
from synnefo_pyr.db import session_scope
from synnefo_pyr.backend.models import BackendJob
from synnefo_pyr.compute.models import Flavor, Server
from synnefo_pyr.scripts import worker as worker_script

from tests.helpers import assert_fault, post_json
from tests.functional.compute.conftest import COMPUTE


def jobs(registry):
    with session_scope(registry) as db:
        return [(j.server_id, j.action, j.state) for j in db.scalars(select(BackendJob).order_by(BackendJob.id))]


def status(testapp, user, server_id):
    return testapp.get(f"{COMPUTE}/servers/{server_id}", headers=user.headers).json["server"]


def test_a_job_is_written_with_the_request_and_not_without(create_server, user, registry, testapp):
    server = create_server(user)
    assert jobs(registry) == [(server["id"], "create", "pending")]
    # A refused request (here: a malformed action) leaves no job behind.
    post_json(testapp, f"{COMPUTE}/servers/{server['id']}/action", {"explode": {}},
              headers=user.headers, status=400)
    assert len(jobs(registry)) == 1


def test_jobs_of_a_rolled_back_create_are_gone(create_server, user, registry):
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.ram", 1)
    create_server(user, status=413)
    assert jobs(registry) == []
    with session_scope(registry) as db:
        assert db.scalar(select(func.count()).select_from(Server)) == 0


def test_steps_wait_for_their_delay(make_app, user, flavor, image, public_network, registry):
    app = make_app(**{"synnefo_pyr.backend.driver.build_seconds": "0.5"})
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "cloud.example.org"})
    body = {"server": {"name": "slow", "imageRef": image, "flavorRef": flavor}}
    server_id = post_json(client, f"{COMPUTE}/servers", body, headers=user.headers, status=202).json["server"]["id"]
    assert run_pending(app.registry) == 0  # one step ran, the next is not due yet
    first = status(client, user, server_id)
    assert first["status"] == "BUILD" and first["progress"] == 0 and len(first["diagnostics"]) == 1
    deadline = time.monotonic() + 5
    while status(client, user, server_id)["status"] == "BUILD" and time.monotonic() < deadline:
        run_pending(app.registry)
        time.sleep(0.05)
    assert status(client, user, server_id)["status"] == "ACTIVE"


def test_fail_the_pending_job(create_server, user, testapp, manage, run_jobs):
    server = create_server(user)
    result = manage("server-modify", str(server["id"]), "--fail", "Disk exploded")
    assert result["failing_job"] is not None
    assert run_jobs() == 1
    detail = status(testapp, user, server["id"])
    assert detail["status"] == "ERROR" and detail["SNF:task_state"] == ""
    assert detail["diagnostics"][0]["level"] == "ERROR"
    assert detail["diagnostics"][0]["message"] == "Disk exploded"
    # A server in ERROR can still be deleted.
    testapp.delete(f"{COMPUTE}/servers/{server['id']}", headers=user.headers, status=204)
    run_jobs()
    assert status(testapp, user, server["id"])["status"] == "DELETED"


def test_fail_the_next_job(create_server, user, testapp, manage, run_jobs):
    server = create_server(user)
    run_jobs()
    assert manage("server-modify", str(server["id"]), "--fail", "No power")["failing_job"] is None
    post_json(testapp, f"{COMPUTE}/servers/{server['id']}/action", {"shutdown": {}},
              headers=user.headers, status=202)
    run_jobs()
    detail = status(testapp, user, server["id"])
    assert detail["status"] == "ERROR" and detail["diagnostics"][0]["message"] == "No power"


def usage_of(registry, holder):
    with session_scope(registry) as db:
        found = quotas.usage(db, holder)
        return {k: v["usage"] for k, v in found.items() if k in server_provisions(Flavor(cpu=1, ram=1, disk=1))}


def expected_usage(registry, holder):
    """What the user's existing (not deleted) servers hold."""
    total = Counter()
    with session_scope(registry) as db:
        for server in db.scalars(select(Server).where(Server.user_uuid == holder, Server.deleted.is_(False))):
            total.update(server_provisions(server.flavor))
    return {k: total.get(k, 0) for k in server_provisions(Flavor(cpu=1, ram=1, disk=1))}


def test_quota_follows_the_servers(create_server, user, testapp, manage, run_jobs, registry, other_flavor):
    first = create_server(user)
    second = create_server(user)
    third = create_server(user)
    assert usage_of(registry, user.uuid) == expected_usage(registry, user.uuid)
    assert usage_of(registry, user.uuid)["cyclades.vm"] == 3
    manage("server-modify", str(third["id"]), "--fail", "broken")
    run_jobs()
    # A server in ERROR exists: it is still charged.
    assert usage_of(registry, user.uuid)["cyclades.vm"] == 3
    testapp.delete(f"{COMPUTE}/servers/{first['id']}", headers=user.headers, status=204)
    # Released only when the backend confirms the deletion.
    assert usage_of(registry, user.uuid)["cyclades.vm"] == 3
    run_jobs()
    assert usage_of(registry, user.uuid) == expected_usage(registry, user.uuid)
    assert usage_of(registry, user.uuid)["cyclades.vm"] == 2
    # Resizing charges the difference; a failed resize gives it back.
    url = f"{COMPUTE}/servers/{second['id']}/action"
    post_json(testapp, url, {"shutdown": {}}, headers=user.headers, status=202)
    run_jobs()
    post_json(testapp, url, {"resize": {"flavorRef": other_flavor}}, headers=user.headers, status=202)
    manage("server-modify", str(second["id"]), "--fail", "no room")
    run_jobs()
    assert usage_of(registry, user.uuid) == expected_usage(registry, user.uuid)
    testapp.delete(f"{COMPUTE}/servers/{third['id']}", headers=user.headers, status=204)
    testapp.delete(f"{COMPUTE}/servers/{second['id']}", headers=user.headers, status=204)
    run_jobs()
    assert usage_of(registry, user.uuid) == expected_usage(registry, user.uuid)
    assert usage_of(registry, user.uuid)["cyclades.vm"] == 0


def test_resize_quota_is_checked(create_server, user, testapp, run_jobs, registry, other_flavor):
    server = create_server(user)
    run_jobs()
    url = f"{COMPUTE}/servers/{server['id']}/action"
    post_json(testapp, url, {"shutdown": {}}, headers=user.headers, status=202)
    run_jobs()
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.cpu", 1)
    res = post_json(testapp, url, {"resize": {"flavorRef": other_flavor}}, headers=user.headers, status=413)
    fault = assert_fault(res, "overLimit", 413, "Resource Limit Exceeded for your account.")
    assert set(fault) == {"code", "message", "details"}
    assert fault["details"] == "Limit for resource 'CPU' exceeded for your account. Available: 0, Requested: 1"
    assert status(testapp, user, server["id"])["SNF:task_state"] == ""


def test_a_delete_during_the_build_cancels_it(create_server, user, testapp, registry, run_jobs):
    server = create_server(user)
    testapp.delete(f"{COMPUTE}/servers/{server['id']}", headers=user.headers, status=204)
    run_jobs()
    assert [(action, state) for _, action, state in jobs(registry)] == [
        ("create", "cancelled"), ("destroy", "done")]
    assert status(testapp, user, server["id"])["status"] == "DELETED"
    assert usage_of(registry, user.uuid)["cyclades.vm"] == 0


def test_a_servers_jobs_run_in_order(create_server, user, testapp, registry):
    from synnefo_pyr.backend.worker import claim_next

    first = create_server(user)
    second = create_server(user)
    # Two claims: one job of each server, never the same server twice.
    claimed = {claim_next(registry, "w1"), claim_next(registry, "w2")}
    assert None not in claimed and claim_next(registry, "w3") is None
    with session_scope(registry) as db:
        servers = {db.get(BackendJob, job_id).server_id for job_id in claimed}
    assert servers == {first["id"], second["id"]}


def test_inprocess_worker_runs_jobs(make_app, user, flavor, image, public_network):
    app = make_app(**{"synnefo_pyr.backend.worker": "inprocess",
                      "synnefo_pyr.backend.poll_interval": "0.05"})
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "cloud.example.org"})
    try:
        body = {"server": {"name": "auto", "imageRef": image, "flavorRef": flavor}}
        res = post_json(client, f"{COMPUTE}/servers", body, headers=user.headers, status=202)
        server_id = res.json["server"]["id"]
        deadline = time.monotonic() + 10
        while status(client, user, server_id)["status"] != "ACTIVE" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert status(client, user, server_id)["status"] == "ACTIVE"
    finally:
        # Stop it: it must not take the jobs of the tests that follow.
        app.registry.backend_inprocess.worker.stop()


def test_worker_script_once(create_server, user, testapp, manage, capsys):
    server = create_server(user)
    with pytest.raises(SystemExit) as exit_info:
        worker_script.main([str(manage.ini), "--once"])
    assert exit_info.value.code == 0
    assert "1 job(s) finished" in capsys.readouterr().out
    assert status(testapp, user, server["id"])["status"] == "ACTIVE"


class CountingDriver:
    """Wraps the driver and records every (job, step) it is asked to run."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = Counter()
        self.lock = threading.Lock()

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def counted(task, *args):
            with self.lock:
                self.calls[(task.job_id, task.step)] += 1
            return method(task, *args)

        return counted


@pytest.mark.postgresql_only
def test_concurrent_workers_never_run_a_step_twice(create_server, user, registry, testapp):
    servers = [create_server(user, name=f"s{i}")["id"] for i in range(8)]
    for server_id in servers[:4]:
        testapp.delete(f"{COMPUTE}/servers/{server_id}", headers=user.headers, status=204)
    original = registry.backend_driver
    registry.backend_driver = counting = CountingDriver(original)
    start = threading.Barrier(4)
    errors = []

    def work(name):
        try:
            start.wait()
            for _ in range(3):
                run_pending(registry, worker_id=name)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        run_pending(registry)
    finally:
        registry.backend_driver = original
    assert errors == []
    assert counting.calls and max(counting.calls.values()) == 1
    assert {state for _, _, state in jobs(registry)} <= {"done", "cancelled"}
    with session_scope(registry) as db:
        claimed_by = set(db.scalars(select(BackendJob.claimed_by)))
    assert len(claimed_by) > 1, "the work should have been shared"
    statuses = {s: status(testapp, user, s)["status"] for s in servers}
    assert statuses == {s: ("DELETED" if s in servers[:4] else "ACTIVE") for s in servers}
