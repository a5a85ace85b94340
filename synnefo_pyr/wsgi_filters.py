"""WSGI filters for ``[pipeline:...]`` sections of the ini files."""
import logging
import time

log = logging.getLogger("synnefo_pyr.access")


def request_log_filter(app, global_config, **local_config):
    """Log one line per request: method, path, status and duration."""

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
                environ.get("PATH_INFO"),
                status_holder[0].split()[0] if status_holder else "-",
                (time.monotonic() - started) * 1000,
            )

    return middleware
