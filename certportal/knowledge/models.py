"""Published versions of the knowledge base. A version is immutable once written; exactly one is
active. Wizard runs keep the id of the version they used."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel

from certportal.clock import utcnow


class KnowledgeVersion(SQLModel, table=True):
    __tablename__ = "knowledge_version"
    # at most one active version, enforced by the database (a partial unique index)
    __table_args__ = (
        Index(
            "uq_knowledge_version_active",
            "is_active",
            unique=True,
            sqlite_where=text("is_active"),
            postgresql_where=text("is_active"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, index=True)  # None: shipped with the app
    created_by_label: str = Field(default="", max_length=254)
    note: str = Field(default="", max_length=500)
    changed_kind: str = Field(default="", max_length=16)  # the document replaced, "" for the first
    is_active: bool = Field(default=False)
    # SHA-256 of the three documents (see ``content_digest``): the parsed bundle is found in the
    # process's cache by it, without reading the documents (200 KB) on every wizard event
    content_digest: str = Field(default="", max_length=64)
    catalog_text: str = Field(sa_column=Column(Text, nullable=False))
    designations_text: str = Field(sa_column=Column(Text, nullable=False))
    linkage_text: str = Field(sa_column=Column(Text, nullable=False))

    def text_of(self, kind: str) -> str:
        return str(getattr(self, f"{kind}_text"))


def content_digest(texts: Mapping[str, str]) -> str:
    """What identifies a version's content: the documents in a fixed order, NUL-separated."""
    joined = "\0".join(texts[kind] for kind in ("catalog", "designations", "linkage"))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()
