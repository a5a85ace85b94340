"""The network package on its own: ports for servers, addresses, the life
cycle hooks and the server views CORE renders, with sessions outside any
request."""
import ipaddress

import pytest
from sqlalchemy import select

from synnefo_pyr import errors
from synnefo_pyr.network import allocation, ports, server_ports
from synnefo_pyr.network import services as networking
from synnefo_pyr.views.compute import render
from synnefo_pyr.db import session_scope
from synnefo_pyr.network.models import NIC, MacCounter, Network
from synnefo_pyr.compute.models import Server
from synnefo_pyr.settings import SettingsError



def attach_public_nic(db, server, settings):
    """The port a server created without ``networks`` gets (D8)."""
    [port] = server_ports.attach_server_ports(db, server, None, settings)
    return port


def create_nic(db, server, network, settings):
    port = ports.new_port(db, network, server.user_uuid)
    ports.attach(db, port, server, settings)
    return port


def test_public_network_is_none_until_created(registry, data):
    with session_scope(registry) as db:
        assert networking.public_network(db) is None
    net_id = data.public_network()
    with session_scope(registry) as db:
        assert networking.public_network(db).id == net_id


def test_attach_public_nic_without_public_network_is_503(registry, data, user):
    server_id = data.server(user)
    with pytest.raises(errors.Unavailable), session_scope(registry) as db:
        attach_public_nic(db, db.get(Server, server_id), registry.network_settings)


def test_attach_public_nic_allocates_mac_ipv4_ipv6(registry, data, user):
    data.public_network(cidr="10.0.0.0/29", gateway="10.0.0.1", cidr6="2001:db8:1:2::/64")
    server_id = data.server(user)
    with session_scope(registry) as db:
        server = db.get(Server, server_id)
        nic = attach_public_nic(db, server, registry.network_settings)
        assert (nic.index, nic.state, nic.api_id) == (0, "BUILD", f"nic-{server_id}-0")
        assert nic.mac == "aa:00:00:00:00:00"
        # .0 is the network, .1 the gateway.
        assert nic.ipv4 == "10.0.0.2"
        assert nic.ipv6 == "2001:db8:1:2:a800:ff:fe00:0"
        second = attach_public_nic(db, server, registry.network_settings)
        assert (second.index, second.mac, second.ipv4) == (1, "aa:00:00:00:00:01", "10.0.0.3")


def test_eui64_matches_the_guide_example():
    # compute guide, List Server Addresses: aa:00:03:7a:84:bb -> ...:a800:3ff:fe7a:84bb
    address = allocation.eui64_address("2001:646:2ffc:1222::/64", "aa:00:03:7a:84:bb")
    assert address == "2001:646:2ffc:1222:a800:3ff:fe7a:84bb"
    assert ipaddress.IPv6Address(address) in ipaddress.IPv6Network("2001:646:2ffc:1222::/64")


def nic_rows(db, server_id):
    return list(db.scalars(select(NIC).where(NIC.server_id == server_id).order_by(NIC.index)))


def test_addresses_skip_the_gateway_and_are_reused_once_freed(registry, data, user):
    net_id = data.public_network(cidr="10.0.0.0/29", gateway="10.0.0.3")
    servers = [data.server(user, name=f"vm{i}") for i in range(5)]
    with session_scope(registry) as db:
        given = [attach_public_nic(db, db.get(Server, s), registry.network_settings).ipv4 for s in servers]
    # .0 network, .3 gateway, .7 broadcast
    assert given == ["10.0.0.1", "10.0.0.2", "10.0.0.4", "10.0.0.5", "10.0.0.6"]
    extra = data.server(user, name="extra")
    with pytest.raises(errors.Conflict), session_scope(registry) as db:
        attach_public_nic(db, db.get(Server, extra), registry.network_settings)
    with session_scope(registry) as db:
        ports.release_server_ports(db, db.get(Server, servers[1]))
    with session_scope(registry) as db:
        assert attach_public_nic(db, db.get(Server, extra), registry.network_settings).ipv4 == "10.0.0.2"
        assert db.get(Network, net_id).id == net_id


def test_a_network_without_cidr6_gives_no_ipv6(registry, data, user):
    data.public_network(cidr6=None)
    server_id = data.server(user)
    with session_scope(registry) as db:
        assert attach_public_nic(db, db.get(Server, server_id), registry.network_settings).ipv6 is None


def test_mac_prefix_comes_from_the_settings(make_app, data, user):
    data.public_network()
    registry = make_app(**{"synnefo_pyr.network.mac_prefix": "02:1F"}).registry
    server_id = data.server(user)
    with session_scope(registry) as db:
        macs = [attach_public_nic(db, db.get(Server, server_id), registry.network_settings).mac for _ in range(2)]
    assert macs == ["02:1f:00:00:00:00", "02:1f:00:00:00:01"]


def test_macs_taken_under_an_overlapping_prefix_are_skipped(make_app, registry, data, user):
    data.public_network()
    server_id = data.server(user)
    with session_scope(registry) as db:
        # aa:00:00:00:00:00 and :01, handed out under the default prefix.
        first = [attach_public_nic(db, db.get(Server, server_id), registry.network_settings).mac for _ in range(2)]
    wider = make_app(**{"synnefo_pyr.network.mac_prefix": "aa:00"}).registry
    with session_scope(wider) as db:
        mac = attach_public_nic(db, db.get(Server, server_id), wider.network_settings).mac
    assert first == ["aa:00:00:00:00:00", "aa:00:00:00:00:01"] and mac == "aa:00:00:00:00:02"


@pytest.mark.parametrize("prefix", ["aa:00:00:00:00:00", "zz", "aa-00-00", "aa:0"])
def test_invalid_mac_prefix_stops_the_application(make_app, prefix):
    with pytest.raises(SettingsError):
        make_app(**{"synnefo_pyr.network.mac_prefix": prefix})


def test_exhausted_mac_prefix_is_503(make_app, data, user):
    data.public_network()
    registry = make_app(**{"synnefo_pyr.network.mac_prefix": "02:00:00:00:00"}).registry
    with session_scope(registry) as db:
        db.add(MacCounter(prefix="02:00:00:00:00", next_value=255))
    server_id = data.server(user)
    with session_scope(registry) as db:
        assert attach_public_nic(db, db.get(Server, server_id), registry.network_settings).mac == "02:00:00:00:00:ff"
    with pytest.raises(errors.Unavailable), session_scope(registry) as db:
        attach_public_nic(db, db.get(Server, server_id), registry.network_settings)


def test_life_cycle_hooks(registry, data, user):
    public = data.public_network()
    private = data.private_network(user)
    server_id = data.server(user, operstate="BUILD")
    with session_scope(registry) as db:
        server = db.get(Server, server_id)
        attach_public_nic(db, server, registry.network_settings)
        assert render.server_attachments(server) == []
        assert render.server_addresses(server) == {}
        ports.on_server_built(db, server)
        assert [n.state for n in server.nics] == ["ACTIVE"]
        nic = create_nic(db, server, db.get(Network, private), registry.network_settings)
        ports.on_connected(db, nic)
        # D1: numeric ids, the public network's too.
        assert [a["network_id"] for a in render.server_attachments(server)] == [str(public), str(private)]
        ports.on_disconnected(db, nic)
    with session_scope(registry) as db:
        assert [(n.network_id, n.state) for n in nic_rows(db, server_id)] == [(public, "ACTIVE")]
        ports.release_server_ports(db, db.get(Server, server_id))
    with session_scope(registry) as db:
        assert nic_rows(db, server_id) == []


def test_hooks_mark_the_network_updated(registry, data, user):
    private = data.private_network(user)
    server_id = data.server(user)
    with session_scope(registry) as db:
        before = db.get(Network, private).updated_at
        nic = create_nic(db, db.get(Server, server_id), db.get(Network, private), registry.network_settings)
        ports.on_connected(db, nic)
    with session_scope(registry) as db:
        assert db.get(Network, private).updated_at > before


def test_server_attachments_and_addresses(registry, data, user):
    public = str(data.public_network(cidr="10.0.0.0/24", gateway="10.0.0.1", cidr6="2001:db8::/64"))
    private = data.private_network(user, cidr="192.168.7.0/24")
    server_id = data.server(user)
    with session_scope(registry) as db:
        server = db.get(Server, server_id)
        public_nic = attach_public_nic(db, server, registry.network_settings)
        private_nic = create_nic(db, server, db.get(Network, private), registry.network_settings)
        ports.on_server_built(db, server)
        ports.set_firewall_profile(db, server, "PROTECTED")
    with session_scope(registry) as db:
        server = db.get(Server, server_id)
        attachments = render.server_attachments(server)
        addresses = render.server_addresses(server)
    assert attachments == [
        {"id": f"nic-{server_id}-0", "network_id": public, "mac_address": public_nic.mac,
         "ipv4": "10.0.0.2", "ipv6": public_nic.ipv6, "OS-EXT-IPS:type": "fixed",
         "firewallProfile": "PROTECTED"},
        {"id": f"nic-{server_id}-1", "network_id": str(private), "mac_address": private_nic.mac,
         "ipv4": "192.168.7.1", "ipv6": None, "OS-EXT-IPS:type": "fixed"},
    ]
    assert addresses == {
        public: [{"version": 4, "addr": "10.0.0.2", "OS-EXT-IPS:type": "fixed"},
                   {"version": 6, "addr": public_nic.ipv6, "OS-EXT-IPS:type": "fixed"}],
        str(private): [{"version": 4, "addr": "192.168.7.1", "OS-EXT-IPS:type": "fixed"}],
    }


def test_rendering_issues_no_sql_once_nics_are_loaded(registry, data, user):
    from sqlalchemy import event
    from sqlalchemy.orm import selectinload

    data.public_network()
    server_id = data.server(user)
    with session_scope(registry) as db:
        server = db.get(Server, server_id)
        attach_public_nic(db, server, registry.network_settings)
        ports.on_server_built(db, server)
    statements = []

    def count(*args):
        statements.append(args[2])

    with session_scope(registry) as db:
        server = db.scalars(select(Server).where(Server.id == server_id)
                            .options(selectinload(Server.nics))).one()
        event.listen(registry.dbengine, "before_cursor_execute", count)
        try:
            render.server_attachments(server)
            render.server_addresses(server)
        finally:
            event.remove(registry.dbengine, "before_cursor_execute", count)
    assert statements == []


def test_firewall_profile(registry, data, user):
    data.public_network()
    private = data.private_network(user)
    server_id = data.server(user)
    with session_scope(registry) as db:
        server = db.get(Server, server_id)
        attach_public_nic(db, server, registry.network_settings)
        create_nic(db, server, db.get(Network, private), registry.network_settings)
        assert ports.set_firewall_profile(db, server, "ENABLED").index == 0
        assert ports.set_firewall_profile(db, server, "DISABLED", f"nic-{server_id}-1").index == 1
        with pytest.raises(errors.Invalid):
            ports.set_firewall_profile(db, server, "OPEN")
        for wrong in (f"nic-{server_id}-5", f"nic-{server_id + 1}-0", "eth0"):
            with pytest.raises(errors.NotFound):
                ports.set_firewall_profile(db, server, "ENABLED", wrong)
    with session_scope(registry) as db:
        assert [n.firewall_profile for n in nic_rows(db, server_id)] == ["ENABLED", "DISABLED"]


def test_firewall_profile_without_public_nic_is_404(registry, data, user):
    server_id = data.server(user)
    with pytest.raises(errors.NotFound), session_scope(registry) as db:
        ports.set_firewall_profile(db, db.get(Server, server_id), "ENABLED")
