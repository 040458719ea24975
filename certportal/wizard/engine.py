"""The linkage wizard's engine: walks the linkage rules over the answers given so far. Pure.

Answers are a plain mapping ``question id → value`` (ISO dates for date questions, option values
for choices, ``yes``/``no``, a catalog id for the certification, or ``unknown`` for "I don't know").
The path is recomputed from the start each time, so going back and changing an answer keeps every
other answer: those no longer on the path are simply not used (and come back if the path returns).

``walk`` gives the path, the next question (or none when the path is complete), the outcome, the
facts that decided it, the warnings that apply and the date to check again. ``explore`` enumerates
every path of a rule set with representative answers; the tests use it to walk every path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from certportal.credentials import expiry as expiry_rules
from certportal.knowledge import eligibility
from certportal.knowledge.schema import UNKNOWN, Bundle, Condition, Question

EARLIEST = date(1990, 1, 1)
FUTURE_YEARS = 5  # how far ahead a future date (an expiry) may be
MAX_STEPS = 200  # a safety net; the schema already refuses cycles
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REQUIRED = {
    "certification": "wizard.error.unknown_certification",
    "date": "wizard.error.date_required",
}


class AnswerError(ValueError):
    """An answer that cannot be accepted; ``key`` is a message key, ``params`` its values."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Walk:
    path: tuple[str, ...]  # questions on the path, answered ones then the current one
    current: str | None  # the first unanswered question; None when complete
    outcome_id: str | None
    facts: Mapping[str, str]
    warnings: tuple[str, ...] = ()
    expiry: expiry_rules.Expiry | None = None
    recheck_on: date | None = None
    used: Mapping[str, str] = field(default_factory=dict)  # the answers that led here

    @property
    def complete(self) -> bool:
        return self.outcome_id is not None

    def number_of(self, question_id: str) -> int:
        """ "Question n": the 1-based position on the path."""
        return self.path.index(question_id) + 1

    def previous(self, question_id: str) -> str | None:
        """The question before this one on the path (the back link), None for the first."""
        if question_id not in self.path:
            return self.path[-1] if self.path else None
        index = self.path.index(question_id)
        return self.path[index - 1] if index > 0 else None


def parse_date(value: str) -> date | None:
    if not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def validate_answer(bundle: Bundle, question_id: str, raw: str, *, today: date) -> str:
    """The answer normalised for storage, or :class:`AnswerError`."""
    questions = bundle.linkage.questions_by_id()
    if question_id not in questions:
        raise AnswerError("wizard.error.unknown_question")
    question = questions[question_id]
    value = (raw or "").strip()
    if not value:
        raise AnswerError(_REQUIRED.get(question.kind, "wizard.error.required"))
    if value == UNKNOWN:
        if not question.allow_unknown:
            raise AnswerError("wizard.error.required")
        return UNKNOWN
    if question.kind == "certification":
        wanted = value.upper()
        for cert in bundle.catalog.certifications:
            if cert.id.upper() == wanted:
                return cert.id
        raise AnswerError("wizard.error.unknown_certification")
    if question.kind == "date":
        day = parse_date(value)
        if day is None:
            raise AnswerError("wizard.error.date_format")
        if day > today and not question.future:
            raise AnswerError("wizard.error.date_future")
        if day > today + timedelta(days=366 * FUTURE_YEARS):
            raise AnswerError("wizard.error.date_far_future")
        if day < EARLIEST:
            raise AnswerError("wizard.error.date_too_old", earliest=EARLIEST.isoformat())
        return day.isoformat()
    if value not in question.values():
        raise AnswerError("wizard.error.choice")
    return value


def _holds(condition: Condition, facts: Mapping[str, str], today: date) -> bool:
    if condition.all is not None:
        return all(_holds(c, facts, today) for c in condition.all)
    if condition.any is not None:
        return any(_holds(c, facts, today) for c in condition.any)
    if condition.not_ is not None:
        return not _holds(condition.not_, facts, today)
    assert condition.fact is not None
    value = facts.get(condition.fact)
    if condition.answered is not None:
        return (value is not None) == condition.answered
    if value is None:
        return False
    if condition.eq is not None:
        return value == condition.eq
    if condition.in_ is not None:
        return value in condition.in_
    day = parse_date(value)
    if day is None:
        return False
    if condition.before is not None:
        return day < condition.before
    if condition.on_or_after is not None:
        return day >= condition.on_or_after
    assert condition.within_days is not None
    return 0 <= (today - day).days < condition.within_days


def _derive(bundle: Bundle, facts: dict[str, str], today: date) -> expiry_rules.Expiry | None:
    """Add the derived facts (certification level, expiry, whether it scores)."""
    linkage = bundle.linkage
    cert = bundle.catalog.by_id().get(facts.get(linkage.certification_question, ""))
    if cert is None:
        return None
    facts["cert_level"] = cert.level
    facts["cert_expires"] = "yes" if cert.validity.expires else "no"
    facts["cert_scores"] = "yes" if eligibility.scores(bundle, cert.id, today) else "no"
    earned = parse_date(facts.get(linkage.earned_on_question, ""))
    if earned is None:
        return None
    own = parse_date(facts.get(linkage.expires_on_question or "", ""))
    result = expiry_rules.status(
        earned_on=earned,
        today=today,
        expires=cert.validity.expires,
        years=cert.validity.years,
        retired_on=cert.retired_on,
        override=own if cert.validity.expires else None,
    )
    facts["expiry"] = result.status.value
    return result


def walk(bundle: Bundle, answers: Mapping[str, str], *, today: date) -> Walk:
    linkage = bundle.linkage
    questions = linkage.questions_by_id()
    facts: dict[str, str] = {}
    path: list[str] = []
    used: dict[str, str] = {}
    expiry: expiry_rules.Expiry | None = None
    qid: str | None = linkage.start
    outcome_id: str | None = None
    while qid is not None and len(path) < MAX_STEPS:
        path.append(qid)
        if qid not in answers:
            break
        facts[qid] = answers[qid]
        used[qid] = answers[qid]
        expiry = _derive(bundle, facts, today) or expiry
        branch = next(
            b for b in questions[qid].next if b.when is None or _holds(b.when, facts, today)
        )
        qid = branch.goto
        outcome_id = branch.outcome
    if outcome_id is None:
        return Walk(tuple(path), path[-1] if path else None, None, facts, expiry=expiry, used=used)
    outcome = linkage.outcomes_by_id()[outcome_id]
    warnings = tuple(w.id for w in linkage.warnings if _holds(w.when, facts, today))
    recheck_on = None
    if outcome.recheck_after_days:
        base = today
        if outcome.recheck_from == "latest_answer":
            dates = [
                d
                for q in path
                if questions[q].kind == "date" and (d := parse_date(facts.get(q, ""))) is not None
            ]
            base = max(dates, default=today)
        recheck_on = base + timedelta(days=outcome.recheck_after_days)
    return Walk(tuple(path), None, outcome_id, facts, warnings, expiry, recheck_on, used)


def resolve_step(walk_: Walk, requested: str) -> str:
    """The step to show for a requested URL step: a question on the path, ``check`` when the path
    is complete, else the first unanswered question (a step edited by hand lands there)."""
    if requested in walk_.path:
        return requested
    if walk_.complete:
        return "check"
    assert walk_.current is not None
    return walk_.current


def next_step(walk_: Walk, answered: str, *, changing: bool = False) -> str:
    """Where to go after answering ``answered``: onward to the next question on the (possibly new)
    path; a change made from the summary asks only what the new path still needs, then returns
    to the summary (``check``)."""
    if not changing and answered in walk_.path:
        index = walk_.path.index(answered)
        if index + 1 < len(walk_.path):
            return walk_.path[index + 1]
    return walk_.current or "check"


# --- exploring every path (used by the tests and by admins' previews) ----------------------------


def _date_candidates(
    bundle: Bundle, question: Question, facts: Mapping[str, str], today: date
) -> list[str]:
    linkage = bundle.linkage
    days: set[date] = {today - timedelta(days=400)}
    conditions = [b.when for q in linkage.questions for b in q.next if b.when is not None]
    conditions += [w.when for w in linkage.warnings]
    for condition in conditions:
        for test in condition.facts():
            if test.fact != question.id:
                continue
            for edge in (test.before, test.on_or_after):
                if edge is not None:
                    days.update({edge - timedelta(days=1), edge})
            if test.within_days is not None:
                days.update(
                    {
                        today - timedelta(days=test.within_days - 1),
                        today - timedelta(days=test.within_days),
                    }
                )
    if question.id == linkage.earned_on_question:
        # one date per expiry status, and one from the legacy two-year era
        days.update(today - timedelta(days=n) for n in (30, 200, 350, 400, 1000))
        days.add(date(2021, 5, 31))
        cert = bundle.catalog.by_id().get(facts.get(linkage.certification_question, ""))
        if cert is not None and cert.retired_on is not None:
            days.update({cert.retired_on - timedelta(days=1), cert.retired_on})
    latest = today
    if question.future:
        # an expiry date: passed, in the renewal window, well ahead
        days.update(today + timedelta(days=n) for n in (-1, 20, 100, 300))
        latest = today + timedelta(days=366 * FUTURE_YEARS)
    return sorted(d.isoformat() for d in days if EARLIEST <= d <= latest)


def _certification_candidates(bundle: Bundle, today: date) -> list[str]:
    """One certification per distinct set of derived facts (plus any named in a condition)."""
    seen: dict[tuple[object, ...], str] = {}
    for cert in bundle.catalog.certifications:
        signature = (
            cert.level,
            cert.validity.expires,
            cert.retired_on is not None and cert.retired_on <= today,
            eligibility.scores(bundle, cert.id, today),
        )
        seen.setdefault(signature, cert.id)
    named = {
        value
        for q in bundle.linkage.questions
        for b in q.next
        if b.when is not None
        for t in b.when.facts()
        if t.fact == bundle.linkage.certification_question
        for value in ([t.eq] if t.eq else (t.in_ or []))
    }
    return sorted(set(seen.values()) | named)


def candidates(
    bundle: Bundle, question_id: str, answers: Mapping[str, str], today: date
) -> list[str]:
    question = bundle.linkage.question(question_id)
    if question.kind == "certification":
        values = _certification_candidates(bundle, today)
    elif question.kind == "date":
        values = _date_candidates(bundle, question, answers, today)
    else:
        values = question.values()
    return values + ([UNKNOWN] if question.allow_unknown else [])


def explore(bundle: Bundle, *, today: date) -> Iterator[tuple[dict[str, str], Walk]]:
    """Every complete path, each as (answers, walk), trying every representative answer."""
    stack: list[dict[str, str]] = [{}]
    while stack:
        answers = stack.pop()
        result = walk(bundle, answers, today=today)
        if result.complete:
            yield answers, result
            continue
        assert result.current is not None
        for value in candidates(bundle, result.current, answers, today):
            stack.append({**answers, result.current: value})
