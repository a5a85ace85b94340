"""Migrations are the only way the schema changes: after ``upgrade heads``
the database must match the models exactly, and ``downgrade base`` must
undo everything."""
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from synnefo_pyr.db import alembic_config, get_engine, upgrade_schema
from synnefo_pyr.models import Base


def test_models_match_migrations(db_url):
    engine = get_engine({"sqlalchemy.url": db_url})
    upgrade_schema(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], "models and migrations differ; write a migration:\n%s" % diff


def test_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path}/migrations.sqlite"
    command.upgrade(alembic_config(url), "heads")
    command.downgrade(alembic_config(url), "base")
    engine = sa.create_engine(url)
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(alembic_config(url), "heads")
    assert "servers" in sa.inspect(engine).get_table_names()
    engine.dispose()


def _migrate(url, direction, target):
    command_config = alembic_config(url)
    getattr(command, direction)(command_config, target)


OLD_ROWS = """
INSERT INTO resources (id, name, description, unit, service, allow_in_projects, ui_visible, api_visible, default_limit)
    VALUES (1, 'cyclades.network.private', 'Number of private networks', NULL, 'cyclades_compute', TRUE, TRUE, TRUE, 5);
INSERT INTO flavors (id, cpu, ram, disk, disk_template, deleted, created_at) VALUES (1, 1, 1024, 20, 'drbd', FALSE, '2026-01-01');
INSERT INTO servers (id, user_uuid, name, flavor_id, image_id, operstate, build_progress, suspended, deleted, created_at, updated_at)
    VALUES (7, 'u-1', 'vm', 1, 'img', 'ACTIVE', 100, FALSE, FALSE, '2026-01-01', '2026-01-01');
INSERT INTO networks (id, user_uuid, name, type, public, dhcp, cidr, cidr6, gateway, gateway6, status, deleted, created_at, updated_at)
    VALUES (1, NULL, 'public', 'IP_LESS_ROUTED', TRUE, TRUE, '10.0.0.0/24', '2001:db8::/64', '10.0.0.1', NULL, 'ACTIVE', FALSE, '2026-01-01', '2026-01-01'),
           (2, 'u-1', 'lan', 'MAC_FILTERED', FALSE, FALSE, '192.168.1.0/24', NULL, NULL, NULL, 'ACTIVE', FALSE, '2026-01-01', '2026-01-01'),
           (3, 'u-1', 'empty', 'CUSTOM', FALSE, TRUE, '172.16.0.0/24', NULL, '172.16.0.100', NULL, 'ACTIVE', FALSE, '2026-01-01', '2026-01-01');
INSERT INTO nics (id, server_id, network_id, "index", mac, ipv4, ipv6, state, created_at, updated_at)
    VALUES (11, 7, 1, 0, 'aa:00:00:00:00:01', '10.0.0.2', '2001:db8::a800:ff:fe00:1', 'ACTIVE', '2026-01-01', '2026-01-01'),
           (12, 7, 2, 1, 'aa:00:00:00:00:02', '192.168.1.1', NULL, 'BUILD', '2026-01-01', '2026-01-01');
"""


def _rows(conn, sql):
    return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_network_service_migration_carries_rows_over(db_kind, tmp_path):
    """0004 -> 0200: ranges become subnets with derived pools, NIC
    addresses become address rows, NICs become ports; and back."""
    if db_kind == "sqlite":
        url, drop = f"sqlite:///{tmp_path}/carry.sqlite", None
    else:
        from tests.conftest import _postgresql_database

        url, drop = _postgresql_database()
    # The application's kind of engine (foreign keys enforced on SQLite).
    engine = get_engine({"sqlalchemy.url": url})
    try:
        _migrate(url, "upgrade", "0004")
        with engine.begin() as conn:
            for statement in OLD_ROWS.split(";"):
                if statement.strip():
                    conn.execute(sa.text(statement))
        upgrade_schema(engine)
        with engine.connect() as conn:
            assert _rows(conn, "SELECT network_id, ip_version, cidr, gateway, dhcp, user_uuid, public"
                               " FROM subnets ORDER BY network_id, ip_version") == [
                (1, 4, "10.0.0.0/24", "10.0.0.1", True, None, True),
                (1, 6, "2001:db8::/64", None, True, None, True),
                (2, 4, "192.168.1.0/24", None, False, "u-1", False),
                (3, 4, "172.16.0.0/24", "172.16.0.100", True, "u-1", False),
            ]
            assert _rows(conn, "SELECT s.network_id, p.first_address, p.last_address FROM ip_pools p"
                               " JOIN subnets s ON s.id = p.subnet_id ORDER BY p.id") == [
                (1, "10.0.0.2", "10.0.0.254"), (2, "192.168.1.1", "192.168.1.254"),
                (3, "172.16.0.1", "172.16.0.99"), (3, "172.16.0.101", "172.16.0.254"),
            ]
            assert _rows(conn, "SELECT nic_id, network_id, address, ip_version, floating, user_uuid"
                               " FROM ip_addresses ORDER BY nic_id, ip_version") == [
                (11, 1, "10.0.0.2", 4, False, "u-1"), (11, 1, "2001:db8::a800:ff:fe00:1", 6, False, "u-1"),
                (12, 2, "192.168.1.1", 4, False, "u-1"),
            ]
            assert _rows(conn, "SELECT id, user_uuid, device_owner, name, state FROM nics ORDER BY id") == [
                (11, "u-1", "vm", "", "ACTIVE"), (12, "u-1", "vm", "", "BUILD"),
            ]
            assert _rows(conn, "SELECT id, floating_ip_pool, external_router, backend_presence, drained"
                               " FROM networks ORDER BY id") == [
                (1, True, True, True, False), (2, False, False, True, False), (3, False, False, False, False),
            ]
            assert _rows(conn, "SELECT service FROM resources") == [("cyclades_network",)]
        _migrate(url, "downgrade", "0004")
        with engine.connect() as conn:
            assert _rows(conn, "SELECT id, cidr, gateway, cidr6, dhcp FROM networks ORDER BY id") == [
                (1, "10.0.0.0/24", "10.0.0.1", "2001:db8::/64", True),
                (2, "192.168.1.0/24", None, None, False),
                (3, "172.16.0.0/24", "172.16.0.100", None, True),
            ]
            assert _rows(conn, "SELECT id, ipv4, ipv6 FROM nics ORDER BY id") == [
                (11, "10.0.0.2", "2001:db8::a800:ff:fe00:1"), (12, "192.168.1.1", None),
            ]
            assert _rows(conn, "SELECT service FROM resources") == [("cyclades_compute",)]
    finally:
        engine.dispose()
        if drop is not None:
            drop()
