"""Findings 6 and 7: an unreachable, stuck or slow database is a prompt
``503 serviceUnavailable`` with the fault body, logged once per outage,
and the service heals by itself when the database is back, the worker
finishing what was in flight.

The outage test (``test_outage_under_load``) is the documented one: this
test's own PostgreSQL database, reached through a TCP proxy that the test
stops for a few seconds while clients keep sending requests."""
import logging
import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa
import transaction
import webtest
from sqlalchemy.engine import make_url

from synnefo_pyr.db import session_scope
from synnefo_pyr.backend import worker as backend_worker
from synnefo_pyr.compute.models import Server

from tests.functional.compute.conftest import COMPUTE
from tests.functional.integrity.conftest import HOST
from tests.functional.integrity.tcp_proxy import TcpProxy
from tests.helpers import assert_fault, post_json


def assert_unavailable(res):
    assert_fault(res, "serviceUnavailable", 503, "Service unavailable")


@pytest.fixture
def proxied(db_url):
    """The test database behind a proxy: ``(proxy, url through it)``."""
    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    proxy.stop()


@pytest.mark.postgresql_only
def test_unreachable_database_is_a_prompt_503(make_app, proxied, user, db_kind, caplog):
    proxy, url = proxied
    app = make_app(**{"sqlalchemy.url": url, "synnefo_pyr.db.connect_timeout": "1"})
    client = webtest.TestApp(app, extra_environ=HOST)
    client.get(f"{COMPUTE}/servers", headers=user.headers, status=200)
    proxy.stop()
    caplog.set_level(logging.DEBUG, logger="synnefo_pyr.db")
    started = time.monotonic()
    for _ in range(5):
        assert_unavailable(client.get(f"{COMPUTE}/servers", headers=user.headers, status=503))
        # A write as well, and an unknown server (its 404 asks for the token).
        assert_unavailable(post_json(client, f"{COMPUTE}/servers", {"server": {}},
                                     headers=user.headers, status=503))
        assert_unavailable(client.get(f"{COMPUTE}/servers/999", headers=user.headers, status=503))
    assert time.monotonic() - started < 10
    # XML clients get the fault in XML.
    res = client.get(f"{COMPUTE}/servers.xml", headers=user.headers, status=503)
    assert b"<serviceUnavailable" in res.body
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "Database unavailable" in errors[0].getMessage()
    proxy.start()
    client.get(f"{COMPUTE}/servers", headers=user.headers, status=200)
    assert any("reachable again" in r.getMessage() for r in caplog.records)


@pytest.mark.postgresql_only
def test_outage_under_load(make_app, proxied, user, flavor, image, public_network, db_kind, caplog):
    """Four clients poll while the database disappears for three seconds:
    503s during the outage, never a 500, 200s after it, without a
    restart; a server whose build was in flight is built."""
    proxy, url = proxied
    app = make_app(**{
        "sqlalchemy.url": url, "synnefo_pyr.db.connect_timeout": "1",
        "synnefo_pyr.backend.driver.build_seconds": "2",
    })
    client = webtest.TestApp(app, extra_environ=HOST)
    res = post_json(client, f"{COMPUTE}/servers",
                    {"server": {"name": "in flight", "imageRef": image, "flavorRef": flavor}},
                    headers=user.headers, status=202)
    server_id = res.json["server"]["id"]
    worker = backend_worker.Worker(app.registry, worker_id="outage-worker")
    worker.poll_interval, worker.stale_after = 0.1, 1.0
    worker_thread = worker.start_thread()
    caplog.set_level(logging.INFO, logger="synnefo_pyr.db")
    results = []
    stop = threading.Event()

    def poll():
        mine = webtest.TestApp(app, extra_environ=HOST)
        while not stop.is_set():
            res = mine.get(f"{COMPUTE}/servers/{server_id}", headers=user.headers, status="*")
            if res.status_int == 503:
                assert_unavailable(res)
            results.append((time.monotonic(), res.status_int))
            time.sleep(0.02)

    pollers = [threading.Thread(target=poll) for _ in range(4)]
    try:
        for thread in pollers:
            thread.start()
        time.sleep(0.5)
        down = time.monotonic()
        proxy.stop()
        time.sleep(3)
        up = time.monotonic()
        proxy.start()
        time.sleep(3)
    finally:
        stop.set()
        for thread in pollers:
            thread.join(10)
    try:
        for _ in range(100):
            with session_scope(app.registry, write=False) as db:
                server = db.get(Server, server_id)
                state, task = server.operstate, server.task
            if state == "ACTIVE":
                break
            time.sleep(0.1)
    finally:
        worker.stop()
        worker_thread.join(10)
    codes = Counter(code for _, code in results)
    assert set(codes) <= {200, 503}, codes
    during = Counter(code for at, code in results if down + 0.5 < at < up)
    after = [code for at, code in results if at > up + 1.5]
    assert during[503] > 0 and during[200] == 0, during
    assert after and set(after) == {200}, Counter(after)
    assert (state, task) == ("ACTIVE", None)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "synnefo_pyr.db"]
    assert len(errors) == 1, [r.getMessage() for r in errors]


@pytest.mark.postgresql_only
def test_a_held_lock_is_a_prompt_503(make_app, registry, user, db_kind):
    """Finding 7: a lock held on the tokens table no longer freezes every
    server thread: requests that need the table fail after
    ``lock_timeout``, those that need no row answer at once."""
    app = make_app(**{"synnefo_pyr.db.lock_timeout": "0.5"})
    holder = registry.dbengine.connect()
    transaction = holder.begin()
    holder.execute(sa.text("LOCK TABLE auth_tokens IN ACCESS EXCLUSIVE MODE"))
    timings = []

    def call(i):
        client = webtest.TestApp(app, extra_environ=HOST)
        started = time.monotonic()
        res = client.get(f"{COMPUTE}/servers", headers=user.headers, status="*")
        timings.append((res.status_int, time.monotonic() - started))
        assert_unavailable(res)

    try:
        threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        webtest.TestApp(app, extra_environ=HOST).get(f"{COMPUTE}/", status=200)
        assert time.monotonic() - started < 1
        for thread in threads:
            thread.join(30)
    finally:
        transaction.rollback()
        holder.close()
    assert [code for code, _ in timings] == [503] * 4
    assert max(seconds for _, seconds in timings) < 5, timings


def test_a_busy_sqlite_is_retried_then_503(make_app, registry, user, db_kind):
    """On SQLite a writer that cannot get the write lock within the busy
    timeout is retried, and answered 503 if it never gets it; readers go
    on meanwhile (WAL)."""
    if db_kind != "sqlite":
        pytest.skip("SQLite's write lock")
    app = make_app(**{"synnefo_pyr.db.busy_timeout": "0.2"})
    client = webtest.TestApp(app, extra_environ=HOST)
    holder = registry.dbengine.raw_connection()
    try:
        holder.driver_connection.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        res = post_json(client, f"{COMPUTE}/servers", {"server": {}}, headers=user.headers, status=503)
        assert_unavailable(res)
        assert time.monotonic() - started < 5
        client.get(f"{COMPUTE}/servers", headers=user.headers, status=200)
    finally:
        holder.driver_connection.execute("ROLLBACK")
        holder.close()
    post_json(client, f"{COMPUTE}/servers", {"server": {}}, headers=user.headers, status=400)


def _drop_connections(registry, admin_engine):
    """What a database restart does to the app: each connection it holds,
    in its pool or kept by this thread for reads, is closed by the server
    (``pg_terminate_backend``); returns how many."""
    pool = registry.dbengine.pool
    pids = []
    for connection in [pool.connect() for _ in range(pool.checkedin())]:
        cursor = connection.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        pids.append(cursor.fetchone()[0])
        cursor.close()
        connection.close()
    reader = registry.reader_sessions.get().bind
    pids.append(reader.exec_driver_sql("SELECT pg_backend_pid()").scalar())
    reader.rollback()
    with admin_engine.connect() as admin:
        for pid in pids:
            admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    return len(pids)


@pytest.mark.postgresql_only
def test_a_dropped_connection_costs_no_request(make_app, user, flavor, image, public_network, db_kind):
    """No ping before each request (``pool_pre_ping`` is off by default):
    a pooled connection the database dropped fails its request's first
    statement, and the request runs again on a new connection. The client
    sees its answer, a read's and a write's alike, and the write is made
    once."""
    app = make_app()
    engine = app.registry.dbengine
    assert engine.pool._pre_ping is False
    client = webtest.TestApp(app, extra_environ=HOST)
    admin = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
    try:
        client.get(f"{COMPUTE}/servers", headers=user.headers, status=200)
        post_json(client, f"{COMPUTE}/servers",
                  {"server": {"name": "before", "imageRef": image, "flavorRef": flavor}},
                  headers=user.headers, status=202)
        # The reads' connection and the pool's, which the write used.
        assert _drop_connections(app.registry, admin) == 2
        client.get(f"{COMPUTE}/servers", headers=user.headers, status=200)
        post_json(client, f"{COMPUTE}/servers",
                  {"server": {"name": "after", "imageRef": image, "flavorRef": flavor}},
                  headers=user.headers, status=202)
    finally:
        admin.dispose()
    servers = client.get(f"{COMPUTE}/servers", headers=user.headers, status=200).json["servers"]
    assert sorted(server["name"] for server in servers) == ["after", "before"]


def test_sqlite_is_never_pinged(make_app, db_kind):
    """A SQLite file has no connection to lose: no ping, whatever the
    setting says."""
    if db_kind != "sqlite":
        pytest.skip("SQLite's pool")
    app = make_app(**{"sqlalchemy.pool_pre_ping": "true"})
    assert app.registry.dbengine.pool._pre_ping is False


def test_read_requests_run_without_a_transaction_on_postgresql(app, db_kind):
    """A GET's statements on PostgreSQL run in autocommit (no BEGIN, no
    ROLLBACK: two round trips saved); a write's in a transaction. SQLite's
    reads keep theirs (one snapshot, no round trip)."""
    get = app.request_factory.blank("/compute/v2.0/servers", method="GET")
    post = app.request_factory.blank("/compute/v2.0/servers", method="POST")
    for request in (get, post):
        request.registry = app.registry
    #: method -> whether its statements autocommit
    levels = {}
    # A writing request's session joins the thread's transaction (pyramid_tm).
    manager = transaction.manager
    manager.begin()
    try:
        for request in (get, post):
            connection = request.dbsession.connection()
            connection.execute(sa.text("SELECT 1"))
            driver = connection.connection.driver_connection
            levels[request.method] = (
                driver.autocommit if db_kind == "postgresql" else not driver.in_transaction
            )
    finally:
        get.dbsession.close()
        manager.abort()
    if db_kind == "postgresql":
        assert levels == {"GET": True, "POST": False}
    else:
        assert levels == {"GET": False, "POST": False}


def test_a_read_request_that_writes_is_refused(app, registry):
    """Its session commits nothing (and on PostgreSQL would commit each
    statement): a flush is refused, loudly."""
    from synnefo_pyr.compute.models import Flavor
    from synnefo_pyr.db import ReadOnlyRequestWrote

    request = app.request_factory.blank("/compute/v2.0/flavors", method="GET")
    request.registry = registry
    try:
        request.dbsession.add(Flavor(cpu=1, ram=512, disk=10, disk_template="drbd"))
        with pytest.raises(ReadOnlyRequestWrote):
            request.dbsession.flush()
    finally:
        request.dbsession.close()
    with session_scope(registry, write=False) as db:
        assert db.scalars(sa.select(Flavor)).all() == []
