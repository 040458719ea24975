"""Team view and skilling: the organisation's skilling settings, monthly snapshots, and each
credential's effective expiry so the team page counts in SQL.

Reviewed by hand: skilling_setting is one row holding a JSON document (tracks per solution area,
targets) with a version column; skilling_snapshot keeps one row per month and designation
(unique pair) for the history chart; wizard_run.credential_id gets an index (the team page
looks up diagnoses per credential). credential.expires_effective (indexed) is the last valid day
by the catalog rule or the person's own date, NULL when it never expires; existing rows are
filled here with the pure expiry rules and the catalog shipped with this revision (the service
keeps it current on every write from now on). The downgrade drops the column in place, so it
works with credentials that events and cases point at (SQLite 3.35 or later).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 14:36:02.484207
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('skilling_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('skilling_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('designation_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('counted', sa.Float(), nullable=False),
    sa.Column('possible', sa.Float(), nullable=False),
    sa.Column('taken_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('month', 'designation_id', name='uq_skilling_snapshot')
    )
    with op.batch_alter_table('skilling_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skilling_snapshot_month'), ['month'], unique=False)

    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_effective', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_credential_expires_effective'), ['expires_effective'], unique=False)

    # the team page asks, per credential, whether a diagnosis of it exists
    with op.batch_alter_table('wizard_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wizard_run_credential_id'), ['credential_id'], unique=False)

    _backfill_expiry()


def _backfill_expiry() -> None:
    from datetime import date

    from certportal.credentials import rules
    from certportal.knowledge import loader

    catalog = rules.catalog_entries(loader.load_bundled().catalog)
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, certification_id, earned_on, expires_on FROM credential")
    ).all()
    for row in rows:
        earned = date.fromisoformat(str(row.earned_on)[:10])
        own = date.fromisoformat(str(row.expires_on)[:10]) if row.expires_on else None
        data = rules.CredentialData(
            certification_id=row.certification_id, earned_on=earned, expires_on=own
        )
        effective = rules.status_of(data, catalog.get(row.certification_id), earned).expires_on
        connection.execute(
            sa.text("UPDATE credential SET expires_effective = :day WHERE id = :id"),
            {"day": effective, "id": row.id},
        )



def downgrade() -> None:
    with op.batch_alter_table('wizard_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wizard_run_credential_id'))

    # recreate='never': SQLite (3.35+) drops the column in place. Batch mode's copy-and-move
    # would DROP TABLE credential, which SQLite refuses (foreign keys are on) as soon as a
    # credential_event or case_credential row points at a credential.
    with op.batch_alter_table('credential', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_expires_effective'))
        batch_op.drop_column('expires_effective')

    with op.batch_alter_table('skilling_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skilling_snapshot_month'))

    op.drop_table('skilling_snapshot')
    op.drop_table('skilling_setting')
