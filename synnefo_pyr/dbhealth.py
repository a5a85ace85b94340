"""What a database error means: retry it, or tell the client the database
is unavailable (503), and the one log line per outage.

* **Retryable**: a deadlock or a serialization failure on PostgreSQL
  (SQLSTATE 40P01, 40001), a write lock that SQLite could not get within
  its busy timeout ("database is locked"). Running the whole transaction
  again is the cure: pyramid_retry does it for requests (the exception
  view marks these errors retryable), the worker with the same bounded
  policy (``retrying``).
* **Unavailable**: every other ``OperationalError`` (connection refused or
  lost, statement or lock timeout, a retryable error that kept failing),
  a pool that had no connection to give within ``pool_timeout``, and a
  connection found dead. The request answers ``503 serviceUnavailable``;
  nothing was committed.

* **Stale**: a connection the pool held, found dead by the request's
  statement (``is_stale_connection``): the request runs again, on a new
  connection, instead of every request paying a ping before it starts.

An outage is logged once, when the first error of it is seen, and its end
once, when a new connection to the database succeeds again (the engine's
``connect`` event), instead of one traceback per request.
"""
import logging
import random
import threading
import time

from sqlalchemy import exc as sa_exc

log = logging.getLogger("synnefo_pyr.db")

#: PostgreSQL's "try the transaction again" SQLSTATEs.
RETRY_SQLSTATES = ("40001", "40P01")
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")


def _sqlstate(error):
    return getattr(getattr(error, "orig", None), "sqlstate", None)


def is_retryable(error):
    """A deadlock, a serialization failure, or SQLite's busy write lock."""
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if _sqlstate(error) in RETRY_SQLSTATES:
        return True
    return isinstance(error, sa_exc.OperationalError) and any(
        text in str(error.orig).lower() for text in _SQLITE_BUSY
    )


def is_stale_connection(error):
    """A statement failed because its pooled connection was dead: the
    database restarted (or dropped it) since the connection was last used.
    SQLAlchemy has renewed the pool by then, so the whole request can run
    again on a new connection (the transaction died with the old one:
    nothing of it was committed). Not a failed COMMIT (no statement): that
    one may have committed."""
    return (isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated
            and error.statement is not None)


def is_unavailable(error):
    """The database cannot serve us now (and a retry in this request will
    not help): unreachable, too slow, or out of connections."""
    if isinstance(error, (sa_exc.TimeoutError, sa_exc.DisconnectionError)):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        return error.connection_invalidated or isinstance(
            error, (sa_exc.OperationalError, sa_exc.InterfaceError)
        )
    return False


class OutageLog:
    """Logs the start of an outage once and its end once."""

    def __init__(self, logger=log):
        self.logger = logger
        self._lock = threading.Lock()
        self.since = None

    def failed(self, error):
        with self._lock:
            first = self.since is None
            if first:
                self.since = time.monotonic()
        if first:
            self.logger.error("Database unavailable, answering 503 until it is back: %s",
                              _one_line(error))
        else:
            self.logger.debug("Database still unavailable: %s", _one_line(error))

    def connected(self, *_args):
        with self._lock:
            since, self.since = self.since, None
        if since is not None:
            self.logger.warning("Database reachable again after %.1f s", time.monotonic() - since)


def _one_line(error):
    text = str(getattr(error, "orig", None) or error)
    return " ".join(text.split())[:300]


def outage_log(engine):
    """The outage log of ``engine`` (``db.get_engine`` gives each one)."""
    return engine.synnefo_outages


def retrying(work, attempts=5, base_delay=0.05):
    """``work()``, run again on a retryable error up to ``attempts`` times
    in all, with a short random back-off (the worker's policy, the same
    as pyramid_retry's ``retry.attempts`` for requests)."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except sa_exc.DBAPIError as error:
            if attempt == attempts or not is_retryable(error):
                raise
            log.info("Retrying after a transient database error (attempt %d): %s",
                     attempt, _one_line(error))
            time.sleep(base_delay * attempt * (1 + random.random()))
