"""Request parsing of object storage (behaviours-object M0.4-M0.9, M17,
M29): headers (percent-decoded, ASCII only), presence-only and integer
parameters, the reply format, Range and Content-Range, and the
``X-Copy-From``-style paths. Refusals are the documented faults."""
import re
from urllib.parse import unquote

from synnefo_pyr import errors, faults
from synnefo_pyr.storage import conditions, metadata, objects, publishing, sharing
from synnefo_pyr.serialization import JSON, XML, requested_format  # noqa: F401 (the views read the formats here)
from synnefo_pyr.storage.containers import parse_policy

#: The object store's plain-text listings (beside serialization's JSON and XML).
TEXT = "text"


def _header_name(environ_key):
    return "-".join(part.capitalize() for part in environ_key[5:].split("_"))


def decoded_headers(request):
    """``{Header-Name: value}``, percent-decoded (UTF-8); a non-ASCII byte
    in a name or value is 400 "Bad character in headers."."""
    cached = request.environ.get("synnefo.storage.headers")
    if cached is not None:
        return cached
    headers = {}
    for key, value in request.environ.items():
        if key.startswith("HTTP_"):
            name = _header_name(key)
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = "Content-" + key[8:].capitalize()
        else:
            continue
        if not isinstance(value, str) or not (value.isascii() and key.isascii()):
            raise faults.BadRequest("Bad character in headers.")
        if "%" in name:
            name = unquote(name, errors="strict") if _decodable(name) else name
        if "%" in value and _decodable(value):
            value = unquote(value)
        headers[name] = value
    request.environ["synnefo.storage.headers"] = headers
    return headers


def _decodable(text):
    try:
        unquote(text, errors="strict")
        return True
    except UnicodeDecodeError:
        return False


def header(request, name, default=None):
    lowered = name.lower()
    for key, value in decoded_headers(request).items():
        if key.lower() == lowered:
            return value
    return default


def present(request, name):
    """Presence-only parameters count whatever their value (M0.5)."""
    return name in request.GET


def int_param(request, name):
    """A non-negative decimal integer, else absent (M0.5)."""
    value = request.GET.get(name)
    if value is not None and value.isascii() and value.isdigit():
        return int(value)
    return None


def until_us(request):
    until = int_param(request, "until")
    return None if until is None else until * 1_000_000


def reply_format(request, default):
    """The listing format asked for; ``default`` (the contract's, often
    text) when none. The object store's paths take no format suffix."""
    return requested_format(request, default)


def domain(call, *args, **kwargs):
    """Run a parser of the domain; its refusal becomes the 400."""
    try:
        return call(*args, **kwargs)
    except errors.Invalid as exc:
        raise faults.BadRequest(exc.message) from None


def meta(request, prefix, extras=()):
    return domain(metadata.collect, decoded_headers(request), prefix, extras)


def object_meta(request):
    return meta(request, "X-Object-Meta-", metadata.OBJECT_EXTRAS)


def policy(request):
    return domain(parse_policy, decoded_headers(request))


def has_policy(request):
    return any(k.lower().startswith("x-container-policy-") for k in decoded_headers(request))


def groups(request):
    """``{name: [members]}`` of the X-Account-Group-* headers, or None."""
    found = None
    for name, value in decoded_headers(request).items():
        if name.lower().startswith("x-account-group-") and len(name) > len("x-account-group-"):
            found = found or {}
            members = [m for m in "".join(value.split()).split(",") if m]
            found[name[len("x-account-group-"):].lower()] = members
    return found


def object_sharing(request):
    """The ``Sharing`` of X-Object-Sharing, or None without the header."""
    value = header(request, "X-Object-Sharing")
    return None if value is None else domain(sharing.parse, value)


def object_public(request):
    value = header(request, "X-Object-Public")
    return None if value is None else domain(publishing.parse, value)


def write_conditions(request):
    return conditions.WriteConditions(
        conditions.parse_etags(header(request, "If-Match")),
        conditions.parse_etags(header(request, "If-None-Match")),
    )


def content_length(request):
    """The body's length, ``None`` if chunked; 411 when neither."""
    chunked = "chunked" in (request.headers.get("Transfer-Encoding") or "").lower()
    value = request.headers.get("Content-Length")
    if value is not None and value.strip().isdigit():
        return int(value)
    if chunked:
        return None
    raise faults.LengthRequired("Missing or invalid Content-Length header")


def content_type(request):
    value = request.headers.get("Content-Type")
    if not value:
        raise faults.LengthRequired("Missing Content-Type header")
    return value


def source_path(value, header_name, account):
    """``/<container>/<object>`` of X-Copy-From and friends."""
    if not value or not value.startswith("/"):
        raise faults.BadRequest(f"Invalid {header_name} header")
    container, sep, name = value[1:].partition("/")
    if not container or not sep or not name:
        raise faults.BadRequest(f"Invalid {header_name} header")
    return objects.Path(account, unquote(container), unquote(name))


def version_param(request, name="version"):
    value = request.GET.get(name)
    if value is None:
        return None
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 2 ** 63 else 0


def source_version(request):
    value = header(request, "X-Source-Version")
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isdigit() and 0 < int(value) < 2 ** 63 else 0


# --- Range (M17-M19) -------------------------------------------------------------

_SPEC = re.compile(r"^(\d*)-(\d*)$")


def ranges(request, size):
    """``[(start, stop)]`` of a valid Range header, ``None`` to ignore it;
    416 when a range is outside the object."""
    value = request.headers.get("Range")
    if not value:
        return None
    value = "".join(value.split())
    if not value.startswith("bytes="):
        return None
    specs = []
    for spec in value[6:].split(","):
        match = _SPEC.match(spec)
        if match is None or spec == "-":
            return None
        first, last = match.groups()
        if first and last:
            if int(first) > int(last):
                return None
            specs.append((int(first), int(last)))
        elif first:
            specs.append((int(first), size - 1))
        else:
            specs.append((size - int(last), size - 1))
    result = []
    for start, end in specs:
        if start < 0 or start >= size or end - start + 1 <= 0 or end >= size:
            raise faults.RangeNotSatisfiable("Requested range exceeds object limits")
        result.append((start, end + 1))
    return result


_CONTENT_RANGE = re.compile(r"^bytes\s+(?:(\d+)-(\d*)|\*)/(\d+|\*)$")


def content_range(request):
    """The ``ContentRange`` of an object POST's Content-Range (M29)."""
    value = request.headers.get("Content-Range")
    if value is None:
        raise faults.BadRequest("Missing Content-Range header")
    match = _CONTENT_RANGE.match(value.strip())
    if match is None:
        raise faults.RangeNotSatisfiable("Invalid Content-Range header")
    first, last, total = match.groups()
    if first is None:
        if total != "*":
            raise faults.RangeNotSatisfiable("Invalid Content-Range header")
        return objects.ContentRange(None, None, None)
    first = int(first)
    last = int(last) if last else None
    total = int(total) if total != "*" else None
    if (last is not None and first > last) or (total is not None and (first >= total or (
            last is not None and last >= total))):
        raise faults.RangeNotSatisfiable("Invalid Content-Range header")
    return objects.ContentRange(first, last, total)
