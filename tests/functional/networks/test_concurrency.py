"""Concurrent NIC creation never hands one address (or MAC) to two NICs.

PostgreSQL only: there, transactions really run side by side (SQLite lets
one writer in at a time whatever the code does)."""
import threading

import pytest
from sqlalchemy import select

from synnefo_pyr.db import session_scope
from synnefo_pyr.network import server_ports
from synnefo_pyr.network.models import NIC, IPAddress, Network
from synnefo_pyr.compute.models import Server

from tests.helpers import post_json

THREADS = 12


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)
    errors = []

    def target(i):
        try:
            barrier.wait()
            work(i)
        except Exception as exc:  # reported below, with the thread's index
            errors.append((i, exc))

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []


def nics_of(registry, network_id):
    """``(ipv4, mac)`` of each port on the network."""
    with session_scope(registry) as db:
        return list(db.execute(
            select(IPAddress.address, NIC.mac).join(NIC, IPAddress.nic_id == NIC.id)
            .where(NIC.network_id == network_id, IPAddress.ip_version == 4)
        ))


@pytest.mark.postgresql_only
def test_concurrent_public_nics_get_distinct_addresses(registry, data, user, db_kind):
    public = data.public_network(cidr="10.0.0.0/24", gateway="10.0.0.1")
    servers = [data.server(user, name=f"vm{i}") for i in range(THREADS)]

    def attach(i):
        with session_scope(registry) as db:
            server_ports.attach_server_ports(db, db.get(Server, servers[i]), None, registry.network_settings)

    run_together(THREADS, attach)
    found = nics_of(registry, public)
    assert len(found) == THREADS
    assert len({ipv4 for ipv4, _ in found}) == THREADS
    assert len({mac for _, mac in found}) == THREADS
    # Packed from the bottom of the subnet, the gateway skipped.
    assert sorted(int(ipv4.rsplit(".", 1)[1]) for ipv4, _ in found) == list(range(2, THREADS + 2))


@pytest.mark.postgresql_only
def test_concurrent_add_actions_fill_a_small_network_exactly(app, registry, data, user, db_kind):
    import webtest

    # /28: 14 hosts, one of them the gateway -> 13 addresses for 16 servers.
    net = data.private_network(user, cidr="10.8.0.0/28", gateway="10.8.0.1")
    servers = [data.server(user, name=f"vm{i}") for i in range(16)]
    statuses = [None] * len(servers)

    def add(i):
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "cloud.example.org"})
        res = post_json(client, f"/compute/v2.0/networks/{net}/action",
                        {"add": {"serverRef": servers[i]}}, headers=user.headers)
        statuses[i] = res.status_int

    run_together(len(servers), add)
    assert sorted(statuses) == [202] * 13 + [409] * 3
    found = nics_of(registry, net)
    assert len({ipv4 for ipv4, _ in found}) == len(found) == 13
    with session_scope(registry) as db:
        assert db.get(Network, net).deleted is False


@pytest.mark.postgresql_only
def test_concurrent_adds_of_one_server_connect_it_once(app, registry, data, user, db_kind):
    import webtest

    net = data.private_network(user)
    server = data.server(user)
    statuses = []

    def add(i):
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "cloud.example.org"})
        res = post_json(client, f"/compute/v2.0/networks/{net}/action",
                        {"add": {"serverRef": server}}, headers=user.headers)
        statuses.append(res.status_int)

    run_together(6, add)
    assert sorted(statuses) == [202] + [400] * 5
    assert len(nics_of(registry, net)) == 1
