"""Compute servers: the rules of their life cycle and their API shape.

Views stay thin: they parse (``schemas/compute.py``), call one function
here, and return what ``server_to_dict`` makes. Everything that changes a
server happens in the request's transaction: the row, its NICs, the quota
charge and the backend job (``backend.queue.enqueue``) commit together or
not at all.
"""
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import faults, image_registry, networking, quotas
from .backend import queue
from .backend.outcomes import TASK_OF_ACTION, resize_provisions, server_provisions
from .models.compute import Flavor, Network, Server, ServerMetadata
from .models.meta import utcnow
from .serialization import isoformat, parse_isoformat

SETTINGS_PREFIX = "synnefo_pyr.compute."

#: SNF:task_state of each task (F8, without the BULDING typo).
TASK_STATES = {
    None: "", "BUILD": "BUILDING", "START": "STARTING", "STOP": "STOPPING",
    "REBOOT": "REBOOTING", "DESTROY": "DESTROYING", "RESIZE": "RESIZING",
    "CONNECT": "CONNECTING", "DISCONNECT": "DISCONNECTING",
}
#: The state an action needs (H5); actions absent here need no particular one.
REQUIRED_STATE = {"start": "STOPPED", "shutdown": "ACTIVE", "resize": "STOPPED"}
#: Metadata copied from the image's properties at creation (guide, Server
#: Attributes: "the OS and users metadata are retrieved from the image").
IMAGE_METADATA_KEYS = ("OS", "users")
#: What ``networking`` says when a network has no IPv4 address left.
NO_FREE_ADDRESS = "No more IP addresses available"


@dataclass(frozen=True)
class ComputeSettings:
    #: ``changes-since`` may look back this many seconds (A14's POLL_LIMIT);
    #: deleted servers stay reported as DELETED for at least that long.
    poll_limit: int = 3600
    #: ``SNF:fqdn``: a template with ``{id}``; empty = the public IPv4.
    fqdn_template: str = ""
    #: Base of the stats graph URLs (F15); empty = ``<host>/stats``.
    stats_url: str = ""


def parse_settings(settings):
    def get(key, default):
        value = settings.get(SETTINGS_PREFIX + key)
        return default if value in (None, "") else str(value).strip()

    return ComputeSettings(
        poll_limit=int(get("poll_limit", ComputeSettings.poll_limit)),
        fqdn_template=get("fqdn_template", ""),
        stats_url=get("stats_url", "").rstrip("/"),
    )


# --- API shapes ----------------------------------------------------------


def links(request, path):
    href = request.registry.synnefo.url(request, "compute", path)
    return [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}]


def flavor_to_dict(request, flavor, detail=True):
    data = {"id": flavor.id, "name": flavor.name, "links": links(request, f"/flavors/{flavor.id}")}
    if detail:
        data.update({
            "ram": flavor.ram,
            "disk": flavor.disk,
            "vcpus": flavor.cpu,
            "SNF:disk_template": flavor.disk_template,
        })
    return data


def image_ref(request, image_id):
    return {
        "id": image_id,
        "links": links(request, f"/images/{image_id}") + [{
            "rel": "alternate",
            "href": request.registry.synnefo.url(request, "image", f"/images/{image_id}"),
        }],
    }


def api_status(server):
    """The API status from the backend's operstate and the task (F7)."""
    if server.deleted:
        return "DELETED"
    if server.operstate == "ACTIVE" and server.task == "REBOOT":
        return "REBOOT"
    if server.operstate == "STOPPED" and server.task == "RESIZE":
        return "RESIZE"
    return server.operstate


def progress(server):
    # Clients treat 100 as "built": never say so before the server is ACTIVE.
    if server.operstate == "BUILD":
        return min(server.build_progress, 99)
    return server.build_progress


def diagnostic_to_dict(entry):
    return {
        "level": entry.level,
        "created": isoformat(entry.created_at),
        "source": entry.source,
        "source_date": isoformat(entry.source_date),
        "message": entry.message,
        "details": entry.details,
    }


def fqdn(request, server):
    template = request.registry.compute_settings.fqdn_template
    if template:
        return template.format(id=server.id)
    public = next((n for n in server.nics if n.state == "ACTIVE" and n.network.public and n.ipv4), None)
    return public.ipv4 if public is not None else None


def server_to_dict(request, server, detail=True):
    """The server as the API shows it (F1, F6). Reads only what
    ``load_servers`` eager-loads: rendering issues no SQL."""
    data = {"id": server.id, "name": server.name, "links": links(request, f"/servers/{server.id}")}
    if not detail:
        return data
    data.update({
        "user_id": server.user_uuid,
        "tenant_id": server.user_uuid,
        "status": api_status(server),
        "SNF:task_state": TASK_STATES.get(server.task, ""),
        "progress": progress(server),
        "hostId": "",
        "created": isoformat(server.created_at),
        "updated": isoformat(server.updated_at),
        "flavor": {"id": server.flavor_id, "links": links(request, f"/flavors/{server.flavor_id}")},
        "image": image_ref(request, server.image_id),
        "suspended": server.suspended,
        "metadata": {m.key: m.value for m in server.metadata_items},
        "attachments": networking.server_attachments(server),
        "addresses": networking.server_addresses(server),
        "diagnostics": [diagnostic_to_dict(d) for d in server.diagnostics],
        "security_groups": [{"name": "default"}],
        "key_name": None,
        "config_drive": "",
        "accessIPv4": "",
        "accessIPv6": "",
        "SNF:fqdn": fqdn(request, server),
        "SNF:port_forwarding": {},
    })
    return data


# --- loading -------------------------------------------------------------


def _eager(query):
    # A constant number of statements whatever the number of servers:
    # servers (+ flavor, joined), then one SELECT ... IN per collection.
    return query.options(
        selectinload(Server.metadata_items),
        selectinload(Server.nics),
        selectinload(Server.diagnostics),
    )


def list_servers(request, user_uuid, changes_since=None):
    """The user's servers by id; with ``changes_since``, those updated since
    then, deleted ones included (F3), else only live ones."""
    query = select(Server).where(Server.user_uuid == user_uuid).order_by(Server.id)
    if changes_since is None:
        query = query.where(Server.deleted.is_(False))
    else:
        query = query.where(Server.updated_at >= changes_since)
    return list(request.dbsession.scalars(_eager(query)))


def parse_changes_since(request, value):
    """A14: an ISO 8601 time with a zone, not in the future, not older than
    the poll limit."""
    since = parse_isoformat(value)
    if since is None:
        raise faults.BadRequest("Invalid changes-since parameter.")
    now = utcnow()
    if since > now:
        raise faults.BadRequest("changes-since value set in the future.")
    if now - since > timedelta(seconds=request.registry.compute_settings.poll_limit):
        raise faults.BadRequest("Too old changes-since value.")
    return since


# --- creating ------------------------------------------------------------


def random_password(length=10):
    """``adminPass``: letters and digits, at least one lower, upper, digit."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in password) and any(c.isupper() for c in password)
                and any(c.isdigit() for c in password)):
            return password


def find_flavor(dbsession, flavor_id, allow_deleted=False):
    flavor = dbsession.get(Flavor, flavor_id)
    if flavor is None or (flavor.deleted and not allow_deleted):
        raise faults.ItemNotFound("Flavor not found.")
    return flavor


def _networks_for(dbsession, user_uuid, requested):
    """The networks a new server joins: the public one by default, else
    those the request lists (each must be the public one or the user's)."""
    if requested is None:
        return None
    networks = []
    for network_id in requested:
        if network_id == networking.PUBLIC_ID:
            network = networking.public_network(dbsession)
        else:
            network = dbsession.get(Network, int(network_id)) if network_id.isdigit() else None
        # Somebody else's private network is as good as missing (A12).
        visible = network is not None and (network.public or network.user_uuid == user_uuid)
        if not visible or network.deleted:
            raise faults.ItemNotFound(f"Network {network_id} not found.")
        networks.append(network)
    return networks


def charge(dbsession, user_uuid, provisions, name):
    """Charge the user's quota. The compute API's overLimit carries only
    code, message and details (A1, F11); the commission's data that the
    quota API adds to its own overLimit is not part of this contract."""
    try:
        quotas.charge(dbsession, user_uuid, provisions, name=name)
    except faults.OverLimit as exc:
        raise faults.OverLimit(exc.message, exc.details) from None


def _attach_nics(dbsession, server, networks):
    """The new server's NICs. A network with no address left is a 409
    (F11), as the original service answered; 503 stays for a missing
    public network or an exhausted MAC prefix."""
    try:
        if networks is None:
            networking.attach_public_nic(dbsession, server)
        else:
            for network in networks:
                networking.create_nic(dbsession, server, network)
    except faults.ServiceUnavailable as exc:
        if exc.message != NO_FREE_ADDRESS:
            raise
        raise faults.Conflict(exc.message, exc.details) from None


def create_server(request, user_uuid, spec):
    """Create a server from a validated ``CreateServerRequest``; returns
    ``(server, admin_password)``."""
    dbsession = request.dbsession
    flavor = find_flavor(dbsession, spec.flavor_id)
    image = image_registry.find_visible(dbsession, user_uuid, spec.image_id)
    if image is None:
        raise faults.ItemNotFound("Image not found.")
    networks = _networks_for(dbsession, user_uuid, spec.networks)
    # Charged first: over quota, nothing else is attempted.
    charge(dbsession, user_uuid, server_provisions(flavor), name=f"Create server {spec.name}")
    server = Server(
        user_uuid=user_uuid, name=spec.name, flavor=flavor, image_id=image.id,
        operstate="BUILD", task="BUILD", build_progress=0,
    )
    metadata = {k: v for k, v in image.properties.items() if k in IMAGE_METADATA_KEYS}
    metadata.update(spec.metadata)
    server.metadata_items = [ServerMetadata(key=k, value=v) for k, v in sorted(metadata.items())]
    server.nics = []
    server.diagnostics = []
    dbsession.add(server)
    dbsession.flush()
    _attach_nics(dbsession, server, networks)
    password = random_password()
    queue.enqueue(dbsession, server, "create", personality=spec.personality)
    return server, password


# --- changing ------------------------------------------------------------


def check_not_deleted_or_suspended(server):
    """H6: a deleted server refuses changes (400), a suspended one too (403)."""
    if server.deleted:
        raise faults.BadRequest("Server has been deleted.")
    if server.suspended:
        raise faults.Forbidden("Administratively suspended server.")


def check_action(server, action):
    """H5-H6: may ``action`` run on ``server`` now?"""
    check_not_deleted_or_suspended(server)
    if server.operstate == "BUILD":
        raise faults.BuildInProgress("Server is being built.")
    if server.task is not None:
        raise faults.BadRequest(
            f"Cannot perform '{action}' action while there is a pending"
            f" '{TASK_STATES[server.task].lower()}' action."
        )
    required = REQUIRED_STATE.get(action)
    state = api_status(server)
    if state == "ERROR" or (required is not None and state != required):
        raise faults.BadRequest(f"Cannot perform '{action}' action while server is in '{state}' state.")


def _begin(dbsession, server, action, **payload):
    server.task = TASK_OF_ACTION[action]
    server.updated_at = utcnow()
    return queue.enqueue(dbsession, server, action, **payload)


def start(dbsession, server):
    check_action(server, "start")
    _begin(dbsession, server, "start")


def shutdown(dbsession, server):
    check_action(server, "shutdown")
    _begin(dbsession, server, "shutdown")


def reboot(dbsession, server, hard):
    check_action(server, "reboot")
    _begin(dbsession, server, "reboot", hard=hard)


def resize(dbsession, server, flavor_ref):
    """H9: a stopped server moves to a flavor with the same disk."""
    check_action(server, "resize")
    flavor = find_flavor(dbsession, flavor_ref)
    old = server.flavor
    if flavor.id == old.id:
        raise faults.BadRequest("Server already has this flavor.")
    if flavor.disk != old.disk:
        raise faults.BadRequest("Cannot resize to a flavor with a different disk size.")
    if flavor.disk_template != old.disk_template:
        raise faults.BadRequest("Cannot resize to a flavor with a different disk template.")
    difference = resize_provisions(old, flavor)
    if difference:
        charge(dbsession, server.user_uuid, difference, name=f"Resize server {server.id}")
    _begin(dbsession, server, "resize", flavor_id=flavor.id)


def console(request, server, console_type):
    """H7: only ``vnc``, only on an ACTIVE server (400 otherwise, BUILD too)."""
    if console_type != "vnc":
        raise faults.BadRequest("Console type must be 'vnc'.")
    check_not_deleted_or_suspended(server)
    if api_status(server) != "ACTIVE":
        raise faults.BadRequest("Server not in ACTIVE state.")
    info = request.registry.backend_driver.console(server, console_type)
    return {"type": info.type, "host": info.host, "port": info.port, "password": info.password}


def set_firewall_profile(dbsession, server, profile, nic_id):
    check_action(server, "firewallProfile")
    networking.set_firewall_profile(dbsession, server, profile, nic_id)
    server.updated_at = utcnow()


def rename(server, name):
    check_not_deleted_or_suspended(server)
    server.name = name
    server.updated_at = utcnow()


def delete(dbsession, server):
    """F13: any state, BUILD included; the backend confirms later, and
    only then is the quota released."""
    check_not_deleted_or_suspended(server)
    if server.task == "DESTROY":
        raise faults.BadRequest("Cannot perform 'delete' action while there is a pending 'destroying' action.")
    queue.cancel_pending(dbsession, server)
    _begin(dbsession, server, "destroy")


# --- metadata ------------------------------------------------------------


def metadata_of(server):
    return {m.key: m.value for m in server.metadata_items}


def set_metadata(server, items):
    """Set the given keys (G2/G6), keep the others."""
    check_not_suspended(server)
    existing = {m.key: m for m in server.metadata_items}
    for key, value in items.items():
        if key in existing:
            existing[key].value = value
        else:
            server.metadata_items.append(ServerMetadata(key=key, value=value))
    server.updated_at = utcnow()


def delete_metadata_item(server, key):
    check_not_suspended(server)
    item = next((m for m in server.metadata_items if m.key == key), None)
    if item is None:
        raise faults.ItemNotFound("Metadata key not found.")
    server.metadata_items.remove(item)
    server.updated_at = utcnow()


def check_not_suspended(server):
    if server.suspended:
        raise faults.Forbidden("Administratively suspended server.")
