"""Compute servers: loading, creating, changing and deleting them.

Everything that changes a server happens in the caller's transaction: the
row, its NICs, the quota charge and the backend job commit together or not
at all. The state rules and the backend actions are ``lifecycle``'s.
"""
import secrets
import string
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from synnefo_pyr import errors
from synnefo_pyr.backend import jobs
from synnefo_pyr.compute import lifecycle
from synnefo_pyr.compute.models import Flavor, Server, ServerMetadata, flavor_name
from synnefo_pyr.images import registry as images
from synnefo_pyr.network import floating_ips, ports, server_ports
from synnefo_pyr.orm import utcnow
from synnefo_pyr.prepared_reads import PreparedRead


#: Metadata of one server: at most this many items, values at most this
#: many characters (keys: 255, the column).
MAX_METADATA_ITEMS = 128
MAX_METADATA_VALUE = 1024


@dataclass(frozen=True)
class ServerRequest:
    """What a new server is made of (the compute guide's Create Server)."""

    name: str
    image_id: str
    flavor_id: int | None
    metadata: dict = field(default_factory=dict)
    personality: list = field(default_factory=list)
    #: The ports to make (``network.server_ports.PortItem``/``NetworkItem``);
    #: ``None``: the default networks (the default public network).
    networks: list | None = None


# --- loading -------------------------------------------------------------


def _eager(query):
    # A constant number of statements whatever the number of servers:
    # servers (+ flavor, joined), then one SELECT ... IN per collection.
    return query.options(
        selectinload(Server.metadata_items),
        selectinload(Server.nics),
        selectinload(Server.diagnostics),
    )


def load_server(dbsession, server_id):
    """Any server by id, whoever owns it, deleted ones too; ``None`` for
    no id or no such server."""
    if server_id is None:
        return None
    return dbsession.scalars(_eager(select(Server).where(Server.id == server_id))).first()


def find_flavor(dbsession, flavor_id):
    """A live flavor to build or resize with (``flavor_id`` already parsed;
    ``None`` names nothing)."""
    flavor = dbsession.get(Flavor, flavor_id) if flavor_id is not None else None
    if flavor is None or flavor.deleted:
        raise errors.NotFound("Flavor not found.")
    return flavor


@dataclass(frozen=True)
class FlavorView:
    """A flavor as the listings show it: read as plain columns, no ORM
    object to build (the list is a hot path)."""

    id: int
    cpu: int
    ram: int
    disk: int
    disk_template: str

    @property
    def name(self):
        return flavor_name(self.cpu, self.ram, self.disk, self.disk_template)


_LIVE_FLAVORS = PreparedRead(
    select(Flavor.id, Flavor.cpu, Flavor.ram, Flavor.disk, Flavor.disk_template)
    .where(Flavor.deleted.is_(False)).order_by(Flavor.id)
)


def list_flavors(dbsession):
    return [FlavorView(*row) for row in _LIVE_FLAVORS.rows(dbsession.connection())]


# --- creating ------------------------------------------------------------


def random_password(length=10):
    """``adminPass``: letters and digits, at least one lower, upper, digit."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in password) and any(c.isupper() for c in password)
                and any(c.isdigit() for c in password)):
            return password


def create_server(dbsession, user_uuid, spec, network_settings):
    """Create a server from a ``ServerRequest``; returns ``(server,
    admin_password)``. Its metadata is exactly what the client sent
    (behaviours.md preface, item 7); its ports are ``server_ports``'s,
    all made or none."""
    flavor = find_flavor(dbsession, spec.flavor_id)
    image = images.find_visible(dbsession, user_uuid, spec.image_id)
    if image is None:
        raise errors.NotFound("Image not found.")
    server = Server(
        user_uuid=user_uuid, name=spec.name, flavor=flavor, image_id=image.id,
        operstate="BUILD", build_progress=0,
    )
    # Charged first: over quota, nothing else is attempted.
    lifecycle.charge(dbsession, server, "create")
    server.metadata_items = [ServerMetadata(key=k, value=v) for k, v in sorted(spec.metadata.items())]
    server.nics = []
    server.diagnostics = []
    dbsession.add(server)
    dbsession.flush()
    server_ports.attach_server_ports(dbsession, server, spec.networks, network_settings)
    lifecycle.begin(dbsession, server, "create", check=False, charged=True,
                    personality=spec.personality)
    return server, random_password()


# --- changing ------------------------------------------------------------


def start(dbsession, server):
    lifecycle.begin(dbsession, server, "start")


def shutdown(dbsession, server):
    lifecycle.begin(dbsession, server, "shutdown")


def reboot(dbsession, server, hard):
    lifecycle.begin(dbsession, server, "reboot", hard=hard)


def resize(dbsession, server, flavor_id):
    """H9: a stopped server moves to a flavor with the same disk."""
    action = lifecycle.ACTIONS["resize"]
    lifecycle.check_may_start(server, "resize", action.required_state)
    flavor = find_flavor(dbsession, flavor_id)
    old = server.flavor
    if flavor.id == old.id:
        raise errors.Invalid("Server already has this flavor.")
    if flavor.disk != old.disk:
        raise errors.Invalid("Cannot resize to a flavor with a different disk size.")
    if flavor.disk_template != old.disk_template:
        raise errors.Invalid("Cannot resize to a flavor with a different disk template.")
    spec = lifecycle.flavor_spec(flavor)
    lifecycle.begin(dbsession, server, "resize", check=False, flavor=asdict(spec))


def console(driver, server, console_type):
    """H7: only ``vnc``, only on an ACTIVE server (400 otherwise, BUILD too)."""
    if console_type != "vnc":
        raise errors.Invalid("Console type must be 'vnc'.")
    lifecycle.check_changeable(server)
    if lifecycle.api_status(server) != "ACTIVE":
        raise errors.Invalid("Server not in ACTIVE state.")
    return driver.console(lifecycle.server_spec(server), console_type)


def connect(dbsession, network, server_id, user_uuid, network_settings):
    """Connect the user's server ``server_id`` to ``network`` (the compute
    guide's ``add``): a new port, plugged in by the backend."""
    ports.connect_server(dbsession, network, server_id, user_uuid, network_settings)


def disconnect(dbsession, network, server_id, user_uuid, attachment=None):
    """Disconnect the user's server from ``network`` (``remove``)."""
    ports.disconnect_server(dbsession, network, server_id, user_uuid, attachment)


def set_firewall_profile(dbsession, server, profile, nic_id):
    lifecycle.check_may_start(server, "firewallProfile")
    ports.set_firewall_profile(dbsession, server, profile, nic_id)
    server.updated_at = utcnow()


def add_floating_ip(dbsession, server, address, network_settings):
    """``addFloatingIp`` (D14): attach the user's floating IP ``address``
    through a new port, as ``POST /ports`` would (L34)."""
    lifecycle.check_changeable(server)
    fip = floating_ips.find_own_by_address(dbsession, server.user_uuid, address)
    ports.create_port(dbsession, server.user_uuid, {
        "network_id": fip.network_id, "device_id": server.id, "fixed_ips": [{"ip_address": fip.address}],
    }, network_settings)


def remove_floating_ip(dbsession, server, address, network_settings):
    """``removeFloatingIp``: delete the port holding the floating IP, as
    ``DELETE /ports/<id>`` would (L28)."""
    lifecycle.check_changeable(server)
    fip = floating_ips.find_own_by_address(dbsession, server.user_uuid, address)
    if fip.nic is None or fip.nic.server_id != server.id:
        raise errors.Invalid(f"Floating IP {address} not attached to instance")
    ports.delete_port(dbsession, fip.nic, network_settings)


def rename(server, name):
    lifecycle.lock_server(server)
    lifecycle.check_changeable(server)
    server.name = name
    server.updated_at = utcnow()


def delete(dbsession, server):
    """F13: any state, BUILD included; the backend confirms later, and
    only then is the quota released. Locked first: of eight deletes sent at
    once, one is accepted and the others see its pending destroy."""
    lifecycle.lock_server(server, dbsession)
    lifecycle.check_changeable(server)
    if server.task == "DESTROY":
        raise errors.Invalid("Cannot perform 'delete' action while there is a pending 'destroying' action.")
    jobs.cancel_pending(dbsession, server.id)
    lifecycle.begin(dbsession, server, "destroy", check=False)


# --- metadata ------------------------------------------------------------


def metadata_of(server):
    return {m.key: m.value for m in server.metadata_items}


def metadata_item(items, key):
    """``{key: value}`` of the mapping ``items`` (a server's metadata)."""
    if key not in items:
        raise errors.NotFound("Metadata key not found.")
    return {key: items[key]}


def set_metadata(server, items):
    """Set the given keys (G2/G6), keep the others. Locked first, so that
    concurrent writers of one new key update it rather than insert it twice."""
    lifecycle.lock_server(server)
    lifecycle.check_not_suspended(server)
    existing = {m.key: m for m in server.metadata_items}
    if len(set(existing) | set(items)) > MAX_METADATA_ITEMS:
        raise errors.LimitExceeded("Maximum number of metadata exceeded",
                                   f"At most {MAX_METADATA_ITEMS} items per server")
    for key, value in items.items():
        if key in existing:
            existing[key].value = value
        else:
            server.metadata_items.append(ServerMetadata(key=key, value=value))
    server.updated_at = utcnow()


def delete_metadata_item(server, key):
    lifecycle.lock_server(server)
    lifecycle.check_not_suspended(server)
    item = next((m for m in server.metadata_items if m.key == key), None)
    if item is None:
        raise errors.NotFound("Metadata key not found.")
    server.metadata_items.remove(item)
    server.updated_at = utcnow()


def stats_of(server):
    """F15: stats exist for live, unsuspended servers."""
    lifecycle.check_changeable(server)
    return server
