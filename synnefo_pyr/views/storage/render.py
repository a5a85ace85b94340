"""Reply shapes of object storage: header values, dates, text/JSON/XML
listings, and the percent-encoding of response headers (M0.6-M0.9)."""
import json
from datetime import datetime, timezone
from email.utils import formatdate
from xml.sax.saxutils import escape, quoteattr

from pyramid.response import Response

from synnefo_pyr.renderers import api_of

TEXT_TYPE = "text/plain; charset=UTF-8"
JSON_TYPE = "application/json; charset=UTF-8"
XML_TYPE = "application/xml; charset=UTF-8"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
#: Response headers whose names and values are percent-encoded.
_ENCODED_PREFIXES = ("x-account-", "x-container-", "x-object-", "content-")
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/=,:@; ")


def http_date(us):
    return formatdate(us // 1_000_000, usegmt=True)


def iso(us):
    return datetime.fromtimestamp(us // 1_000_000, timezone.utc).replace(
        microsecond=us % 1_000_000).isoformat()


def timestamp(us):
    return f"{us // 1_000_000}.{us % 1_000_000:06d}"


def quote(text):
    return "".join(c if c in _SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in str(text))


def encode_headers_tween_factory(handler, registry):
    """Percent-encode the object-store headers of every object-store
    response (M0.8), faults included."""

    def encode_headers_tween(request):
        response = handler(request)
        if api_of(request) == "object-store":
            encode_headers(response)
        return response

    return encode_headers_tween


def encode_headers(response):
    rewritten = []
    for name, value in response.headerlist:
        if name.lower().startswith(_ENCODED_PREFIXES):
            name, value = quote(name), quote(value)
        rewritten.append((name, value))
    response.headerlist = rewritten


def body_response(body, content_type, status=200):
    response = Response(status=status, body=body.encode("utf-8") if isinstance(body, str) else body)
    response.headers["Content-Type"] = content_type
    return response


def listing(fmt, names, json_items, xml_items):
    """A listing: text (one name a line, 204 when empty), JSON or XML (200)."""
    if fmt == "json":
        return body_response(json.dumps(json_items, ensure_ascii=False), JSON_TYPE)
    if fmt == "xml":
        return body_response(XML_HEAD + xml_items, XML_TYPE)
    if not names:
        response = Response(status=204)
        response.content_type = None
        return response
    return body_response("".join(n + "\n" for n in names), TEXT_TYPE)


def xml_fields(item):
    """``<key>value</key>`` for each scalar of a dict (listings' XML)."""
    parts = []
    for key, value in item.items():
        if isinstance(value, dict):
            inner = "".join(f"<key>{escape(str(k))}</key><value>{escape(str(v))}</value>"
                            for k, v in value.items())
            parts.append(f"<{key}>{inner}</{key}>")
        else:
            parts.append(f"<{key}>{escape(str(value))}</{key}>")
    return "".join(parts)


def xml_element(tag, attrs, inner):
    attributes = "".join(f" {k}={quoteattr(str(v))}" for k, v in attrs.items())
    return f"<{tag}{attributes}>{inner}</{tag}>"


def hash_list(fmt, hashes, status):
    """The 409 missing blocks and the block-upload reply (M12, M24)."""
    if fmt == "xml":
        items = "".join(f"<item>{h}</item>" for h in hashes)
        return body_response(f"{XML_HEAD}<items>{items}</items>", XML_TYPE, status)
    if fmt == "text":
        return body_response("".join(h + "\n" for h in hashes), TEXT_TYPE, status)
    return body_response(json.dumps(hashes), JSON_TYPE, status)


def empty(status):
    response = Response(status=status)
    response.content_type = None
    return response


def set_meta(response, prefix, meta):
    for key, value in meta.items():
        response.headers[prefix + key] = value
