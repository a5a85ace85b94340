"""A server's life cycle: the one table of backend actions, the state rules
that decide whether an action may start, and what its job's outcome means.

Each ``Action`` says, for one backend action: the server ``task`` it sets
while it runs, the API status it needs to start (H5), the driver call, what
its completion and its failure mean for the server, and its quota
provisions: what is charged when the API accepts it (given back if the job
fails, where ``refund_on_failure``) and what is released when it completes.
Quotas follow the servers: what is charged is always what exists; a server
in ERROR still holds its resources until deleted.

``begin`` starts an action in the request's transaction; ``ServerJobs`` is
the backend worker's job handler, turning a job into a driver ``Task`` and
its outcome into rows.

Locks, in the one global order every transaction follows, API and worker
alike: the **server** row first (``lock_server``, before any state rule is
checked, so that of two actions sent at once the second sees the task the
first set), then the **quota holdings** (``quotas.engine``, in (holder,
source, resource) order), then **addresses and networks**
(``network.allocation``), and the **job** rows last. A new server is
locked by nobody else, so creating one starts at the holdings.
"""
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from synnefo_pyr import errors
from synnefo_pyr.backend import jobs
from synnefo_pyr.db import lock_row
from synnefo_pyr.backend.interface import BackendError, FlavorSpec, NicSpec, ServerSpec, Task
from synnefo_pyr.compute.models import Diagnostic, Flavor, Server
# network.ports imports this module too: both use the other only at call time.
from synnefo_pyr.network import ports
from synnefo_pyr.network.models import NIC
from synnefo_pyr.orm import utcnow
from synnefo_pyr.quotas import engine as quotas

#: SNF:task_state of each task (F8, without the original's BULDING typo).
TASK_STATES = {
    None: "", "BUILD": "BUILDING", "START": "STARTING", "STOP": "STOPPING",
    "REBOOT": "REBOOTING", "DESTROY": "DESTROYING", "RESIZE": "RESIZING",
    "CONNECT": "CONNECTING", "DISCONNECT": "DISCONNECTING",
}


def server_provisions(flavor, sign=1):
    """The quota a server of ``flavor`` holds (resources in bytes)."""
    ram = flavor.ram * 1024 * 1024
    disk = flavor.disk * 1024 * 1024 * 1024
    return {
        "cyclades.vm": sign,
        "cyclades.cpu": sign * flavor.cpu,
        "cyclades.total_cpu": sign * flavor.cpu,
        "cyclades.ram": sign * ram,
        "cyclades.total_ram": sign * ram,
        "cyclades.disk": sign * disk,
    }


def resize_provisions(old, new):
    """The quota difference between two flavors (disk never changes, H9)."""
    before, after = server_provisions(old), server_provisions(new)
    return {k: after[k] - before[k] for k in after if k != "cyclades.vm" and after[k] != before[k]}


def flavor_spec(flavor):
    return FlavorSpec(flavor.id, flavor.cpu, flavor.ram, flavor.disk, flavor.disk_template)


def server_spec(server):
    """What a driver is told of a server: plain values, no rows."""
    return ServerSpec(
        id=server.id, name=server.name, image_id=server.image_id,
        flavor=flavor_spec(server.flavor),
        nics=tuple(NicSpec(n.id, n.api_id, n.network_id, n.mac, n.ipv4, n.ipv6) for n in server.nics),
    )


# --- the server lock -------------------------------------------------------------

def lock_server(server, dbsession=None):
    """Row-lock ``server`` for the rest of the transaction and reload it
    (its columns, NICs and metadata) as the lock found it; first in the
    lock order (see the module's docstring)."""
    return lock_row(server, "nics", "metadata_items", dbsession=dbsession)


# --- the state rules -----------------------------------------------------------


def api_status(server):
    """The API status from the backend's operstate and the task (F7)."""
    if server.deleted:
        return "DELETED"
    if server.operstate == "ACTIVE" and server.task == "REBOOT":
        return "REBOOT"
    if server.operstate == "STOPPED" and server.task == "RESIZE":
        return "RESIZE"
    return server.operstate


def check_not_suspended(server):
    if server.suspended:
        raise errors.Forbidden("Administratively suspended server.")


def check_changeable(server):
    """H6: a deleted server refuses changes (400), a suspended one too (403)."""
    if server.deleted:
        raise errors.Invalid("Server has been deleted.")
    check_not_suspended(server)


def check_idle(server, action):
    """No other action may be in flight (H5)."""
    if server.task is not None:
        raise errors.Invalid(
            f"Cannot perform '{action}' action while there is a pending"
            f" '{TASK_STATES[server.task].lower()}' action."
        )


def check_may_start(server, action, required_state=None):
    """H5-H6: may ``action`` run on ``server`` now? (The server is locked
    first: the answer holds until the transaction ends.)"""
    lock_server(server)
    check_changeable(server)
    if server.operstate == "BUILD":
        raise errors.BuildInProgress("Server is being built.")
    check_idle(server, action)
    state = api_status(server)
    if state == "ERROR" or (required_state is not None and state != required_state):
        raise errors.Invalid(f"Cannot perform '{action}' action while server is in '{state}' state.")


# --- what each action's outcome means -------------------------------------------


def _built(db, server, payload):
    server.operstate = "ACTIVE"
    server.build_progress = 100
    ports.on_server_built(db, server)


def _operstate(state):
    def apply(db, server, payload):
        server.operstate = state
    return apply


def _resized(db, server, payload):
    server.flavor = db.get(Flavor, payload["flavor"]["id"])


def _port_hook(name):
    """The hook ``ports.<name>`` applied to the job's port (looked up when
    called: this table is built while ``ports`` may still be importing)."""
    def apply(db, server, payload):
        nic = db.get(NIC, payload["nic_id"])
        if nic is not None:
            getattr(ports, name)(db, nic)
    return apply


def _errored(db, server, payload):
    server.operstate = "ERROR"


def _build_failed(db, server, payload):
    server.operstate = "ERROR"
    ports.on_server_build_failed(db, server)


def _destroyed(db, server, payload):
    server.operstate = "DELETED"
    server.deleted = True
    # Jobs that were waiting behind the delete have nothing left to act on.
    jobs.cancel_pending(db, server.id)
    ports.release_server_ports(db, server)


def _nothing(db, server, payload):
    pass


def _nic_of(task):
    nic = task.server.nic(task.payload["nic_id"])
    if nic is None:
        raise BackendError(f"NIC {task.payload['nic_id']} is gone")
    return nic


@dataclass(frozen=True)
class Action:
    name: str
    #: The server's ``task`` while the action is in flight.
    task: str
    #: The driver call of one step: ``(driver, Task) -> Step``.
    run: Callable
    #: What completion means for the server: ``(db, server, payload)``.
    completed: Callable = _nothing
    #: What failure means for the server (beyond the diagnostics entry).
    failed: Callable = _errored
    #: The API status the action needs to start (H5); ``None``: any.
    required_state: str | None = None
    #: Quota charged when the action is accepted: ``(server, payload) -> {resource: n}``.
    charge: Callable | None = None
    #: Whether a failed job gives the charge back.
    refund_on_failure: bool = False
    #: Quota released when the action completes: ``(server, payload) -> {resource: n}``.
    release: Callable | None = None


def _resize_charge(server, payload):
    return resize_provisions(server.flavor, FlavorSpec(**payload["flavor"]))


ACTIONS = {action.name: action for action in (
    Action("create", "BUILD", run=lambda driver, task: driver.create(task), completed=_built,
           failed=_build_failed, charge=lambda server, payload: server_provisions(server.flavor)),
    Action("start", "START", run=lambda driver, task: driver.start(task),
           completed=_operstate("ACTIVE"), required_state="STOPPED"),
    Action("shutdown", "STOP", run=lambda driver, task: driver.shutdown(task),
           completed=_operstate("STOPPED"), required_state="ACTIVE"),
    Action("reboot", "REBOOT", run=lambda driver, task: driver.reboot(task, bool(task.payload.get("hard"))),
           completed=_operstate("ACTIVE")),
    Action("resize", "RESIZE",
           run=lambda driver, task: driver.resize(task, FlavorSpec(**task.payload["flavor"])),
           completed=_resized, required_state="STOPPED",
           charge=_resize_charge, refund_on_failure=True),
    Action("destroy", "DESTROY", run=lambda driver, task: driver.destroy(task), completed=_destroyed,
           release=lambda server, payload: server_provisions(server.flavor, sign=-1)),
    # A failed connect removes its port and leaves the server as it was (D15).
    Action("connect", "CONNECT", run=lambda driver, task: driver.connect_nic(task, _nic_of(task)),
           completed=_port_hook("on_connected"), failed=_port_hook("on_connect_failed")),
    Action("disconnect", "DISCONNECT",
           run=lambda driver, task: driver.disconnect_nic(task, _nic_of(task)),
           completed=_port_hook("on_disconnected")),
)}


# --- starting an action -----------------------------------------------------------


def _charge(dbsession, server, provisions, name, force=False):
    if provisions:
        quotas.charge(dbsession, server.user_uuid, provisions, name=name, force=force)


def charge(dbsession, server, name, **payload):
    """Charge what action ``name`` costs (before anything else is done: over
    quota, nothing else is attempted)."""
    action = ACTIONS[name]
    if action.charge is not None:
        _charge(dbsession, server, action.charge(server, payload), f"{name} server {server.name}")


def begin(dbsession, server, name, *, check=True, charged=False, **payload):
    """Start ``name`` on ``server`` in the caller's transaction: check the
    state rules (unless the caller has, ``check=False``), charge its quota
    (unless ``charged`` already), set the task and enqueue its job."""
    action = ACTIONS[name]
    lock_server(server, dbsession)
    if check:
        check_may_start(server, name, action.required_state)
    if not charged:
        charge(dbsession, server, name, **payload)
    server.task = action.task
    server.updated_at = utcnow()
    return jobs.enqueue(dbsession, server, name, **payload)


# --- the worker's job handler -----------------------------------------------------


def _error_entry(job, message):
    now = utcnow()
    return Diagnostic(source="backend", level="ERROR", message=message,
                      details=f"Job {job.id} ({job.action}) failed", source_date=now, created_at=now)


def _clear_task(server, action):
    # A later action (a delete during a build) may own the task by now.
    if server.task == ACTIONS[action].task:
        server.task = None
    server.updated_at = utcnow()


class ServerJobs:
    """The backend's job handler for servers (``backend/worker.py``)."""

    def _server(self, db, job):
        if job.server_id is None:
            return None
        return db.scalars(
            select(Server).where(Server.id == job.server_id)
            .options(selectinload(Server.nics), selectinload(Server.diagnostics))
        ).first()

    def lock(self, db, job):
        """Lock the job's server before anything else of the transaction
        that applies the job's outcome (the global lock order)."""
        server = self._server(db, job)
        if server is not None:
            lock_server(server, db)

    def task_of(self, db, job, step):
        """The driver's ``Task`` for this step, or ``None`` when the server is gone."""
        server = self._server(db, job)
        if server is None:
            return None
        return Task(job_id=job.id, action=job.action, server=server_spec(server), step=step,
                    payload=jobs.payload_of(job))

    def run(self, driver, task):
        return ACTIONS[task.action].run(driver, task)

    def progressed(self, db, job, step):
        server = self._server(db, job)
        if server is None:
            return
        if step.progress is not None:
            server.build_progress = step.progress
        now = utcnow()
        for entry in step.diagnostics:
            server.diagnostics.append(Diagnostic(
                source=entry.source, level=entry.level, message=entry.message,
                details=entry.details, source_date=now, created_at=now,
            ))

    def completed(self, db, job):
        server = self._server(db, job)
        if server is None:
            return
        action, payload = ACTIONS[job.action], jobs.payload_of(job)
        if action.release is not None:
            # In-process releases of what really went never fail.
            _charge(db, server, action.release(server, payload), f"release server {server.id}", force=True)
        action.completed(db, server, payload)
        _clear_task(server, job.action)

    def failed(self, db, job, message):
        server = self._server(db, job)
        if server is None:
            return
        action, payload = ACTIONS[job.action], jobs.payload_of(job)
        if action.refund_on_failure and action.charge is not None:
            # The server keeps what it had: give back what the action charged.
            back = {k: -v for k, v in action.charge(server, payload).items()}
            _charge(db, server, back, f"failed {job.action} of server {server.id}", force=True)
        action.failed(db, server, payload)
        server.diagnostics.append(_error_entry(job, message))
        _clear_task(server, job.action)
