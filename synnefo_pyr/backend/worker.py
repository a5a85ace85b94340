"""The worker: claims due jobs, runs one step of each through the driver,
and has the job handler (the compute package's action table) apply what
the step, or the finished or failed job, means for the server.

Claiming is one conditional UPDATE (``... WHERE id = <oldest due job>
AND state = 'pending'``), checked by its row count; on PostgreSQL the
candidate is picked ``FOR UPDATE SKIP LOCKED``, so concurrent workers pick
different jobs instead of queueing on one. A job whose server has an older
unfinished job is not due: a server's jobs run one at a time, in order.
After each step the job goes back to ``pending`` (with ``not_before``
later) or ends ``done`` / ``failed``.

Database trouble never fails a job. A deadlock, a serialization failure or
a busy SQLite is retried (``dbhealth.retrying``, ``synnefo_pyr.db.
retry_attempts`` times); if the database stays unreachable the job is
left ``running``, and every running worker gives jobs ``running`` for
longer than ``stale_after`` back to the queue (``requeue_stale``, every
``stale_after / 2`` seconds), so it runs again and completes once: the
outcome of a step is applied only by the claim that ran it (same worker,
same ``started_at``).
"""
import logging
import os
import socket
import threading
import time
from datetime import timedelta, timezone

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from synnefo_pyr import dbhealth
from synnefo_pyr.backend.interface import BackendError
from synnefo_pyr.backend.jobs import step_of, with_step
from synnefo_pyr.backend.models import BackendJob
from synnefo_pyr.db import session_scope, writer
from synnefo_pyr.orm import utcnow

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
        with writer(engine).begin() as conn:
            result = conn.execute(stmt)
            rows = result.fetchall()
    except OperationalError as exc:
        if dbhealth.is_retryable(exc):
            log.debug("Claim skipped: database busy", exc_info=True)
        else:
            dbhealth.outage_log(registry.dbengine).failed(exc)
        return None
    # The row count is the proof: zero means someone else holds the job.
    return rows[0][0] if len(rows) == 1 else None


def _attempts(registry):
    return registry.dbengine.synnefo_settings.retry_attempts


def run_step(registry, job_id, worker_id):
    """Run one step of a claimed job; returns ``True`` when the job ended.

    Three moves, so that the driver never runs inside a transaction: read
    the job and its task (a snapshot of plain values) in one transaction,
    call the driver outside any, then apply what the step reported in
    another, after checking the job is still this claim's (it may have
    been given back as stale meanwhile)."""
    handler = registry.backend_jobs
    attempts = _attempts(registry)

    def read():
        with session_scope(registry, write=False) as db:
            job = db.get(BackendJob, job_id)
            if job is None or job.state != "running" or job.claimed_by != worker_id:
                return None
            failure = job.fail_message
            task = None if failure else handler.task_of(db, job, step_of(job))
            return job.started_at, failure, task

    claim = dbhealth.retrying(read, attempts)
    if claim is None:
        return False
    started_at, failure, task = claim
    if task is None and failure is None:
        # Nothing left to act on (the server is gone).
        return dbhealth.retrying(
            lambda: _apply(registry, handler, job_id, worker_id, started_at, None, None, gone=True),
            attempts,
        )
    step = None
    if failure is None:
        try:
            step = handler.run(registry.backend_driver, task)
        except BackendError as exc:
            failure = str(exc) or "Backend error"
        except Exception:
            log.exception("Backend driver crashed on job %s", job_id)
            failure = "Internal backend error"
    try:
        return dbhealth.retrying(
            lambda: _apply(registry, handler, job_id, worker_id, started_at, step, failure),
            attempts,
        )
    except Exception as exc:
        if dbhealth.is_retryable(exc) or dbhealth.is_unavailable(exc):
            # The database, not the job, failed: leave it running; it is
            # given back as stale and runs again.
            dbhealth.outage_log(registry.dbengine).failed(exc)
            return False
        log.exception("Backend job %s crashed", job_id)
        dbhealth.retrying(lambda: _fail_crashed(registry, handler, job_id, worker_id, started_at),
                          attempts)
        return True


def _fail_crashed(registry, handler, job_id, worker_id, started_at):
    with session_scope(registry) as db:
        job = _lock_claimed(db, handler, job_id, worker_id, started_at)
        if job is None:
            return
        handler.failed(db, job, "Internal backend error")
        _finish(job, "failed")


def _lock_claimed(db, handler, job_id, worker_id, started_at):
    """Lock the job's server, then the job, in the global lock order; the
    job if it is still this claim's, else ``None``."""
    job = db.get(BackendJob, job_id)
    if job is None:
        return None
    handler.lock(db, job)
    job = db.scalars(
        select(BackendJob).where(BackendJob.id == job_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if job.state != "running" or job.claimed_by != worker_id or job.started_at != started_at:
        return None
    return job


def _apply(registry, handler, job_id, worker_id, started_at, step, failure, gone=False):
    with session_scope(registry) as db:
        job = _lock_claimed(db, handler, job_id, worker_id, started_at)
        if job is None:
            return False
        if gone:
            _finish(job, "done")
            return True
        if failure is not None:
            handler.failed(db, job, failure)
            _finish(job, "failed")
            return True
        handler.progressed(db, job, step)
        if not step.done:
            with_step(job, step_of(job) + 1)
            job.state = "pending"
            job.not_before = utcnow() + timedelta(seconds=step.retry_after)
            return False
        handler.completed(db, job)
        _finish(job, "done")
        return True


def _finish(job, state):
    job.state = state
    job.finished_at = utcnow()


def requeue_stale(registry, older_than_seconds):
    """Give back jobs whose worker died mid-step (``running`` for too long)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    with writer(registry.dbengine).begin() as conn:
        result = conn.execute(
            update(BackendJob)
            .where(BackendJob.state == "running", BackendJob.started_at < cutoff)
            .values(state="pending", claimed_by=None)
        )
    if result.rowcount:
        log.warning("Gave %d stale job(s) back to the queue", result.rowcount)
    return result.rowcount


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

    def __init__(self, registry, worker_id=None):
        self.registry = registry
        self.worker_id = worker_id or default_worker_id(f":{threading.get_ident()}")
        self.poll_interval = registry.backend_settings.poll_interval
        self.stale_after = registry.backend_settings.stale_after
        self.stopping = threading.Event()

    def run_forever(self):
        log.info("Backend worker %s started", self.worker_id)
        next_requeue = 0.0
        while not self.stopping.is_set():
            try:
                if time.monotonic() >= next_requeue:
                    # Jobs whose worker died (or lost its database) while
                    # running: checked at start and then every half period.
                    requeue_stale(self.registry, self.stale_after)
                    next_requeue = time.monotonic() + self.stale_after / 2
                result = run_once(self.registry, self.worker_id)
            except Exception as exc:
                if dbhealth.is_unavailable(exc) or dbhealth.is_retryable(exc):
                    dbhealth.outage_log(self.registry.dbengine).failed(exc)
                else:
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
        except OperationalError as exc:
            dbhealth.outage_log(self.registry.dbengine).failed(exc)
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
