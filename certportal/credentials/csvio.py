"""CSV import and export of one person's inventory (pure).

Columns (header row; any order on import; the Japanese labels of ``JA_HEADERS`` accepted too):

- ``certification``: catalog id such as AZ-104 (an exam code finds its certification), or ``other``
- ``name``: written on export in the person's language; on import the free name when
  ``certification`` is ``other`` or empty, otherwise ignored
- ``exams``: "AZ-800 2024-01-10; AZ-801 2024-02-20" (dates optional)
- ``provider``: pearson_vue, certiport, psi, other or unknown
- ``earned_on``: YYYY-MM-DD (YYYY/M/D, as Excel in Japanese writes it, accepted); required
- ``expires_on``: the date Learn shows; empty = the catalog rule
- ``certification_number``
- ``on_learn``: yes, no or unknown; ``on_learn_seen_on``: a date
- ``counted``: yes, no or unknown (counted in Partner Center)
- ``notes``
- ``private``: what team leads may not see: "entry; certification_number; notes"

Export: UTF-8 with a BOM and CRLF line ends, so Excel in Japanese opens it as UTF-8. A cell that a
spreadsheet would run as a formula (starting with = + - @ tab or CR) is written with a leading
``'``, and that one quote is removed again on import: a round trip is lossless.

Import checks every row and reports problems by physical line (the header is line 1; a quoted
cell with line breaks spans several lines); nothing here writes anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from certportal.credentials.rules import CatalogEntry, CredentialData, to_raw, validate
from certportal.errors import InvalidInput

BOM = "\ufeff"
COLUMNS: tuple[str, ...] = (
    "certification",
    "name",
    "exams",
    "provider",
    "earned_on",
    "expires_on",
    "certification_number",
    "on_learn",
    "on_learn_seen_on",
    "counted",
    "notes",
    "private",
)
JA_HEADERS: dict[str, str] = {
    "certification": "認定資格",
    "name": "名称",
    "exams": "試験",
    "provider": "受験方式",
    "earned_on": "取得日",
    "expires_on": "有効期限",
    "certification_number": "認定番号",
    "on_learn": "Learnに表示",
    "on_learn_seen_on": "Learn確認日",
    "counted": "PC計上",
    "notes": "メモ",
    "private": "非公開",
}
REQUIRED = ("certification", "earned_on")
MAX_BYTES = 1_000_000
MAX_ROWS = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    key: str


@dataclass(frozen=True)
class ParsedRow:
    line: int
    data: CredentialData


@dataclass(frozen=True)
class CsvPreview:
    rows: tuple[ParsedRow, ...]
    errors: tuple[RowError, ...]
    total: int


def _defuse(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _restore(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def export_csv(rows: Sequence[tuple[CredentialData, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for data, name in rows:
        raw = to_raw(data)
        raw["name"] = name
        writer.writerow([_defuse(raw.get(column, "")) for column in COLUMNS])
    return BOM + out.getvalue()


def _decode(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        raise InvalidInput("credentials.csv.error.too_large")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp932")  # Shift_JIS as older Japanese Excel saves it
    except UnicodeDecodeError:
        raise InvalidInput("credentials.csv.error.encoding") from None


def _header(cells: list[str]) -> list[str]:
    by_label = {label: column for column, label in JA_HEADERS.items()}
    names: list[str] = []
    unknown: list[str] = []
    for cell in cells:
        key = cell.strip().lower()
        column = key if key in COLUMNS else by_label.get(cell.strip())
        if column is None:
            unknown.append(cell.strip() or "(empty)")
        else:
            names.append(column)
    missing = [c for c in REQUIRED if c not in names]
    if unknown or missing or len(set(names)) != len(names):
        raise InvalidInput(
            "credentials.csv.error.header", columns=", ".join(unknown + missing) or "(duplicate)"
        )
    return names


def parse_csv(content: bytes, *, catalog: Mapping[str, CatalogEntry], today: date) -> CsvPreview:
    text = _decode(content)
    if not text.strip():
        raise InvalidInput("credentials.csv.error.empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header_cells = next(reader)
    except (StopIteration, csv.Error):
        raise InvalidInput("credentials.csv.error.empty") from None
    columns = _header(header_cells)
    rows: list[ParsedRow] = []
    errors: list[RowError] = []
    seen: set[tuple[str, str, date]] = set()
    total = 0
    while True:
        line = reader.line_num + 1  # where the next record starts
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(RowError(line, "", "credentials.csv.error.malformed"))
            break
        if not any(c.strip() for c in cells):
            continue
        total += 1
        if total > MAX_ROWS:
            raise InvalidInput("credentials.csv.error.too_many_rows", limit=MAX_ROWS)
        if len(cells) > len(columns):
            errors.append(RowError(line, "", "credentials.csv.error.extra_cells"))
            continue
        values = {c: _restore(v) for c, v in zip(columns, cells, strict=False)}
        values["other_name"] = values.pop("name", "")
        data, problems = validate(values, catalog=catalog, today=today)
        if data is None:
            errors.extend(RowError(line, p.field, p.key) for p in problems)
            continue
        key = (data.certification_id, data.other_name.casefold(), data.earned_on)
        if key in seen:
            errors.append(RowError(line, "certification", "credentials.csv.error.duplicate"))
            continue
        seen.add(key)
        rows.append(ParsedRow(line, data))
    return CsvPreview(rows=tuple(rows), errors=tuple(errors), total=total)
