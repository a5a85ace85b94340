"""Listing servers in detail costs a constant number of SQL statements,
whatever the number of servers, NICs, metadata and diagnostics."""
import contextlib

from sqlalchemy import event

from synnefo_pyr.db import session_scope
from synnefo_pyr.compute.models import Diagnostic, Server, ServerMetadata

from tests.factories import nic_row
from tests.functional.compute.conftest import COMPUTE


def add_servers(registry, user_uuid, flavor_id, network_id, image_id, count, start=0):
    """Rows as the API and the backend would leave them: built servers,
    each with 2 active NICs, 3 metadata items and 2 diagnostics."""
    with session_scope(registry) as db:
        for n in range(start, start + count):
            server = Server(user_uuid=user_uuid, name=f"s{n}", flavor_id=flavor_id, image_id=image_id,
                            operstate="ACTIVE", build_progress=100)
            server.metadata_items = [ServerMetadata(key=f"k{i}", value=str(i)) for i in range(3)]
            server.nics = [
                nic_row(db, network_id=network_id, user_uuid=user_uuid, index=i,
                        mac=f"aa:00:01:{n // 256:02x}:{n % 256:02x}:{i:02x}",
                        ipv4=f"10.{i}.{n // 256}.{n % 256}")
                for i in range(2)
            ]
            server.diagnostics = [Diagnostic(source="test", level="INFO", message=f"m{i}") for i in range(2)]
            db.add(server)


@contextlib.contextmanager
def count_statements(engine):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_list_detail_costs_a_constant_number_of_statements(testapp, user, registry, flavor, image,
                                                            public_network):
    add_servers(registry, user.uuid, flavor, public_network, image, 1)
    with count_statements(registry.dbengine) as one:
        res = testapp.get(f"{COMPUTE}/servers/detail", headers=user.headers)
    assert len(res.json["servers"]) == 1

    add_servers(registry, user.uuid, flavor, public_network, image, 199, start=1)
    with count_statements(registry.dbengine) as many:
        res = testapp.get(f"{COMPUTE}/servers/detail", headers=user.headers)
    servers = res.json["servers"]
    assert len(servers) == 200
    assert all(len(s["attachments"]) == 2 and len(s["metadata"]) == 3 and len(s["diagnostics"]) == 2
               for s in servers)
    assert len(many) == len(one), many
