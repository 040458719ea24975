"""The wizard engine on the shipped linkage rules: every path, every outcome, bad input."""

from __future__ import annotations

from datetime import date

import pytest

from certportal.demo.seed import SEED_STORY as SEED  # the seed article's case
from certportal.knowledge.loader import load_bundled
from certportal.knowledge.schema import LOCALES, UNKNOWN, Bundle
from certportal.wizard import engine

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return load_bundled()


@pytest.fixture(scope="module")
def paths(bundle: Bundle) -> list[tuple[dict[str, str], engine.Walk]]:
    return list(engine.explore(bundle, today=TODAY))


def walk(bundle: Bundle, **answers: str) -> engine.Walk:
    return engine.walk(bundle, answers, today=TODAY)


# --- exhaustive ----------------------------------------------------------------------------------


def test_every_path_ends_in_an_outcome(paths: list[tuple[dict[str, str], engine.Walk]]) -> None:
    assert len(paths) > 100
    for answers, result in paths:
        assert result.complete, answers
        assert result.current is None
        # the result names the answers that led to it: exactly the questions on its path
        assert set(result.used) == set(result.path)
        assert all(answers[q] == v for q, v in result.used.items())


def test_no_question_is_unreachable(
    bundle: Bundle, paths: list[tuple[dict[str, str], engine.Walk]]
) -> None:
    asked = {q for _, result in paths for q in result.path}
    assert asked == {q.id for q in bundle.linkage.questions}


def test_every_outcome_is_reached(
    bundle: Bundle, paths: list[tuple[dict[str, str], engine.Walk]]
) -> None:
    reached = {result.outcome_id for _, result in paths}
    assert reached == {o.id for o in bundle.linkage.outcomes}


def test_every_warning_can_fire(
    bundle: Bundle, paths: list[tuple[dict[str, str], engine.Walk]]
) -> None:
    fired = {w for _, result in paths for w in result.warnings}
    assert fired == {w.id for w in bundle.linkage.warnings}


def test_every_outcome_has_steps_and_sources_in_both_languages(bundle: Bundle) -> None:
    for outcome in bundle.linkage.outcomes:
        assert outcome.steps, outcome.id
        assert outcome.sources, outcome.id
        for locale in LOCALES:
            assert outcome.title.get(locale).strip()
            assert outcome.diagnosis.get(locale).strip()
            for step in outcome.steps:
                assert step.text.get(locale).strip()
            for source in outcome.sources:
                assert source.label.get(locale).strip()
                assert source.url or source.note
                assert source.checked_on <= TODAY


def test_every_question_offers_help_and_a_way_out_where_facts_may_be_unknown(
    bundle: Bundle,
) -> None:
    for question in bundle.linkage.questions:
        assert question.help is not None, question.id
        if question.kind != "certification":
            assert question.allow_unknown, f"{question.id}: no 'I don't know'"


def test_i_dont_know_never_dead_ends(
    bundle: Bundle, paths: list[tuple[dict[str, str], engine.Walk]]
) -> None:
    """'I don't know' leads to a question that settles it, or to an outcome that says what to
    find out (or one whose steps do not depend on the unknown fact: a diagnosis made anyway)."""
    outcomes = bundle.linkage.outcomes_by_id()
    for answers, result in paths:
        last = result.path[-1]
        if result.used.get(last) == UNKNOWN:
            kind = outcomes[result.outcome_id or ""].kind
            settled_elsewhere = last in (
                "pc_user",
                "pc_associated",
                "cert_profile_connected",
                "other_profile",
                "associated_on",
                "expires_on",
            )
            # not shown on Learn by design, whatever the person saw
            by_design = result.outcome_id in ("certiport_since_2023_06", "psi_github")
            assert kind == "find_out" or settled_elsewhere or by_design, (last, answers)
        for qid in result.path[:-1]:
            if result.used.get(qid) == UNKNOWN:
                assert qid in result.path[:-1]  # a later question was asked: it settles it


# --- the seed author, and one realistic scenario per outcome -------------------------------------


SCENARIOS: dict[str, dict[str, str]] = {
    "certiport_since_2023_06": SEED,
    "certiport_before_2023_06": {
        "certification": "AZ-900",
        "earned_on": "2022-10-03",
        "provider": "certiport",
        "on_learn": "no",
    },
    "find_out_date": {
        "certification": "MS-900",
        "earned_on": UNKNOWN,
        "earned_period": UNKNOWN,
        "provider": "certiport",
        "on_learn": "no",
    },
    "provider_unknown": {
        "certification": "AI-900",
        "earned_on": "2025-01-20",
        "provider": UNKNOWN,
        "provider_clue": UNKNOWN,
    },
    "find_out_learn": {
        "certification": "AZ-104",
        "earned_on": "2026-03-01",
        "provider": "pearson_vue",
        "on_learn": UNKNOWN,
    },
    "expired": {"certification": "AZ-104", "earned_on": "2024-05-01", "expires_on": "2025-05-01"},
    "merge_profiles": {
        "certification": "AZ-305",
        "earned_on": "2026-02-01",
        "provider": "pearson_vue",
        "on_learn": "no",
        "other_profile": "yes",
    },
    "connect_cert_profile": {
        "certification": "AZ-104",
        "earned_on": "2026-02-01",
        "provider": "pearson_vue",
        "on_learn": "no",
        "other_profile": "no",
        "cert_profile_connected": "no",
    },
    "record_missing": {
        "certification": "AZ-104",
        "earned_on": "2026-02-01",
        "provider": "pearson_vue",
        "on_learn": "no",
        "other_profile": "no",
        "cert_profile_connected": "yes",
    },
    "no_pc_user": {
        "certification": "AZ-104",
        "earned_on": "2026-02-01",
        "provider": "pearson_vue",
        "on_learn": "yes",
        "pc_user": "no",
    },
    "associate_in_pc": {
        "certification": "AZ-104",
        "earned_on": "2026-02-01",
        "provider": "pearson_vue",
        "on_learn": "yes",
        "pc_user": "yes",
        "pc_associated": "none",
    },
    "pc_other_mcid": {
        "certification": "AZ-104",
        "earned_on": "2026-02-01",
        "provider": "pearson_vue",
        "on_learn": "yes",
        "pc_user": "yes",
        "pc_associated": "other",
    },
    "recently_associated": {
        "certification": "AZ-104",
        "earned_on": "2026-02-01",
        "provider": "pearson_vue",
        "on_learn": "yes",
        "pc_user": "yes",
        "pc_associated": "same",
        "associated_on": "2026-11-18",
    },
    "pc_not_counted": {
        "certification": "AZ-104",
        "earned_on": "2026-02-01",
        "provider": "pearson_vue",
        "on_learn": "yes",
        "pc_user": "yes",
        "pc_associated": "same",
        "associated_on": "2026-03-01",
        "shows_in_pc": "no",
    },
    "already_counted": {
        "certification": "AZ-104",
        "earned_on": "2026-09-01",
        "provider": "pearson_vue",
        "on_learn": "yes",
        "pc_user": "yes",
        "pc_associated": "same",
        "associated_on": "2026-09-20",
        "shows_in_pc": "yes",
    },
    "find_out_pc": {
        "certification": "AZ-104",
        "earned_on": "2026-09-01",
        "provider": "pearson_vue",
        "on_learn": "yes",
        "pc_user": "yes",
        "pc_associated": "same",
        "associated_on": "2026-09-20",
        "shows_in_pc": UNKNOWN,
    },
    "psi_github": {
        "certification": "GH-300",
        "earned_on": "2025-03-10",
        "provider": "psi",
        "on_learn": "no",
    },
    "renewal_due": {
        "certification": "AZ-104",
        "earned_on": "2026-01-15",
        "provider": "pearson_vue",
        "on_learn": "yes",
        "pc_user": "yes",
        "pc_associated": "same",
        "associated_on": "2026-02-01",
        "shows_in_pc": "yes",
    },
}


def test_a_scenario_exists_for_every_outcome(bundle: Bundle) -> None:
    assert set(SCENARIOS) == {o.id for o in bundle.linkage.outcomes}


@pytest.mark.parametrize("outcome_id", sorted(SCENARIOS))
def test_realistic_scenario_reaches_its_outcome(bundle: Bundle, outcome_id: str) -> None:
    result = walk(bundle, **SCENARIOS[outcome_id])
    assert result.outcome_id == outcome_id
    assert set(result.used) == set(SCENARIOS[outcome_id])


def test_the_seed_authors_situation_is_the_certiport_since_june_2023_outcome(
    bundle: Bundle,
) -> None:
    result = walk(bundle, **SEED)
    assert result.outcome_id == "certiport_since_2023_06"
    outcome = bundle.linkage.outcomes_by_id()[result.outcome_id]
    assert outcome.support is not None and outcome.support.channel == "partner_center"
    texts = " ".join(s.text.en for s in outcome.steps)
    assert "My Transcript" in texts and "Authorized View" in texts and "Pearson VUE" in texts
    assert result.recheck_on == date(2027, 2, 21)  # re-check later: 90 days
    # and AZ-900 scores nothing, which the result says up front
    assert "scores_nothing" in result.warnings


def test_the_june_2023_boundary(bundle: Bundle) -> None:
    before = walk(bundle, **{**SEED, "earned_on": "2023-05-31"})
    on = walk(bundle, **{**SEED, "earned_on": "2023-06-01"})
    assert before.outcome_id == "certiport_before_2023_06"
    assert on.outcome_id == "certiport_since_2023_06"


def test_rough_period_settles_an_unknown_date(bundle: Bundle) -> None:
    result = walk(bundle, **{**SEED, "earned_on": UNKNOWN, "earned_period": "from_2023_06"})
    assert result.outcome_id == "certiport_since_2023_06"
    assert result.path[:3] == ("certification", "earned_on", "earned_period")


def test_provider_clue_settles_an_unknown_provider(bundle: Bundle) -> None:
    result = walk(bundle, **{**SEED, "provider": UNKNOWN, "provider_clue": "certiport"})
    assert result.outcome_id == "certiport_since_2023_06"


def test_recently_associated_gives_the_date_to_check_again(bundle: Bundle) -> None:
    result = walk(bundle, **SCENARIOS["recently_associated"])
    assert result.recheck_on == date(2026, 11, 28)  # associated 2026-11-18 + 10 days
    assert result.expiry is not None and result.expiry.expires_on == date(2027, 2, 1)


def test_ten_day_boundary(bundle: Bundle) -> None:
    base = SCENARIOS["recently_associated"]
    nine_days = walk(bundle, **{**base, "associated_on": "2026-11-14"})
    ten_days = walk(bundle, **{**base, "associated_on": "2026-11-13", "shows_in_pc": "no"})
    assert nine_days.outcome_id == "recently_associated"
    assert ten_days.outcome_id == "pc_not_counted"


def test_renewal_window_warning_on_a_blocked_outcome(bundle: Bundle) -> None:
    result = walk(bundle, **{**SCENARIOS["connect_cert_profile"], "earned_on": "2026-01-15"})
    assert result.outcome_id == "connect_cert_profile"
    assert "renewal_window" in result.warnings


def test_legacy_two_year_validity(bundle: Bundle) -> None:
    # earned 2021-05-31 with two-year validity: expired in 2023, unless renewed since
    result = walk(bundle, certification="AZ-104", earned_on="2021-05-31")
    assert result.current == "expires_on"
    assert (
        walk(bundle, certification="AZ-104", earned_on="2021-05-31", expires_on=UNKNOWN).outcome_id
        == "expired"
    )


def test_a_renewed_certification_goes_on_with_its_own_expiry_date(bundle: Bundle) -> None:
    renewed = walk(
        bundle,
        certification="AZ-104",
        earned_on="2025-03-01",
        expires_on="2027-03-01",
        provider="pearson_vue",
        on_learn="yes",
        pc_user="no",
    )
    assert renewed.outcome_id == "no_pc_user"
    assert renewed.expiry is not None and renewed.expiry.expires_on == date(2027, 3, 1)
    lapsed = walk(bundle, certification="AZ-104", earned_on="2025-03-01", expires_on="2026-03-01")
    assert lapsed.outcome_id == "expired"


def test_fundamentals_never_expire(bundle: Bundle) -> None:
    result = walk(bundle, certification="AZ-900", earned_on="2015-04-01")
    assert result.current == "provider"
    assert result.facts["expiry"] == "never_expires"


# --- back, change, and the step in the URL -------------------------------------------------------


def test_back_follows_the_path_and_keeps_answers(bundle: Bundle) -> None:
    result = walk(bundle, **SCENARIOS["no_pc_user"])
    assert result.previous("pc_user") == "on_learn"
    assert result.previous("certification") is None
    assert result.number_of("pc_user") == 5


def test_changing_an_answer_keeps_the_others_and_reroutes(bundle: Bundle) -> None:
    answers = dict(SCENARIOS["connect_cert_profile"])
    answers["on_learn"] = "yes"  # changed: the path now goes to Partner Center
    result = engine.walk(bundle, answers, today=TODAY)
    assert result.current == "pc_user"
    assert "other_profile" not in result.path  # kept in the answers, not used
    answers["on_learn"] = "no"  # changed back: the kept answers are used again
    assert engine.walk(bundle, answers, today=TODAY).outcome_id == "connect_cert_profile"


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        ("provider", "provider"),  # answered, on the path
        ("on_learn", "on_learn"),  # the current question
        ("pc_user", "on_learn"),  # further on: the first unanswered step
        ("does-not-exist", "on_learn"),
        ("check", "on_learn"),
    ],
)
def test_a_step_edited_by_hand_lands_on_the_first_unanswered(
    bundle: Bundle, requested: str, expected: str
) -> None:
    result = walk(bundle, certification="AZ-104", earned_on="2026-02-01", provider="pearson_vue")
    assert engine.resolve_step(result, requested) == expected


def test_a_complete_path_resolves_unknown_steps_to_check(bundle: Bundle) -> None:
    assert engine.resolve_step(walk(bundle, **SEED), "nonsense") == "check"


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "raw", "key"),
    [
        ("earned_on", "2026-11-24", "wizard.error.date_future"),
        ("expires_on", "2032-01-01", "wizard.error.date_far_future"),
        ("earned_on", "1989-12-31", "wizard.error.date_too_old"),
        ("earned_on", "2024-02-30", "wizard.error.date_format"),
        ("earned_on", "15/03/2024", "wizard.error.date_format"),
        ("earned_on", "2024-3-5", "wizard.error.date_format"),
        ("earned_on", "", "wizard.error.date_required"),
        ("certification", "", "wizard.error.unknown_certification"),
        ("on_learn", "", "wizard.error.required"),
        ("provider", "prometric", "wizard.error.choice"),
        ("on_learn", "maybe", "wizard.error.choice"),
        ("certification", "AZ-999", "wizard.error.unknown_certification"),
        ("certification", UNKNOWN, "wizard.error.required"),
        ("nope", "yes", "wizard.error.unknown_question"),
    ],
)
def test_bad_answers_are_refused(bundle: Bundle, question: str, raw: str, key: str) -> None:
    with pytest.raises(engine.AnswerError) as caught:
        engine.validate_answer(bundle, question, raw, today=TODAY)
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("question", "raw", "clean"),
    [
        ("earned_on", " 2024-02-29 ", "2024-02-29"),
        ("earned_on", "1990-01-01", "1990-01-01"),
        ("earned_on", "2026-11-23", "2026-11-23"),
        ("expires_on", "2027-11-23", "2027-11-23"),  # an expiry date may lie ahead
        ("earned_on", UNKNOWN, UNKNOWN),
        ("certification", "az-104", "AZ-104"),
        ("on_learn", "yes", "yes"),
    ],
)
def test_good_answers_are_normalised(bundle: Bundle, question: str, raw: str, clean: str) -> None:
    assert engine.validate_answer(bundle, question, raw, today=TODAY) == clean


def test_after_an_answer_the_next_question_on_the_path(bundle: Bundle) -> None:
    complete = walk(bundle, **SEED)
    assert engine.next_step(complete, "provider") == "on_learn"  # onward, even if answered
    assert engine.next_step(complete, "on_learn") == "check"
    assert engine.next_step(complete, "provider", changing=True) == "check"
    rerouted = walk(bundle, **{**SEED, "provider": "pearson_vue"})
    assert engine.next_step(rerouted, "provider", changing=True) == "other_profile"
    assert engine.next_step(rerouted, "provider") == "on_learn"
