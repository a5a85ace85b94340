"""projects: applications, grants, memberships, logs; base limits of holdings

Revision ID: 0300_projects
Revises: 0004
Create Date: 2026-12-01

A branch of its own off 0004 (the application upgrades every head).
"""
from alembic import op
import sqlalchemy as sa


revision = "0300_projects"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=True),
    sa.Column('creation_date', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('name', name=op.f('uq_projects_name'))
    )
    op.create_table('project_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('homepage', sa.String(length=255), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('comments', sa.Text(), nullable=True),
    sa.Column('start_date', sa.DateTime(), nullable=True),
    sa.Column('end_date', sa.DateTime(), nullable=False),
    sa.Column('join_policy', sa.String(length=16), nullable=False),
    sa.Column('leave_policy', sa.String(length=16), nullable=False),
    sa.Column('max_members', sa.BigInteger(), nullable=False),
    sa.Column('issue_date', sa.DateTime(), nullable=False),
    sa.Column('response_date', sa.DateTime(), nullable=True),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('response_actor_id', sa.Integer(), nullable=True),
    sa.Column('waive_date', sa.DateTime(), nullable=True),
    sa.Column('waive_reason', sa.Text(), nullable=True),
    sa.Column('waive_actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['users.id'], name=op.f('fk_project_applications_applicant_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_project_applications_owner_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_applications_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_actor_id'], ['users.id'], name=op.f('fk_project_applications_response_actor_id_users')),
    sa.ForeignKeyConstraint(['waive_actor_id'], ['users.id'], name=op.f('fk_project_applications_waive_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_applications'))
    )
    with op.batch_alter_table('project_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_applications_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_applications_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_applications_project_id'), ['project_id'], unique=False)
    # The current application: circular with project_applications, so added
    # once both tables exist.
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_projects_application_id_project_applications'),
            'project_applications', ['application_id'], ['id'], ondelete='SET NULL',
        )

    op.create_table('project_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('date', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_project_log_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_log_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_log'))
    )
    with op.batch_alter_table('project_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_log_project_id'), ['project_id'], unique=False)

    op.create_table('project_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_memberships_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_project_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_memberships')),
    sa.UniqueConstraint('project_id', 'user_id', name=op.f('uq_project_memberships_project_id'))
    )
    with op.batch_alter_table('project_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_project_memberships_user_id_state', ['user_id', 'state'], unique=False)

    op.create_table('project_membership_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('date', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_project_membership_log_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['membership_id'], ['project_memberships.id'], name=op.f('fk_project_membership_log_membership_id_project_memberships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_membership_log'))
    )
    with op.batch_alter_table('project_membership_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_membership_log_membership_id'), ['membership_id'], unique=False)

    op.create_table('project_resource_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('member_capacity', sa.BigInteger(), nullable=False),
    sa.Column('project_capacity', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['project_applications.id'], name=op.f('fk_project_resource_grants_application_id_project_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_project_resource_grants_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_resource_grants')),
    sa.UniqueConstraint('application_id', 'resource_id', name=op.f('uq_project_resource_grants_application_id'))
    )
    with op.batch_alter_table('project_resource_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_resource_grants_resource_id'), ['resource_id'], unique=False)

    # A holding's own allowance; no project existed before, so every limit
    # so far was the base limit.
    with op.batch_alter_table('quota_holdings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_limit', sa.BigInteger(), nullable=True))
    op.execute('UPDATE quota_holdings SET base_limit = "limit"')
    with op.batch_alter_table('quota_holdings', schema=None) as batch_op:
        batch_op.alter_column('base_limit', existing_type=sa.BigInteger(), nullable=False)


def downgrade():
    with op.batch_alter_table('quota_holdings', schema=None) as batch_op:
        batch_op.drop_column('base_limit')

    with op.batch_alter_table('project_resource_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_resource_grants_resource_id'))

    op.drop_table('project_resource_grants')
    with op.batch_alter_table('project_membership_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_membership_log_membership_id'))

    op.drop_table('project_membership_log')
    with op.batch_alter_table('project_memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_project_memberships_user_id_state')

    op.drop_table('project_memberships')
    with op.batch_alter_table('project_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_log_project_id'))

    op.drop_table('project_log')
    with op.batch_alter_table('project_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_applications_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_applications_owner_id'))
        batch_op.drop_index(batch_op.f('ix_project_applications_applicant_id'))
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_projects_application_id_project_applications'), type_='foreignkey'
        )

    op.drop_table('project_applications')
    op.drop_table('projects')
