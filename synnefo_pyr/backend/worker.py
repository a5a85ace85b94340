"""The worker: claims due jobs, runs one step of each through the driver,
and applies what a finished (or failed) job means for the server.

Claiming is one conditional UPDATE (``... WHERE id = <oldest due job>
AND state = 'pending'``), checked by its row count; on PostgreSQL the
candidate is picked ``FOR UPDATE SKIP LOCKED``, so concurrent workers pick
different jobs instead of queueing on one. A job whose server has an older
unfinished job is not due: a server's jobs run one at a time, in order.
Each step runs in a transaction of its own, then the job goes back to
``pending`` (with ``not_before`` later) or ends ``done`` / ``failed``.
"""
import json
import logging
import os
import socket
import threading
from datetime import timedelta, timezone

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from ..db import session_scope
from ..models.compute import NIC, BackendJob, Flavor, Server
from ..models.meta import utcnow
from . import outcomes
from .interface import BackendError, JobContext
from .queue import payload_of

log = logging.getLogger(__name__)


def default_worker_id(suffix=""):
    return f"{socket.gethostname()}:{os.getpid()}{suffix}"


def _candidate(dialect_name, now):
    earlier = aliased(BackendJob)
    blocked = exists().where(
        earlier.server_id == BackendJob.server_id,
        earlier.id < BackendJob.id,
        earlier.state.in_(("pending", "running")),
    )
    query = (
        select(BackendJob.id)
        .where(BackendJob.state == "pending", BackendJob.not_before <= now, ~blocked)
        .order_by(BackendJob.not_before, BackendJob.id)
        .limit(1)
    )
    if dialect_name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=BackendJob)
    return query.scalar_subquery()


def claim_next(registry, worker_id, now=None):
    """Claim the oldest due job; its id, or ``None`` when nothing is due
    (or another worker won the race, or SQLite was busy)."""
    now = now or utcnow()
    engine = registry.dbengine
    stmt = (
        update(BackendJob)
        .where(BackendJob.id == _candidate(engine.dialect.name, now), BackendJob.state == "pending")
        .values(state="running", claimed_by=worker_id, started_at=now)
        .returning(BackendJob.id)
        .execution_options(synchronize_session=False)
    )
    try:
        with engine.begin() as conn:
            result = conn.execute(stmt)
            rows = result.fetchall()
    except OperationalError:
        log.debug("Claim skipped: database busy", exc_info=True)
        return None
    # The row count is the proof: zero means someone else holds the job.
    return rows[0][0] if len(rows) == 1 else None


def run_step(registry, job_id, worker_id):
    """Run one step of a claimed job; returns ``True`` when the job ended."""
    try:
        with session_scope(registry) as db:
            return _run_step(db, registry, job_id, worker_id)
    except Exception:
        log.exception("Backend job %s crashed", job_id)
        with session_scope(registry) as db:
            job = db.get(BackendJob, job_id)
            server = db.get(Server, job.server_id) if job.server_id else None
            _fail(db, job, server, "Internal backend error")
        return True


def _run_step(db, registry, job_id, worker_id):
    # Writing first takes SQLite's write lock up front, so this transaction
    # never has to upgrade a read lock another writer also holds.
    db.execute(
        update(BackendJob).where(BackendJob.id == job_id).values(claimed_by=worker_id)
        .execution_options(synchronize_session=False)
    )
    job = db.get(BackendJob, job_id)
    server = db.get(Server, job.server_id) if job.server_id else None
    if job.state != "running" or job.claimed_by != worker_id:
        return False
    if server is None:
        _finish(job, "done")
        return True
    payload = payload_of(job)
    step = int(payload.pop("_step", 0))
    if job.fail_message:
        _fail(db, job, server, job.fail_message)
        return True
    ctx = JobContext(dbsession=db, job=job, server=server, step=step, payload=payload)
    try:
        result = _dispatch(registry.backend_driver, ctx, db)
    except BackendError as exc:
        _fail(db, job, server, str(exc) or "Backend error")
        return True
    if not result.done:
        job.payload = _with_step(job.payload, step + 1)
        job.state = "pending"
        job.not_before = utcnow() + timedelta(seconds=result.retry_after)
        return False
    outcomes.completed(db, job, server, payload)
    _finish(job, "done")
    return True


def _with_step(payload_text, step):
    payload = json.loads(payload_text or "{}")
    payload["_step"] = step
    return json.dumps(payload)


def _dispatch(driver, ctx, db):
    action, payload = ctx.job.action, ctx.payload
    if action == "create":
        return driver.create(ctx)
    if action == "start":
        return driver.start(ctx)
    if action == "shutdown":
        return driver.shutdown(ctx)
    if action == "reboot":
        return driver.reboot(ctx, bool(payload.get("hard")))
    if action == "destroy":
        return driver.destroy(ctx)
    if action == "resize":
        flavor = db.get(Flavor, payload["flavor_id"])
        return driver.resize(ctx, flavor)
    if action in ("connect", "disconnect"):
        nic = db.get(NIC, payload["nic_id"])
        if nic is None:
            raise BackendError(f"NIC {payload['nic_id']} is gone")
        method = driver.connect_nic if action == "connect" else driver.disconnect_nic
        return method(ctx, nic)
    raise BackendError(f"Unknown backend action {action!r}")


def _finish(job, state):
    job.state = state
    job.finished_at = utcnow()


def _fail(db, job, server, message):
    if server is not None:
        outcomes.failed(db, job, server, payload_of(job), message)
    _finish(job, "failed")


def requeue_stale(registry, older_than_seconds):
    """Give back jobs whose worker died mid-step (``running`` for too long)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    with registry.dbengine.begin() as conn:
        conn.execute(
            update(BackendJob)
            .where(BackendJob.state == "running", BackendJob.started_at < cutoff)
            .values(state="pending", claimed_by=None)
        )


def run_once(registry, worker_id):
    """Claim and run one due step; ``None`` when nothing was due, else
    whether the job ended."""
    job_id = claim_next(registry, worker_id)
    if job_id is None:
        return None
    return run_step(registry, job_id, worker_id)


def run_pending(registry, worker_id=None):
    """Run every due step now, until nothing is due; the number of jobs
    that ended (done or failed). With zero delays, every job ends."""
    worker_id = worker_id or default_worker_id(":sync")
    ended = 0
    while True:
        result = run_once(registry, worker_id)
        if result is None:
            return ended
        ended += int(result)


class Worker:
    """A polling loop over ``run_once``: in a daemon thread of pserve
    (``worker = inprocess``) or in ``snf-pyr-worker``."""

    def __init__(self, registry, worker_id=None, poll_interval=0.5, stale_after=300.0):
        self.registry = registry
        self.worker_id = worker_id or default_worker_id(f":{threading.get_ident()}")
        self.poll_interval = poll_interval
        self.stale_after = stale_after
        self.stopping = threading.Event()

    def run_forever(self):
        log.info("Backend worker %s started", self.worker_id)
        requeue_stale(self.registry, self.stale_after)
        while not self.stopping.is_set():
            try:
                result = run_once(self.registry, self.worker_id)
            except Exception:
                log.exception("Backend worker loop error")
                result = None
            if result is None:
                self.stopping.wait(self._idle_wait())
        log.info("Backend worker %s stopped", self.worker_id)

    def _idle_wait(self):
        """Until the next step is due (a build's steps are shorter than
        the polling interval), but never longer than the interval."""
        try:
            with self.registry.dbengine.connect() as conn:
                due = conn.execute(
                    select(func.min(BackendJob.not_before)).where(BackendJob.state == "pending")
                ).scalar()
        except OperationalError:
            return self.poll_interval
        if due is None:
            return self.poll_interval
        due = due.replace(tzinfo=timezone.utc) if due.tzinfo is None else due
        return min(self.poll_interval, max(0.01, (due - utcnow()).total_seconds()))

    def stop(self):
        self.stopping.set()

    def start_thread(self):
        thread = threading.Thread(target=self.run_forever, name="snf-backend-worker", daemon=True)
        thread.start()
        return thread
