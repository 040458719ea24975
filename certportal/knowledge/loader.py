"""The knowledge documents shipped with certportal, and building a bundle from texts. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from certportal.knowledge.schema import (
    KINDS,
    Bundle,
    Catalog,
    Designations,
    KnowledgeError,
    Linkage,
    make_bundle,
    parse_document,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


def file_name(kind: str) -> str:
    return f"{kind}.json"


def bundled_texts() -> dict[str, str]:
    return {kind: (DATA_DIR / file_name(kind)).read_text(encoding="utf-8") for kind in KINDS}


def load(texts: Mapping[str, str]) -> Bundle:
    """Parse the three documents and join them; :class:`KnowledgeError` names what is wrong."""
    documents: dict[str, Catalog | Designations | Linkage] = {}
    for kind in KINDS:
        doc = parse_document(file_name(kind), texts[kind])
        if doc.kind != kind:
            raise KnowledgeError(file_name(kind), [("", "kind", f"must be '{kind}'")])
        documents[kind] = doc
    return make_bundle(documents)


def load_bundled() -> Bundle:
    return load(bundled_texts())
