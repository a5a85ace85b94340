"""Fixtures of the network service tests (``/network/v2.0``).

* ``net`` calls the service as a user: ``net.get(user, "/networks")``,
  ``net.post(user, "/ports", {...}, status=201)``... (JSON bodies, the
  status checked, the response returned);
* ``pool_network`` is a public floating-IP pool, 10.0.0.0/24 with gateway
  .1 (the compute tests' ``public_network`` is the same network);
* ``private(user, **attrs)`` creates a private network through the API;
  ``with_subnet(user, cidr=..., **attrs)`` one with an IPv4 subnet too;
* ``server(user)`` a built (ACTIVE) server, ``fip(user)`` a floating IP;
  the compute fixtures (``flavor``, ``image``, ``run_jobs``,
  ``create_server``...) come along.
"""
import json

import pytest

from tests.factories import make_network
from tests.functional.compute.conftest import *  # noqa: F401,F403

NET = "/network/v2.0"


class NetworkClient:
    def __init__(self, testapp):
        self.testapp = testapp

    def _call(self, method, user, path, body=None, status=200, headers=None):
        all_headers = dict({"Host": "cloud.example.org"}, **(user.headers if user is not None else {}))
        all_headers.update(headers or {})
        data = b""
        if body is not None:
            all_headers.setdefault("Content-Type", "application/json")
            data = body if isinstance(body, (str, bytes)) else json.dumps(body)
            data = data.encode() if isinstance(data, str) else data
        res = self.testapp.request(NET + path, method=method, headers=all_headers, body=data,
                                   expect_errors=True)
        if status != "*":
            assert res.status_int == status, (res.status, res.body)
        return res

    def get(self, user, path, status=200, **kw):
        return self._call("GET", user, path, status=status, **kw)

    def post(self, user, path, body, status=201, **kw):
        return self._call("POST", user, path, body, status=status, **kw)

    def put(self, user, path, body, status=200, **kw):
        return self._call("PUT", user, path, body, status=status, **kw)

    def delete(self, user, path, status=204, **kw):
        return self._call("DELETE", user, path, status=status, **kw)


@pytest.fixture
def net(testapp):
    return NetworkClient(testapp)


@pytest.fixture
def pool_network(public_network):
    return public_network


@pytest.fixture
def private(net):
    def create(user, status=201, **attrs):
        body = {"network": dict({"type": "MAC_FILTERED", "name": "lan"}, **attrs)}
        res = net.post(user, "/networks", body, status=status)
        return res.json["network"] if status == 201 else res
    return create


@pytest.fixture
def with_subnet(net, private):
    def create(user, cidr="192.168.3.0/24", **subnet):
        network = private(user)
        body = {"subnet": dict({"network_id": network["id"], "cidr": cidr}, **subnet)}
        network["subnet"] = net.post(user, "/subnets", body).json["subnet"]
        return network
    return create


@pytest.fixture
def server(create_server, run_jobs):
    def create(user, **attrs):
        created = create_server(user, **attrs)
        run_jobs()
        return created["id"]
    return create


@pytest.fixture
def fip(net, pool_network):
    def create(user, **attrs):
        body = {"floatingip": dict({"floating_network_id": str(pool_network)}, **attrs)}
        return net.post(user, "/floatingips", body, status=200).json["floatingip"]
    return create


@pytest.fixture
def operator_network(registry):
    """``make_network`` on the test database (operator limits)."""
    def create(**attrs):
        return make_network(registry, **attrs)
    return create
