"""Listing networks in detail costs the same number of SQL statements
whatever the number of networks and NICs."""
import pytest
from sqlalchemy import event

from synnefo_pyr.db import session_scope
from synnefo_pyr.network.models import NIC, Network


def make_networks(registry, data, user, count):
    public = data.public_network()
    server_id = data.server(user)
    with session_scope(registry) as db:
        db.add(NIC(server_id=server_id, network_id=public, index=0, mac="aa:00:01:00:00:00",
                   ipv4="10.0.0.2", state="ACTIVE"))
        for i in range(count):
            network = Network(user_uuid=user.uuid, name=f"net{i}", type="MAC_FILTERED",
                              cidr="192.168.1.0/24")
            network.nics.append(NIC(server_id=server_id, index=i + 1, mac=f"aa:00:02:00:{i // 256:02x}:{i % 256:02x}",
                                    ipv4="192.168.1.2", state="ACTIVE"))
            db.add(network)


def statements_of(registry, call):
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(registry.dbengine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(registry.dbengine, "before_cursor_execute", record)
    return seen


@pytest.mark.parametrize("url", ["/compute/v2.0/networks/detail", "/compute/v2.0/networks"])
def test_listing_costs_constant_statements(testapp, registry, data, user, url):
    counts = {}
    for size in (1, 200):
        make_networks(registry, data, user, size)
        res = []
        statements = statements_of(registry, lambda: res.append(testapp.get(url, headers=user.headers)))
        networks = res[0].json["networks"]
        assert len(networks) == size + 1
        if url.endswith("detail"):
            assert all(len(n["attachments"]) == 1 for n in networks)
        counts[size] = len(statements)
        drop_networks(registry)
    assert counts[1] == counts[200] <= 4, counts


def drop_networks(registry):
    with session_scope(registry) as db:
        db.query(NIC).delete()
        db.query(Network).delete()
