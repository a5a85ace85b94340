"""The renderers (``synnefo``: JSON or XML as asked; ``synnefo_json``:
JSON whatever is asked), fault bodies, and the headers every API response
carries."""
import time
from email.utils import formatdate
from xml.sax.saxutils import escape

from pyramid.response import Response
from pyramid.tweens import INGRESS

from synnefo_pyr.serialization import COMPUTE_NS, CONTENT_TYPES, IDENTITY_NS, JSON, XML, dump_json, dump_xml, requested_format

#: XML namespace of each API (route names start with the API's name).
NAMESPACES = {"compute": COMPUTE_NS, "image": COMPUTE_NS}


def api_of(request):
    route = getattr(request, "matched_route", None)
    return route.name.split(".", 1)[0] if route is not None else None


def serialize(request, data):
    """``(body, content_type)`` of ``data`` in the format the client asked for."""
    if requested_format(request) == XML:
        namespace = request.registry.xml_namespaces.get(api_of(request), IDENTITY_NS)
        return dump_xml(data, namespace), CONTENT_TYPES[XML]
    return dump_json(data), CONTENT_TYPES[JSON]


def serialize_json(request, data):
    return dump_json(data), CONTENT_TYPES[JSON]


class SynnefoRenderer:
    """Views return plain data (or ``None`` for an empty body); this turns
    it into the body. ``synnefo`` answers JSON or XML as the client asked;
    ``synnefo_json`` answers JSON whatever was asked, for the calls whose
    guides promise JSON only (user catalogs, the UI helpers, quotas, the
    image service): their keys (uuids, emails, property names) are no XML
    names."""

    def __init__(self, serializer):
        self.serializer = serializer

    def __call__(self, info):
        return self._render

    def _render(self, value, system):
        request = system["request"]
        response = request.response
        if value is None:
            response.content_type = None
            return b""
        body, content_type = self.serializer(request, value)
        response.headers["Content-Type"] = content_type
        return body


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
        ).encode("utf-8", "replace")
    else:
        payload = {"code": fault.code, "message": fault.message, "details": fault.details}
        payload.update(fault.data)
        response.body = dump_json({fault.name: payload})
    response.headers["Content-Type"] = CONTENT_TYPES[fmt]
    return response


def _xml_text(text):
    return escape(str(text))


#: ``(second, its HTTP date)``: ``Expires`` changes once a second.
_expires = (None, "")


def _http_now():
    global _expires
    now = int(time.time())
    second, text = _expires
    if second != now:
        text = formatdate(now, usegmt=True)
        _expires = (now, text)
    return text


def add_api_headers(headers):
    """No caching, and a response that depends on the token (A5); no
    content sniffing by browsers (a JSON body is never HTML)."""
    headers["Cache-Control"] = "no-cache, no-store, must-revalidate, max-age=0"
    headers["Expires"] = _http_now()
    headers["Vary"] = "X-Auth-Token"
    headers.setdefault("X-Content-Type-Options", "nosniff")


def api_headers_tween_factory(handler, registry):
    """The headers of every response the application makes, faults
    included. A tween, not a ``NewResponse`` subscriber: with no
    subscriber at all, Pyramid notifies no event on any request."""

    def api_headers_tween(request):
        response = handler(request)
        add_api_headers(response.headers)
        return response

    return api_headers_tween


def includeme(config):
    config.add_renderer("synnefo", SynnefoRenderer(serialize))
    config.add_renderer("synnefo_json", SynnefoRenderer(serialize_json))
    # Outermost: it sees the response every other tween made.
    config.add_tween("synnefo_pyr.renderers.api_headers_tween_factory", under=INGRESS)
