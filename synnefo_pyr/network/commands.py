"""Networks: the public network every server is attached to, and private
networks on a user's behalf."""
from sqlalchemy import func, select

from synnefo_pyr.network import services as networking
from synnefo_pyr.network.models import NIC, Network
from synnefo_pyr.network.subnets import NETWORK_TYPES, network_name, validate_subnets
from synnefo_pyr.serialization import isoformat
from synnefo_pyr import errors


def network_dict(network, nic_count):
    return {
        "id": networking.network_api_id(network),
        "db_id": network.id,
        "name": network.name,
        "type": network.type,
        "public": network.public,
        "owner": network.user_uuid,
        "dhcp": network.dhcp,
        "cidr": network.cidr,
        "gateway": network.gateway,
        "cidr6": network.cidr6,
        "gateway6": network.gateway6,
        "status": "DELETED" if network.deleted else network.status,
        "nics": nic_count,
        "created": isoformat(network.created_at),
    }


def network_create(args, ctx):
    if args.public == bool(args.owner):
        raise errors.Invalid("Give exactly one of --public and --owner UUID")
    if args.public and networking.public_network(ctx.dbsession) is not None:
        raise errors.Invalid("A public network exists already")
    subnets = validate_subnets(args.subnet, args.gateway, args.subnet6, args.gateway6)
    network = networking.create_network(
        ctx.dbsession, name=network_name(args.name), type=args.type, public=args.public,
        owner=args.owner or None, dhcp=args.dhcp, subnets=subnets, force_quota=True,
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


def register(add):
    p = add("network-create", network_create,
            "Create the public network (--public) or a user's private network (--owner).")
    p.add_argument("--name", required=True, help="The network's name.")
    p.add_argument("--public", action="store_true", help="Make it the network every server joins.")
    p.add_argument("--owner", help="The uuid of the user owning a private network (charged to "
                                   "their cyclades.network.private quota).")
    p.add_argument("--type", choices=NETWORK_TYPES, default="CUSTOM",
                   help="The network's type (default CUSTOM).")
    p.add_argument("--subnet", required=True, help="The IPv4 CIDR, e.g. 10.0.0.0/24.")
    p.add_argument("--gateway", help="The IPv4 gateway address inside the subnet.")
    p.add_argument("--subnet6", help="The IPv6 CIDR (/64 or larger); NICs get EUI-64 addresses in it.")
    p.add_argument("--gateway6", help="The IPv6 gateway address inside the IPv6 subnet.")
    p.add_argument("--no-dhcp", dest="dhcp", action="store_false",
                   help="Say the network serves no DHCP.")

    p = add("network-list", network_list, "List the networks with their number of NICs.")
    p.add_argument("--deleted", action="store_true", help="Include deleted networks.")
