"""The servers of the ini files' ``[server:main]``, both keeping request
headers whose names contain ``_``:

``egg:synnefo_pyr#waitress``
    waitress, threads in one process (development.ini);
``egg:synnefo_pyr#gunicorn``
    gunicorn, ``workers`` processes (default: one per core), each with
    ``threads`` threads (production.ini): the GIL makes processes, not
    threads, what serves more requests on more cores.

About waitress:

Waitress drops every such header (``X-Image-Meta-Property-ROOT_PARTITION``,
as kamaki 0.12 sends image properties) because ``X-A_B`` and ``X-A-B``
would both become ``HTTP_X_A_B``. The image service reads those names
case- and dash-insensitively anyway (``root_partition`` either way), so
this runner turns ``_`` into ``-`` in header *names* before waitress
parses them: they reach the application as any server that keeps them
would hand them over. The ambiguity waitress guards against is accepted
knowingly: behind a proxy that makes decisions on one spelling of a header,
keep that proxy from forwarding the other.

``listen`` defaults to the pserve variable ``listen`` (``pserve
production.ini listen=0.0.0.0:6543``), then ``$SYNNEFO_LISTEN``, then
``127.0.0.1:6543``: loopback unless the operator says otherwise.
"""
import gc
import logging
import os

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import create_server

DEFAULT_LISTEN = "127.0.0.1:6543"


def dash_header_names(header_plus):
    """The request head with ``_`` replaced by ``-`` in header names
    (not in the request line, not in values, not in continuation lines)."""
    first, sep, rest = header_plus.partition(b"\r\n")
    lines = []
    for line in rest.split(b"\r\n"):
        name, colon, value = line.partition(b":")
        if colon and line[:1] not in (b" ", b"\t"):
            line = name.replace(b"_", b"-") + colon + value
        lines.append(line)
    return first + sep + b"\r\n".join(lines)


class UnderscoreHeaderParser(HTTPRequestParser):
    def parse_header(self, header_plus):
        return super().parse_header(dash_header_names(header_plus))


class UnderscoreHeaderChannel(HTTPChannel):
    parser_class = UnderscoreHeaderParser


def listen_address(global_conf, environ=os.environ):
    """The ``listen`` of a server section that gives none."""
    return global_conf.get("listen") or environ.get("SYNNEFO_LISTEN") or DEFAULT_LISTEN


def freeze_the_app():
    """Move everything built so far (the app, its configuration, the
    imported modules) out of the garbage collector's sight: none of it is
    garbage, and a full collection would otherwise walk all of it, tens of
    milliseconds, in the middle of some request. Forked workers also keep
    sharing those pages, as the collector no longer writes to them.

    A request makes thousands of short-lived containers (a listing of 100
    servers, some 5,000), nearly none in cycles; collecting the youngest
    generation every 10,000 allocations instead of every 700 spares most
    of the collections that would find nothing to free."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def serve_paste(app, global_conf, **kw):
    kw.setdefault("listen", listen_address(global_conf))
    freeze_the_app()
    logging.basicConfig()
    server = create_server(app, **kw)
    # One listening socket is the server itself; several are in its map.
    listeners = [server] + [s for s in getattr(server, "map", {}).values() if hasattr(s, "channel_class")]
    for listener in listeners:
        listener.channel_class = UnderscoreHeaderChannel
    server.print_listen("Serving on http://{}:{}")
    server.run()
    return 0


def serve_gunicorn(app, global_conf, **kw):
    """gunicorn behind pserve, its settings those of ``[server:main]``:
    ``bind`` as ``listen`` above, ``workers`` one per core unless given,
    and header names with ``_`` passed on as waitress's above
    (``header_map = dangerous``), and the access log built only where it
    is written (``gunicorn_logging``). The app is built once, before the fork;
    each worker process starts with a connection pool of its own
    (``synnefo_pyr.db``)."""
    from gunicorn.app.pasterapp import serve

    kw.setdefault("bind", listen_address(global_conf))
    kw.setdefault("workers", str(os.cpu_count() or 1))
    kw.setdefault("header_map", "dangerous")
    kw.setdefault("logger_class", "synnefo_pyr.gunicorn_logging.AccessLogWhereWritten")
    freeze_the_app()
    return serve(app, global_conf, **kw)
