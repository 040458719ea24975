"""Support cases and the timeline: cases, their credentials, events and attachments; credential events.

Reviewed by hand: a case belongs to one person (indexed by owner, status and follow-up day for the
home page's reminders and the calendar feed) and carries a version column for concurrent-edit
detection; case_credential links a case to one or more of the owner's credentials (unique pair);
case_event is the case's history (texts are the private part); case_attachment records a file kept
outside the web root under a random, unique storage key. support_case.wizard_run_id has no foreign
key (a diagnosis can be deleted; the service clears the reference), like wizard_run.credential_id.
credential_event keeps what a credential's current values no longer show (a renewal).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 14:00:52.421085
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('credential_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('old_expiry', sa.Date(), nullable=True),
    sa.Column('new_expiry', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['credential_id'], ['credential.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credential_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_event_credential_id'), ['credential_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credential_event_user_id'), ['user_id'], unique=False)

    op.create_table('support_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('draft_text', sa.Text(), nullable=False),
    sa.Column('shared_with_lead', sa.Boolean(), nullable=False),
    sa.Column('wizard_run_id', sa.Integer(), nullable=True),
    sa.Column('outcome_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_case_follow_up_on'), ['follow_up_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_user_id'), ['user_id'], unique=False)

    op.create_table('case_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('mime', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('storage_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('storage_key')
    )
    with op.batch_alter_table('case_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_attachment_case_id'), ['case_id'], unique=False)

    op.create_table('case_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], ),
    sa.ForeignKeyConstraint(['credential_id'], ['credential.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'credential_id', name='uq_case_credential')
    )
    with op.batch_alter_table('case_credential', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_credential_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_credential_credential_id'), ['credential_id'], unique=False)

    op.create_table('case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status_from', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status_to', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_event_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_event_case_id'))

    op.drop_table('case_event')
    with op.batch_alter_table('case_credential', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_credential_credential_id'))
        batch_op.drop_index(batch_op.f('ix_case_credential_case_id'))

    op.drop_table('case_credential')
    with op.batch_alter_table('case_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_attachment_case_id'))

    op.drop_table('case_attachment')
    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_case_user_id'))
        batch_op.drop_index(batch_op.f('ix_support_case_status'))
        batch_op.drop_index(batch_op.f('ix_support_case_follow_up_on'))

    op.drop_table('support_case')
    with op.batch_alter_table('credential_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_event_user_id'))
        batch_op.drop_index(batch_op.f('ix_credential_event_credential_id'))

    op.drop_table('credential_event')
