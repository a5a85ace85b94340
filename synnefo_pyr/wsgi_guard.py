"""The outermost WSGI layer of the application: what must be refused
before Pyramid and WebOb touch a request, and the last resort for an
error nothing else rendered.

WebOb decodes the path and the query string as UTF-8 when they are first
read (routing, ``?format=``, the token in the query), and fails on bytes
that are no UTF-8 (``/servers/%ff``, ``?changes-since=%ff``), even inside
the fault renderer; waitress then answers with its plain-text 500. Here a
path or query that is no UTF-8 text, or breaks the text rule
(``schemas.validators.bad_text``: NUL and other control characters, which
PostgreSQL and XML refuse), is a ``400 badRequest`` at once. An exception
that escaped every exception view becomes a JSON ``500
internalServerError``, never a traceback nor the server's own page.

The guard passes attribute lookups (``registry``...) through to the
Pyramid router it wraps.
"""
import logging
from urllib.parse import parse_qsl

from synnefo_pyr import faults
from synnefo_pyr.schemas.validators import bad_text
from synnefo_pyr.serialization import CONTENT_TYPES, JSON, dump_json
from synnefo_pyr.wsgi_filters import scrubbed_path

log = logging.getLogger(__name__)

NO_CACHE = [("Cache-Control", "no-cache, no-store, must-revalidate, max-age=0"),
            ("Vary", "X-Auth-Token")]


def fault_app(fault):
    """A WSGI app answering ``fault`` as JSON (the format cannot be told
    from a request we refuse to read)."""
    body = dump_json({fault.name: {"code": fault.code, "message": fault.message,
                                   "details": fault.details}})

    def app(environ, start_response):
        start_response(f"{fault.code} {_REASONS.get(fault.code, 'Error')}", [
            ("Content-Type", CONTENT_TYPES[JSON]), ("Content-Length", str(len(body))), *NO_CACHE,
        ])
        return [body]

    return app


_REASONS = {400: "Bad Request", 500: "Internal Server Error"}


def refusal(environ):
    """The fault for a path or query we do not hand over, or ``None``."""
    try:
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return faults.BadRequest("Invalid URL", "The path is not UTF-8 text")
    if bad_text(path):
        return faults.BadRequest("Invalid URL", "Control characters in the path")
    try:
        pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True,
                          encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return faults.BadRequest("Invalid query string", "The query is not UTF-8 text")
    if any(bad_text(name) or bad_text(value) for name, value in pairs):
        return faults.BadRequest("Invalid query string", "Control characters in the query")
    return None


class InputGuard:
    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        fault = refusal(environ)
        if fault is not None:
            return fault_app(fault)(environ, start_response)
        try:
            return self.app(environ, start_response)
        except Exception:
            log.exception("Unhandled error on %s %s", environ.get("REQUEST_METHOD"),
                          scrubbed_path(environ))
            return fault_app(faults.InternalServerError("Unexpected error"))(environ, start_response)
