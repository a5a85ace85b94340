"""Findings 1-5 of the integrity issue: simultaneous requests on one item
have exactly one effect, the quota books always balance, and jobs complete
exactly once, on SQLite and on PostgreSQL, with real threads against the
real application (its pyramid_tm, pyramid_retry and database)."""
import time
from collections import Counter

from sqlalchemy import func, select

from synnefo_pyr.backend import worker as backend_worker
from synnefo_pyr.backend.models import BackendJob
from synnefo_pyr.compute.models import Server, ServerMetadata
from synnefo_pyr.db import session_scope
from synnefo_pyr.images.models import Image, ImageMember, ImageProperty

from tests.functional.compute.conftest import COMPUTE
from tests.functional.integrity.conftest import assert_books_balance
from tests.helpers import race
from tests.helpers import post_json

RACERS = 8


def jobs_of(registry, server_id, action):
    with session_scope(registry, write=False) as db:
        return db.scalar(select(func.count()).select_from(BackendJob).where(
            BackendJob.server_id == server_id, BackendJob.action == action))


def make_active(create_server, user, run_jobs):
    server = create_server(user)
    run_jobs()
    return server["id"]


def act(client, user, server_id, body):
    return post_json(client(), f"{COMPUTE}/servers/{server_id}/action", body,
                     headers=user.headers).status_int


# --- finding 1 ---------------------------------------------------------------


def test_simultaneous_resizes_one_accepted(create_server, client, user, run_jobs, registry,
                                           other_flavor, db_kind):
    server_id = make_active(create_server, user, run_jobs)
    assert act(client, user, server_id, {"shutdown": {}}) == 202
    run_jobs()

    statuses = race(lambda i: act(client, user, server_id, {"resize": {"flavorRef": other_flavor}}))
    assert sorted(statuses) == [202] + [400] * (RACERS - 1), statuses
    assert jobs_of(registry, server_id, "resize") == 1
    run_jobs()
    with session_scope(registry, write=False) as db:
        assert db.get(Server, server_id).flavor_id == other_flavor
    usage = assert_books_balance(registry, user.uuid)
    assert usage["cyclades.cpu"] == 2 and usage["cyclades.ram"] == 2048 * 1024 * 1024


# --- finding 4: one server, many identical actions --------------------------


def test_simultaneous_reboots_make_one_job(create_server, client, user, run_jobs, registry, db_kind):
    server_id = make_active(create_server, user, run_jobs)
    statuses = race(lambda i: act(client, user, server_id, {"reboot": {"type": "SOFT"}}))
    assert sorted(statuses) == [202] + [400] * (RACERS - 1), statuses
    assert jobs_of(registry, server_id, "reboot") == 1


def test_simultaneous_deletes_make_one_destroy(create_server, client, user, run_jobs, registry, db_kind):
    server_id = make_active(create_server, user, run_jobs)
    statuses = race(lambda i: client().delete(f"{COMPUTE}/servers/{server_id}", headers=user.headers,
                                              status="*").status_int)
    assert sorted(statuses) == [204] + [400] * (RACERS - 1), statuses
    assert jobs_of(registry, server_id, "destroy") == 1
    run_jobs()
    assert assert_books_balance(registry, user.uuid)["cyclades.vm"] == 0


def test_concurrent_metadata_writes_of_one_key(create_server, client, user, registry, db_kind):
    server_id = create_server(user)["id"]

    def write(i):
        if i % 2:
            res = client().put_json(f"{COMPUTE}/servers/{server_id}/metadata/role",
                                    {"meta": {"role": f"v{i}"}}, headers=user.headers, status="*")
        else:
            res = post_json(client(), f"{COMPUTE}/servers/{server_id}/metadata",
                            {"metadata": {"role": f"v{i}", "new": "x"}}, headers=user.headers)
        return res.status_int

    statuses = race(write)
    assert statuses == [201] * RACERS, statuses
    with session_scope(registry, write=False) as db:
        keys = Counter(db.scalars(select(ServerMetadata.key).where(ServerMetadata.server_id == server_id)))
    assert keys == {"role": 1, "new": 1}


# --- finding 4: images --------------------------------------------------------

IMAGES = "/image/v1.0/images"


def test_simultaneous_registrations_of_one_location(client, user, registry, db_kind, factory):
    # An image is a stored file (behaviours-object MI1): store it first.
    location = factory.stored_file(user.uuid, "images/one.diskdump")

    def register(i):
        return client().post(IMAGES, headers=dict(user.headers, **{
            "X-Image-Meta-Name": f"image {i}", "X-Image-Meta-Location": location,
        }), status="*").status_int

    statuses = race(register)
    assert statuses == [200] * RACERS, statuses
    with session_scope(registry, write=False) as db:
        live = db.scalar(select(func.count()).select_from(Image).where(
            Image.location == location, Image.deleted_at.is_(None)))
    assert live == 1


def _own_image(client, user, factory):
    factory.stored_file(user.uuid, "images/s.img")
    res = client().post(IMAGES, headers=dict(user.headers, **{
        "X-Image-Meta-Name": "shared", "X-Image-Meta-Location": f"pithos://{user.uuid}/images/s.img",
    }), status=200)
    return res.headers["X-Image-Meta-Id"]


def test_concurrent_member_and_property_writes(client, user, other_user, registry, db_kind, factory):
    image_id = _own_image(client, user, factory)

    def write(i):
        if i % 2:
            return client().put(f"{IMAGES}/{image_id}/members/{other_user.uuid}",
                                headers=user.headers, status="*").status_int
        return client().put_json(f"{COMPUTE}/images/{image_id}/metadata/os",
                                 {"meta": {"os": f"debian{i}"}}, headers=user.headers,
                                 status="*").status_int

    statuses = race(write)
    assert sorted(statuses) == [201] * (RACERS // 2) + [204] * (RACERS // 2), statuses
    with session_scope(registry, write=False) as db:
        members = list(db.scalars(select(ImageMember.member_uuid).where(ImageMember.image_id == image_id)))
        properties = list(db.scalars(select(ImageProperty.key).where(ImageProperty.image_id == image_id)))
    assert members == [other_user.uuid] and properties == ["os"]


def test_concurrent_image_property_headers(client, user, registry, db_kind, factory):
    """The image service's PUT replaces the properties: concurrent ones
    take turns (no unique violation), the last one wins whole."""
    image_id = _own_image(client, user, factory)

    def update(i):
        return client().put(f"{IMAGES}/{image_id}", headers=dict(user.headers, **{
            "X-Image-Meta-Property-Os": f"debian{i}", "X-Image-Meta-Property-Users": "root",
        }), status="*").status_int

    assert race(update) == [200] * RACERS
    with session_scope(registry, write=False) as db:
        keys = sorted(db.scalars(select(ImageProperty.key).where(ImageProperty.image_id == image_id)))
    assert keys == ["os", "users"]


# --- findings 2 and 3: churn with a worker running ----------------------------


def test_churn_keeps_the_books(create_server, client, user, registry, db_kind):
    """Three clients create and delete servers for a few seconds while a
    worker runs the jobs: no 5xx, no server in ERROR (a deadlock of the
    worker against the API is retried, never a failed job), usage equals
    what exists at every check, never negative, never past the limit."""
    worker = backend_worker.Worker(registry, worker_id="churn-worker")
    worker.poll_interval = 0.02
    thread = worker.start_thread()
    deadline = time.monotonic() + 4
    statuses = Counter()

    def churn(i):
        mine = client()
        created = []
        while time.monotonic() < deadline:
            res = create_server(user, status="*") if len(created) < 4 else None
            if res is not None:
                statuses[res.status_int] += 1
                if res.status_int == 202:
                    created.append(res.json["server"]["id"])
            if created and (res is None or len(created) > 2):
                gone = mine.delete(f"{COMPUTE}/servers/{created.pop(0)}", headers=user.headers,
                                   status="*")
                statuses[gone.status_int] += 1
        return created

    try:
        race(churn, count=3)
        # Let the worker finish what was queued.
        for _ in range(400):
            with session_scope(registry, write=False) as db:
                busy = db.scalar(select(func.count()).select_from(BackendJob).where(
                    BackendJob.state.in_(("pending", "running"))))
            if not busy:
                break
            time.sleep(0.05)
    finally:
        worker.stop()
        thread.join(10)
    assert busy == 0
    assert not [code for code in statuses if code >= 500], statuses
    assert statuses[202] > 3 and statuses[204] > 0, statuses
    with session_scope(registry, write=False) as db:
        states = Counter(db.scalars(select(Server.operstate)))
    assert "ERROR" not in states, states
    usage = assert_books_balance(registry, user.uuid)
    assert usage["cyclades.vm"] <= 10
    # And the limit still holds: at most 10 live servers, whatever came before.
    while create_server(user, status="*").status_int == 202:
        pass
    assert assert_books_balance(registry, user.uuid)["cyclades.vm"] == 10


# --- finding 5: stale jobs ------------------------------------------------------


class CountingJobs:
    """The real job handler, counting completions per job."""

    def __init__(self, inner):
        self.inner = inner
        self.completed_jobs = Counter()

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def completed(self, db, job):
        self.completed_jobs[job.id] += 1
        return self.inner.completed(db, job)


def test_stale_jobs_are_requeued_by_a_running_worker(create_server, registry, user, testapp, db_kind):
    server = create_server(user)
    # A worker claims the build and dies (its database connection with it).
    dead = backend_worker.claim_next(registry, "dead-worker")
    assert dead is not None
    original, registry.backend_jobs = registry.backend_jobs, CountingJobs(registry.backend_jobs)
    worker = backend_worker.Worker(registry, worker_id="live-worker")
    worker.poll_interval, worker.stale_after = 0.05, 0.5
    thread = worker.start_thread()
    try:
        for _ in range(100):
            with session_scope(registry, write=False) as db:
                state = db.get(BackendJob, dead).state
            if state == "done":
                break
            time.sleep(0.05)
        # The dead worker comes back: its claim is gone, it changes nothing.
        assert backend_worker.run_step(registry, dead, "dead-worker") is False
    finally:
        worker.stop()
        thread.join(10)
        counted, registry.backend_jobs = registry.backend_jobs, original
    assert state == "done"
    assert counted.completed_jobs == {dead: 1}
    res = testapp.get(f"{COMPUTE}/servers/{server['id']}", headers=user.headers)
    assert res.json["server"]["status"] == "ACTIVE"
