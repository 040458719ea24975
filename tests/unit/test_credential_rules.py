"""Credential rules: validation of text input, catalog search, status, filters, sort, alerts."""

from __future__ import annotations

from datetime import date

import pytest

from certportal.credentials import rules
from certportal.credentials.expiry import ExpiryStatus
from certportal.credentials.rules import CatalogEntry, CredentialData, ExamPass, Row, Tri
from certportal.errors import InvalidInput
from certportal.knowledge.loader import load_bundled

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def catalog() -> dict[str, CatalogEntry]:
    return rules.catalog_entries(load_bundled().catalog)


def valid(**over: str) -> dict[str, str]:
    raw = {"certification": "AZ-104", "earned_on": "2026-03-01", "provider": "pearson_vue"}
    raw.update(over)
    return raw


def problems(catalog: dict[str, CatalogEntry], **over: str) -> list[tuple[str, str]]:
    data, found = rules.validate(valid(**over), catalog=catalog, today=TODAY)
    assert (data is None) == bool(found)
    return [(p.field, p.key) for p in found]


# --- catalog search ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("az-1", "AZ-104"),
        ("AZ-1", "AZ-104"),
        ("ａｚ－１０４", "AZ-104"),  # full-width, as a Japanese IME types it
        ("administrator associate", "AZ-104"),
        ("Azure Administrator", "AZ-104"),
        ("ソリューション", None),  # no Japanese-only name here: nothing, not a crash
        ("認定: Azure Administrator", "AZ-104"),
        ("az-801", "AZ-800-AZ-801"),
    ],
)
def test_catalog_search_finds_codes_and_names_in_either_language(
    catalog: dict[str, CatalogEntry], query: str, expected: str | None
) -> None:
    found = [e.id for e in rules.search_catalog(query, catalog)]
    if expected is None:
        assert found == []
    else:
        assert expected in found
        if query.lower().startswith("az-1"):
            assert found[0] == "AZ-104"  # the id prefix ranks first


def test_catalog_search_empty_query_lists_nothing(catalog: dict[str, CatalogEntry]) -> None:
    assert rules.search_catalog("  ", catalog) == []


def test_catalog_id_accepts_exam_codes_and_case(catalog: dict[str, CatalogEntry]) -> None:
    assert rules.catalog_id("az-104", catalog) == "AZ-104"
    assert rules.catalog_id("AZ-801", catalog) == "AZ-800-AZ-801"
    assert rules.catalog_id("XX-999", catalog) is None


# --- validation ----------------------------------------------------------------------------


def test_valid_input_becomes_data(catalog: dict[str, CatalogEntry]) -> None:
    data = rules.clean(
        valid(
            exams="az-104 2026-02-20",
            certification_number="I123-4567",
            on_learn="yes",
            on_learn_seen_on="2026/11/1",
            counted="いいえ",
            notes="  line one\nline two  ",
            private="notes; entry",
        ),
        catalog=catalog,
        today=TODAY,
    )
    assert data == CredentialData(
        certification_id="AZ-104",
        exams=(ExamPass("AZ-104", date(2026, 2, 20)),),
        provider="pearson_vue",
        earned_on=date(2026, 3, 1),
        certification_number="I123-4567",
        on_learn=Tri.YES,
        on_learn_seen_on=date(2026, 11, 1),
        counted=Tri.NO,
        notes="line one\nline two",
        private=frozenset({"notes", "entry"}),
    )


def test_other_certification_needs_a_name(catalog: dict[str, CatalogEntry]) -> None:
    assert problems(catalog, certification="other") == [
        ("other_name", "credentials.error.other_name_required")
    ]
    data = rules.clean(
        valid(certification="other", other_name="LPIC-1"), catalog=catalog, today=TODAY
    )
    assert data.certification_id == "" and data.other_name == "LPIC-1"


def test_catalog_certification_ignores_a_free_name(catalog: dict[str, CatalogEntry]) -> None:
    data = rules.clean(valid(other_name="ignored"), catalog=catalog, today=TODAY)
    assert data.other_name == ""


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"certification": ""}, ("certification", "credentials.error.certification_required")),
        ({"certification": "XX-999"}, ("certification", "credentials.error.unknown_certification")),
        ({"earned_on": ""}, ("earned_on", "credentials.error.earned_required")),
        ({"earned_on": "01/03/2026"}, ("earned_on", "credentials.error.date_format")),
        ({"earned_on": "2026-02-30"}, ("earned_on", "credentials.error.date_format")),
        ({"earned_on": "2026-11-24"}, ("earned_on", "credentials.error.date_future")),
        ({"earned_on": "1989-12-31"}, ("earned_on", "credentials.error.date_too_early")),
        ({"expires_on": "2026-03-01"}, ("expires_on", "credentials.error.expires_before_earned")),
        ({"expires_on": "2031-03-02"}, ("expires_on", "credentials.error.expires_too_far")),
        ({"provider": "prometric"}, ("provider", "credentials.error.provider")),
        ({"on_learn": "maybe"}, ("on_learn", "credentials.error.tri")),
        ({"counted": "2"}, ("counted", "credentials.error.tri")),
        ({"on_learn_seen_on": "2027-01-01"}, ("on_learn_seen_on", "credentials.error.date_future")),
        ({"exams": "AZ 104 2024-01-01"}, ("exams", "credentials.error.exam_format")),
        ({"exams": "AZ-104 2024-01-01; AZ-104"}, ("exams", "credentials.error.exam_twice")),
        ({"exams": "AZ-104 2026-05-01"}, ("exams", "credentials.error.exam_after_earned")),
        (
            {"exams": "; ".join(f"EX-{i}" for i in range(11))},
            ("exams", "credentials.error.too_many_exams"),
        ),
        (
            {"certification_number": "A\x00B"},
            ("certification_number", "credentials.error.control_chars"),
        ),
        (
            {"certification_number": "A\nB"},
            ("certification_number", "credentials.error.control_chars"),
        ),
        (
            {"certification_number": "x" * 65},
            ("certification_number", "credentials.error.too_long_certification_number"),
        ),
        ({"notes": "x" * 2001}, ("notes", "credentials.error.too_long_notes")),
        ({"notes": "bell\x07"}, ("notes", "credentials.error.control_chars")),
        ({"private": "everything"}, ("private", "credentials.error.private_unknown")),
    ],
)
def test_bad_input_is_refused_at_its_field(
    catalog: dict[str, CatalogEntry], over: dict[str, str], expected: tuple[str, str]
) -> None:
    assert expected in problems(catalog, **over)


def test_every_problem_is_reported_at_once(catalog: dict[str, CatalogEntry]) -> None:
    found = problems(catalog, certification="", earned_on="x", provider="?", on_learn="?")
    assert {f for f, _ in found} == {"certification", "earned_on", "provider", "on_learn"}


def test_clean_raises_the_first_problem_with_its_field(catalog: dict[str, CatalogEntry]) -> None:
    with pytest.raises(InvalidInput) as caught:
        rules.clean(valid(earned_on="tomorrow"), catalog=catalog, today=TODAY)
    assert caught.value.field == "earned_on"


def test_notes_keep_newlines_and_tabs(catalog: dict[str, CatalogEntry]) -> None:
    data = rules.clean(valid(notes="a\r\n\tb"), catalog=catalog, today=TODAY)
    assert data.notes == "a\n\tb"


def test_text_form_round_trips(catalog: dict[str, CatalogEntry]) -> None:
    data = rules.clean(
        valid(
            certification="AZ-800-AZ-801",
            exams="AZ-800 2026-01-10; AZ-801",
            expires_on="2027-06-01",
            private="certification_number",
        ),
        catalog=catalog,
        today=TODAY,
    )
    assert rules.clean(rules.to_raw(data), catalog=catalog, today=TODAY) == data


def test_catalog_exams_fill_in_when_none_given(catalog: dict[str, CatalogEntry]) -> None:
    data = rules.clean(valid(certification="AZ-800-AZ-801"), catalog=catalog, today=TODAY)
    filled = rules.with_catalog_exams(data, catalog["AZ-800-AZ-801"])
    assert [e.code for e in filled.exams] == ["AZ-800", "AZ-801"]
    assert rules.with_catalog_exams(filled, None) == filled


# --- status, diagnosis, filters, alerts ----------------------------------------------------


def row(catalog: dict[str, CatalogEntry], rid: int, cert: str, earned: date, **over: object) -> Row:
    data = CredentialData(certification_id=cert, earned_on=earned, **over)  # type: ignore[arg-type]
    entry = catalog.get(cert)
    return Row(
        rid,
        data,
        entry.name_en if entry else data.other_name,
        entry.level if entry else "other",
        rules.status_of(data, entry, TODAY),
    )


@pytest.mark.parametrize(
    ("cert", "earned", "expires_on", "status"),
    [
        ("AZ-900", date(2024, 2, 10), None, ExpiryStatus.NEVER),
        ("AZ-104", date(2026, 6, 1), None, ExpiryStatus.ACTIVE),
        ("AZ-104", date(2025, 12, 20), None, ExpiryStatus.EXPIRES_SOON),  # expires 2026-12-20
        ("AZ-104", date(2026, 1, 23), None, ExpiryStatus.RENEWAL_WINDOW),  # window opened 07-23
        ("AZ-104", date(2025, 11, 22), None, ExpiryStatus.EXPIRED),
        ("AZ-104", date(2021, 3, 1), None, ExpiryStatus.EXPIRED),  # legacy: 2023-03-01
        ("AZ-104", date(2021, 3, 1), date(2027, 8, 1), ExpiryStatus.ACTIVE),  # renewed since
        ("SC-400", date(2025, 1, 10), None, ExpiryStatus.EXPIRED),  # retired, expired 2026-01-10
        ("SC-400", date(2025, 5, 1), date(2026, 12, 31), ExpiryStatus.RETIRED),
        ("", date(2020, 1, 1), None, ExpiryStatus.NEVER),  # other without a date never expires
        ("", date(2025, 1, 1), date(2026, 1, 1), ExpiryStatus.EXPIRED),
    ],
)
def test_status_uses_catalog_rule_or_own_date(
    catalog: dict[str, CatalogEntry],
    cert: str,
    earned: date,
    expires_on: date | None,
    status: ExpiryStatus,
) -> None:
    other = {"other_name": "LPIC-1"} if not cert else {}
    assert row(catalog, 1, cert, earned, expires_on=expires_on, **other).expiry.status is status


@pytest.mark.parametrize(
    ("on_learn", "counted", "earned", "expected"),
    [
        (Tri.YES, Tri.YES, date(2026, 3, 1), False),
        (Tri.NO, Tri.YES, date(2026, 3, 1), True),
        (Tri.YES, Tri.UNKNOWN, date(2026, 3, 1), True),
        (Tri.UNKNOWN, Tri.NO, date(2026, 3, 1), True),
        (Tri.NO, Tri.NO, date(2024, 1, 1), False),  # expired: re-earn, not diagnose
    ],
)
def test_diagnose_is_offered_for_held_but_unconfirmed_credentials(
    catalog: dict[str, CatalogEntry], on_learn: Tri, counted: Tri, earned: date, expected: bool
) -> None:
    r = row(catalog, 1, "AZ-104", earned, on_learn=on_learn, counted=counted)
    assert rules.needs_diagnosis(r.data, r.expiry) is expected


@pytest.fixture
def inventory(catalog: dict[str, CatalogEntry]) -> list[Row]:
    return [
        row(catalog, 1, "AZ-900", date(2024, 2, 10), provider="certiport"),
        row(catalog, 2, "AZ-104", date(2025, 12, 20), provider="pearson_vue"),
        row(catalog, 3, "AZ-305", date(2026, 1, 23), provider="pearson_vue"),
        row(catalog, 4, "AZ-500", date(2024, 6, 1), provider="pearson_vue"),
        row(catalog, 5, "MS-900", date(2024, 8, 1), provider="certiport"),
    ]


def test_filters_combine(inventory: list[Row]) -> None:
    # both never expire: by name ("Microsoft 365 Certified…" before "Microsoft Certified…")
    assert [r.id for r in rules.filter_sort(inventory, provider="certiport")] == [5, 1]
    assert [r.id for r in rules.filter_sort(inventory, status="expired")] == [4]
    assert [
        r.id for r in rules.filter_sort(inventory, level="fundamentals", provider="certiport")
    ] == [5, 1]
    assert rules.filter_sort(inventory, level="expert", provider="certiport") == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("expires", [4, 2, 3, 5, 1]),  # soonest first, never-expiring last (by name)
        ("earned", [3, 2, 5, 4, 1]),
        ("name", None),
        ("status", [4, 2, 3, 5, 1]),  # expired, expires soon, renewal window, never
        ("bogus", [4, 2, 3, 5, 1]),  # unknown sort falls back to expiry
    ],
)
def test_sorts(inventory: list[Row], sort: str, expected: list[int] | None) -> None:
    ordered = rules.filter_sort(inventory, sort=sort)
    if expected is None:
        names = [r.name.casefold() for r in ordered]
        assert names == sorted(names) and len(names) == 5
    else:
        assert [r.id for r in ordered] == expected


def test_alerts_list_open_windows_and_expiries_within_30_days(inventory: list[Row]) -> None:
    found = rules.alerts(inventory, TODAY)
    assert [(a.row.id, a.kind) for a in found] == [(2, "expires_soon"), (3, "renewal_window")]
    assert found[0].day == date(2026, 12, 20)
    assert found[1].day == date(2026, 7, 23)
    assert rules.days_until(found[0].day, TODAY) == 27


def test_parse_date_accepts_excel_forms() -> None:
    assert rules.parse_date("2024/3/1") == date(2024, 3, 1)
    assert rules.parse_date(" 2024-03-01 ") == date(2024, 3, 1)
    with pytest.raises(ValueError):
        rules.parse_date("March 1, 2024")
