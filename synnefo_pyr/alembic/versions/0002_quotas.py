"""quotas: resources, quota limits, commissions and provisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('resources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=True),
    sa.Column('service', sa.String(length=64), nullable=False),
    sa.Column('allow_in_projects', sa.Boolean(), nullable=False),
    sa.Column('ui_visible', sa.Boolean(), nullable=False),
    sa.Column('api_visible', sa.Boolean(), nullable=False),
    sa.Column('default_limit', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resources')),
    sa.UniqueConstraint('name', name=op.f('uq_resources_name'))
    )
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resources_service'), ['service'], unique=False)

    op.create_table('quota_holdings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('limit', sa.BigInteger(), nullable=False),
    sa.Column('usage_min', sa.BigInteger(), nullable=False),
    sa.Column('usage_max', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_quota_holdings_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quota_holdings')),
    sa.UniqueConstraint('holder', 'source', 'resource_id', name=op.f('uq_quota_holdings_holder'))
    )
    with op.batch_alter_table('quota_holdings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_holdings_resource_id'), ['resource_id'], unique=False)

    op.create_table('commissions',
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('issue_time', sa.DateTime(), nullable=False),
    sa.Column('resolve_time', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('serial', name=op.f('pk_commissions'))
    )
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commissions_client'), ['client'], unique=False)
        batch_op.create_index(batch_op.f('ix_commissions_state'), ['state'], unique=False)

    op.create_table('provisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_provisions_resource_id_resources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['serial'], ['commissions.serial'], name=op.f('fk_provisions_serial_commissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provisions'))
    )
    with op.batch_alter_table('provisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provisions_serial'), ['serial'], unique=False)


def downgrade():
    with op.batch_alter_table('provisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provisions_serial'))
    op.drop_table('provisions')
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commissions_state'))
        batch_op.drop_index(batch_op.f('ix_commissions_client'))
    op.drop_table('commissions')
    with op.batch_alter_table('quota_holdings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quota_holdings_resource_id'))
    op.drop_table('quota_holdings')
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resources_service'))
    op.drop_table('resources')
