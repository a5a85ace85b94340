"""An opt-in ``Server-Timing`` header: the request's database time and SQL
statement count, so that operators and benchmarks see what a call costs.

``synnefo_pyr.timing_header = true`` turns it on; off (the default), no
listener and no tween is installed, and nothing is measured. The header
reads ``db;dur=<ms>;desc="<n> statements", app;dur=<ms>`` (``app``: the
whole request, commit included).
"""
import threading
import time

from sqlalchemy import event

_current = threading.local()


class _Stats:
    __slots__ = ("statements", "seconds")

    def __init__(self):
        self.statements = 0
        self.seconds = 0.0


def _before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
    if getattr(_current, "stats", None) is not None:
        conn.info["synnefo_started"] = time.perf_counter()


def _after_cursor_execute(conn, cursor, statement, parameters, context, executemany):
    stats = getattr(_current, "stats", None)
    started = conn.info.pop("synnefo_started", None)
    if stats is not None and started is not None:
        stats.statements += 1
        stats.seconds += time.perf_counter() - started


def server_timing_tween_factory(handler, registry):
    def server_timing_tween(request):
        stats = _current.stats = _Stats()
        started = time.perf_counter()
        try:
            response = handler(request)
        finally:
            _current.stats = None
        total = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = (
            f'db;dur={stats.seconds * 1000:.2f};desc="{stats.statements} statements", '
            f"app;dur={total:.2f}"
        )
        return response

    return server_timing_tween


def includeme(config):
    if not config.registry.synnefo.timing_header:
        return
    engine = config.registry.dbengine
    event.listen(engine, "before_cursor_execute", _before_cursor_execute)
    event.listen(engine, "after_cursor_execute", _after_cursor_execute)
    # Outside pyramid_tm, so that the commit is part of the measure.
    config.add_tween("synnefo_pyr.timing.server_timing_tween_factory",
                     over="pyramid_tm.tm_tween_factory")
