"""WSGI filters for ``[pipeline:...]`` sections of the ini files, and the
one token scrubber of everything we log about a request."""
import logging
import re
import time
from urllib.parse import quote

log = logging.getLogger("synnefo_pyr.access")

#: Query parameters whose values are secrets (A6: the token may come in
#: the query string). Headers are never logged.
_SECRET_QUERY = re.compile(
    r"(?i)(^|[&;])((?:x[-_]auth[-_]token|password)(?:=|%3d))([^&;]*)"
)
SCRUBBED = "***"


def scrub_query(query):
    """``query`` with the values of token (and password) parameters hidden."""
    return _SECRET_QUERY.sub(lambda m: m.group(1) + m.group(2) + SCRUBBED, query or "")


def scrubbed_path(environ):
    """The request's path and query as logged: tokens hidden, bytes that
    are no text escaped, so a log line never carries a secret, nor a
    control character of the client's."""
    path = environ.get("PATH_INFO", "")
    try:
        path = path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    path = quote(path, safe="/:@!$&'()*+,;=-._~%")
    query = scrub_query(environ.get("QUERY_STRING", ""))
    query = quote(query, safe="/:@!$&'()*+,;=-._~%?")
    return path + ("?" + query if query else "")


def request_log_filter(app, global_config, **local_config):
    """Log one line per request: method, path (tokens scrubbed), status and
    duration."""

    def middleware(environ, start_response):
        started = time.monotonic()
        status_holder = []

        def _start_response(status, headers, exc_info=None):
            status_holder.append(status)
            return start_response(status, headers, exc_info)

        try:
            return app(environ, _start_response)
        finally:
            log.info(
                "%s %s %s %.1fms",
                environ.get("REQUEST_METHOD"),
                scrubbed_path(environ),
                status_holder[0].split()[0] if status_holder else "-",
                (time.monotonic() - started) * 1000,
            )

    return middleware
