"""CSV import and export: round trip, Excel's habits, row-level errors by physical line."""

from __future__ import annotations

from datetime import date

import pytest

from certportal.credentials import csvio, rules
from certportal.credentials.rules import CatalogEntry, CredentialData, ExamPass, Tri
from certportal.errors import InvalidInput
from certportal.knowledge.loader import load_bundled

TODAY = date(2026, 11, 23)
HEADER = ",".join(csvio.COLUMNS)


@pytest.fixture(scope="module")
def catalog() -> dict[str, CatalogEntry]:
    return rules.catalog_entries(load_bundled().catalog)


def parse(text: str, catalog: dict[str, CatalogEntry], encoding: str = "utf-8") -> csvio.CsvPreview:
    return csvio.parse_csv(text.encode(encoding), catalog=catalog, today=TODAY)


SAMPLES = [
    CredentialData(
        certification_id="AZ-800-AZ-801",
        exams=(ExamPass("AZ-800", date(2025, 5, 1)), ExamPass("AZ-801", date(2025, 6, 1))),
        provider="pearson_vue",
        earned_on=date(2025, 6, 1),
        expires_on=date(2027, 6, 1),
        certification_number='=HYPERLINK("http://x")',
        on_learn=Tri.YES,
        on_learn_seen_on=date(2026, 11, 1),
        counted=Tri.NO,
        notes='社内メモ, "引用" と改行\n2行目\t-5',
        private=frozenset({"notes", "certification_number"}),
    ),
    CredentialData(other_name="-5 LPIC-1, Level 1", earned_on=date(2020, 1, 1), provider="other"),
    CredentialData(
        certification_id="AZ-900",
        earned_on=date(2024, 2, 10),
        provider="certiport",
        on_learn=Tri.NO,
        notes="@mention +plus",
        private=frozenset({"entry"}),
    ),
]


def test_round_trip_is_lossless(catalog: dict[str, CatalogEntry]) -> None:
    # the display name of a certification outside the catalog is its own name
    text = csvio.export_csv([(d, d.other_name or f"name {i}") for i, d in enumerate(SAMPLES)])
    preview = csvio.parse_csv(text.encode("utf-8"), catalog=catalog, today=TODAY)
    assert preview.errors == () and preview.total == 3
    assert [r.data for r in preview.rows] == SAMPLES


def test_export_is_excel_friendly_and_defuses_formulas() -> None:
    text = csvio.export_csv([(SAMPLES[0], "Windows Server Hybrid Administrator")])
    assert text.startswith("\ufeff" + HEADER + "\r\n")
    assert "\r\n" in text
    assert "'=HYPERLINK" in text  # a spreadsheet shows it as text, never runs it


def test_japanese_header_and_excel_dates(catalog: dict[str, CatalogEntry]) -> None:
    header = ",".join(csvio.JA_HEADERS[c] for c in ("certification", "earned_on", "provider"))
    preview = parse(f"{header}\r\naz-104,2024/3/1,pearson_vue\r\n", catalog)
    assert preview.errors == ()
    assert preview.rows[0].data.certification_id == "AZ-104"
    assert preview.rows[0].data.earned_on == date(2024, 3, 1)


def test_shift_jis_from_old_excel_is_read(catalog: dict[str, CatalogEntry]) -> None:
    preview = parse(
        "certification,earned_on,notes\r\nAZ-900,2024-02-10,オデッセイで受験\r\n", catalog, "cp932"
    )
    assert preview.rows[0].data.notes == "オデッセイで受験"


def test_other_encodings_are_refused(catalog: dict[str, CatalogEntry]) -> None:
    with pytest.raises(InvalidInput) as caught:
        csvio.parse_csv(
            b"certification,earned_on\r\n\x80\xff\xfe\x81\x00", catalog=catalog, today=TODAY
        )
    assert caught.value.key == "credentials.csv.error.encoding"


def test_row_errors_name_the_physical_line_and_column(catalog: dict[str, CatalogEntry]) -> None:
    text = (
        "certification,earned_on,notes,provider\r\n"  # line 1
        'AZ-104,2026-03-01,"two\r\nlines",pearson_vue\r\n'  # lines 2-3
        "XX-999,2026-03-01,,pearson_vue\r\n"  # line 4
        "\r\n"  # line 5: blank, skipped
        "AZ-900,2099-01-01,,prometric\r\n"  # line 6: two problems
        "AZ-305,2026-05-02,ok,pearson_vue\r\n"  # line 7
    )
    preview = parse(text, catalog)
    assert [r.line for r in preview.rows] == [2, 7]
    assert [(e.line, e.field, e.key) for e in preview.errors] == [
        (4, "certification", "credentials.error.unknown_certification"),
        (6, "provider", "credentials.error.provider"),
        (6, "earned_on", "credentials.error.date_future"),
    ]
    assert preview.total == 4


def test_duplicates_and_extra_cells(catalog: dict[str, CatalogEntry]) -> None:
    text = "certification,earned_on\nAZ-104,2026-03-01\naz-104,2026/3/1\nAZ-900,2024-02-10,extra\n"
    preview = parse(text, catalog)
    assert [(e.line, e.key) for e in preview.errors] == [
        (3, "credentials.csv.error.duplicate"),
        (4, "credentials.csv.error.extra_cells"),
    ]
    assert len(preview.rows) == 1


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "credentials.csv.error.empty"),
        ("\ufeff \r\n", "credentials.csv.error.empty"),
        ("certification,colour\nAZ-104,red\n", "credentials.csv.error.header"),
        ("name,notes\nx,y\n", "credentials.csv.error.header"),
        ("certification,earned_on,earned_on\n", "credentials.csv.error.header"),
    ],
)
def test_bad_files_are_refused_whole(catalog: dict[str, CatalogEntry], text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(text, catalog)
    assert caught.value.key == key


def test_size_and_row_limits(
    catalog: dict[str, CatalogEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InvalidInput) as caught:
        csvio.parse_csv(b"x" * (csvio.MAX_BYTES + 1), catalog=catalog, today=TODAY)
    assert caught.value.key == "credentials.csv.error.too_large"
    monkeypatch.setattr(csvio, "MAX_ROWS", 2)
    with pytest.raises(InvalidInput) as caught:
        parse("certification,earned_on\n" + "AZ-104,2026-03-01\n" * 3, catalog)
    assert caught.value.key == "credentials.csv.error.too_many_rows"
