"""Attachments are recognised by their content; names are made safe."""

from __future__ import annotations

import pytest

from certportal.cases import attachments as att
from certportal.errors import InvalidInput

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("screen.png", PNG, "image/png"),
        ("Screen Shot.JPG", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("shot.webp", WEBP, "image/webp"),
        ("transcript.pdf", PDF, "application/pdf"),
        ("成績証明.pdf", PDF, "application/pdf"),
    ],
)
def test_screenshots_and_pdfs_are_accepted(name: str, content: bytes, mime: str) -> None:
    checked = att.check(name, content)
    assert checked.mime == mime
    assert checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("virus.png", b"MZ\x90\x00" + b"\x00" * 64, "cases.attachment.type"),
        ("page.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "cases.attachment.type"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "cases.attachment.type"),
        ("report.jpg", PDF, "cases.attachment.disguised"),
        ("shot.pdf", PNG, "cases.attachment.disguised"),
        ("shot.png.exe", PNG, "cases.attachment.disguised"),
        ("noextension", PNG, "cases.attachment.disguised"),
        ("empty.png", b"", "cases.attachment.empty"),
    ],
)
def test_disguised_or_unknown_files_are_refused(name: str, content: bytes, key: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        att.check(name, content)
    assert (exc.value.key, exc.value.field) == (key, "attachment")


def test_too_large_and_too_many() -> None:
    with pytest.raises(InvalidInput) as exc:
        att.check("big.png", PNG + b"\x00" * att.MAX_BYTES)
    assert exc.value.key == "cases.attachment.too_large"
    assert exc.value.params == {"max_mb": 5}
    assert att.check("edge.png", PNG[:8] + b"\x00" * (att.MAX_BYTES - 8)).size == att.MAX_BYTES
    with pytest.raises(InvalidInput) as exc:
        att.check("one.png", PNG, existing=att.MAX_PER_CASE)
    assert exc.value.key == "cases.attachment.too_many"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\me\\shot.png", "shot.png"),
        ("a\x00b\u202e.png", "ab.png"),
        ('x"><img src=x>.png', "x_img src_x_.png"),
        ("", "attachment"),
        ("...", "attachment"),
        ("成績 証明.pdf", "成績 証明.pdf"),
    ],
)
def test_safe_names(raw: str, safe: str) -> None:
    assert att.safe_name(raw) == safe


def test_long_names_keep_their_extension() -> None:
    name = att.safe_name("a" * 300 + ".pdf")
    assert len(name) == att.NAME_MAX and name.endswith(".pdf")


def test_a_cut_name_does_not_end_in_a_space_or_dot() -> None:
    # found by fuzzing: cut at 120 characters, the name ended in a space, and reading it again
    # gave another name
    name = att.safe_name("ab " * 60)
    assert name == ("ab " * 40).rstrip() and att.safe_name(name) == name
    assert att.safe_name("x" * 119 + "." + "y" * 10) == "x" * 119
