"""The ``synnefo`` renderer, fault bodies, and the headers every API
response carries."""
from datetime import datetime, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

from pyramid.events import NewResponse
from pyramid.response import Response

from .serialization import (
    COMPUTE_NS, CONTENT_TYPES, IDENTITY_NS, JSON, XML, dump_json, dump_xml, requested_format,
)

#: XML namespace of each API (route names start with the API's name).
NAMESPACES = {"compute": COMPUTE_NS, "image": COMPUTE_NS}


def api_of(request):
    route = getattr(request, "matched_route", None)
    return route.name.split(".", 1)[0] if route is not None else None


def serialize(request, data):
    """``(body, content_type)`` of ``data`` in the format the client asked for."""
    fmt = requested_format(request)
    if fmt == XML:
        return dump_xml(data, NAMESPACES.get(api_of(request), IDENTITY_NS)), CONTENT_TYPES[XML]
    return dump_json(data), CONTENT_TYPES[JSON]


class SynnefoRenderer:
    """Views return plain data (or ``None`` for an empty body); this turns
    it into JSON or XML."""

    def __init__(self, info):
        pass

    def __call__(self, value, system):
        request = system["request"]
        response = request.response
        if value is None:
            response.content_type = None
            return b""
        body, content_type = serialize(request, value)
        response.headers["Content-Type"] = content_type
        return body


def json_response(data):
    """A JSON body whatever format the client asked for, for the calls whose
    guide promises JSON only (user catalogs, the UI helpers): their keys
    (uuids, emails) cannot be XML names."""
    response = Response(body=dump_json(data))
    response.headers["Content-Type"] = CONTENT_TYPES[JSON]
    return response


def fault_response(request, fault):
    """The documented fault body (behaviours.md A1, A3) as a response."""
    response = Response(status=fault.code)
    response.headers.update(fault.headers)
    if fault.code == 304 or fault.empty_body:
        response.content_type = None
        response.body = b""
        return response
    fmt = requested_format(request)
    if fmt == XML:
        response.body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<{fault.name} xmlns="{IDENTITY_NS}" code="{fault.code}">'
            f"<message>{_xml_text(fault.message)}</message>"
            f"<details>{_xml_text(fault.details)}</details>"
            f"</{fault.name}>"
        ).encode("utf-8")
    else:
        payload = {"code": fault.code, "message": fault.message, "details": fault.details}
        payload.update(fault.data)
        response.body = dump_json({fault.name: payload})
    response.headers["Content-Type"] = CONTENT_TYPES[fmt]
    return response


def _xml_text(text):
    return escape(str(text))


def add_api_headers(event):
    """No caching, and a response that depends on the token (A5)."""
    headers = event.response.headers
    headers["Cache-Control"] = "no-cache, no-store, must-revalidate, max-age=0"
    headers["Expires"] = format_datetime(datetime.now(timezone.utc), usegmt=True)
    headers["Vary"] = "X-Auth-Token"


def includeme(config):
    config.add_renderer("synnefo", SynnefoRenderer)
    config.add_subscriber(add_api_headers, NewResponse)
