"""Request bodies of the compute API, read like the guide's tables.

Create Server (``{"server": {...}}``):

=========== ============================================ ==========================
name        string, at most 255 characters               required
imageRef    image id (or a URL ending in it)             required
flavorRef   flavor id, integer or string (or a URL)      required
metadata    object of string -> string                   optional
personality list of at most 5 {path, contents, group,    optional
            mode, owner}; contents base64, <= 10240
networks    list of {"uuid": <network id>[, "fixed_ip":  optional (default: the
            <address>]} or {"port": <port id>}           default public network)
=========== ============================================ ==========================

Anything else in the body (``min_count``, ``max_count``,
``block_device_mapping_v2``...) is ignored, as OpenStack clients send it.

Actions (``POST /servers/<id>/action``): exactly one key, the action,
whose argument is an object (H1, H2).
"""
import base64
import binascii
from datetime import timedelta

from synnefo_pyr import faults
from synnefo_pyr.compute.servers import MAX_METADATA_ITEMS, MAX_METADATA_VALUE, ServerRequest
from synnefo_pyr.db import db_id
from synnefo_pyr.network.server_ports import MISSING, NetworkItem, PortItem
from synnefo_pyr.orm import utcnow
from synnefo_pyr.serialization import parse_isoformat

MALFORMED = "Malformed request"
MAX_NAME = 255
MAX_PERSONALITY = 5
MAX_PERSONALITY_SIZE = 10240
PERSONALITY_KEYS = {"path", "contents", "group", "mode", "owner"}
MAX_METADATA_KEY = 255


def _last_segment(ref):
    """``imageRef``/``flavorRef`` may be a URL (OpenStack clients): its last
    path segment is the id."""
    if isinstance(ref, str) and "/" in ref:
        return ref.rstrip("/").rsplit("/", 1)[-1]
    return ref


def parse_flavor_ref(ref):
    """A flavor id: an integer, or a string of ASCII digits; beyond the id
    column's range it names no flavor (``None``, a 404 later)."""
    ref = _last_segment(ref)
    if isinstance(ref, str):
        ref = ref.strip()
        if ref.isascii() and ref.isdigit():
            ref = int(ref)
    if isinstance(ref, bool) or not isinstance(ref, int) or ref < 0:
        raise faults.BadRequest("Invalid flavor ID")
    return db_id(ref)


def parse_metadata(metadata, message="Malformed metadata"):
    """Keys of 1-255 characters, string values of at most 1024, at most 128
    items (more: 413 overLimit, the guide's "Maximum number of metadata
    exceeded")."""
    if not isinstance(metadata, dict):
        raise faults.BadRequest(message)
    for key, value in metadata.items():
        if not key or len(key) > MAX_METADATA_KEY or not isinstance(value, str) \
                or len(value) > MAX_METADATA_VALUE:
            raise faults.BadRequest(
                message, f"Keys are 1-{MAX_METADATA_KEY} characters, values strings of at most "
                         f"{MAX_METADATA_VALUE}")
    if len(metadata) > MAX_METADATA_ITEMS:
        raise faults.OverLimit("Maximum number of metadata exceeded",
                               f"At most {MAX_METADATA_ITEMS} items")
    return dict(metadata)


def parse_personality(personality):
    """The checks of the guide's personality paragraph: a list of at most 5
    objects with known keys and base64 ``contents`` of at most 10240 bytes
    (encoded or decoded; 413 when too many or too big)."""
    if not isinstance(personality, list):
        raise faults.BadRequest("Malformed personality in request")
    if len(personality) > MAX_PERSONALITY:
        raise faults.OverLimit("Maximum number of personalities exceeded")
    for item in personality:
        if not isinstance(item, dict) or not set(item) <= PERSONALITY_KEYS:
            raise faults.BadRequest("Malformed personality in request")
        contents = item.get("contents", "")
        if not isinstance(contents, str):
            raise faults.BadRequest("Malformed personality in request")
        if len(contents) > MAX_PERSONALITY_SIZE:
            raise faults.OverLimit("Maximum size of personality exceeded")
        try:
            decoded = base64.b64decode(contents, validate=True)
        except (binascii.Error, ValueError):
            raise faults.BadRequest("Malformed personality in request")
        if len(decoded) > MAX_PERSONALITY_SIZE:
            raise faults.OverLimit("Maximum size of personality exceeded")
    return personality


def _port_ref(value):
    """A port id: a JSON integer or ASCII digits (beyond the column: none)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return PortItem(db_id(value), value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return PortItem(db_id(value), str(value))
    raise faults.BadRequest(f"Invalid port ID '{value}'")


def parse_networks(networks):
    """``networks`` (behaviours-network.md L39): absent or null means the
    default networks; each item is an object naming a ``port`` (which wins)
    or a network ``uuid`` (``public`` or an id) with an optional
    ``fixed_ip``. The networks themselves are checked when the ports are
    made."""
    if networks is None:
        return None
    if not isinstance(networks, list):
        raise faults.BadRequest("Malformed request", "networks must be a list")
    items = []
    for item in networks:
        if not isinstance(item, dict):
            raise faults.BadRequest("Malformed request", "Each network must be an object")
        if "port" in item:
            items.append(_port_ref(item["port"]))
        elif "uuid" in item:
            items.append(NetworkItem(item["uuid"], item.get("fixed_ip", MISSING)))
        else:
            raise faults.BadRequest("Network 'uuid' or 'port' attribute is required.")
    return items


def parse_name(name):
    if not isinstance(name, str):
        raise faults.BadRequest(MALFORMED, "The server name must be a string")
    if len(name) > MAX_NAME:
        raise faults.BadRequest("Server name is too long")
    return name


def create_request(body):
    """The ``ServerRequest`` of a create body."""
    server = body.get("server")
    if not isinstance(server, dict):
        raise faults.BadRequest(MALFORMED, "Missing 'server' object")
    if any(server.get(k) is None for k in ("name", "imageRef", "flavorRef")):
        raise faults.BadRequest(MALFORMED, "name, imageRef and flavorRef are required")
    image_id = _last_segment(server["imageRef"])
    if not isinstance(image_id, str) or not image_id:
        raise faults.BadRequest(MALFORMED, "Invalid imageRef")
    return ServerRequest(
        name=parse_name(server["name"]),
        image_id=image_id,
        flavor_id=parse_flavor_ref(server["flavorRef"]),
        metadata=parse_metadata(server.get("metadata", {})),
        personality=parse_personality(server.get("personality", [])),
        networks=parse_networks(server.get("networks")),
    )


def rename_request(body):
    """``{"server": {"name": ...}}`` (F12)."""
    server = body.get("server")
    if not isinstance(server, dict) or "name" not in server:
        raise faults.BadRequest(MALFORMED, "Missing server name")
    return parse_name(server["name"])


def metadata_request(body):
    """``{"metadata": {...}}`` (G2, G3); other top-level keys are ignored."""
    if "metadata" not in body:
        raise faults.BadRequest(MALFORMED, "Missing 'metadata' object")
    return parse_metadata(body["metadata"], MALFORMED)


def meta_item_request(body, key):
    """``{"meta": {key: value}}``, one key equal to the URL's (G6)."""
    meta = body.get("meta")
    if not isinstance(meta, dict) or len(meta) != 1 or key not in meta:
        raise faults.BadRequest(MALFORMED, "Expected {\"meta\": {\"%s\": <value>}}" % key)
    return parse_metadata(meta, MALFORMED)


#: Actions that take no argument may be sent with ``null`` by OpenStack
#: clients (``{"os-stop": null}``).
NULL_ARGUMENT_OK = {"os-start", "os-stop"}


def action_request(body):
    """``(name, argument)`` of an action body (H1, H2)."""
    if len(body) != 1:
        raise faults.BadRequest(MALFORMED, "Exactly one action is expected")
    (name, argument), = body.items()
    if argument is None and name in NULL_ARGUMENT_OK:
        argument = {}
    if not isinstance(argument, dict):
        raise faults.BadRequest("Invalid argument")
    return name, argument


def reboot_type(argument):
    """``SOFT`` (default) or ``HARD``, in any case; ``True`` for hard."""
    kind = argument.get("type", "SOFT")
    if not isinstance(kind, str) or kind.upper() not in ("SOFT", "HARD"):
        raise faults.BadRequest("Invalid reboot type", "type must be SOFT or HARD")
    return kind.upper() == "HARD"


def _resize_arguments(argument):
    if "flavorRef" not in argument:
        raise faults.BadRequest("Malformed request", "flavorRef is required")
    return {"flavor_id": parse_flavor_ref(argument["flavorRef"])}


def _floating_ip_arguments(argument):
    address = argument.get("address")
    if not isinstance(address, str) or not address:
        raise faults.BadRequest("Malformed request", "'address' is required")
    return {"address": address}


def _firewall_arguments(argument):
    profile = argument.get("profile")
    if not isinstance(profile, str):
        raise faults.BadRequest("Malformed request", "profile is required")
    nic_id = argument.get("nic")
    if nic_id is not None and not isinstance(nic_id, str):
        raise faults.BadRequest("Malformed request", "nic must be a NIC id")
    return {"profile": profile, "nic": nic_id}


#: Each action the API accepts (synonyms included) -> (action, parser of
#: its argument into keyword values).
SERVER_ACTIONS = {
    "start": ("start", lambda argument: {}),
    "os-start": ("start", lambda argument: {}),
    "shutdown": ("shutdown", lambda argument: {}),
    "os-stop": ("shutdown", lambda argument: {}),
    "reboot": ("reboot", lambda argument: {"hard": reboot_type(argument)}),
    "resize": ("resize", _resize_arguments),
    "console": ("console", lambda argument: {"type": argument.get("type")}),
    "firewallProfile": ("firewallProfile", _firewall_arguments),
    "addFloatingIp": ("addFloatingIp", _floating_ip_arguments),
    "removeFloatingIp": ("removeFloatingIp", _floating_ip_arguments),
}


# --- Cornice validators (after ``json_object`` for bodies) ------------------------


def changes_since_query(request, **kwargs):
    """A14: ``?changes-since=`` an ISO 8601 time with a zone, not in the
    future, not older than the compute poll limit; ``request.validated
    ["since"]`` is ``None`` without it."""
    value = request.GET.get("changes-since")
    if value is None:
        request.validated["since"] = None
        return
    since = parse_isoformat(value)
    if since is None:
        raise faults.BadRequest("Invalid changes-since parameter.")
    now = utcnow()
    if since > now:
        raise faults.BadRequest("changes-since value set in the future.")
    if now - since > timedelta(seconds=request.registry.compute_settings.poll_limit):
        raise faults.BadRequest("Too old changes-since value.")
    request.validated["since"] = since


def unless_unchanged(request, found):
    """``found``, the listing a poll asked for; a poll (``changes-since``)
    that found nothing changed is 304 instead, whatever is listed (F3)."""
    if request.validated["since"] is not None and not found:
        raise faults.NotModified()
    return found


def create_server_body(request, **kwargs):
    request.validated["server"] = create_request(request.validated["body"])


def rename_body(request, **kwargs):
    request.validated["name"] = rename_request(request.validated["body"])


def metadata_body(request, **kwargs):
    request.validated["metadata"] = metadata_request(request.validated["body"])


def meta_item_body(request, **kwargs):
    request.validated["meta"] = meta_item_request(request.validated["body"], request.matchdict["key"])


def server_action_body(request, **kwargs):
    """``request.validated["action"]``: ``(action, arguments)``."""
    name, argument = action_request(request.validated["body"])
    if name not in SERVER_ACTIONS:
        raise faults.BadRequest(f"Action {name} not supported")
    action, parse = SERVER_ACTIONS[name]
    request.validated["action"] = (action, parse(argument))
