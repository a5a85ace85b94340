"""compute: flavors, servers, networks, NICs, backend jobs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('flavors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cpu', sa.Integer(), nullable=False),
    sa.Column('ram', sa.Integer(), nullable=False),
    sa.Column('disk', sa.Integer(), nullable=False),
    sa.Column('disk_template', sa.String(length=32), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flavors')),
    sa.UniqueConstraint('cpu', 'ram', 'disk', 'disk_template', name=op.f('uq_flavors_cpu'))
    )
    op.create_table('mac_counters',
    sa.Column('prefix', sa.String(length=17), nullable=False),
    sa.Column('next_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_mac_counters'))
    )
    op.create_table('networks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_uuid', sa.String(length=36), nullable=True),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('dhcp', sa.Boolean(), nullable=False),
    sa.Column('cidr', sa.String(length=64), nullable=True),
    sa.Column('cidr6', sa.String(length=64), nullable=True),
    sa.Column('gateway', sa.String(length=64), nullable=True),
    sa.Column('gateway6', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_networks'))
    )
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_networks_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_networks_user_uuid'), ['user_uuid'], unique=False)

    op.create_table('servers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_uuid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('flavor_id', sa.Integer(), nullable=False),
    sa.Column('image_id', sa.String(length=64), nullable=False),
    sa.Column('operstate', sa.String(length=16), nullable=False),
    sa.Column('task', sa.String(length=16), nullable=True),
    sa.Column('build_progress', sa.Integer(), nullable=False),
    sa.Column('suspended', sa.Boolean(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('pending_failure', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['flavor_id'], ['flavors.id'], name=op.f('fk_servers_flavor_id_flavors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_servers'))
    )
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_servers_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_servers_user_uuid'), ['user_uuid'], unique=False)

    op.create_table('backend_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('server_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('fail_message', sa.Text(), nullable=True),
    sa.Column('not_before', sa.DateTime(), nullable=False),
    sa.Column('claimed_by', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['server_id'], ['servers.id'], name=op.f('fk_backend_jobs_server_id_servers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backend_jobs'))
    )
    with op.batch_alter_table('backend_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backend_jobs_server_id'), ['server_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_backend_jobs_state'), ['state'], unique=False)

    op.create_table('nics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('server_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('mac', sa.String(length=17), nullable=False),
    sa.Column('ipv4', sa.String(length=64), nullable=True),
    sa.Column('ipv6', sa.String(length=64), nullable=True),
    sa.Column('firewall_profile', sa.String(length=16), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_nics_network_id_networks')),
    sa.ForeignKeyConstraint(['server_id'], ['servers.id'], name=op.f('fk_nics_server_id_servers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nics')),
    sa.UniqueConstraint('mac', name=op.f('uq_nics_mac')),
    sa.UniqueConstraint('network_id', 'ipv4', name=op.f('uq_nics_network_id')),
    sa.UniqueConstraint('server_id', 'index', name=op.f('uq_nics_server_id'))
    )
    with op.batch_alter_table('nics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nics_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nics_server_id'), ['server_id'], unique=False)

    op.create_table('server_diagnostics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('server_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('source_date', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['server_id'], ['servers.id'], name=op.f('fk_server_diagnostics_server_id_servers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_diagnostics'))
    )
    with op.batch_alter_table('server_diagnostics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_server_diagnostics_server_id'), ['server_id'], unique=False)

    op.create_table('server_metadata',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('server_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['server_id'], ['servers.id'], name=op.f('fk_server_metadata_server_id_servers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_metadata')),
    sa.UniqueConstraint('server_id', 'key', name=op.f('uq_server_metadata_server_id'))
    )
    with op.batch_alter_table('server_metadata', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_server_metadata_server_id'), ['server_id'], unique=False)


def downgrade():
    with op.batch_alter_table('server_metadata', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_server_metadata_server_id'))

    op.drop_table('server_metadata')
    with op.batch_alter_table('server_diagnostics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_server_diagnostics_server_id'))

    op.drop_table('server_diagnostics')
    with op.batch_alter_table('nics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nics_server_id'))
        batch_op.drop_index(batch_op.f('ix_nics_network_id'))

    op.drop_table('nics')
    with op.batch_alter_table('backend_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backend_jobs_state'))
        batch_op.drop_index(batch_op.f('ix_backend_jobs_server_id'))

    op.drop_table('backend_jobs')
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_servers_user_uuid'))
        batch_op.drop_index(batch_op.f('ix_servers_updated_at'))

    op.drop_table('servers')
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_networks_user_uuid'))
        batch_op.drop_index(batch_op.f('ix_networks_updated_at'))

    op.drop_table('networks')
    op.drop_table('mac_counters')
    op.drop_table('flavors')
