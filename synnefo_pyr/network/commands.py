"""Networks for operators: public networks (floating-IP pools among them),
private networks on a user's behalf, draining, and the ports and floating
IPs in the deployment."""
from sqlalchemy import func, select

from synnefo_pyr import errors
from synnefo_pyr.db import db_id
from synnefo_pyr.network import services as networking
from synnefo_pyr.network import subnets
from synnefo_pyr.network.models import NIC, IPAddress, Network
from synnefo_pyr.network.services import NETWORK_TYPES, network_name
from synnefo_pyr.serialization import isoformat


def subnet_dict(subnet):
    return {
        "id": subnet.id,
        "ip_version": subnet.ip_version,
        "cidr": subnet.cidr,
        "gateway": subnet.gateway,
        "dhcp": subnet.dhcp,
        "allocation_pools": [f"{p.first_address},{p.last_address}" for p in subnet.pools],
    }


def network_dict(network, port_count):
    subnet4, subnet6 = network.subnet(4), network.subnet(6)
    return {
        "id": networking.network_api_id(network),
        "name": network.name,
        "type": network.type,
        "public": network.public,
        "floating_ip_pool": network.floating_ip_pool,
        "drained": network.drained,
        "owner": network.user_uuid,
        "mac_prefix": network.mac_prefix,
        "cidr": subnet4.cidr if subnet4 else None,
        "gateway": subnet4.gateway if subnet4 else None,
        "cidr6": subnet6.cidr if subnet6 else None,
        "gateway6": subnet6.gateway if subnet6 else None,
        "dhcp": subnet4.dhcp if subnet4 else (subnet6.dhcp if subnet6 else True),
        "subnets": [subnet_dict(s) for s in network.subnets],
        "status": networking.status_of(network),
        "nics": port_count,
        "created": isoformat(network.created_at),
    }


def _port_count(ctx, network):
    return ctx.dbsession.scalar(select(func.count()).select_from(NIC).where(NIC.network_id == network.id))


def _network(ctx, network_id):
    number = db_id(network_id)
    network = ctx.dbsession.get(Network, number) if number is not None else None
    if network is None:
        raise errors.NotFound(f"Network {network_id} not found.")
    return network


def network_create(args, ctx):
    if args.public == bool(args.owner):
        raise errors.Invalid("Give exactly one of --public and --owner UUID")
    if args.floating_ip_pool and not args.public:
        raise errors.Invalid("Only public networks can be floating IP pools (--public)")
    specs = subnets.operator_subnet_specs(
        cidr=args.subnet, gateway=args.gateway, cidr6=args.subnet6, gateway6=args.gateway6,
        dhcp=args.dhcp, pools=args.allocation_pool,
    )
    network = subnets.create_network_with_subnets(
        ctx.dbsession, specs, name=network_name(args.name), type=args.type, public=args.public,
        owner=args.owner or None, floating_ip_pool=args.floating_ip_pool, drained=args.drained,
        mac_pool=ctx.registry.network_settings.mac_pool, force_quota=True,
    )
    return network_dict(network, 0)


def network_list(args, ctx):
    counts = dict(ctx.dbsession.execute(
        select(NIC.network_id, func.count()).group_by(NIC.network_id)
    ).all())
    query = select(Network).order_by(Network.id)
    if not args.deleted:
        query = query.where(Network.deleted.is_(False))
    return [network_dict(n, counts.get(n.id, 0)) for n in ctx.dbsession.scalars(query)]


def network_modify(args, ctx):
    network = _network(ctx, args.network_id)
    networking.modify_network(ctx.dbsession, network, name=args.name, drained=args.drained,
                              floating_ip_pool=args.floating_ip_pool)
    return network_dict(network, _port_count(ctx, network))


def port_dict(port):
    return {
        "id": port.id,
        "attachment": port.api_id,
        "name": port.name,
        "owner": port.user_uuid,
        "network_id": networking.network_api_id(port.network),
        "server_id": port.server_id,
        "state": port.state,
        "mac": port.mac,
        "addresses": [{"address": a.address, "version": a.ip_version, "floating": a.floating}
                      for a in port.addresses],
        "created": isoformat(port.created_at),
    }


def port_list(args, ctx):
    query = select(NIC).order_by(NIC.id)
    if args.user:
        query = query.where(NIC.user_uuid == args.user)
    if args.network:
        query = query.where(NIC.network_id == db_id(args.network))
    if args.server:
        query = query.where(NIC.server_id == db_id(args.server))
    return [port_dict(p) for p in ctx.dbsession.scalars(query)]


def floating_ip_dict(row):
    return {
        "id": row.id,
        "address": row.address,
        "owner": row.user_uuid,
        "network_id": networking.network_api_id(row.network),
        "port_id": row.nic_id,
        "server_id": row.nic.server_id if row.nic is not None else None,
        "created": isoformat(row.created_at),
    }


def floating_ip_list(args, ctx):
    query = select(IPAddress).where(IPAddress.floating.is_(True)).order_by(IPAddress.id)
    if args.user:
        query = query.where(IPAddress.user_uuid == args.user)
    if args.network:
        query = query.where(IPAddress.network_id == db_id(args.network))
    return [floating_ip_dict(r) for r in ctx.dbsession.scalars(query)]


def _flag(parser, name, help_on, help_off):
    dest = name.replace("-", "_")
    group = parser.add_mutually_exclusive_group()
    group.add_argument(f"--{name}", dest=dest, action="store_const", const=True, help=help_on)
    group.add_argument(f"--no-{name}", dest=dest, action="store_const", const=False, help=help_off)


def register(add):
    p = add("network-create", network_create,
            "Create a public network (--public) or a user's private network (--owner)")
    p.add_argument("--name", required=True)
    p.add_argument("--public", action="store_true", help="a network every user sees (several may exist;"
                   " the lowest id is the default public network)")
    p.add_argument("--owner", help="uuid of the user owning a private network (charged to their quota)")
    p.add_argument("--type", choices=NETWORK_TYPES, default="CUSTOM")
    p.add_argument("--subnet", help="IPv4 CIDR, e.g. 10.0.0.0/24 (any size up to /30)")
    p.add_argument("--gateway", help="IPv4 gateway address inside the subnet")
    p.add_argument("--allocation-pool", action="append", metavar="START,END",
                   help="an IPv4 pool addresses come from (repeatable; default: every host but the gateway)")
    p.add_argument("--subnet6", help="IPv6 CIDR (/64 or larger); ports get EUI-64 addresses in it")
    p.add_argument("--gateway6", help="IPv6 gateway address inside the IPv6 subnet")
    p.add_argument("--dhcp", dest="dhcp", action="store_true", default=True, help="DHCP on (the default)")
    p.add_argument("--no-dhcp", dest="dhcp", action="store_false")
    p.add_argument("--floating-ip-pool", action="store_true",
                   help="users may allocate floating IPs from it (public networks only)")
    p.add_argument("--drained", action="store_true", help="accept no new port or address")

    p = add("network-list", network_list, "List the networks with their subnets and number of ports")
    p.add_argument("--deleted", action="store_true", help="include deleted networks")

    p = add("network-modify", network_modify, "Rename, drain or undrain a network, make it a floating IP pool")
    p.add_argument("network_id")
    p.add_argument("--name")
    _flag(p, "drained", "accept no new port or address", "accept them again")
    _flag(p, "floating-ip-pool", "users may allocate floating IPs from it", "no more floating IPs from it")

    p = add("port-list", port_list, "List ports (NICs), with their addresses")
    p.add_argument("--user", help="only this user's")
    p.add_argument("--network", help="only those on this network id")
    p.add_argument("--server", help="only those of this server id")

    p = add("floating-ip-list", floating_ip_list, "List allocated floating IPs")
    p.add_argument("--user", help="only this user's")
    p.add_argument("--network", help="only those of this network id")
