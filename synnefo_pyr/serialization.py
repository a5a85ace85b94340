"""JSON and XML bodies, the choice between them, and dates.

The format a client asked for is, in order (behaviours.md A4): the
``?format=`` query parameter, a ``.json``/``.xml`` suffix on the path (the
``format_suffix_tween`` strips it before routing and remembers it), the first
``Accept`` entry naming JSON or XML, and JSON by default.
"""
import json
from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

import orjson

JSON = "json"
XML = "xml"
CONTENT_TYPES = {
    JSON: "application/json; charset=UTF-8",
    XML: "application/xml; charset=UTF-8",
}
_ENVIRON_KEY = "synnefo.suffix_format"
_ASKED_KEY = "synnefo.asked_format"
_UNSET = object()

IDENTITY_NS = "http://docs.openstack.org/identity/api/v2.0"
COMPUTE_NS = "http://docs.openstack.org/compute/api/v1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
#: Synnefo's own attributes (``SNF:uiURL``, ``SNF:task_state``...).
SNF_NS = "http://docs.synnefo.org/api/v1.0"


def requested_format(request, default=JSON):
    """The format the client asked for (module docstring), ``default`` when
    it asked for none; worked out once per request."""
    asked = request.environ.get(_ASKED_KEY, _UNSET)
    if asked is _UNSET:
        asked = request.environ[_ASKED_KEY] = _asked_format(request)
    return asked or default


def _asked_format(request):
    fmt = request.GET.get("format")
    if fmt in (JSON, XML):
        return fmt
    fmt = request.environ.get(_ENVIRON_KEY)
    if fmt:
        return fmt
    for entry in request.headers.get("Accept", "").split(","):
        media = entry.split(";")[0].strip().lower()
        if media == "application/json":
            return JSON
        if media == "application/xml":
            return XML
    return None


def format_suffix_tween_factory(handler, registry):
    """Strip a trailing ``.json``/``.xml`` from the path before routing, so
    ``/servers.json`` reaches the same view as ``/servers``."""

    verbatim = tuple(getattr(registry, "verbatim_prefixes", ()))

    def format_suffix_tween(request):
        path = request.path_info
        if any(path == p or path.startswith(p + "/") for p in verbatim):
            return handler(request)
        for fmt in (JSON, XML):
            suffix = "." + fmt
            if path.endswith(suffix) and len(path) > len(suffix) + 1:
                request.environ[_ENVIRON_KEY] = fmt
                request.path_info = path[: -len(suffix)]
                break
        return handler(request)

    return format_suffix_tween


def isoformat(value):
    """ISO 8601 with an explicit offset: ``2012-11-26T11:52:54+00:00``
    (a naive value is UTC, as the database keeps them)."""
    value = timestamp(value)
    if value is None:
        return None
    return value.isoformat() + "+00:00" if value.tzinfo is None else value.isoformat()


def timestamp(value):
    """A timestamp for a response body, left to the encoder: ``dump_json``
    (orjson, in C) and ``dump_xml`` write it exactly as ``isoformat``
    does, where formatting thousands of them in Python (a listing's
    diagnostics) is a good part of the listing's cost. Naive and UTC values
    pass as they are; others are made UTC first."""
    if value is None or value.tzinfo is None or value.tzinfo is timezone.utc:
        return value
    return value.astimezone(timezone.utc)


def parse_isoformat(text):
    """Parse an ISO 8601 timestamp; ``None`` when it is malformed or naive."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return value if value.tzinfo is not None else None


# Naive datetimes are UTC, as the database keeps them (see ``timestamp``).
_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_NAIVE_UTC


def _json_default(value):
    if isinstance(value, datetime):
        return isoformat(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dump_json(data):
    """UTF-8 JSON: orjson (several times the standard library's speed), or
    the standard library for what orjson refuses: integers beyond 64 bits,
    and a lone surrogate that slipped into a message, "replace"d so that
    the renderer itself never fails (input with one is refused,
    validators.py)."""
    try:
        return orjson.dumps(data, option=_JSON_OPTIONS)
    except TypeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                          default=_json_default).encode("utf-8", "replace")


# --- XML -------------------------------------------------------------------
#
# The XML documents of the guides follow one pattern: an object is an element,
# its scalar members are attributes, its object members child elements, and a
# list is a wrapper element whose items carry a singular name (``<roles><role
# .../></roles>``). A few lists are "flat": their items sit directly in the
# parent (``<service><endpoint/></service>``). Metadata maps are
# ``<metadata><meta key="k">v</meta></metadata>``.

#: list key -> (item element name, whether the list has a wrapper element)
XML_LISTS = {
    "serviceCatalog": ("service", True),
    "endpoints": ("endpoint", False),
    "endpoints_links": ("link", False),
    "roles_links": ("link", False),
    "links": ("atom:link", False),
    "roles": ("role", True),
    "versions": ("version", True),
    "media-types": ("media-type", True),
    "extensions": ("extension", True),
    "servers": ("server", True),
    "flavors": ("flavor", True),
    "images": ("image", True),
    "networks": ("network", True),
    "attachments": ("nic", True),
    # Compute servers: addresses as <network id=><ip version= addr=/></network>.
    "addresses": ("network", True),
    "ip": ("ip", False),
    "diagnostics": ("diagnostic", True),
    "security_groups": ("security_group", True),
    "values": ("value", False),
}
#: JSON key -> XML attribute name, where the guides' XML differs.
XML_ATTRIBUTE_NAMES = {"vcpus": "cpu"}
METADATA_KEYS = ("metadata", "meta")


def _attr(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return isoformat(value)
    return str(value)


def _element(name, value, indent=""):
    if isinstance(value, dict):
        if name in METADATA_KEYS:
            items = "".join(
                f"<meta key={quoteattr(str(k))}>{escape(_attr(v))}</meta>"
                for k, v in value.items()
            )
            return f"<{name}>{items}</{name}>"
        attrs, children = [], []
        for key, item in value.items():
            if isinstance(item, dict):
                children.append(_element(key, item))
            elif isinstance(item, list):
                children.append(_list(key, item))
            elif item is not None:
                attrs.append(f" {XML_ATTRIBUTE_NAMES.get(key, key)}={quoteattr(_attr(item))}")
        body = "".join(children)
        if body:
            return f"<{name}{''.join(attrs)}>{body}</{name}>"
        return f"<{name}{''.join(attrs)}/>"
    if isinstance(value, list):
        return _list(name, value)
    if value is None:
        return f"<{name}/>"
    return f"<{name}>{escape(_attr(value))}</{name}>"


def _list(key, items):
    item_name, wrapped = XML_LISTS.get(key, (key[:-1] if key.endswith("s") else "item", True))
    body = "".join(_element(item_name, item) for item in items)
    return f"<{key}>{body}</{key}>" if wrapped else body


def dump_xml(data, namespace=IDENTITY_NS):
    """Serialize a ``{root: value}`` document the way the guides' XML shows."""
    if isinstance(data, dict) and len(data) == 1:
        (root, value), = data.items()
    else:
        root, value = "response", data
    inner = _element(root, value)
    # Declare the namespaces on the root element.
    declarations = (
        f' xmlns={quoteattr(namespace)} xmlns:atom="{ATOM_NS}" xmlns:xsi="{XSI_NS}"'
        f' xmlns:SNF="{SNF_NS}"'
    )
    end = inner.index(">")
    if inner[end - 1] == "/":
        end -= 1
    inner = inner[:end] + declarations + inner[end:]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + inner).encode("utf-8", "replace")
