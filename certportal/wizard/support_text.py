"""Ready-to-send support messages, from an outcome's template and the person's data. Pure.

Templates use ``{field}`` placeholders (see ``knowledge.schema.MESSAGE_FIELDS``). A line whose
placeholders have no value (unknown, or marked private by the person) is left out, so the text
never shows an empty "MCID:" nor anything the person keeps private.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from certportal.knowledge.schema import SupportMessage

_EMPTY_BRACKETS = re.compile(r"\s*(\(\s*\)|（\s*）)")


@dataclass(frozen=True)
class SupportText:
    channel_id: str
    subject: str
    body: str

    def full(self) -> str:
        return f"{self.subject}\n\n{self.body}"


def _fields_in(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _fill(text: str, values: Mapping[str, str]) -> str:
    return text.format_map({name: values.get(name, "") for name in _fields_in(text)})


def render(message: SupportMessage, locale: str, values: Mapping[str, str]) -> SupportText:
    """The message in one language; lines with missing or private values are dropped."""
    kept: list[str] = []
    for line in message.body.get(locale).splitlines():
        names = _fields_in(line)
        if names and not all(values.get(n, "").strip() for n in names):
            continue
        kept.append(_fill(line, values))
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    subject = _EMPTY_BRACKETS.sub("", _fill(message.subject.get(locale), values)).strip()
    return SupportText(message.channel, subject, body)
