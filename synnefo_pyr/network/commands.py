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
from synnefo_pyr.scripts.options import add_switch
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


def register(add):
    p = add("network-create", network_create,
            "Create a public network (--public) or a user's private network (--owner).")
    p.add_argument("--name", required=True, help="The network's name.")
    p.add_argument("--public", action="store_true",
                   help="Make it a network every user sees (the lowest-id live one is the default "
                        "public network, where servers created without networks get their port).")
    p.add_argument("--owner", help="The uuid of the user owning a private network (charged to "
                                   "their cyclades.network.private quota).")
    p.add_argument("--type", choices=NETWORK_TYPES, default="CUSTOM",
                   help="The network's type (default CUSTOM); MAC_FILTERED leases a MAC prefix.")
    p.add_argument("--subnet", help="The IPv4 CIDR, e.g. 10.0.0.0/24 (any size up to /30; none: no IPv4).")
    p.add_argument("--gateway", help="The IPv4 gateway address inside the subnet.")
    p.add_argument("--allocation-pool", action="append", metavar="START,END",
                   help="An IPv4 range addresses are handed out from (repeatable; default: every "
                        "host address but the gateway).")
    p.add_argument("--subnet6", help="The IPv6 CIDR (/64 or larger); ports get EUI-64 addresses in it.")
    p.add_argument("--gateway6", help="The IPv6 gateway address inside the IPv6 subnet.")
    p.add_argument("--dhcp", dest="dhcp", action="store_true", default=True,
                   help="Say the network serves DHCP (the default).")
    p.add_argument("--no-dhcp", dest="dhcp", action="store_false",
                   help="Say the network serves no DHCP.")
    p.add_argument("--floating-ip-pool", action="store_true",
                   help="Let users allocate floating IPs from it (public networks only).")
    p.add_argument("--drained", action="store_true", help="Accept no new port and hand out no address.")

    p = add("network-list", network_list, "List the networks with their subnets and number of ports.")
    p.add_argument("--deleted", action="store_true", help="Include deleted networks.")

    p = add("network-modify", network_modify,
            "Rename, drain or undrain a network, or make it a floating IP pool or not.")
    p.add_argument("network_id", help="The network's id.")
    p.add_argument("--name", help="Its new name.")
    add_switch(p, "drained", "Accept no new port and hand out no address.",
               "Accept ports and hand out addresses again.", off="--no-drained")
    add_switch(p, "floating_ip_pool", "Let users allocate floating IPs from it (public networks only).",
               "Allocate no more floating IPs from it.", off="--no-floating-ip-pool",
               on="--floating-ip-pool")

    p = add("port-list", port_list, "List the ports (NICs) with their addresses.")
    p.add_argument("--user", metavar="UUID", help="Only this user's ports.")
    p.add_argument("--network", metavar="ID", help="Only the ports on this network.")
    p.add_argument("--server", metavar="ID", help="Only the ports of this server.")

    p = add("floating-ip-list", floating_ip_list, "List the allocated floating IPs.")
    p.add_argument("--user", metavar="UUID", help="Only this user's floating IPs.")
    p.add_argument("--network", metavar="ID", help="Only the floating IPs of this network.")
