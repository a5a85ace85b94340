"""Prepared reads (``synnefo_pyr/prepared_reads.py``) give what
``Connection.execute`` gives, fire the cursor events, and fail as it does.

The compute reads are its main users: their statements, on servers with
metadata, ports, addresses and diagnostics, are the values compared.
"""
import datetime
import logging

import pytest
import sqlalchemy as sa
from sqlalchemy import bindparam, event, select, text

from synnefo_pyr.compute import reads
from synnefo_pyr.compute.models import Server
from synnefo_pyr.db import session_scope
from synnefo_pyr.images import registry as images
from synnefo_pyr.network.models import IPAddress
from synnefo_pyr.prepared_reads import PreparedRead

from tests.functional.compute.test_performance import add_servers


def _both(connection, statement, params):
    prepared = PreparedRead(statement).rows(connection, params)
    executed = [tuple(row) for row in connection.execute(statement, params)]
    return prepared, executed


def test_the_values_are_those_connection_execute_gives(registry, user, flavor, image, public_network):
    add_servers(registry, user.uuid, flavor, public_network, image, 3)
    with session_scope(registry) as db:
        server_id = db.scalar(select(Server.id).order_by(Server.id))
        db.get(Server, server_id).suspended = True
    since = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    cases = [(reads._statements("id", False), {"id": server_id}),
             (reads._statements("user", False), {"user": user.uuid}),
             (reads._statements("user", True), {"user": user.uuid, "since": since})]
    listing = images._listing("created_at", "desc", False, True, ("status",))
    with registry.dbengine.connect() as connection:
        for statements, params in cases:
            for statement in statements:
                prepared, executed = _both(connection, statement.statement, params)
                assert prepared and prepared == executed
                # The same types too: SQLite's 0/1 read as booleans, its
                # timestamps as datetimes, UTCDateTime's aware.
                assert [[type(v) for v in row] for row in prepared] == \
                       [[type(v) for v in row] for row in executed]
        servers = reads._statements("id", False).servers.rows(connection, {"id": server_id})
        assert servers[0][_field("suspended")] is True
        for statement in listing:
            params = {"user": user.uuid, "since": since, "status": "ACTIVE"}
            prepared, executed = _both(connection, statement.statement, params)
            assert prepared and prepared == executed
            assert [[type(v) for v in row] for row in prepared] == \
                   [[type(v) for v in row] for row in executed]
        images_row = listing.images.rows(connection, params)[0]
        assert images_row[-3].tzinfo is not None  # created_at, through UTCDateTime


def _field(name):
    return reads._SERVER_FIELDS.index(name)


def test_a_parameter_given_twice_binds_both_places(registry, user):
    statement = select(sa.literal_column("1")).where(
        bindparam("v") == bindparam("v"), bindparam("w", type_=sa.Integer()) > 0)
    with registry.dbengine.connect() as connection:
        assert PreparedRead(statement).rows(connection, {"v": "x", "w": 1}) == [(1,)]
        assert PreparedRead(statement).rows(connection, {"v": "x", "w": 0}) == []


def test_the_cursor_events_fire_once_a_statement(registry, user, flavor, image, public_network):
    add_servers(registry, user.uuid, flavor, public_network, image, 2)
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(("before", statement, context))

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append(("after", statement, context))

    prepared = reads._statements("user", False).servers
    event.listen(registry.dbengine, "before_cursor_execute", before)
    event.listen(registry.dbengine, "after_cursor_execute", after)
    try:
        with registry.dbengine.connect() as connection:
            assert len(prepared.rows(connection, {"user": user.uuid})) == 2
    finally:
        event.remove(registry.dbengine, "before_cursor_execute", before)
        event.remove(registry.dbengine, "after_cursor_execute", after)
    sql = prepared._plan(registry.dbengine.dialect).sql
    assert seen == [("before", sql, None), ("after", sql, None)]


def test_a_listener_connected_before_the_listener_was_added_still_sees_it(registry, user):
    # The readers keep their connection from one request to the next.
    prepared = PreparedRead(select(sa.literal_column("1")))
    seen = []
    with registry.dbengine.connect() as connection:
        prepared.rows(connection)

        def before(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(registry.dbengine, "before_cursor_execute", before)
        try:
            prepared.rows(connection)
        finally:
            event.remove(registry.dbengine, "before_cursor_execute", before)
    assert len(seen) == 1


def test_a_driver_error_is_raised_as_connection_execute_raises_it(registry, user):
    missing = sa.table("no_such_table", sa.column("id"))
    statement = select(missing.c.id).where(missing.c.id == bindparam("id"))
    with registry.dbengine.connect() as connection:
        with pytest.raises(sa.exc.DBAPIError) as prepared:
            PreparedRead(statement).rows(connection, {"id": 1})
        connection.rollback()
        with pytest.raises(sa.exc.DBAPIError) as executed:
            connection.execute(statement, {"id": 1})
        connection.rollback()
    assert type(prepared.value) is type(executed.value)
    assert type(prepared.value.orig) is type(executed.value.orig)
    assert prepared.value.statement == executed.value.statement
    assert not prepared.value.connection_invalidated


def test_a_dead_connection_is_invalidated(registry, user, db_kind):
    prepared = PreparedRead(select(sa.literal_column("1")))
    engine = registry.dbengine
    with engine.connect() as connection:
        prepared.rows(connection)
        if db_kind == "postgresql":
            pid = connection.connection.dbapi_connection.info.backend_pid
            with engine.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                other.commit()
        else:
            connection.connection.dbapi_connection.close()
        with pytest.raises(sa.exc.DBAPIError) as failed:
            prepared.rows(connection)
        assert failed.value.connection_invalidated  # what dbhealth.is_stale_connection reads
        assert connection.invalidated
        connection.rollback()
        # A new connection is made for the next statement.
        assert prepared.rows(connection) == [(1,)]


def test_in_lists_are_refused(registry, user):
    statement = select(Server.id).where(Server.id.in_(bindparam("ids", expanding=True)))
    with registry.dbengine.connect() as connection:
        with pytest.raises(ValueError, match="plain bound parameters"):
            PreparedRead(statement).rows(connection, {"ids": [1, 2]})


def test_an_echoing_engine_logs_the_statement(db_url, registry, user, caplog):
    engine = sa.create_engine(db_url, echo=True)
    try:
        with caplog.at_level(logging.INFO, logger="sqlalchemy.engine"), engine.connect() as connection:
            assert PreparedRead(select(sa.literal_column("'echoed'"))).rows(connection) == [("echoed",)]
    finally:
        engine.dispose()
    assert any("'echoed'" in record.getMessage() for record in caplog.records)


def test_one_statement_and_four_read_the_same_servers(registry, user, other_user, flavor, image,
                                                      public_network):
    # PostgreSQL reads servers in one statement, SQLite in four
    # (compute/reads.py): on either database both give the same views.
    add_servers(registry, user.uuid, flavor, public_network, image, 3)
    add_servers(registry, other_user.uuid, flavor, public_network, image, 1, start=3)
    with session_scope(registry) as db:
        first = db.scalar(select(Server.id).order_by(Server.id))
        db.get(Server, first).nics[1].state = "DOWN"
        db.get(Server, first).metadata_items = []
        # A port with several addresses of each version: by version, then
        # in the order given (ids), whichever way the servers are read.
        port = db.get(Server, first + 1).nics[0]
        given = port.addresses[0]
        for address, version in (("10.0.250.9", 4), ("2001:db8::9", 6), ("10.0.250.3", 4), ("2001:db8::3", 6)):
            port.addresses.append(IPAddress(network_id=given.network_id, subnet_id=given.subnet_id,
                                            user_uuid=given.user_uuid, address=address, ip_version=version))
    since = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    with registry.dbengine.connect() as connection:
        for by, since_, params in (("id", False, {"id": first}), ("user", False, {"user": user.uuid}),
                                   ("user", True, {"user": user.uuid, "since": since})):
            statements = reads._statements(by, since_)
            together = reads._read_together(connection, statements, params)
            assert together == reads._read_separately(connection, statements, params)
            assert [s.id for s in together] == sorted(s.id for s in together)
            assert all(s.user_uuid == user.uuid for s in together)
        servers = reads._read_together(connection, reads._statements("user", False), {"user": user.uuid})
    assert len(servers) == 3
    assert servers[0].metadata == {} and servers[1].metadata == {"k0": "0", "k1": "1", "k2": "2"}
    assert [nic.state for nic in servers[0].nics] == ["ACTIVE", "DOWN"]
    assert all(len(s.diagnostics) == 2 and [nic.index for nic in s.nics] == [0, 1] for s in servers)
    assert [(a.ip_version, a.address) for a in servers[1].nics[0].addresses][1:] == [
        (4, "10.0.250.9"), (4, "10.0.250.3"), (6, "2001:db8::9"), (6, "2001:db8::3")]


def test_images_in_one_statement_and_in_two_are_the_same(registry, user, factory):
    # PostgreSQL lists images in one statement, SQLite in two
    # (images/registry.py): on either database both give the same views.
    for n, properties in enumerate(({"b": "2", "a": "1"}, {}, {"os": "debian"})):
        location = factory.stored_file(user.uuid, f"pithos/img{n}")
        with session_scope(registry) as db:
            images.register(db, name=f"img{n % 2}", owner=user.uuid, location=location,
                            public=n == 1, properties=properties)
    with registry.dbengine.connect() as connection:
        for sort_key, sort_dir in (("created_at", "desc"), ("name", "asc"), ("id", "asc")):
            listing = images._listing(sort_key, sort_dir, False, False, ())
            params = {"user": user.uuid, "since": None}
            together = images._images_together(connection, listing, params)
            assert together == images._images_separately(connection, listing, params)
            assert len(together) == 3
        by_name = images._images_together(connection, images._listing("name", "asc", False, False, ()),
                                          {"user": user.uuid, "since": None})
    assert [image.name for image in by_name] == ["img0", "img0", "img1"]
    # Properties by key (the order the API shows them in).
    assert sorted(list(image.properties.items()) for image in by_name if image.name == "img0") == \
           [[("a", "1"), ("b", "2")], [("os", "debian")]]
