"""Concurrent requests never hand one address, floating IP or MAC out
twice, and quotas count exactly what was allocated (behaviours-network.md
L36). PostgreSQL only: there, transactions really run side by side."""
import json
import threading

import pytest
import webtest
from sqlalchemy import select

from synnefo_pyr.compute.models import Flavor, Server
from synnefo_pyr.db import session_scope
from synnefo_pyr.network.models import NIC, IPAddress
from synnefo_pyr.quotas import engine as quotas

from .conftest import NET

pytestmark = pytest.mark.postgresql_only


def run_together(count, work):
    """``work(i)`` in ``count`` threads released at once; their results."""
    barrier = threading.Barrier(count)
    results, failures = [None] * count, []

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # reported below, with the thread's index
            failures.append((i, exc))

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    return results


def client(app):
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "cloud.example.org"})


def post(app, user, path, body):
    res = client(app).post(NET + path, json.dumps(body), expect_errors=True,
                           headers=dict(user.headers, **{"Content-Type": "application/json"}))
    return res.status_int, res.json if res.body else None


def servers(registry, user, count):
    with session_scope(registry) as db:
        flavor = Flavor(cpu=1, ram=512, disk=5, disk_template="drbd")
        rows = [Server(user_uuid=user.uuid, name=f"vm{i}", flavor=flavor, image_id="img", operstate="ACTIVE")
                for i in range(count)]
        db.add_all(rows)
        db.flush()
        return [row.id for row in rows]


def test_floating_ips_from_a_small_pool(app, registry, user, db_kind, operator_network):
    pool = operator_network(public=True, name="p", cidr="10.50.0.0/28", gateway="10.50.0.1",
                            floating_ip_pool=True)
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.floating_ip", 100)
    results = run_together(16, lambda i: post(app, user, "/floatingips",
                                              {"floatingip": {"floating_network_id": str(pool)}}))
    assert sorted(status for status, _ in results) == [200] * 13 + [409] * 3
    addresses = [body["floatingip"]["floating_ip_address"] for status, body in results if status == 200]
    assert len(set(addresses)) == 13
    with session_scope(registry) as db:
        assert quotas.usage(db, user.uuid)["cyclades.floating_ip"]["usage"] == 13


def test_floating_ips_up_to_the_quota(app, registry, user, db_kind, pool_network):
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.floating_ip", 5)
    results = run_together(12, lambda i: post(app, user, "/floatingips", {"floatingip": {}}))
    assert sorted(status for status, _ in results) == [200] * 5 + [413] * 7
    with session_scope(registry) as db:
        assert quotas.usage(db, user.uuid)["cyclades.floating_ip"]["usage"] == 5
        assert len(list(db.scalars(select(IPAddress).where(IPAddress.floating.is_(True))))) == 5


def test_ports_with_servers_get_distinct_addresses_and_macs(app, registry, user, db_kind, net, with_subnet):
    network = with_subnet(user, cidr="10.60.0.0/28", gateway_ip="10.60.0.1")["id"]
    ids = servers(registry, user, 16)
    results = run_together(16, lambda i: post(app, user, "/ports",
                                              {"port": {"network_id": network, "device_id": ids[i]}}))
    assert sorted(status for status, _ in results) == [201] * 13 + [409] * 3
    with session_scope(registry) as db:
        rows = list(db.execute(
            select(IPAddress.address, NIC.mac).join(NIC, NIC.id == IPAddress.nic_id)
            .where(NIC.network_id == int(network))
        ))
    assert len(rows) == len({a for a, _ in rows}) == len({m for _, m in rows}) == 13
    assert sorted(int(a.rsplit(".", 1)[1]) for a, _ in rows) == list(range(2, 15))


def test_servers_never_share_a_floating_ip(app, registry, user, db_kind, fip, flavor, image, pool_network):
    owned = {fip(user)["id"] for _ in range(3)}

    def create(i):
        res = client(app).post("/compute/v2.0/servers", json.dumps({"server": {
            "name": f"s{i}", "imageRef": image, "flavorRef": flavor,
            "networks": [{"uuid": str(pool_network)}]}}), expect_errors=True,
            headers=dict(user.headers, **{"Content-Type": "application/json"}))
        return res.status_int

    assert sorted(run_together(6, create)) == [202] * 3 + [409] * 3
    with session_scope(registry) as db:
        bound = [(row.id, row.nic.server_id) for row in db.scalars(
            select(IPAddress).where(IPAddress.floating.is_(True)))]
    assert {str(i) for i, _ in bound} == owned
    assert len({server for _, server in bound}) == 3 and None not in {server for _, server in bound}
