"""Knowledge versions carry the SHA-256 of their documents.

Reviewed by hand: knowledge_version.content_digest (64 hex characters) identifies a version's
content, so a worker finds the parsed knowledge base in its cache without reading the three
documents (about 200 KB) on every wizard event. Existing versions are backfilled here with the
digest of their stored documents (catalog, designations, linkage, NUL-separated, UTF-8), the same
computation as ``certportal.knowledge.models.content_digest`` — spelled out so the migration does
not change when the app does. Versions are immutable, so the digest never goes stale. The
column keeps its server default '' (dropping it would make SQLite copy the table, which its foreign
keys refuse once wizard runs point at versions); the app always writes the digest. The downgrade
drops the column in place (SQLite 3.35+), keeping every row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:40:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _digest(catalog: str, designations: str, linkage: str) -> str:
    return hashlib.sha256("\0".join((catalog, designations, linkage)).encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table('knowledge_version', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'content_digest',
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default='',
            )
        )

    versions = sa.table(
        'knowledge_version',
        sa.column('id', sa.Integer),
        sa.column('content_digest', sa.String),
        sa.column('catalog_text', sa.Text),
        sa.column('designations_text', sa.Text),
        sa.column('linkage_text', sa.Text),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            versions.c.id,
            versions.c.catalog_text,
            versions.c.designations_text,
            versions.c.linkage_text,
        )
    ).all()
    for row in rows:
        bind.execute(
            versions.update()
            .where(versions.c.id == row.id)
            .values(content_digest=_digest(row.catalog_text, row.designations_text, row.linkage_text))
        )


def downgrade() -> None:
    with op.batch_alter_table('knowledge_version', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('content_digest')
