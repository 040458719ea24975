"""The CSV import, fed any file: it is read into valid rows and problems by line, or refused as a
whole with the project's own error; the valid rows are exactly what a person may save, and saving
them adds exactly those credentials (or, refused, nothing)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlmodel import Session

from certportal.auth.policy import Principal
from certportal.credentials import csvio, present, rules
from certportal.credentials import service as credentials
from certportal.credentials.rules import CatalogEntry
from certportal.errors import CertportalError, InvalidInput
from certportal.knowledge import service as knowledge
from certportal.knowledge.loader import load_bundled
from tests.fuzz.conftest import db_examples, examples
from tests.fuzz.forms import CREDENTIAL_SAMPLES
from tests.fuzz.strategies import controls, field_text, text

TODAY = date(2026, 11, 23)
CATALOG: dict[str, CatalogEntry] = rules.catalog_entries(load_bundled().catalog)
SAMPLES = {**CREDENTIAL_SAMPLES, "name": CREDENTIAL_SAMPLES["other_name"]}
HEADERS = [*csvio.COLUMNS, *csvio.JA_HEADERS.values()]
COLUMN_OF = {label: column for column, label in csvio.JA_HEADERS.items()}
# cells that are valid on their own (a row of them may still be refused: an exam after the day
# it was earned, an expiry before it)
VALID = {
    "certification": ["AZ-104", "az-900", "ＤＰ－９００", "other", "AZ-800"],
    "name": ["LPIC-1", "=cmd|' /C calc'!A0", "情報処理安全確保支援士", ""],
    "exams": ["AZ-104", "AZ-900 2024-01-10", ""],
    "provider": ["pearson_vue", "certiport", ""],
    "earned_on": ["2024-03-01", "2025/1/2", "2026-11-23", "2020-02-29"],
    "expires_on": ["", "2027-01-01"],
    "certification_number": ["A1B2C3", "-5", ""],
    "on_learn": ["yes", "いいえ", ""],
    "on_learn_seen_on": ["", "2026-11-01"],
    "counted": ["no", "unknown", ""],
    "notes": ["line one\nline two", "+1 =SUM(A1)", ""],
    "private": ["", "notes; entry"],
}


@st.composite
def csv_files(draw: st.DrawFn, *, plausible: bool = False) -> bytes:
    """CSV-shaped files: a header of known (and unknown, repeated, Japanese) column names, rows
    of fuzzed cells (formula-looking ones too), any quoting and line ends, a BOM or not, in
    UTF-8, Shift_JIS or UTF-16. ``plausible``: the header is right and most cells are valid
    values, so that most rows get as far as being saved."""
    if plausible:
        optional = [c for c in csvio.COLUMNS if c not in csvio.REQUIRED]
        chosen = [*csvio.REQUIRED, *draw(st.lists(st.sampled_from(optional), unique=True))]
        keys = draw(st.permutations(chosen))
        columns = [draw(st.sampled_from([k, csvio.JA_HEADERS[k], k.upper()])) for k in keys]
    else:
        columns = draw(
            st.lists(
                st.one_of(st.sampled_from(HEADERS), st.sampled_from(HEADERS), text(10)),
                min_size=1,
                max_size=len(csvio.COLUMNS) + 1,
            )
        )
        keys = [COLUMN_OF.get(c, c) for c in columns]

    def cell(key: str, fuzz: bool) -> str:
        if fuzz:
            return draw(
                st.one_of(field_text(SAMPLES.get(key, [""])), st.sampled_from(["=1+1", "@A1"]))
            )
        return draw(st.sampled_from(VALID.get(key, [""])))

    def row() -> list[str]:
        if not plausible:
            return [cell(k, True) for k in keys[: draw(st.integers(0, len(keys) + 1))]]
        # a valid row, one with a single fuzzed cell, or one with several
        mode = draw(st.sampled_from(["valid", "valid", "one", "some"]))
        odd = draw(st.integers(0, len(keys) - 1))
        return [
            cell(k, (mode == "one" and i == odd) or (mode == "some" and draw(st.booleans())))
            for i, k in enumerate(keys)
        ]

    rows = [row() for _ in range(draw(st.integers(1 if plausible else 0, 6)))]
    out = io.StringIO()
    writer = csv.writer(
        out,
        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])),
    )
    writer.writerow(columns)
    writer.writerows(rows)
    body = out.getvalue()
    if not plausible and draw(st.booleans()):
        # break the quoting now and then: a stray quote, a cut-off last line
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.sampled_from(['"', '""', "\x00", ""])) + body[at:]
    encodings = ["utf-8", "utf-8-sig", "cp932"] + ([] if plausible else ["utf-16"])
    encoding = draw(st.sampled_from(encodings))
    return body.encode(encoding, errors="replace")


def files() -> st.SearchStrategy[bytes]:
    return st.one_of(
        csv_files(plausible=True),
        csv_files(),
        st.binary(max_size=300),
        text(200).map(lambda t: t.encode("utf-8")),
        st.integers(0, 3).map(lambda n: b"certification,earned_on\r\n" + b"x" * (n * 400_000)),
    )


def check_preview(preview: csvio.CsvPreview) -> None:
    assert len(preview.rows) <= preview.total <= csvio.MAX_ROWS
    lines = [r.line for r in preview.rows]
    assert lines == sorted(lines) and all(line >= 2 for line in lines)
    assert all(e.line >= 2 and e.key.startswith("credentials.") for e in preview.errors)
    seen = set()
    for row in preview.rows:
        data = row.data
        assert data.certification_id == "" or data.certification_id in CATALOG
        assert not controls(data.other_name) and not controls(data.certification_number)
        assert not controls(data.notes, allowed="\n\t")
        assert data.earned_on <= TODAY
        key = (data.certification_id, data.other_name.casefold(), data.earned_on)
        assert key not in seen
        seen.add(key)
        # what the page shows of a row
        present.name_of(data, CATALOG.get(data.certification_id))
        present.day_text(data.earned_on)


@examples(150)
@given(files())
def test_any_file_is_read_or_refused(content: bytes) -> None:
    try:
        preview = csvio.parse_csv(content, catalog=CATALOG, today=TODAY)
    except InvalidInput as exc:
        assert exc.key.startswith("credentials.csv.error.")
        return
    check_preview(preview)
    # the valid rows export and read back as the same credentials
    exported = csvio.export_csv([(r.data, r.data.other_name) for r in preview.rows])
    again = csvio.parse_csv(exported.encode("utf-8"), catalog=CATALOG, today=TODAY)
    assert again.errors == ()
    assert [r.data for r in again.rows] == [r.data for r in preview.rows]


# --- saving the valid rows ---------------------------------------------------------------


@pytest.fixture
def ready(session: Session, member: Principal) -> Iterator[Session]:
    knowledge.ensure_initial(session)
    session.commit()
    yield session
    session.rollback()


@db_examples(25)
@given(files())
def test_only_the_valid_rows_are_saved(ready: Session, member: Principal, content: bytes) -> None:
    session = ready
    before = credentials.list_rows(session, actor=member, today=TODAY)
    try:
        try:
            preview = credentials.preview_csv(session, actor=member, content=content, today=TODAY)
        except InvalidInput:
            return
        rows = [r.data for r in preview.rows]
        event(f"valid rows: {min(len(rows), 2)}")
        if not rows:
            return
        try:
            count = credentials.import_csv(session, actor=member, rows=rows)
            session.flush()
        except CertportalError:
            session.rollback()
            assert credentials.list_rows(session, actor=member, today=TODAY) == before
            return
        saved = credentials.list_rows(session, actor=member, today=TODAY)
        assert count == len(rows)
        assert Counter(r.data for r in saved) == Counter([r.data for r in before] + rows)
    finally:
        session.rollback()
