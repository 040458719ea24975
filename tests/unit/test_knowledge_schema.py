"""Knowledge documents: the shipped ones are valid; bad ones are refused naming entry and field."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from certportal.knowledge import loader
from certportal.knowledge.browse import entries
from certportal.knowledge.diff import diff_texts
from certportal.knowledge.eligibility import contributions, scores
from certportal.knowledge.schema import KINDS, KnowledgeError, parse_document

TODAY = date(2026, 11, 23)
TEXTS = loader.bundled_texts()
DOCS = {kind: json.loads(text) for kind, text in TEXTS.items()}


def texts_with(kind: str, change: Callable[[dict[str, Any]], None]) -> dict[str, str]:
    data = copy.deepcopy(DOCS[kind])
    change(data)
    return {**TEXTS, kind: json.dumps(data, ensure_ascii=False)}


def refused(texts: dict[str, str]) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as caught:
        loader.load(texts)
    return caught.value


def outcome(data: dict[str, Any], oid: str) -> dict[str, Any]:
    return next(o for o in data["outcomes"] if o["id"] == oid)


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["id"] == qid)


def test_shipped_documents_load() -> None:
    bundle = loader.load_bundled()
    ids = set(bundle.catalog.by_id())
    # every certification named in the domain brief, the Fundamentals, MOS and MCE
    for code in (
        "AZ-104",
        "AZ-305",
        "AZ-900",
        "AI-900",
        "DP-900",
        "PL-900",
        "MS-900",
        "SC-900",
        "MS-102",
        "SC-401",
        "GH-300",
        "MB-820",
        "62-193",
    ):
        assert code in ids, code
    assert any(c.level == "mos" for c in bundle.catalog.certifications)
    assert len(bundle.designations.designations) == 6


def test_every_entry_has_a_source_and_a_checked_on_date() -> None:
    rows = entries(loader.load_bundled(), TODAY)
    assert len(rows) > 80
    for row in rows:
        assert row.sources and row.checked_on <= TODAY
        assert row.title.ja and row.title.en


def test_stale_after_180_days() -> None:
    rows = entries(loader.load_bundled(), TODAY)
    checked = rows[0].checked_on
    fresh_day = checked.fromordinal(checked.toordinal() + 180)
    stale_day = checked.fromordinal(checked.toordinal() + 181)
    assert not entries(loader.load_bundled(), fresh_day)[0].stale
    assert entries(loader.load_bundled(), stale_day)[0].stale


# --- does it score? ------------------------------------------------------------------------------


def test_az_900_counts_for_nothing() -> None:
    bundle = loader.load_bundled()
    for code in ("AZ-900", "AI-900", "DP-900", "PL-900"):
        assert contributions(bundle, code, TODAY) == [], code


def test_ms_900_counts_for_modern_work_until_march_2027() -> None:
    bundle = loader.load_bundled()
    found = contributions(bundle, "MS-900", TODAY)
    assert [(c.designation_id, c.metric_id, c.role) for c in found] == [
        ("modern_work", "intermediate", "points")
    ]
    assert found[0].points_until == date(2027, 3, 31)
    assert scores(bundle, "MS-900", date(2027, 3, 31))
    assert not scores(bundle, "MS-900", date(2027, 4, 1))


def test_az_104_is_a_gate() -> None:
    found = contributions(loader.load_bundled(), "AZ-104", TODAY)
    assert found and {c.role for c in found} == {"gate"}
    assert any(c.smb_points == 4 for c in found)


# --- refused documents ---------------------------------------------------------------------------


def test_missing_translation_names_file_entry_and_field() -> None:
    def drop(data: dict[str, Any]) -> None:
        del outcome(data, "merge_profiles")["title"]["ja"]

    error = refused(texts_with("linkage", drop))
    assert error.file == "linkage.json"
    assert error.problems[0][:2] == ("merge_profiles", "title.ja")
    assert "linkage.json" in str(error) and "merge_profiles" in str(error)


def test_empty_translation_is_refused() -> None:
    def blank(data: dict[str, Any]) -> None:
        question(data, "on_learn")["text"]["en"] = "  "

    error = refused(texts_with("linkage", blank))
    assert error.problems[0][:2] == ("on_learn", "text.en")


def test_unknown_question_id_is_refused() -> None:
    def point_nowhere(data: dict[str, Any]) -> None:
        question(data, "pc_user")["next"][0]["goto"] = "pc_typo"

    error = refused(texts_with("linkage", point_nowhere))
    assert error.problems[0] == ("pc_user", "next[0].goto", "unknown question id 'pc_typo'")


def test_cycle_is_refused_with_the_loop() -> None:
    def loop(data: dict[str, Any]) -> None:
        question(data, "shows_in_pc")["next"][-1] = {"goto": "pc_user"}

    error = refused(texts_with("linkage", loop))
    _, field, message = error.problems[0]
    assert field == "next" and message.startswith("cycle: ")
    assert "pc_user" in message and "shows_in_pc" in message


def test_unreachable_question_is_refused() -> None:
    def orphan(data: dict[str, Any]) -> None:
        extra = copy.deepcopy(question(data, "on_learn"))
        extra["id"] = "orphan"
        data["questions"].append(extra)

    error = refused(texts_with("linkage", orphan))
    assert ("orphan", "id", "question is unreachable from the start") in error.problems


def test_unknown_fact_and_value_are_refused() -> None:
    def bad(data: dict[str, Any]) -> None:
        question(data, "on_learn")["next"][0]["when"] = {"fact": "on_learn", "eq": "perhaps"}
        question(data, "pc_user")["next"][0]["when"] = {"fact": "moon_phase", "eq": "full"}

    problems = refused(texts_with("linkage", bad)).problems
    assert ("on_learn", "next[0].when", "'on_learn' has no value 'perhaps'") in problems
    assert ("pc_user", "next[0].when", "unknown fact or question id 'moon_phase'") in problems


def test_unknown_placeholder_in_a_support_text_is_refused() -> None:
    def typo(data: dict[str, Any]) -> None:
        outcome(data, "certiport_since_2023_06")["support"]["body"]["en"] += " {mcid_typo}"

    problems = refused(texts_with("linkage", typo)).problems
    assert problems[0][:2] == ("certiport_since_2023_06", "support.body.en")


@pytest.mark.parametrize("placeholder", ["{}", "{name!x}", "{name:%}", "{name:>99999999999}"])
def test_a_placeholder_that_cannot_be_filled_is_refused(placeholder: str) -> None:
    # found by fuzzing: accepted and published, these crashed the diagnosis page (ValueError,
    # MemoryError) when its support text was filled in
    def odd(data: dict[str, Any]) -> None:
        outcome(data, "certiport_since_2023_06")["support"]["body"]["en"] += f" {placeholder}"

    problems = refused(texts_with("linkage", odd)).problems
    assert problems == [
        (
            "certiport_since_2023_06",
            "support.body.en",
            "a placeholder is a field name in braces, such as {name}",
        )
    ]


def test_designation_naming_an_unknown_certification_is_refused() -> None:
    def typo(data: dict[str, Any]) -> None:
        data["designations"][0]["metrics"][0]["earning"][0]["certification"] = "XX-999"

    error = refused(texts_with("designations", typo))
    assert error.file == "designations.json"
    assert "XX-999" in error.problems[0][2]


def test_catalog_entry_without_source_is_refused() -> None:
    def strip(data: dict[str, Any]) -> None:
        data["certifications"][3]["sources"] = []

    error = refused(texts_with("catalog", strip))
    assert error.problems[0][0] == DOCS["catalog"]["certifications"][3]["id"]
    assert error.problems[0][1] == "sources"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", ""),
        ('{"kind": "recipes"}', "kind"),
        ("[]", "kind"),
        # found by fuzzing: a kind that is a list or an object crashed the upload (TypeError)
        ('{"kind": ["catalog"]}', "kind"),
        ('{"kind": {"catalog": 1}}', "kind"),
    ],
)
def test_not_a_knowledge_document(text: str, field: str) -> None:
    with pytest.raises(KnowledgeError) as caught:
        parse_document("upload.json", text)
    assert caught.value.file == "upload.json" and caught.value.problems[0][1] == field


def test_every_kind_round_trips_through_the_parser() -> None:
    for kind in KINDS:
        assert parse_document(f"{kind}.json", TEXTS[kind]).kind == kind


# --- readable diff -------------------------------------------------------------------------------


def test_diff_names_entry_and_field() -> None:
    new = texts_with(
        "linkage",
        lambda d: outcome(d, "certiport_since_2023_06")["steps"][1]["text"].update(en="Open it."),
    )["linkage"]
    changes = diff_texts(TEXTS["linkage"], new)
    assert len(changes) == 1
    change = changes[0]
    assert (change.kind, change.entry, change.field) == (
        "changed",
        "certiport_since_2023_06",
        "steps[1].text.en",
    )
    assert change.line().startswith("~ certiport_since_2023_06 · steps[1].text.en: ")
    assert change.line().endswith("→ Open it.")


def test_diff_lists_added_and_removed_entries_and_ignores_moves() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["certifications"].reverse()
        removed = data["certifications"].pop()
        added = copy.deepcopy(removed)
        added["id"] = "XX-100"
        data["certifications"].append(added)

    changes = diff_texts(TEXTS["catalog"], texts_with("catalog", edit)["catalog"])
    assert sorted((c.kind, c.entry) for c in changes) == [
        ("added", "XX-100"),
        ("removed", DOCS["catalog"]["certifications"][0]["id"]),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        json.dumps({"kind": "linkage", "questions": [{"next": [{"when": {"not": None}}]}]}).replace(
            "null", '{"not": ' * 3000 + "null" + "}" * 3000
        ),
    ],
)
def test_deeply_nested_documents_are_refused_not_crashed(text: str) -> None:
    with pytest.raises(KnowledgeError):
        parse_document("linkage.json", text)


def test_a_long_chain_of_questions_is_checked_without_recursion() -> None:
    def chain(data: dict[str, Any]) -> None:
        template = question(data, "on_learn")
        last = question(data, "shows_in_pc")
        extra = []
        for i in range(1500):
            q = copy.deepcopy(template)
            q["id"] = f"chain{i}"
            q["next"] = (
                [{"goto": f"chain{i + 1}"}] if i < 1499 else [{"outcome": "already_counted"}]
            )
            extra.append(q)
        last["next"][-1] = {"goto": "chain0"}
        data["questions"].extend(extra)

    loader.load(texts_with("linkage", chain))  # valid, just long


def test_unknown_value_of_a_derived_fact_is_refused() -> None:
    def typo(data: dict[str, Any]) -> None:
        question(data, "earned_on")["next"][1]["when"] = {"fact": "expiry", "eq": "expird"}

    problems = refused(texts_with("linkage", typo)).problems
    assert ("earned_on", "next[1].when", "'expiry' has no value 'expird'") in problems


def test_diff_shows_a_change_deep_inside_a_long_text() -> None:
    def edit(data: dict[str, Any]) -> None:
        body = outcome(data, "certiport_since_2023_06")["support"]["body"]
        body["en"] = body["en"].replace("Kind regards", "Best regards")

    [change] = diff_texts(TEXTS["linkage"], texts_with("linkage", edit)["linkage"])
    assert "Kind regards" in change.old and "Best regards" in change.new
    assert change.old != change.new


def test_a_retired_certification_scores_for_one_year_after_retirement() -> None:
    bundle = loader.load_bundled()
    sc400 = bundle.catalog.by_id()["SC-400"]
    assert sc400.retired_on == date(2025, 5, 31)
    assert scores(bundle, "SC-400", date(2026, 5, 31))
    assert not scores(bundle, "SC-400", date(2026, 6, 1))


def test_lookups_by_id_are_built_once_per_document_and_change_nothing_else() -> None:
    """The wizard looks certifications and questions up at every step: the indexes are built
    once per (immutable) document, and a document with its indexes built still equals, copies
    and pickles like one without."""
    import pickle

    bundle, fresh = loader.load_bundled(), loader.load_bundled()
    catalog, linkage = bundle.catalog, bundle.linkage
    assert catalog.by_id() is catalog.by_id()
    assert linkage.questions_by_id() is linkage.questions_by_id()
    assert linkage.outcomes_by_id() is linkage.outcomes_by_id()
    assert linkage.channels_by_id() is linkage.channels_by_id()
    assert list(catalog.by_id()) == [c.id for c in catalog.certifications]
    assert linkage.question(linkage.start).id == linkage.start
    assert bundle == fresh and pickle.loads(pickle.dumps(bundle)) == fresh  # noqa: S301 (own data)
    assert bundle.model_dump() == fresh.model_dump()
