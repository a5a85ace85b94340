"""Request validation of the image service (X-Image-Meta-* headers, list
parameters, memberships) and of the compute API's image calls (metadata
bodies), read like the guides' tables. Every refusal is a
400 badRequest."""
from dataclasses import dataclass, field

from synnefo_pyr import errors, faults
from synnefo_pyr.images import registry as image_registry
from synnefo_pyr.schemas.validators import bad_text

# --- image service: list parameters (guide: List Available Images) --------


def _int_param(params, name):
    if name not in params:
        return None
    try:
        value = int(params[name])
    except ValueError:
        raise faults.BadRequest(f"Invalid {name} parameter") from None
    # Beyond the size column's range the database cannot compare it.
    if abs(value) > image_registry.MAX_SIZE:
        raise faults.BadRequest(f"Invalid {name} parameter", "out of range")
    return value


def list_parameters(params):
    """``(filters, sort_key, sort_dir)`` of a list call. Without sort
    parameters the newest image comes first (behaviours.md K1)."""
    filters = image_registry.ListFilters(
        name=params.get("name"),
        container_format=params.get("container_format"),
        disk_format=params.get("disk_format"),
        status=params.get("status"),
        size_min=_int_param(params, "size_min"),
        size_max=_int_param(params, "size_max"),
    )
    sort_key = params.get("sort_key", "created_at")
    if sort_key not in image_registry.SORT_KEYS:
        raise faults.BadRequest("Invalid sort_key parameter",
                                "one of " + ", ".join(image_registry.SORT_KEYS))
    sort_dir = params.get("sort_dir", "desc")
    if sort_dir not in image_registry.SORT_DIRS:
        raise faults.BadRequest("Invalid sort_dir parameter", "asc or desc")
    return filters, sort_key, sort_dir


# --- image service: X-Image-Meta-* headers -------------------------------

_ENVIRON_PREFIX = "HTTP_X_IMAGE_META_"
_PROPERTY_PREFIX = "PROPERTY_"

#: environ suffix -> field, for the headers the guide lists.
_HEADER_FIELDS = {
    "ID": "id",
    "NAME": "name",
    "LOCATION": "location",
    "STORE": "store",
    "DISK_FORMAT": "disk_format",
    "CONTAINER_FORMAT": "container_format",
    "SIZE": "size",
    "CHECKSUM": "checksum",
    "IS_PUBLIC": "is_public",
    "OWNER": "owner",
    "STATUS": "status",
}
#: What registering (POST) and updating (PUT) accept.
REGISTER_FIELDS = {"name", "location", "store", "disk_format", "container_format",
                   "size", "checksum", "is_public", "owner"}
UPDATE_FIELDS = {"name", "disk_format", "container_format", "status", "is_public",
                 "owner", "size", "checksum"}


def _header_name(suffix):
    return "X-Image-Meta-" + "-".join(part.capitalize() for part in suffix.split("_"))


def _text(value):
    """WSGI hands header values over as latin-1; clients send UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8").strip()
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value.strip()


@dataclass
class ImageMeta:
    """The X-Image-Meta-* headers of a request: known fields and the
    ``Property-*`` ones. Property names are lower-cased with ``_`` for ``-``
    (HTTP header names keep neither case nor the difference)."""

    fields: dict = field(default_factory=dict)
    properties: dict = field(default_factory=dict)


def image_meta(environ, allowed):
    meta = ImageMeta()
    for key, value in environ.items():
        if not key.startswith(_ENVIRON_PREFIX):
            continue
        suffix = key[len(_ENVIRON_PREFIX):]
        if bad_text(_text(value)):
            raise faults.BadRequest("Illegal header value",
                                    f"{_header_name(suffix)} holds control characters")
        if suffix.startswith(_PROPERTY_PREFIX) and len(suffix) > len(_PROPERTY_PREFIX):
            meta.properties[suffix[len(_PROPERTY_PREFIX):].lower()] = _text(value)
            continue
        name = _HEADER_FIELDS.get(suffix)
        if name is None or name not in allowed:
            raise faults.BadRequest("Invalid header", f"{_header_name(suffix)} is not accepted here")
        meta.fields[name] = _text(value)
    return meta


def parse_bool(value, header):
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise faults.BadRequest("Illegal header value", f"{header} must be true or false")
    return lowered == "true"


def parse_size(value):
    try:
        size = int(value)
    except ValueError:
        raise faults.BadRequest("Invalid size", "X-Image-Meta-Size must be a number of bytes") from None
    if size < 0:
        raise faults.BadRequest("Invalid size", "X-Image-Meta-Size must not be negative")
    if size > image_registry.MAX_SIZE:
        raise faults.BadRequest("Invalid size", "X-Image-Meta-Size is too large")
    return size


def parse_checksum(value):
    # An MD5 (or a longer digest, as the guide's examples show), in hex.
    if value and (len(value) > 128 or any(c not in "0123456789abcdefABCDEF" for c in value)):
        raise faults.BadRequest("Invalid checksum", "X-Image-Meta-Checksum must be a hex digest")
    return value.lower()


def _format(fields, key, choices, header):
    if key in fields and fields[key] not in choices:
        raise faults.BadRequest("Illegal header value", f"{header} must be one of {', '.join(choices)}")


def registration(meta, caller_uuid):
    """The keyword arguments of ``image_registry.register_location`` from
    a POST (all but the owner)."""
    fields = meta.fields
    name = fields.get("name")
    if not name:
        raise faults.BadRequest("Image name is required", "send X-Image-Meta-Name")
    location = fields.get("location")
    if not location:
        raise faults.BadRequest("Image location is required", "send X-Image-Meta-Location")
    try:
        image_registry.parse_location(location)
    except errors.Invalid as exc:
        raise faults.BadRequest(exc.message, "pithos://<account>/<container>/<path>") from None
    if fields.get("store", "pithos") != "pithos":
        raise faults.BadRequest("Illegal header value", "X-Image-Meta-Store must be pithos")
    if fields.get("owner", caller_uuid) != caller_uuid:
        raise faults.BadRequest("Illegal header value", "an image is registered by its owner")
    kwargs = {
        "name": name,
        "location": location,
        "properties": meta.properties,
        "public": parse_bool(fields["is_public"], "X-Image-Meta-Is-Public") if "is_public" in fields else False,
        # Both are the file's (the object's size and hash): given, they must match.
        "size": parse_size(fields["size"]) if "size" in fields else None,
        "checksum": parse_checksum(fields["checksum"]) if fields.get("checksum") else None,
    }
    _format(fields, "disk_format", image_registry.DISK_FORMATS, "X-Image-Meta-Disk-Format")
    _format(fields, "container_format", image_registry.CONTAINER_FORMATS, "X-Image-Meta-Container-Format")
    for key in ("disk_format", "container_format"):
        if key in fields:
            kwargs[key] = fields[key]
    return kwargs


def update(meta, owner):
    """The keyword arguments of ``image_registry.update`` from a PUT by
    ``owner`` (the image's owner: only the owner writes). An image never
    changes hands: ``X-Image-Meta-Owner`` naming anybody else is 400
    (sending the owner itself changes nothing)."""
    fields = dict(meta.fields)
    if "owner" in fields:
        if fields.pop("owner") != owner:
            raise faults.BadRequest("Illegal header value", "The owner of an image cannot change")
    _format(fields, "disk_format", image_registry.DISK_FORMATS, "X-Image-Meta-Disk-Format")
    _format(fields, "container_format", image_registry.CONTAINER_FORMATS, "X-Image-Meta-Container-Format")
    if "status" in fields:
        try:
            fields["status"] = image_registry.normalize_status(fields["status"])
        except errors.Invalid as exc:
            raise faults.BadRequest("Illegal header value", exc.message) from None
    if "name" in fields and not fields["name"]:
        raise faults.BadRequest("Illegal header value", "X-Image-Meta-Name must not be empty")
    if "is_public" in fields:
        fields["public"] = parse_bool(fields.pop("is_public"), "X-Image-Meta-Is-Public")
    if "size" in fields:
        fields["size"] = parse_size(fields["size"])
    if "checksum" in fields:
        fields["checksum"] = parse_checksum(fields["checksum"])
    return fields


def memberships(body):
    """Member uuids of ``{"memberships": [{"member_id": ...}, ...]}``;
    ``can_share`` is ignored (the guide)."""
    items = body.get("memberships")
    if not isinstance(items, list):
        raise faults.BadRequest("Malformed request", "memberships must be a list")
    members = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("member_id"), str) \
                or not item["member_id"]:
            raise faults.BadRequest("Malformed request", "each membership needs a member_id")
        members.append(item["member_id"])
    return members


# --- compute API: image metadata ---------------------------------------------


def _flat_metadata(value):
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and 0 < len(k) <= 255 and isinstance(v, str) for k, v in value.items()
    ):
        raise faults.BadRequest("Malformed request", "metadata must map names to strings")
    return value


def metadata_body(body):
    """``{"metadata": {k: v, ...}}`` of ``POST .../metadata`` (J7)."""
    if "metadata" not in body:
        raise faults.BadRequest("Malformed request", "expected {\"metadata\": {...}}")
    return _flat_metadata(body["metadata"])


def meta_item_body(body, key):
    """``{"meta": {key: value}}`` of ``PUT .../metadata/<key>`` (J7, G6).
    The guide's ``{"metadata": {key: value}}`` is accepted too."""
    wrapper = "meta" if "meta" in body else "metadata"
    item = _flat_metadata(body.get(wrapper))
    if list(item) != [key]:
        raise faults.BadRequest("Malformed request", f"expected exactly the key {key!r}")
    return item[key]


# --- Cornice validators -------------------------------------------------------


def list_query(request, **kwargs):
    request.validated["listing"] = list_parameters(request.GET)


def registration_headers(request, **kwargs):
    meta = image_meta(request.environ, REGISTER_FIELDS)
    request.validated["image"] = registration(meta, request.authenticated_userid)


def update_headers(request, **kwargs):
    """``(fields, properties)`` of a PUT."""
    meta = image_meta(request.environ, UPDATE_FIELDS)
    request.validated["update"] = (update(meta, request.context.image.owner), meta.properties)


def memberships_body(request, **kwargs):
    request.validated["members"] = memberships(request.validated["body"])


def metadata_json(request, **kwargs):
    request.validated["metadata"] = metadata_body(request.validated["body"])


def meta_item_json(request, **kwargs):
    key = request.matchdict["key"]
    request.validated["meta"] = (key, meta_item_body(request.validated["body"], key))
