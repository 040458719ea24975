"""Attachment checks (pure): a screenshot or a PDF, recognised by its content, not its name.

The type is read from the file's first bytes (PNG, JPEG, WebP, PDF); the name's extension must
agree with it, so a program or a web page renamed to ``.png`` is refused, and so is a PDF named
``.jpg``. The stored name keeps only safe characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from certportal.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
MAX_PER_CASE = 20
NAME_MAX = 120


@dataclass(frozen=True)
class Kind:
    mime: str
    extensions: tuple[str, ...]


PNG = Kind("image/png", (".png",))
JPEG = Kind("image/jpeg", (".jpg", ".jpeg"))
WEBP = Kind("image/webp", (".webp",))
PDF = Kind("application/pdf", (".pdf",))
KINDS = (PNG, JPEG, WEBP, PDF)
ACCEPT = {k.mime: list(k.extensions) for k in KINDS}


def sniff(content: bytes) -> Kind | None:
    """The kind the bytes are, by their signature (None: not one we accept)."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith(b"%PDF-"):
        return PDF
    return None


_UNSAFE = re.compile(r"[^\w.\- ()\[\]]+", re.UNICODE)


def safe_name(raw: str) -> str:
    """The file's own name without folders or characters that could mislead a browser."""
    name = unicodedata.normalize("NFKC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: NAME_MAX - len(ext) - 1] + dot + ext)
            if dot and len(ext) <= 5
            else name[:NAME_MAX].rstrip(" .")
        )
    return name or "attachment"


@dataclass(frozen=True)
class Checked:
    name: str
    mime: str
    size: int


def check(name: str, content: bytes, *, existing: int = 0) -> Checked:
    """Accept a screenshot or PDF, or say why not (``InvalidInput`` with a message key)."""
    if existing >= MAX_PER_CASE:
        raise InvalidInput("cases.attachment.too_many", field="attachment", max=MAX_PER_CASE)
    if not content:
        raise InvalidInput("cases.attachment.empty", field="attachment")
    if len(content) > MAX_BYTES:
        raise InvalidInput(
            "cases.attachment.too_large", field="attachment", max_mb=MAX_BYTES // 1024 // 1024
        )
    clean = safe_name(name)
    kind = sniff(content)
    if kind is None:
        raise InvalidInput("cases.attachment.type", field="attachment")
    extension = "." + clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if extension not in kind.extensions:
        raise InvalidInput("cases.attachment.disguised", field="attachment")
    return Checked(clean, kind.mime, len(content))
