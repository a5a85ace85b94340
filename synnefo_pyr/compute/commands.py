"""Flavors and servers: what an operator of the compute service needs."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from synnefo_pyr.backend.models import BackendJob
from synnefo_pyr.compute.models import Flavor, Server
from synnefo_pyr.serialization import isoformat
from synnefo_pyr.compute.lifecycle import TASK_STATES, api_status
from synnefo_pyr import errors
from synnefo_pyr.scripts.options import add_switch


def flavor_dict(flavor):
    return {
        "id": flavor.id, "name": flavor.name, "cpu": flavor.cpu, "ram": flavor.ram,
        "disk": flavor.disk, "disk_template": flavor.disk_template, "deleted": flavor.deleted,
    }


def server_dict(server):
    return {
        "id": server.id, "name": server.name, "user": server.user_uuid,
        "flavor": server.flavor_id, "image": server.image_id,
        "status": api_status(server), "operstate": server.operstate,
        "task_state": TASK_STATES.get(server.task, ""), "suspended": server.suspended,
        "deleted": server.deleted, "created": isoformat(server.created_at),
        "updated": isoformat(server.updated_at),
    }


def _get(ctx, model, ident, what):
    obj = ctx.dbsession.get(model, ident)
    if obj is None:
        raise errors.Invalid(f"No {what} {ident}")
    return obj


def flavor_create(args, ctx):
    if min(args.cpu, args.ram, args.disk) <= 0:
        raise errors.Invalid("CPU, RAM and DISK must be positive")
    flavor = Flavor(cpu=args.cpu, ram=args.ram, disk=args.disk, disk_template=args.disk_template)
    ctx.dbsession.add(flavor)
    try:
        ctx.dbsession.flush()
    except IntegrityError:
        raise errors.Invalid(f"Flavor {flavor.name} exists")
    return flavor_dict(flavor)


def flavor_list(args, ctx):
    return [flavor_dict(f) for f in ctx.dbsession.scalars(select(Flavor).order_by(Flavor.id))]


def flavor_modify(args, ctx):
    flavor = _get(ctx, Flavor, args.id, "flavor")
    if args.deleted is not None:
        flavor.deleted = args.deleted
    return flavor_dict(flavor)


def server_list(args, ctx):
    query = select(Server).order_by(Server.id)
    if args.user:
        query = query.where(Server.user_uuid == args.user)
    return [server_dict(s) for s in ctx.dbsession.scalars(query)]


def server_show(args, ctx):
    server = _get(ctx, Server, args.id, "server")
    return dict(server_dict(server), pending_failure=server.pending_failure, nics=[
        {"id": n.api_id, "network": n.network_id, "mac": n.mac, "ipv4": n.ipv4, "state": n.state}
        for n in server.nics
    ])


def server_modify(args, ctx):
    server = _get(ctx, Server, args.id, "server")
    result = {}
    if args.suspended is not None:
        server.suspended = args.suspended
    if args.fail:
        job = ctx.dbsession.scalars(
            select(BackendJob)
            .where(BackendJob.server_id == server.id, BackendJob.state.in_(("pending", "running")))
            .order_by(BackendJob.id).limit(1)
        ).first()
        if job is not None:
            job.fail_message = args.fail
            result["failing_job"] = job.id
        else:
            # Nothing in flight: the next job enqueued takes the failure.
            server.pending_failure = args.fail
            result["failing_job"] = None
    ctx.dbsession.flush()
    return dict(server_dict(server), **result)


def register(add):
    p = add("flavor-create", flavor_create, "Create a flavor.")
    p.add_argument("cpu", type=int, metavar="CPU", help="The number of virtual processors.")
    p.add_argument("ram", type=int, metavar="RAM", help="The memory, in MiB.")
    p.add_argument("disk", type=int, metavar="DISK", help="The disk size, in GiB.")
    p.add_argument("disk_template", metavar="DISK_TEMPLATE",
                   help="The disk template, e.g. drbd, plain, ext_archipelago.")

    add("flavor-list", flavor_list, "List the flavors, deleted ones included.")

    p = add("flavor-modify", flavor_modify, "Change a flavor.")
    p.add_argument("id", type=int, help="The flavor's id.")
    add_switch(p, "deleted", "Hide it from lists and new servers (still readable by id).",
               "Offer it again.", off="--undeleted")

    p = add("server-list", server_list, "List the servers, deleted ones included.")
    p.add_argument("--user", metavar="UUID", help="Only this user's servers.")

    p = add("server-show", server_show, "Show a server, with its NICs.")
    p.add_argument("id", type=int, help="The server's id.")

    p = add("server-modify", server_modify, "Change a server.")
    p.add_argument("id", type=int, help="The server's id.")
    add_switch(p, "suspended", "Suspend it administratively: its owner can no longer change it (403).",
               "Lift the suspension.", off="--unsuspended")
    p.add_argument("--fail", metavar="MESSAGE",
                   help="Make the server's pending (or next) backend job fail with MESSAGE.")
