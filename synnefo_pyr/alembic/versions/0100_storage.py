"""storage: object storage metadata (nodes, versions, attributes, hashmaps,
permissions, public links, groups), a branch of its own off 0004

Revision ID: 0100_storage
Revises: 0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0100_storage'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('storage_groups',
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('member', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('owner', 'name', 'member', name=op.f('pk_storage_groups'))
    )
    with op.batch_alter_table('storage_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storage_groups_member'), ['member'], unique=False)

    op.create_table('storage_maps',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('blocks', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_storage_maps'))
    )
    op.create_table('storage_nodes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('name', sa.String(length=1024).with_variant(sa.String(length=1024, collation='C'), 'postgresql'), nullable=False),
    sa.Column('latest_serial', sa.BigInteger(), nullable=True),
    sa.Column('modified_us', sa.BigInteger(), nullable=False),
    sa.Column('policy_quota', sa.BigInteger(), nullable=True),
    sa.Column('policy_versioning', sa.String(length=8), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['storage_nodes.id'], name=op.f('fk_storage_nodes_parent_id_storage_nodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storage_nodes')),
    sa.UniqueConstraint('parent_id', 'name', name=op.f('uq_storage_nodes_parent_id'))
    )
    with op.batch_alter_table('storage_nodes', schema=None) as batch_op:
        batch_op.create_index('ix_storage_nodes_account_name', ['name'], unique=True, sqlite_where=sa.text('parent_id IS NULL'), postgresql_where=sa.text('parent_id IS NULL'))

    op.create_table('storage_map_blocks',
    sa.Column('map_key', sa.String(length=64), nullable=False),
    sa.Column('idx', sa.Integer(), nullable=False),
    sa.Column('block', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['map_key'], ['storage_maps.key'], name=op.f('fk_storage_map_blocks_map_key_storage_maps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('map_key', 'idx', name=op.f('pk_storage_map_blocks'))
    )
    with op.batch_alter_table('storage_map_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storage_map_blocks_block'), ['block'], unique=False)

    op.create_table('storage_permissions',
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('access', sa.String(length=8), nullable=False),
    sa.Column('member', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['storage_nodes.id'], name=op.f('fk_storage_permissions_node_id_storage_nodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('node_id', 'access', 'member', name=op.f('pk_storage_permissions'))
    )
    with op.batch_alter_table('storage_permissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storage_permissions_member'), ['member'], unique=False)

    op.create_table('storage_public',
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['storage_nodes.id'], name=op.f('fk_storage_public_node_id_storage_nodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('node_id', name=op.f('pk_storage_public')),
    sa.UniqueConstraint('token', name=op.f('uq_storage_public_token'))
    )
    op.create_table('storage_versions',
    sa.Column('serial', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=True),
    sa.Column('map_key', sa.String(length=64), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=256), nullable=False),
    sa.Column('source_serial', sa.BigInteger(), nullable=True),
    sa.Column('mtime_us', sa.BigInteger(), nullable=False),
    sa.Column('muser', sa.String(length=64), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('checksum', sa.String(length=32), nullable=False),
    sa.Column('cluster', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['map_key'], ['storage_maps.key'], name=op.f('fk_storage_versions_map_key_storage_maps')),
    sa.ForeignKeyConstraint(['node_id'], ['storage_nodes.id'], name=op.f('fk_storage_versions_node_id_storage_nodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('serial', name=op.f('pk_storage_versions'))
    )
    with op.batch_alter_table('storage_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storage_versions_map_key'), ['map_key'], unique=False)
        batch_op.create_index('ix_storage_versions_node_serial', ['node_id', 'serial'], unique=False)
        batch_op.create_index(batch_op.f('ix_storage_versions_uuid'), ['uuid'], unique=False)

    op.create_table('storage_attributes',
    sa.Column('serial', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['serial'], ['storage_versions.serial'], name=op.f('fk_storage_attributes_serial_storage_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('serial', 'domain', 'key', name=op.f('pk_storage_attributes'))
    )


def downgrade():
    op.drop_table('storage_attributes')
    with op.batch_alter_table('storage_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storage_versions_uuid'))
        batch_op.drop_index('ix_storage_versions_node_serial')
        batch_op.drop_index(batch_op.f('ix_storage_versions_map_key'))

    op.drop_table('storage_versions')
    op.drop_table('storage_public')
    with op.batch_alter_table('storage_permissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storage_permissions_member'))

    op.drop_table('storage_permissions')
    with op.batch_alter_table('storage_map_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storage_map_blocks_block'))

    op.drop_table('storage_map_blocks')
    with op.batch_alter_table('storage_nodes', schema=None) as batch_op:
        batch_op.drop_index('ix_storage_nodes_account_name', sqlite_where=sa.text('parent_id IS NULL'), postgresql_where=sa.text('parent_id IS NULL'))

    op.drop_table('storage_nodes')
    op.drop_table('storage_maps')
    with op.batch_alter_table('storage_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storage_groups_member'))

    op.drop_table('storage_groups')
