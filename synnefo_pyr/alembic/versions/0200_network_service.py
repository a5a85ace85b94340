"""network service: subnets, allocation pools, IP addresses, ports

Each network's inline ranges (cidr/gateway, cidr6/gateway6, dhcp) become
subnets, IPv4 ones with allocation pools derived from the gateway; each
NIC's ipv4/ipv6 become address rows, and the NIC becomes a port (owner,
name, device owner; server, index and MAC optional). Public networks
become floating-IP pools and external routers; a network that has NICs has
backend presence. The private-network quota moves to service
``cyclades_network``.

Revision ID: 0200_network_service
Revises: 0004
Create Date: 2026-12-01
"""
import ipaddress

import sqlalchemy as sa
from alembic import op

revision = "0200_network_service"
down_revision = "0004"
branch_labels = ("network",)
depends_on = None

_networks = sa.table(
    "networks",
    sa.column("id", sa.Integer), sa.column("user_uuid", sa.String), sa.column("public", sa.Boolean),
    sa.column("dhcp", sa.Boolean), sa.column("cidr", sa.String), sa.column("gateway", sa.String),
    sa.column("cidr6", sa.String), sa.column("gateway6", sa.String),
    sa.column("deleted", sa.Boolean), sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime), sa.column("floating_ip_pool", sa.Boolean),
    sa.column("external_router", sa.Boolean), sa.column("backend_presence", sa.Boolean),
)
_subnets = sa.table(
    "subnets",
    sa.column("id", sa.Integer), sa.column("network_id", sa.Integer),
    sa.column("user_uuid", sa.String), sa.column("public", sa.Boolean), sa.column("name", sa.String),
    sa.column("ip_version", sa.Integer), sa.column("cidr", sa.String), sa.column("gateway", sa.String),
    sa.column("dhcp", sa.Boolean), sa.column("dns_nameservers", sa.JSON),
    sa.column("host_routes", sa.JSON), sa.column("deleted", sa.Boolean),
    sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime),
)
_pools = sa.table(
    "ip_pools",
    sa.column("subnet_id", sa.Integer), sa.column("first_address", sa.String),
    sa.column("last_address", sa.String),
)
_nics = sa.table(
    "nics",
    sa.column("id", sa.Integer), sa.column("server_id", sa.Integer), sa.column("network_id", sa.Integer),
    sa.column("ipv4", sa.String), sa.column("ipv6", sa.String), sa.column("user_uuid", sa.String),
    sa.column("device_owner", sa.String), sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)
_servers = sa.table("servers", sa.column("id", sa.Integer), sa.column("user_uuid", sa.String))
_addresses = sa.table(
    "ip_addresses",
    sa.column("network_id", sa.Integer), sa.column("subnet_id", sa.Integer),
    sa.column("user_uuid", sa.String), sa.column("address", sa.String),
    sa.column("ip_version", sa.Integer), sa.column("floating", sa.Boolean),
    sa.column("nic_id", sa.Integer), sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)
_resources = sa.table("resources", sa.column("name", sa.String), sa.column("service", sa.String))


def _derived_pools(cidr, gateway):
    """The pools of an IPv4 subnet with ``gateway`` (the network
    service's rule): every host address but the gateway."""
    network = ipaddress.ip_network(cidr)
    first, last = network.network_address + 1, network.broadcast_address - 1
    if first > last:
        return []
    gateway = ipaddress.ip_address(gateway) if gateway else None
    if gateway is None or not first <= gateway <= last:
        return [(first, last)]
    pools = [(first, gateway - 1), (gateway + 1, last)]
    return [(a, b) for a, b in pools if a <= b]


def upgrade():
    false = sa.false()
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("floating_ip_pool", sa.Boolean(), nullable=False, server_default=false))
        batch_op.add_column(sa.Column("external_router", sa.Boolean(), nullable=False, server_default=false))
        batch_op.add_column(sa.Column("drained", sa.Boolean(), nullable=False, server_default=false))
        batch_op.add_column(sa.Column("backend_presence", sa.Boolean(), nullable=False, server_default=false))
        batch_op.add_column(sa.Column("mac_prefix", sa.String(length=17), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_networks_mac_prefix"), ["mac_prefix"])

    op.create_table(
        "subnets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("user_uuid", sa.String(length=36), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=True),
        sa.Column("ip_version", sa.Integer(), nullable=False),
        sa.Column("cidr", sa.String(length=64), nullable=False),
        sa.Column("gateway", sa.String(length=64), nullable=True),
        sa.Column("dhcp", sa.Boolean(), nullable=False),
        sa.Column("dns_nameservers", sa.JSON(), nullable=False),
        sa.Column("host_routes", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["network_id"], ["networks.id"], name=op.f("fk_subnets_network_id_networks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subnets")),
        sa.UniqueConstraint("network_id", "ip_version", name=op.f("uq_subnets_network_id")),
    )
    with op.batch_alter_table("subnets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subnets_network_id"), ["network_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_subnets_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_subnets_user_uuid"), ["user_uuid"], unique=False)

    op.create_table(
        "ip_pools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subnet_id", sa.Integer(), nullable=False),
        sa.Column("first_address", sa.String(length=64), nullable=False),
        sa.Column("last_address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["subnet_id"], ["subnets.id"], name=op.f("fk_ip_pools_subnet_id_subnets"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_pools")),
    )
    with op.batch_alter_table("ip_pools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ip_pools_subnet_id"), ["subnet_id"], unique=False)

    op.create_table(
        "ip_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("subnet_id", sa.Integer(), nullable=False),
        sa.Column("user_uuid", sa.String(length=36), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("ip_version", sa.Integer(), nullable=False),
        sa.Column("floating", sa.Boolean(), nullable=False),
        sa.Column("nic_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["network_id"], ["networks.id"], name=op.f("fk_ip_addresses_network_id_networks")),
        sa.ForeignKeyConstraint(["nic_id"], ["nics.id"], name=op.f("fk_ip_addresses_nic_id_nics")),
        sa.ForeignKeyConstraint(["subnet_id"], ["subnets.id"], name=op.f("fk_ip_addresses_subnet_id_subnets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_addresses")),
        sa.UniqueConstraint("network_id", "address", name=op.f("uq_ip_addresses_network_id")),
    )
    with op.batch_alter_table("ip_addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ip_addresses_network_id"), ["network_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_addresses_nic_id"), ["nic_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_addresses_subnet_id"), ["subnet_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_addresses_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_addresses_user_uuid"), ["user_uuid"], unique=False)

    with op.batch_alter_table("nics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_uuid", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("name", sa.String(length=128), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("device_owner", sa.String(length=16), nullable=True))

    _carry_rows_over(op.get_bind())

    with op.batch_alter_table("nics", schema=None) as batch_op:
        batch_op.drop_constraint("uq_nics_network_id", type_="unique")
        batch_op.alter_column("user_uuid", existing_type=sa.String(length=36), nullable=False)
        batch_op.alter_column("server_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("index", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("mac", existing_type=sa.String(length=17), nullable=True)
        batch_op.drop_column("ipv4")
        batch_op.drop_column("ipv6")
        batch_op.create_index(batch_op.f("ix_nics_user_uuid"), ["user_uuid"], unique=False)

    with op.batch_alter_table("networks", schema=None) as batch_op:
        for column in ("dhcp", "cidr", "cidr6", "gateway", "gateway6"):
            batch_op.drop_column(column)

    op.execute(_resources.update().where(_resources.c.name == "cyclades.network.private")
               .values(service="cyclades_network"))


def _carry_rows_over(bind):
    """Existing networks' ranges -> subnets and pools; NICs' addresses ->
    address rows; NICs get their server's owner."""
    with_nics = {row[0] for row in bind.execute(sa.select(_nics.c.network_id).distinct())}
    subnet_of = {}
    for net in bind.execute(sa.select(_networks)).mappings().all():
        bind.execute(_networks.update().where(_networks.c.id == net["id"]).values(
            floating_ip_pool=net["public"], external_router=net["public"],
            backend_presence=net["id"] in with_nics,
        ))
        for version, cidr, gateway in ((4, net["cidr"], net["gateway"]), (6, net["cidr6"], net["gateway6"])):
            if not cidr:
                continue
            subnet_id = bind.execute(_subnets.insert().values(
                network_id=net["id"], user_uuid=net["user_uuid"], public=net["public"], name=None,
                ip_version=version, cidr=cidr, gateway=gateway, dhcp=net["dhcp"], dns_nameservers=[],
                host_routes=[], deleted=net["deleted"], created_at=net["created_at"],
                updated_at=net["updated_at"],
            ).returning(_subnets.c.id)).scalar_one()
            subnet_of[(net["id"], version)] = subnet_id
            if version == 4:
                for first, last in _derived_pools(cidr, gateway):
                    bind.execute(_pools.insert().values(
                        subnet_id=subnet_id, first_address=str(first), last_address=str(last)))
    owners = dict(bind.execute(sa.select(_servers.c.id, _servers.c.user_uuid)).all())
    for nic in bind.execute(sa.select(_nics)).mappings().all():
        owner = owners[nic["server_id"]]
        bind.execute(_nics.update().where(_nics.c.id == nic["id"]).values(
            user_uuid=owner, device_owner="vm"))
        for version, address in ((4, nic["ipv4"]), (6, nic["ipv6"])):
            subnet_id = subnet_of.get((nic["network_id"], version))
            if address and subnet_id is not None:
                bind.execute(_addresses.insert().values(
                    network_id=nic["network_id"], subnet_id=subnet_id, user_uuid=owner,
                    address=address, ip_version=version, floating=False, nic_id=nic["id"],
                    created_at=nic["created_at"], updated_at=nic["updated_at"],
                ))


def downgrade():
    """Back to inline ranges and NIC addresses: ports without a server and
    floating IPs without a port have no place there and are dropped."""
    bind = op.get_bind()
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dhcp", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("cidr", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("cidr6", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("gateway", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("gateway6", sa.String(length=64), nullable=True))
    with op.batch_alter_table("nics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ipv4", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("ipv6", sa.String(length=64), nullable=True))

    for sub in bind.execute(sa.select(_subnets)).mappings().all():
        values = ({"cidr": sub["cidr"], "gateway": sub["gateway"], "dhcp": sub["dhcp"]}
                  if sub["ip_version"] == 4 else {"cidr6": sub["cidr"], "gateway6": sub["gateway"]})
        bind.execute(_networks.update().where(_networks.c.id == sub["network_id"]).values(**values))
    for row in bind.execute(sa.select(_addresses).where(_addresses.c.nic_id.is_not(None))).mappings().all():
        column = "ipv4" if row["ip_version"] == 4 else "ipv6"
        bind.execute(_nics.update().where(_nics.c.id == row["nic_id"]).values(**{column: row["address"]}))
    op.drop_table("ip_addresses")
    bind.execute(_nics.delete().where(_nics.c.server_id.is_(None)))

    with op.batch_alter_table("nics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nics_user_uuid"))
        batch_op.drop_column("device_owner")
        batch_op.drop_column("name")
        batch_op.drop_column("user_uuid")
        batch_op.alter_column("server_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("index", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("mac", existing_type=sa.String(length=17), nullable=False)
        batch_op.create_unique_constraint("uq_nics_network_id", ["network_id", "ipv4"])

    op.drop_table("ip_pools")
    op.drop_table("subnets")
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_networks_mac_prefix"), type_="unique")
        for column in ("mac_prefix", "backend_presence", "drained", "external_router", "floating_ip_pool"):
            batch_op.drop_column(column)
    op.execute(_resources.update().where(_resources.c.name == "cyclades.network.private")
               .values(service="cyclades_compute"))
