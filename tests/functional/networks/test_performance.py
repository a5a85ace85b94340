"""Listing networks in detail costs the same number of SQL statements
whatever the number of networks and NICs."""
import pytest
from sqlalchemy import event, select

from synnefo_pyr.db import session_scope
from synnefo_pyr.network.models import NIC, IPAddress, IPPool, Network, Subnet

from tests.factories import nic_row


def make_networks(registry, data, user, count):
    public = data.public_network()
    server_id = data.server(user)
    for i in range(count):
        data.private_network(user, name=f"net{i}", type="CUSTOM")
    with session_scope(registry) as db:
        nic_row(db, server_id=server_id, network_id=public, user_uuid=user.uuid, index=0,
                mac="aa:00:01:00:00:00", ipv4="10.0.0.2")
        for i, network in enumerate(db.scalars(select(Network).where(Network.user_uuid == user.uuid))):
            nic_row(db, server_id=server_id, network_id=network.id, user_uuid=user.uuid, index=i + 1,
                    mac=f"aa:00:02:00:{i // 256:02x}:{i % 256:02x}", ipv4="192.168.1.2")


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
    # Token, networks, their subnets (a table of their own), attachments.
    assert counts[1] == counts[200] <= 5, counts


def drop_networks(registry):
    with session_scope(registry) as db:
        for model in (IPAddress, NIC, IPPool, Subnet, Network):
            db.query(model).delete()
