"""What a finished or failed backend job means for its server.

The same for every driver: the worker calls ``completed`` or ``failed``
in the transaction of the job's last step. Quotas follow the servers:
charged when the API accepts a create (or a resize), released here when a
deletion completes (or a resize fails), so what is charged is always what
exists.
"""
from .. import networking, quotas
from ..models.compute import NIC, Diagnostic, Flavor
from ..models.meta import utcnow
from . import queue

#: The server's ``task`` each action sets (cleared when its job ends).
TASK_OF_ACTION = {
    "create": "BUILD", "start": "START", "shutdown": "STOP", "reboot": "REBOOT",
    "destroy": "DESTROY", "resize": "RESIZE", "connect": "CONNECT", "disconnect": "DISCONNECT",
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


def _clear_task(server, action):
    # A later action (a delete during a build) may own the task by now.
    if server.task == TASK_OF_ACTION[action]:
        server.task = None
    server.updated_at = utcnow()


def completed(db, job, server, payload):
    action = job.action
    if action == "create":
        server.operstate = "ACTIVE"
        server.build_progress = 100
        networking.on_server_built(db, server)
    elif action in ("start", "reboot"):
        server.operstate = "ACTIVE"
    elif action == "shutdown":
        server.operstate = "STOPPED"
    elif action == "resize":
        server.flavor_id = payload["flavor_id"]
        server.flavor = db.get(Flavor, payload["flavor_id"])
    elif action == "connect":
        networking.on_nic_connected(db, db.get(NIC, payload["nic_id"]))
    elif action == "disconnect":
        nic = db.get(NIC, payload["nic_id"])
        if nic is not None:
            networking.on_nic_disconnected(db, nic)
    elif action == "destroy":
        _destroyed(db, server)
    _clear_task(server, action)


def _destroyed(db, server):
    server.operstate = "DELETED"
    server.deleted = True
    # Jobs that were waiting behind the delete have nothing left to act on.
    queue.cancel_pending(db, server)
    networking.release_server_nics(db, server)
    quotas.charge(db, server.user_uuid, server_provisions(server.flavor, sign=-1),
                  name=f"Release server {server.id}", force=True)


def failed(db, job, server, payload, message):
    if job.action == "resize":
        # The server keeps its old flavor: give back what the resize charged.
        new = db.get(Flavor, payload["flavor_id"])
        back = {k: -v for k, v in resize_provisions(server.flavor, new).items()}
        if back:
            quotas.charge(db, server.user_uuid, back, name=f"Failed resize of server {server.id}",
                          force=True)
    server.operstate = "ERROR"
    server.diagnostics.append(_error_entry(job, message))
    _clear_task(server, job.action)


def _error_entry(job, message):
    now = utcnow()
    return Diagnostic(source="backend", level="ERROR", message=message,
                      details=f"Job {job.id} ({job.action}) failed", source_date=now, created_at=now)
