"""Knowledge base versions, wizard runs and the identity map.

Reviewed by hand: knowledge versions are immutable rows holding the three documents, numbered
uniquely, one flagged active (the service keeps it to one); wizard runs reference the version
they used (never deleted) and their owner; a partial unique index keeps at most one version active; one identity map per user, with a version column for
concurrent-edit detection. credential_id has no foreign key until the inventory table exists.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 21:44:21.109924
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('knowledge_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_label', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('changed_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('catalog_text', sa.Text(), nullable=False),
    sa.Column('designations_text', sa.Text(), nullable=False),
    sa.Column('linkage_text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('knowledge_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_version_created_by_id'), ['created_by_id'], unique=False)
        # at most one active version: a partial unique index on both databases
        batch_op.create_index('uq_knowledge_version_active', ['is_active'], unique=True, sqlite_where=sa.text('is_active'), postgresql_where=sa.text('is_active'))

    op.create_table('identity_map',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('work_account', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('personal_accounts', sa.Text(), nullable=False),
    sa.Column('learn_profiles', sa.Text(), nullable=False),
    sa.Column('mcid', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('cert_profile_account', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('certiport_username', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('pc_user', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('pc_mcid', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('private_fields', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id')
    )
    op.create_table('wizard_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('knowledge_version_id', sa.Integer(), nullable=False),
    sa.Column('certification_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=True),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('outcome_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['knowledge_version_id'], ['knowledge_version.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('wizard_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wizard_run_knowledge_version_id'), ['knowledge_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_wizard_run_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_wizard_run_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_wizard_run_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('wizard_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wizard_run_user_id'))
        batch_op.drop_index(batch_op.f('ix_wizard_run_updated_at'))
        batch_op.drop_index(batch_op.f('ix_wizard_run_status'))
        batch_op.drop_index(batch_op.f('ix_wizard_run_knowledge_version_id'))

    op.drop_table('wizard_run')
    op.drop_table('identity_map')
    with op.batch_alter_table('knowledge_version', schema=None) as batch_op:
        batch_op.drop_index('uq_knowledge_version_active', sqlite_where=sa.text('is_active'), postgresql_where=sa.text('is_active'))
        batch_op.drop_index(batch_op.f('ix_knowledge_version_created_by_id'))

    op.drop_table('knowledge_version')
