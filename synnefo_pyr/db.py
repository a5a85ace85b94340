"""The database: engine, sessions bound to the request transaction, and the
schema upgrade that runs when the application starts.

``request.dbsession`` joins pyramid_tm's transaction through zope.sqlalchemy,
so a request commits everything or nothing. Code outside a request (the
management command, the worker) uses ``session_scope``.
"""
import contextlib
import os

import transaction
import zope.sqlalchemy
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from sqlalchemy import engine_from_config, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import sessionmaker

from synnefo_pyr.settings import SettingsError


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


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    # Integrity on SQLite is opt-in; writers wait instead of failing at once.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


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


def get_engine(settings, prefix="sqlalchemy."):
    url = database_url(settings, prefix)
    settings = dict(settings, **{prefix + "url": url})
    kwargs = {}
    if url.startswith("sqlite"):
        # Waitress threads and the in-process worker share the file.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = engine_from_config(settings, prefix, future=True, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def get_session_factory(engine):
    return sessionmaker(bind=engine, expire_on_commit=False)


def get_tm_session(session_factory, transaction_manager, request=None):
    """A session joined to ``transaction_manager``: it commits and rolls back
    with the transaction and is never committed by hand."""
    dbsession = session_factory(info={"request": request})
    zope.sqlalchemy.register(dbsession, transaction_manager=transaction_manager)
    return dbsession


@contextlib.contextmanager
def session_scope(registry):
    """One transaction outside a request (scripts, the worker)."""
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        yield get_tm_session(registry.dbsession_factory, manager)


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
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        alembic_command.upgrade(cfg, "heads")


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
    # Faults are raised, so any exception aborts; the explicit manager makes a
    # forgotten transaction boundary an error instead of an implicit commit.
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    # Running the security policy inside the tm tween is work for nothing.
    settings["tm.annotate_user"] = False
    settings.setdefault("retry.activate_hook", "synnefo_pyr.db.retry_attempts")
    config.include("pyramid_tm")
    config.include("pyramid_retry")

    _ensure_sqlite_dir(database_url(settings))
    engine = get_engine(settings)
    if config.registry.synnefo.auto_migrate:
        upgrade_schema(engine)
    session_factory = get_session_factory(engine)
    config.registry.dbengine = engine
    config.registry.dbsession_factory = session_factory

    def dbsession(request):
        return get_tm_session(session_factory, request.tm, request=request)

    config.add_request_method(dbsession, reify=True)
