"""Backend jobs, written in the caller's transaction.

``enqueue`` only adds a ``BackendJob`` row to the session it is given: a
request that later fails rolls its jobs back with everything else, so the
backend never acts on something the API did not commit.
"""
import json

from sqlalchemy import update

from synnefo_pyr.backend.models import BackendJob


def enqueue(dbsession, server, action, **payload):
    """Add a job for ``server`` and return it (flushed, so it has an id).

    Payload values must be JSON-serialisable. A failure armed with
    ``server-modify --fail`` is handed to the first job enqueued after it.
    """
    job = BackendJob(server_id=server.id, action=action, payload=json.dumps(payload))
    if server.pending_failure:
        job.fail_message, server.pending_failure = server.pending_failure, None
    dbsession.add(job)
    dbsession.flush()
    return job


def cancel_pending(dbsession, server_id):
    """Drop the server's jobs that have not started (a delete supersedes them).

    A job whose step is running right now is left alone; it finishes
    before any later job of the server runs.
    """
    dbsession.execute(
        update(BackendJob)
        .where(BackendJob.server_id == server_id, BackendJob.state == "pending")
        .values(state="cancelled")
        .execution_options(synchronize_session=False)
    )


def payload_of(job):
    """The job's arguments, without the worker's own step counter."""
    payload = json.loads(job.payload or "{}")
    payload.pop("_step", None)
    return payload


def step_of(job):
    return int(json.loads(job.payload or "{}").get("_step", 0))


def with_step(job, step):
    payload = json.loads(job.payload or "{}")
    payload["_step"] = step
    job.payload = json.dumps(payload)
