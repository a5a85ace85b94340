"""``egg:synnefo_pyr#waitress``: waitress, keeping request headers whose
names contain ``_``, for ``[server:main]`` in the ini files.

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


def serve_paste(app, global_conf, **kw):
    kw.setdefault("listen", listen_address(global_conf))
    logging.basicConfig()
    server = create_server(app, **kw)
    # One listening socket is the server itself; several are in its map.
    listeners = [server] + [s for s in getattr(server, "map", {}).values() if hasattr(s, "channel_class")]
    for listener in listeners:
        listener.channel_class = UnderscoreHeaderChannel
    server.print_listen("Serving on http://{}:{}")
    server.run()
    return 0
