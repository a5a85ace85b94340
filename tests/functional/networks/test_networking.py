"""networking.py on its own: NIC creation, addresses, the life cycle hooks
and the server views CORE renders, with sessions outside any request."""
import ipaddress

import pytest
from sqlalchemy import select

from synnefo_pyr import faults, networking
from synnefo_pyr.db import session_scope
from synnefo_pyr.models.compute import NIC, MacCounter, Network, Server


def test_public_network_is_none_until_created(registry, data):
    with session_scope(registry) as db:
        assert networking.public_network(db) is None
    net_id = data.public_network()
    with session_scope(registry) as db:
        assert networking.public_network(db).id == net_id


def test_attach_public_nic_without_public_network_is_503(registry, data, user):
    server_id = data.server(user)
    with pytest.raises(faults.ServiceUnavailable), session_scope(registry) as db:
        networking.attach_public_nic(db, db.get(Server, server_id))


def test_attach_public_nic_allocates_mac_ipv4_ipv6(registry, data, user):
    data.public_network(cidr="10.0.0.0/29", gateway="10.0.0.1", cidr6="2001:db8:1:2::/64")
    server_id = data.server(user)
    with session_scope(registry) as db:
        server = db.get(Server, server_id)
        nic = networking.attach_public_nic(db, server)
        assert (nic.index, nic.state, nic.api_id) == (0, "BUILD", f"nic-{server_id}-0")
        assert nic.mac == "aa:00:00:00:00:00"
        # .0 is the network, .1 the gateway.
        assert nic.ipv4 == "10.0.0.2"
        assert nic.ipv6 == "2001:db8:1:2:a800:ff:fe00:0"
        second = networking.attach_public_nic(db, server)
        assert (second.index, second.mac, second.ipv4) == (1, "aa:00:00:00:00:01", "10.0.0.3")


def test_eui64_matches_the_guide_example():
    # compute guide, List Server Addresses: aa:00:03:7a:84:bb -> ...:a800:3ff:fe7a:84bb
    address = networking.eui64_address("2001:646:2ffc:1222::/64", "aa:00:03:7a:84:bb")
    assert address == "2001:646:2ffc:1222:a800:3ff:fe7a:84bb"
    assert ipaddress.IPv6Address(address) in ipaddress.IPv6Network("2001:646:2ffc:1222::/64")
