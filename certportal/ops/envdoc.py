"""The settings table of ``docs/deployment.md``, generated from :class:`Settings` (pure).

Every field of ``certportal/settings.py`` is an environment variable; its default, allowed values
and description make one row. ``python -m certportal.ops.envdoc`` prints the table;
``--write docs/deployment.md`` replaces the block between the markers. A test fails when the
guide's block is not what this module generates, so the guide follows every new setting.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from certportal.settings import DEV_SECRET_KEY, PROJECT_ROOT, Settings

START = "<!-- settings-table:start — generated: python -m certportal.ops.envdoc --write FILE -->"
END = "<!-- settings-table:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(info: FieldInfo) -> str:
    value: Any = info.default
    if value is PydanticUndefined:
        return "(required)"
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if value == DEV_SECRET_KEY:
        return "a development-only value"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    shown = str(value).replace(str(PROJECT_ROOT), "<project>")
    return f"`{shown}`" if shown else "(empty)"


def _bounds(info: FieldInfo) -> str:
    parts = []
    words_for = (("gt", "above"), ("ge", "at least"), ("lt", "below"), ("le", "at most"))
    for item in info.metadata:
        for name, words in words_for:
            bound = getattr(item, name, None)
            if bound is not None:
                parts.append(f"{words} {bound}")
    return f" Allowed: {', '.join(parts)}." if parts else ""


def _choices(info: FieldInfo) -> str:
    if get_origin(info.annotation) is Literal:
        return " One of: " + ", ".join(f"`{v}`" for v in get_args(info.annotation)) + "."
    return ""


def rows() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for every setting, in the order of ``Settings``."""
    found = []
    for name, info in Settings.model_fields.items():
        meaning = (info.description or "").strip()
        if not meaning:
            raise ValueError(f"Settings.{name} has no description: the guide needs one")
        choices = _choices(info)
        if choices and meaning.startswith("`"):
            choices = ""  # the description already names the values
        found.append((name.upper(), _default(info), meaning + choices + _bounds(info)))
    return found


def table() -> str:
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    lines += [f"| `{var}` | {_cell(default)} | {_cell(text)} |" for var, default, text in rows()]
    return "\n".join(lines) + "\n"


def block() -> str:
    return f"{START}\n{table()}{END}"


def replace_block(document: str) -> str:
    """``document`` with the text between the markers (inclusive) regenerated."""
    start = document.find(START)
    end = document.find(END)
    if start < 0 or end < start:
        raise ValueError("the document has no settings-table markers")
    return document[:start] + block() + document[end + len(END) :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m certportal.ops.envdoc")
    parser.add_argument("--write", metavar="FILE", help="regenerate the table inside FILE")
    args = parser.parse_args(argv)
    if args.write:
        path = Path(args.write)
        path.write_text(replace_block(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"settings table written into {path}")
    else:
        print(table(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
