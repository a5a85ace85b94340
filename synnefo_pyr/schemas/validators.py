"""Validators shared by every API: request bodies are JSON objects (A11),
and the one rule for text that comes in.

Text rule (``bad_text``): no NUL nor other C0 control character but tab,
line feed and carriage return (PostgreSQL refuses NUL, XML 1.0 every one
of them), and no lone surrogate (``"\\udfff"`` in JSON is no character,
and UTF-8 cannot encode it). Every string of a JSON body, keys included,
is checked once when it is parsed.
"""
import codecs
import json
import re

from synnefo_pyr import faults

#: What no text of ours may contain.
BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def bad_text(value):
    """Whether the string ``value`` breaks the text rule."""
    return BAD_TEXT.search(value) is not None


def _strings(data):
    """Every string in ``data`` (keys too), walked without recursion:
    nesting is bounded by the parser, not by our stack."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def check_body_size(request):
    """A body larger than ``synnefo_pyr.max_body_size`` is not read: 413."""
    limit = request.registry.synnefo.max_body_size
    if (request.content_length or 0) > limit or len(request.body) > limit:
        raise faults.RequestEntityTooLarge(
            "Request entity too large", f"Request bodies are at most {limit} bytes"
        )


class BadJSON(ValueError):
    """Text that is no JSON we accept; ``details`` says why, if it can."""

    def __init__(self, details=""):
        super().__init__(details)
        self.details = details


def loads(text):
    """``text`` parsed as JSON under the text rule; ``BadJSON`` if it is
    unparsable, nested too deeply to parse, or breaks the rule."""
    try:
        data = json.loads(text)
    except ValueError:
        raise BadJSON() from None
    except RecursionError:
        raise BadJSON("Nested too deeply") from None
    if any(bad_text(item) for item in _strings(data)):
        raise BadJSON("Control characters or lone surrogates in text")
    return data


def parse_json_body(request):
    """The decoded JSON body, after the three distinct checks of A11; a
    body larger than the limit is 413, one too deeply nested to parse, in
    an unknown charset, or with text that breaks the text rule is "Invalid
    JSON data" as well."""
    content_type = request.headers.get("Content-Type")
    if not content_type:
        raise faults.BadRequest("Missing Content-Type header field")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json":
        raise faults.BadRequest(f"Unsupported Content-type: '{media_type}'")
    check_body_size(request)
    charset = request.charset or "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        raise faults.BadRequest("Invalid JSON data", "Unknown charset") from None
    try:
        return loads(request.body.decode(charset))
    except UnicodeDecodeError:
        raise faults.BadRequest("Invalid JSON data") from None
    except BadJSON as exc:
        raise faults.BadRequest("Invalid JSON data", exc.details) from None


def json_object(request, **kwargs):
    """Cornice validator: the body must be a JSON object; it lands in
    ``request.validated["body"]``."""
    body = parse_json_body(request)
    if not isinstance(body, dict):
        raise faults.BadRequest("Malformed request")
    request.validated["body"] = body
