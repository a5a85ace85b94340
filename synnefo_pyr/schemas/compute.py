"""Request bodies of the compute API, read like the guide's tables.

Create Server (``{"server": {...}}``):

=========== ============================================ ==========================
name        string, at most 255 characters               required
imageRef    image id (or a URL ending in it)             required
flavorRef   flavor id, integer or string (or a URL)      required
metadata    object of string -> string                   optional
personality list of at most 5 {path, contents, group,    optional
            mode, owner}; contents base64, <= 10240
networks    list of {"uuid": <network id>}               optional (default: public)
=========== ============================================ ==========================

Anything else in the body (``min_count``, ``max_count``,
``block_device_mapping_v2``...) is ignored, as OpenStack clients send it.

Actions (``POST /servers/<id>/action``): exactly one key, the action,
whose argument is an object (H1, H2).
"""
import base64
import binascii
from dataclasses import dataclass, field

from .. import faults

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
    ref = _last_segment(ref)
    if isinstance(ref, bool):
        raise faults.BadRequest("Invalid flavor ID")
    if isinstance(ref, int):
        return ref
    if isinstance(ref, str) and ref.strip().isdigit():
        return int(ref.strip())
    raise faults.BadRequest("Invalid flavor ID")


def parse_metadata(metadata, message="Malformed metadata"):
    if not isinstance(metadata, dict):
        raise faults.BadRequest(message)
    for key, value in metadata.items():
        if not key or len(key) > MAX_METADATA_KEY or not isinstance(value, str):
            raise faults.BadRequest(message, "Keys are 1-255 characters, values strings")
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


def parse_networks(networks):
    if networks is None:
        return None
    if not isinstance(networks, list):
        raise faults.BadRequest("Malformed request", "networks must be a list")
    ids = []
    for item in networks:
        network_id = item.get("uuid") if isinstance(item, dict) else None
        if isinstance(network_id, int) and not isinstance(network_id, bool):
            network_id = str(network_id)
        if not isinstance(network_id, str) or not network_id:
            raise faults.BadRequest("Malformed request", "Each network needs a 'uuid'")
        ids.append(network_id)
    return ids


def parse_name(name):
    if not isinstance(name, str):
        raise faults.BadRequest(MALFORMED, "The server name must be a string")
    if len(name) > MAX_NAME:
        raise faults.BadRequest("Server name is too long")
    return name


@dataclass(frozen=True)
class CreateServerRequest:
    name: str
    image_id: str
    flavor_id: int
    metadata: dict = field(default_factory=dict)
    personality: list = field(default_factory=list)
    networks: list | None = None

    @classmethod
    def from_body(cls, body):
        server = body.get("server")
        if not isinstance(server, dict):
            raise faults.BadRequest(MALFORMED, "Missing 'server' object")
        if any(server.get(k) is None for k in ("name", "imageRef", "flavorRef")):
            raise faults.BadRequest(MALFORMED, "name, imageRef and flavorRef are required")
        image_id = _last_segment(server["imageRef"])
        if not isinstance(image_id, str) or not image_id:
            raise faults.BadRequest(MALFORMED, "Invalid imageRef")
        return cls(
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
