"""Read-only requests run on a session and connection their serving
thread keeps (``db.ReaderSessions``): each still sees what was committed
before it, and the connection goes back to the pool when its thread
ends."""
import gc
import threading

import pytest
import sqlalchemy as sa
import webtest

from synnefo_pyr.db import session_scope
from tests.functional.compute.conftest import COMPUTE, make_flavor
from tests.functional.integrity.conftest import HOST


def flavor_ids(client, user):
    return {f["id"] for f in client.get(f"{COMPUTE}/flavors", headers=user.headers, status=200).json["flavors"]}


def test_each_read_request_sees_what_was_committed_before_it(testapp, registry, user, db_kind):
    before = flavor_ids(testapp, user)
    held = registry.reader_sessions.get()
    # Committed by another connection, between two reads of this thread.
    added = make_flavor(registry, cpu=7)
    assert flavor_ids(testapp, user) == before | {added}
    # The same session served both reads, and no transaction is left open on it.
    assert registry.reader_sessions.get() is held
    assert not held.bind.in_transaction()


def test_a_session_used_after_its_request_does_not_hold_the_next_one_in_the_past(
        testapp, registry, user, db_kind):
    """Something reads on the thread's session after its request ended
    (its transaction is open again): the next request starts afresh."""
    before = flavor_ids(testapp, user)
    session = registry.reader_sessions.get()
    session.execute(sa.text("SELECT count(*) FROM flavors")).scalar()
    assert session.bind.in_transaction()
    added = make_flavor(registry, cpu=9)
    assert flavor_ids(testapp, user) == before | {added}


def test_what_a_read_loaded_through_the_orm_is_gone_from_the_session_after_it(
        testapp, registry, user, db_kind):
    # A flavor by id is an ORM read; the listing a Core one, which leaves
    # the session empty (its end then skips closing it).
    flavor = make_flavor(registry, cpu=5)
    testapp.get(f"{COMPUTE}/flavors/{flavor}", headers=user.headers, status=200)
    session = registry.reader_sessions.get()
    assert not session.identity_map and not session.in_transaction()
    flavor_ids(testapp, user)
    assert registry.reader_sessions.get() is session
    assert not session.identity_map and not session.in_transaction()


def test_a_threads_connection_goes_back_to_the_pool_when_it_ends(make_app, user, db_kind):
    app = make_app()
    pool = app.registry.dbengine.pool
    seen = {}

    def serve():
        webtest.TestApp(app, extra_environ=HOST).get(f"{COMPUTE}/flavors", headers=user.headers, status=200)
        seen["checked out"] = pool.checkedout()

    thread = threading.Thread(target=serve)
    thread.start()
    thread.join(30)
    gc.collect()
    assert seen["checked out"] == 1
    assert pool.checkedout() == 0


def test_a_session_left_in_a_transaction_on_a_dead_connection_is_replaced(
        testapp, registry, user, db_kind):
    """Used after its request, and its connection lost meanwhile: the next
    request gets a new session and connection, and its answer."""
    before = flavor_ids(testapp, user)
    session = registry.reader_sessions.get()
    session.execute(sa.text("SELECT 1"))
    session.bind.connection.driver_connection.close()
    assert flavor_ids(testapp, user) == before
    assert registry.reader_sessions.get() is not session


def driver(session):
    return session.connection().connection.driver_connection


def test_sqlite_reader_connections_run_one_statement_at_a_time(testapp, registry, user, db_kind):
    """SQLite: a read-only request's connection runs its statements under
    the process's lock (``sqlite_statements``), a writer's as they come;
    and one given back to the pool is a plain connection again."""
    if db_kind != "sqlite":
        pytest.skip("SQLite's connections only")
    flavor_ids(testapp, user)
    reader = registry.reader_sessions.get()
    assert driver(reader).one_statement_at_a_time is True
    with session_scope(registry) as db:
        assert driver(db).one_statement_at_a_time is False
    connection = driver(reader)
    registry.reader_sessions.close_all()
    assert connection.one_statement_at_a_time is False


def test_prepared_reads_run_outside_a_transaction_and_orm_reads_inside_one(make_app, registry, user, db_kind):
    """A read request's prepared reads (the flavor listing) run each on its
    own snapshot, outside any transaction, on both databases; an ORM read
    (a flavor by id) begins the request's transaction, ended with it."""
    # The token cached, as by default: the listing is the request's one statement.
    app = make_app(**{"synnefo_pyr.identity.token_cache_seconds": "60"})
    testapp = webtest.TestApp(app, extra_environ=HOST)
    flavor = make_flavor(registry, cpu=3)
    flavor_ids(testapp, user)
    seen = []

    def in_transaction(conn, cursor, statement, *args):
        driver = conn.connection.driver_connection
        seen.append(driver.in_transaction if db_kind == "sqlite"
                    else driver.info.transaction_status != driver.info.transaction_status.IDLE)

    engine = app.registry.dbengine
    sa.event.listen(engine, "before_cursor_execute", in_transaction)
    try:
        assert flavor in flavor_ids(testapp, user)
        listing, seen[:] = list(seen), []
        testapp.get(f"{COMPUTE}/flavors/{flavor}", headers=user.headers, status=200)
        by_id = list(seen)
    finally:
        sa.event.remove(engine, "before_cursor_execute", in_transaction)
    assert listing == [False]
    # PostgreSQL's reads are in autocommit: no transaction there either.
    assert by_id == [db_kind == "sqlite"]
    assert not app.registry.reader_sessions.get().bind.in_transaction()
