"""Read-only requests run on a connection their serving thread keeps
(``db.ReaderConnections``): each still sees what was committed before it,
and the connection goes back to the pool when its thread ends."""
import gc
import threading

import webtest

from tests.functional.compute.conftest import COMPUTE, make_flavor
from tests.functional.integrity.conftest import HOST


def flavor_ids(client, user):
    return {f["id"] for f in client.get(f"{COMPUTE}/flavors", headers=user.headers, status=200).json["flavors"]}


def test_each_read_request_sees_what_was_committed_before_it(testapp, registry, user, db_kind):
    before = flavor_ids(testapp, user)
    held = registry.reader_connections.get()
    # Committed by another connection, between two reads of this thread.
    added = make_flavor(registry, cpu=7)
    assert flavor_ids(testapp, user) == before | {added}
    # The same connection served both reads, and no transaction is left open on it.
    assert registry.reader_connections.get() is held
    assert not held.in_transaction()


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
