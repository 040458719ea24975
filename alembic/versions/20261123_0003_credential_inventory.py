"""Credential inventory: credentials, calendar feeds and Learn imports.

Reviewed by hand: a credential belongs to one person (indexed by owner) and carries a version
column for concurrent-edit detection; a calendar feed stores only a keyed hash of its secret token
(unique) and is one per person; a Learn import records what was imported, with personal data only
when the person opted in. wizard_run.credential_id stays without a foreign key (runs outlive
deleted credentials; the service clears the reference).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 23:44:04.007096
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash'),
    sa.UniqueConstraint('user_id')
    )
    op.create_table('credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('certification_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('other_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('exams', sa.Text(), nullable=False),
    sa.Column('provider', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('earned_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('certification_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('on_learn', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('on_learn_seen_on', sa.Date(), nullable=True),
    sa.Column('counted', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('private_fields', sa.Text(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_user_id'), ['user_id'], unique=False)

    op.create_table('learn_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('share_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('legal_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('mcid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('not_on_learn', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('learn_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learn_import_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('learn_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learn_import_user_id'))

    op.drop_table('learn_import')
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_user_id'))

    op.drop_table('credential')
    op.drop_table('calendar_feed')
