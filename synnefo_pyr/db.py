"""The database: engine, sessions bound to the request transaction, and the
schema upgrade that runs when the application starts.

``request.dbsession`` joins pyramid_tm's transaction through zope.sqlalchemy,
so a request commits everything or nothing. Code outside a request (the
management command, the worker) uses ``session_scope``.

Transactions are real on both databases. pysqlite would not BEGIN before a
SELECT, so a read-check-write would not be atomic: the engine turns its
own transaction handling off and BEGINs itself (the ``begin`` event). A
transaction that writes BEGINs IMMEDIATE on SQLite, taking the one write
lock before it reads anything, so writers queue up (busy timeout) instead
of reading stale rows or failing half-way. How we know a transaction
writes: its connection carries the execution option ``synnefo_write``,
set on every session of a request whose method is not GET, HEAD or
OPTIONS, of ``session_scope`` (unless ``write=False``) and of the
worker's statements (``writer(engine)``). A read-only request that writes
anyway still gets its write lock, or a retryable "database is locked".
On PostgreSQL a read-only request's statements run in autocommit
(``reader``): at READ COMMITTED that is what they would see in a
transaction too, less its BEGIN and ROLLBACK. A read-only request's session
refuses to flush: writing there is a bug.

Timeouts and the pool (``DatabaseSettings``, ``synnefo_pyr.db.*``, and the
``sqlalchemy.pool_*`` keys) make a stuck or unreachable database a prompt
503 (``dbhealth``) rather than a frozen server.
"""
import contextlib
import logging
import os
import threading
import weakref
from dataclasses import dataclass

import transaction
import zope.sqlalchemy
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from sqlalchemy import engine_from_config, event, inspect, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, object_session, selectinload, sessionmaker

from pyramid.settings import asbool

from synnefo_pyr import dbhealth, sqlite_statements
from synnefo_pyr.settings import SettingsError, parse_section

log = logging.getLogger(__name__)

#: The execution option that marks a transaction as a writer.
WRITE_OPTION = "synnefo_write"
#: Request methods that only read (their transactions BEGIN DEFERRED on SQLite).
READ_METHODS = ("GET", "HEAD", "OPTIONS")


#: The largest value of the 32-bit INTEGER keys (servers, flavors,
#: networks, commission serials).
INT32_MAX = 2 ** 31 - 1


def db_id(value, maximum=INT32_MAX):
    """The integer id that ``value`` (URL text or a JSON number) names, or
    ``None`` when it names no row: not a plain ASCII decimal (``"²"`` is
    a digit to Python, not to us), zero, or beyond the column's range, so
    that it never reaches the database, which would fail the request."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 0 < number <= maximum else None


def insert_ignoring_duplicates(dbsession, table, rows):
    """INSERT ``rows`` into ``table``, leaving alone those whose unique key
    exists already, also when a concurrent transaction inserts the same key
    (``ON CONFLICT DO NOTHING`` on both databases)."""
    dialect = dbsession.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    for row in rows:
        dbsession.execute(insert(table).values(**row).on_conflict_do_nothing())
    # A Core statement on a Table: zope.sqlalchemy would not know the
    # transaction wrote something, and roll it back.
    zope.sqlalchemy.mark_changed(dbsession)


#: Request bodies up to this size are copied so that a request can be
#: replayed after a deadlock or serialization failure (pyramid_retry).
REPLAYABLE_BODY = 1024 * 1024


def retry_attempts(request):
    """pyramid_retry's activate hook: the configured attempts (``None``),
    except for a body that is not worth copying to replay it (an upload to
    the object store: chunked, of unknown length or large), which gets one
    attempt. Copying would spool every upload once more, and give a body
    without a Content-Length a length of 0."""
    if request.method in ("GET", "HEAD", "DELETE", "OPTIONS"):
        return None
    length = request.environ.get("CONTENT_LENGTH") or ""
    if not length.isdigit() or int(length) > REPLAYABLE_BODY:
        return 1
    return None


def database_url(settings, prefix="sqlalchemy."):
    """The configured URL: ``sqlalchemy.url``, else the pserve variable
    ``database_url`` (``pserve production.ini database_url=...``, handed
    over by ``main()``), else ``$DATABASE_URL``: production.ini never holds
    credentials."""
    url = (
        (settings.get(prefix + "url") or "").strip()
        or (settings.get("database_url") or "").strip()
        or os.environ.get("DATABASE_URL", "").strip()
    )
    if not url:
        raise SettingsError(
            "No database: set sqlalchemy.url, the database_url variable or $DATABASE_URL"
        )
    return url


_LOCKED = "synnefo.locked_rows"


def lock_row(obj, *reload, dbsession=None):
    """Row-lock ``obj`` for the rest of the transaction (``FOR NO KEY
    UPDATE`` on PostgreSQL: rows that reference it may still be inserted
    by whoever holds it; a second locker waits), and reload it and its
    relationships named in ``reload`` as the lock found them: whatever was
    read before may be stale. Once per transaction and row. On SQLite the
    write transaction's IMMEDIATE lock already serializes every writer,
    and the reload is all that is done."""
    db = dbsession or object_session(obj)
    state = inspect(obj)
    if db is None or state.identity is None:
        return obj
    cls = state.mapper.class_
    transaction = db.get_transaction()
    held = db.info.get(_LOCKED)
    if held is None or held[0] is not transaction:
        held = db.info[_LOCKED] = (transaction, set())
    key = (cls, state.identity)
    if key in held[1]:
        return obj
    condition = [column == value for column, value in zip(state.mapper.primary_key, state.identity)]
    db.scalars(
        select(cls).where(*condition)
        .with_for_update(of=cls, key_share=True)
        .options(*[selectinload(getattr(cls, name)) for name in reload])
        .execution_options(populate_existing=True)
    ).one()
    held[1].add(key)
    return obj


@dataclass(frozen=True)
class DatabaseSettings:
    """``synnefo_pyr.db.*``: how long the database may make us wait.
    Seconds; 0 turns a timeout off."""

    #: PostgreSQL: a statement running longer is cancelled (503).
    statement_timeout: float = 30.0
    #: PostgreSQL: waiting longer for a row or table lock fails (503).
    lock_timeout: float = 10.0
    #: Giving up on connecting to the database (503).
    connect_timeout: float = 5.0
    #: SQLite: how long a writer waits for the write lock before the
    #: request is retried (and, at the last attempt, answered 503).
    busy_timeout: float = 10.0
    #: The worker's attempts at a transaction that hit a deadlock, a
    #: serialization failure or a busy SQLite (requests: ``retry.attempts``).
    retry_attempts: int = 5

    def __post_init__(self):
        for name in ("statement_timeout", "lock_timeout", "connect_timeout", "busy_timeout"):
            if getattr(self, name) < 0:
                raise SettingsError(f"synnefo_pyr.db.{name} must not be negative")
        if self.retry_attempts < 1:
            raise SettingsError("synnefo_pyr.db.retry_attempts must be at least 1")


def database_settings(settings):
    return parse_section(settings, "synnefo_pyr.db.", DatabaseSettings)


def _sqlite_connect(busy_timeout_ms):
    def connect(dbapi_connection, _record):
        # We BEGIN ourselves (``_sqlite_begin``); pysqlite must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # Integrity on SQLite is opt-in; writers wait instead of failing at once.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        # Readers never block the writer, nor the writer them.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    return connect


def _sqlite_begin(conn):
    statement = "BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN"
    # On the driver's connection: BEGIN is no statement of ours (as on
    # PostgreSQL, where the driver sends it), so no event sees it; its
    # error ("database is locked") is wrapped as SQLAlchemy would.
    driver = conn.connection.driver_connection
    try:
        driver.execute(statement)
    except conn.dialect.loaded_dbapi.Error as error:
        raise sa_exc.DBAPIError.instance(
            statement, None, error, conn.dialect.loaded_dbapi.Error
        ) from error


def writer(engine):
    """``engine`` for transactions that write (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def reader(engine):
    """``engine`` for read-only requests. On PostgreSQL their statements
    run in autocommit: at READ COMMITTED every statement of a transaction
    takes a snapshot of its own anyway, so a read transaction adds nothing
    but its BEGIN and ROLLBACK, two round trips per request. On SQLite a
    read transaction is one snapshot for all of the statements in it (WAL),
    and costs no round trip: kept for reads through SQLAlchemy (the
    prepared reads run outside one on both: ``ReadSession``)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


class ReadOnlyRequestWrote(RuntimeError):
    """A GET, HEAD or OPTIONS request tried to write: a bug (its session
    commits nothing, and on PostgreSQL would commit each statement)."""


def _refuse_flush(session, flush_context, instances):
    if session.new or session.deleted or any(session.is_modified(obj) for obj in session.dirty):
        raise ReadOnlyRequestWrote("A read-only request tried to write")


def _milliseconds(seconds):
    return int(round(seconds * 1000))


def get_engine(settings, prefix="sqlalchemy."):
    url = database_url(settings, prefix)
    db_settings = database_settings(settings)
    settings = dict(settings, **{prefix + "url": url})
    # A connection that died while idle in the pool (the database
    # restarted) fails the first statement of its request, which is run
    # again on a new connection (``dbhealth.is_stale_connection``): a ping
    # before every checkout would cost every request a round trip instead.
    # The ping stays an option on PostgreSQL; a SQLite file has no
    # connection to lose.
    pre_ping = asbool(settings.pop(prefix + "pool_pre_ping", False))
    kwargs = {"pool_pre_ping": pre_ping and not url.startswith("sqlite")}
    if url.startswith("sqlite"):
        # Waitress threads and the in-process worker share the file.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": db_settings.busy_timeout,
                                  "factory": sqlite_statements.Connection}
    elif url.startswith("postgresql"):
        settings.setdefault(prefix + "pool_timeout", "10")
        options = []
        if db_settings.statement_timeout:
            options.append(f"-c statement_timeout={_milliseconds(db_settings.statement_timeout)}")
        if db_settings.lock_timeout:
            options.append(f"-c lock_timeout={_milliseconds(db_settings.lock_timeout)}")
        kwargs["connect_args"] = {"options": " ".join(options)} if options else {}
        if db_settings.connect_timeout:
            kwargs["connect_args"]["connect_timeout"] = max(1, int(round(db_settings.connect_timeout)))
    engine = engine_from_config(settings, prefix, future=True, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect(_milliseconds(db_settings.busy_timeout)))
        event.listen(engine, "begin", _sqlite_begin)
    # A new connection is the end of an outage, if there was one.
    engine.synnefo_outages = dbhealth.OutageLog()
    event.listen(engine, "connect", engine.synnefo_outages.connected)
    engine.synnefo_settings = db_settings
    _fresh_pool_after_fork(engine)
    return engine


def _fresh_pool_after_fork(engine):
    """A process forked from this one (gunicorn's workers, forked after
    pserve built the app) starts with an empty pool: a connection's socket
    must never be shared by two processes. The parent's connections stay
    open for the parent (``close=False``). A weak reference, so that an
    engine disposed of is not kept alive by the hook."""
    ref = weakref.ref(engine)

    def after_in_child():
        forked = ref()
        if forked is not None:
            forked.dispose(close=False)

    os.register_at_fork(after_in_child=after_in_child)


class ReadSession(Session):
    """A read-only request's session, bound to its thread's connection
    (``ReaderSessions``). ``connection()`` gives that connection as it is,
    without the session's transaction bookkeeping and without beginning a
    transaction: the hot paths' prepared reads (``prepared_reads``) run
    outside any, each statement on its own snapshot, on SQLite (whose
    driver connection is in autocommit: we BEGIN ourselves) as on
    PostgreSQL (autocommit, ``reader``), and the readers built on them
    expect it (a row of a server the first statement did not see is left
    out). Not beginning one saved 13% of a flavors request's instructions
    on SQLite (BEGIN, ROLLBACK and SQLAlchemy's transaction around them).
    ``Connection.execute`` and ORM reads begin the request's transaction
    (SQLAlchemy's autobegin; on SQLite one snapshot for all of them),
    ended by ``ReaderSessions.end``."""

    def connection(self, bind_arguments=None, execution_options=None, **kw):
        if bind_arguments or execution_options or kw:
            return super().connection(bind_arguments, execution_options, **kw)
        return self.bind


class ReaderSessions:
    """One session and connection per serving thread for its read-only
    requests, kept between them: checking a connection out of the pool
    and back in, and making a session, cost a read request more than its
    query. Each request still has a transaction of its own (SQLite: one
    snapshot), ended when its session closes, and again before the next
    request (in case anything used the session after it closed). A
    connection the database dropped (``invalidated``) is replaced at the
    next request; one whose thread ended goes back to the pool;
    ``close_all`` (the engine being disposed of) gives every one back.
    Each serving thread so keeps one connection of the pool: ``pool_size``
    covers the threads, ``max_overflow`` their writes (both ini files)."""

    def __init__(self, engine, session_factory):
        self.engine = engine
        self.session_factory = session_factory
        self._forget()
        # Weakly: fork hooks live as long as the interpreter, and a strong
        # one would keep these connections open as long (an app built and
        # dropped, as tests do, would never give its connection back).
        ref = weakref.ref(self)

        def after_in_child():
            sessions = ref()
            if sessions is not None:
                sessions._forget()

        os.register_at_fork(after_in_child=after_in_child)
        event.listen(engine, "engine_disposed", lambda _engine: self.close_all())

    def get(self):
        """This thread's session, in no transaction yet."""
        held = getattr(self._local, "held", None)
        if held is not None and held.connection.in_transaction():
            try:
                _end(held.session)
            except sa_exc.SQLAlchemyError:
                # Its connection died meanwhile: a new one below.
                log.debug("Resetting a reader connection failed", exc_info=True)
                held.close()
                held = None
        if held is None or held.connection.invalidated or held.connection.closed:
            if held is not None:
                held.close()
            connection = self.engine.connect()
            held = self._local.held = _Held(connection, self.session_factory(bind=connection))
            with self._lock:
                self._all.add(held)
        return held.session

    @staticmethod
    def end(session):
        """End a read-only request's transaction once its answer is made.
        The answer stands whatever happens here: a connection lost in an
        outage fails its rollback, and is replaced at the next request."""
        try:
            _end(session)
        except sa_exc.SQLAlchemyError:
            log.debug("Ending a read transaction failed", exc_info=True)

    def close_all(self):
        if self._pid != os.getpid():
            # Forked, and the pool disposed of before ``_forget`` ran: the
            # connections are the parent's.
            self._forget()
            return
        with self._lock:
            held, self._all = list(self._all), weakref.WeakSet()
        for one in held:
            one.close()
        self._local = threading.local()

    def _forget(self):
        # A forked child must not use its parent's sockets (nor close them).
        self._pid = os.getpid()
        self._local = threading.local()
        self._all = weakref.WeakSet()
        self._lock = threading.Lock()


class _Held:
    """A thread's session and its connection; back to the pool when the
    thread ends (its ``threading.local`` lets go of this) or ``close_all``
    is called."""

    def __init__(self, connection, session):
        self.connection = connection
        self.session = session
        _one_statement_at_a_time(connection, True)
        self._finalizer = weakref.finalize(self, _give_back, session, connection)

    def close(self):
        self._finalizer()


def _end(session):
    # A Core read leaves the session empty and outside any transaction of
    # its own (``ReadSession.connection``): nothing to close.
    if session.in_transaction() or session.identity_map or session.new:
        session.close()
    if session.bind.in_transaction():
        session.bind.rollback()


def _one_statement_at_a_time(connection, value):
    """A SQLite reader connection's statements run one at a time in the
    process (``sqlite_statements``); a writer's, as they come."""
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite_statements.Connection):
        driver.one_statement_at_a_time = value


def _give_back(session, connection):
    try:
        session.close()
        if not connection.invalidated and not connection.closed:
            _one_statement_at_a_time(connection, False)
        connection.close()
    except sa_exc.SQLAlchemyError:
        log.debug("Giving back a reader connection failed", exc_info=True)


def get_session_factory(engine):
    return sessionmaker(bind=engine, expire_on_commit=False)


def writes(request):
    """Whether a request may write, and so runs in a transaction of
    pyramid_tm's: every method but GET, HEAD and OPTIONS."""
    return request.method not in READ_METHODS


def thread_manager(request):
    """pyramid_tm's manager of a request: the thread's, explicit."""
    manager = transaction.manager
    manager.explicit = True
    return manager


def get_tm_session(session_factory, transaction_manager, request=None, write=True):
    """A session joined to ``transaction_manager``: it commits and rolls back
    with the transaction and is never committed by hand. ``write``: its
    transaction writes (BEGIN IMMEDIATE on SQLite)."""
    bind = session_factory.kw["bind"]
    dbsession = session_factory(info={"request": request}, bind=writer(bind) if write else bind)
    zope.sqlalchemy.register(dbsession, transaction_manager=transaction_manager)
    return dbsession


@contextlib.contextmanager
def session_scope(registry, write=True):
    """One transaction outside a request (scripts, the worker)."""
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        yield get_tm_session(registry.dbsession_factory, manager, write=write)


def alembic_config(url):
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", "synnefo_pyr:alembic")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_schema(engine):
    """``alembic upgrade heads`` on ``engine``: the only way the schema
    changes. Each package's migrations may form a branch of their own, so
    every head is upgraded."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        # SQLite alters a table by rebuilding it (copy, drop, rename): with
        # foreign keys enforced, dropping a table other rows refer to
        # fails. The pragma only takes effect outside a transaction: sent
        # on the driver's connection, before ours BEGINs.
        driver = connection.connection.driver_connection if sqlite else None
        if sqlite:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                alembic_command.upgrade(cfg, "heads")
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys=ON")


def _ensure_sqlite_dir(url):
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        directory = os.path.dirname(url[len("sqlite:///"):])
        if directory:
            os.makedirs(directory, exist_ok=True)


def includeme(config):
    # Every package's models, before the first mapper is used: relationships
    # name classes of other packages by string.
    from synnefo_pyr import models  # noqa: F401

    settings = config.get_settings()
    # Faults are raised, so any exception aborts. Requests use each thread's
    # own manager, made explicit: a forgotten transaction boundary is an
    # error instead of an implicit commit.
    settings["tm.manager_hook"] = "synnefo_pyr.db.thread_manager"
    # Reads need no transaction manager: a plain session, rolled back and
    # closed when the request ends, saves its two-phase commit machinery.
    settings["tm.activate_hook"] = "synnefo_pyr.db.writes"
    # Running the security policy inside the tm tween is work for nothing.
    settings["tm.annotate_user"] = False
    settings.setdefault("retry.activate_hook", "synnefo_pyr.db.retry_attempts")
    config.include("pyramid_tm")
    config.include("pyramid_retry")

    _ensure_sqlite_dir(database_url(settings))
    engine = get_engine(settings)
    if config.registry.synnefo.auto_migrate:
        upgrade_schema(engine)
    config.registry.dbengine = engine
    # Scripts and the worker: one session per ``session_scope``, each
    # joined to a transaction manager of its own.
    config.registry.dbsession_factory = get_session_factory(engine)
    # Requests that write: sessions joined to their thread's manager, which
    # pyramid_tm begins and ends, bound to ``writer(engine)``; registering
    # the factory once, not every session, saves the ~0.4 ms zope.sqlalchemy
    # takes to hook up a session. Reads: each serving thread's own
    # ``ReadSession`` on its own connection (``ReaderSessions``, through
    # ``reader(engine)``), which refuses to flush anything.
    readers = sessionmaker(class_=ReadSession, expire_on_commit=False)
    writers = get_session_factory(writer(engine))
    event.listen(readers, "before_flush", _refuse_flush)
    zope.sqlalchemy.register(writers, transaction_manager=transaction.manager)

    reader_sessions = config.registry.reader_sessions = ReaderSessions(reader(engine), readers)

    def dbsession(request):
        if request.method in READ_METHODS:
            session = reader_sessions.get()
            request.add_finished_callback(lambda request: reader_sessions.end(session))
            return session
        return writers()

    config.add_request_method(dbsession, reify=True)
