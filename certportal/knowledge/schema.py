"""The knowledge base's schema: catalog, designation rules and linkage rules, validated on load.

Pure (stdlib + pydantic). Three documents make one bundle:

- ``catalog``       certifications: codes, names (ja/en), level, validity, retirement, providers;
- ``designations``  Solutions Partner skilling rules: gates, points per person, caps, per track;
- ``linkage``       the wizard: questions, branches, outcomes, warnings, support channels.

Every entry carries ``sources`` (each with ``checked_on``): users see both. A document that fails
validation raises :class:`KnowledgeError` naming the file, the entry and the field, so an admin
can correct it; the caller keeps serving the last good version.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

LOCALES = ("ja", "en")
KINDS = ("catalog", "designations", "linkage")
UNKNOWN = "unknown"
STALE_AFTER_DAYS = 180

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]

Level = Literal["fundamentals", "associate", "expert", "specialty", "mos", "mce", "other"]
Provider = Literal["pearson_vue", "certiport", "psi"]
Owner = Literal["you", "pc_admin", "microsoft", "provider"]
Track = Literal["enterprise", "smb"]
QuestionKind = Literal["certification", "choice", "yesno", "date"]

# Facts the engine derives besides the answers themselves (see wizard.engine).
DERIVED_FACTS = ("expiry", "cert_level", "cert_expires", "cert_scores")
DERIVED_VALUES: dict[str, tuple[str, ...]] = {
    "expiry": (
        "never_expires",
        "active",
        "renewal_window",
        "expires_soon",
        "expired",
        "retired",
    ),
    "cert_level": ("fundamentals", "associate", "expert", "specialty", "mos", "mce", "other"),
    "cert_expires": ("yes", "no"),
    "cert_scores": ("yes", "no"),
}
# Placeholders a support message may use (see wizard.support_text).
MESSAGE_FIELDS = (
    "name",
    "certification",
    "exams",
    "earned_on",
    "provider",
    "mcid",
    "certification_number",
    "work_account",
    "personal_accounts",
    "learn_profiles",
    "certiport_username",
    "pc_user",
    "pc_mcid",
    "answers",
)


class KnowledgeError(ValueError):
    """A knowledge document is not valid; ``problems`` lists (entry, field, message)."""

    def __init__(self, file: str, problems: list[tuple[str, str, str]]) -> None:
        self.file = file
        self.problems = problems
        first = problems[0] if problems else ("", "", "invalid")
        super().__init__(f"{file}: entry {first[0] or '-'}, field {first[1] or '-'}: {first[2]}")

    def lines(self) -> list[str]:
        return [
            f"{self.file}: entry {entry or '-'}, field {field or '-'}: {message}"
            for entry, field, message in self.problems
        ]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Localized(_Strict):
    """A text in both languages; neither may be missing or empty."""

    ja: Text
    en: Text

    def get(self, locale: str) -> str:
        return self.ja if locale == "ja" else self.en


class Source(_Strict):
    label: Localized
    url: str | None = None
    checked_on: date
    # e.g. "reported by Microsoft support" when no public page states the fact
    note: Localized | None = None

    @field_validator("url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https://[A-Za-z0-9.\-]+(/\S*)?$", value):
            raise ValueError("must be an https:// address")
        return value

    @model_validator(mode="after")
    def _url_or_note(self) -> Source:
        if self.url is None and self.note is None:
            raise ValueError("a source needs a url or a note saying where the fact comes from")
        return self


class Sourced(_Strict):
    sources: list[Source] = Field(min_length=1)

    def checked_on(self) -> date:
        """The oldest check among the sources: the entry is as fresh as its stalest source."""
        return min(s.checked_on for s in self.sources)

    def is_stale(self, today: date) -> bool:
        return (today - self.checked_on()).days > STALE_AFTER_DAYS


# --- catalog ---------------------------------------------------------------------------------


class Validity(_Strict):
    expires: bool
    years: int | None = Field(default=None, ge=1, le=5)

    @model_validator(mode="after")
    def _years(self) -> Validity:
        if self.expires and self.years is None:
            raise ValueError("years is required when the certification expires")
        if not self.expires and self.years is not None:
            raise ValueError("years must be empty when the certification does not expire")
        return self


class Certification(Sourced):
    id: Id
    exams: list[Id] = Field(min_length=1)
    name: Localized
    level: Level
    validity: Validity
    retired_on: date | None = None
    points_until: date | None = None  # end of eligibility for partner points, when announced
    providers: list[Provider] = Field(min_length=1)


class Catalog(_Strict):
    kind: Literal["catalog"]
    certifications: list[Certification] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Catalog:
        _require_unique("certifications", [c.id for c in self.certifications])
        return self

    def by_id(self) -> Mapping[str, Certification]:
        """The certifications by id (built once per catalog: the catalog is immutable)."""
        return self._index

    @cached_property
    def _index(self) -> Mapping[str, Certification]:
        return {c.id: c for c in self.certifications}


# --- designations ----------------------------------------------------------------------------


class Gate(_Strict):
    """At least ``min_people`` people must hold one of ``certifications`` before points count."""

    certifications: list[Id] = Field(min_length=1)
    min_people: int = Field(ge=1, le=50)
    points_per_person: float = Field(default=0, ge=0, le=100)  # SMB: gate holders may earn points


class TrackRule(_Strict):
    gates: list[Gate] = []
    points_per_person: float = Field(gt=0, le=100)
    max_points: float = Field(gt=0, le=100)


class Earning(_Strict):
    certification: Id
    points_until: date | None = None


class Metric(Sourced):
    id: Id
    name: Localized
    earning: list[Earning] = Field(min_length=1)
    tracks: dict[Track, TrackRule]
    note: Localized | None = None  # e.g. where the official page contradicts itself

    @field_validator("tracks")
    @classmethod
    def _both_tracks(cls, value: dict[str, TrackRule]) -> dict[str, TrackRule]:
        if set(value) != {"enterprise", "smb"}:
            raise ValueError("needs both tracks: enterprise and smb")
        return value


class Designation(Sourced):
    id: Id
    name: Localized
    solution_area: Localized
    metrics: list[Metric] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Designation:
        _require_unique(f"designation {self.id} metrics", [m.id for m in self.metrics])
        return self


class Designations(_Strict):
    kind: Literal["designations"]
    designations: list[Designation] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Designations:
        _require_unique("designations", [d.id for d in self.designations])
        return self

    def naming(self, certification_id: str) -> Sequence[tuple[Designation, Metric]]:
        """The metrics that name this certification (to earn points, or as a gate), in document
        order: "does it score?" is asked at every step of every diagnosis."""
        return self._naming.get(certification_id, ())

    @cached_property
    def _naming(self) -> Mapping[str, tuple[tuple[Designation, Metric], ...]]:
        index: dict[str, list[tuple[Designation, Metric]]] = {}
        for d in self.designations:
            for m in d.metrics:
                named = {e.certification for e in m.earning}
                for rule in m.tracks.values():
                    for gate in rule.gates:
                        named.update(gate.certifications)
                for certification_id in named:
                    index.setdefault(certification_id, []).append((d, m))
        return {k: tuple(v) for k, v in index.items()}


# --- linkage rules ---------------------------------------------------------------------------


class Condition(_Strict):
    """One test on a fact (an answer or a derived fact), or a combination of conditions.

    Exactly one form: ``fact`` with one of ``eq`` / ``in`` / ``before`` / ``on_or_after`` /
    ``within_days`` / ``answered``; or ``all`` / ``any`` / ``not``.
    """

    fact: Id | None = None
    eq: str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    before: date | None = None
    on_or_after: date | None = None
    within_days: int | None = Field(default=None, ge=0, le=3650)
    answered: bool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        tests = [
            x is not None
            for x in (self.eq, self.in_, self.before, self.on_or_after, self.within_days)
        ] + [self.answered is not None]
        combos = [x is not None for x in (self.all, self.any, self.not_)]
        if self.fact is not None:
            if sum(tests) != 1 or any(combos):
                raise ValueError("a fact condition needs exactly one test")
        elif sum(combos) != 1 or any(tests):
            raise ValueError("a condition needs a fact and a test, or one of all/any/not")
        return self

    def facts(self) -> Iterator[Condition]:
        """Every fact test inside this condition."""
        if self.fact is not None:
            yield self
        for child in (self.all or []) + (self.any or []):
            yield from child.facts()
        if self.not_ is not None:
            yield from self.not_.facts()


class Branch(_Strict):
    when: Condition | None = None
    goto: Id | None = None
    outcome: Id | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Branch:
        if (self.goto is None) == (self.outcome is None):
            raise ValueError("a branch needs exactly one of goto or outcome")
        return self


class Option(_Strict):
    value: Id
    label: Localized
    hint: Localized | None = None


class Question(Sourced):
    id: Id
    kind: QuestionKind
    text: Localized
    help: Localized | None = None
    options: list[Option] = []
    allow_unknown: bool = False
    unknown_label: Localized | None = None
    # the identity-map suggestion that pre-fills this question (wizard asks to confirm it)
    prefill: Id | None = None
    # date questions: whether a date after today is a valid answer (e.g. an expiry date)
    future: bool = False
    next: list[Branch] = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> Question:
        if self.kind == "choice" and len(self.options) < 2:
            raise ValueError("a choice question needs at least two options")
        if self.future and self.kind != "date":
            raise ValueError("only a date question can accept future dates")
        if self.kind != "choice" and self.options:
            raise ValueError(f"a {self.kind} question has no options")
        if any(o.value == UNKNOWN for o in self.options):
            raise ValueError(f"'{UNKNOWN}' is reserved for \"I don't know\"")
        _require_unique(f"question {self.id} options", [o.value for o in self.options])
        if self.next[-1].when is not None:
            raise ValueError("the last branch must have no condition (the default)")
        if any(b.when is None for b in self.next[:-1]):
            raise ValueError("only the last branch may be unconditional")
        return self

    def values(self) -> list[str]:
        if self.kind == "yesno":
            return ["yes", "no"]
        return [o.value for o in self.options]


class Step(_Strict):
    text: Localized
    owner: Owner
    link: str | None = None

    @field_validator("link")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("must be an https:// address")
        return value


class SupportMessage(_Strict):
    channel: Id
    subject: Localized
    body: Localized


class Outcome(Sourced):
    id: Id
    title: Localized
    diagnosis: Localized
    kind: Literal["ok", "wait", "action", "blocked", "find_out"]
    steps: list[Step] = Field(min_length=1)
    warnings: list[Localized] = []
    recheck_after_days: int | None = Field(default=None, ge=1, le=365)
    # count the re-check from the latest date answered (e.g. the association) or from today
    recheck_from: Literal["today", "latest_answer"] = "today"
    support: SupportMessage | None = None


class Warning(Sourced):
    """Shown on any outcome when its condition holds (e.g. the renewal window is open)."""

    id: Id
    when: Condition
    text: Localized


class Channel(Sourced):
    id: Id
    name: Localized
    url: str = Field(pattern=r"^https://")
    when: Localized


class Linkage(_Strict):
    kind: Literal["linkage"]
    start: Id
    earned_on_question: Id
    certification_question: Id
    provider_question: Id
    # the person's own expiry date (e.g. after renewals), which overrides the catalog rule
    expires_on_question: Id | None = None
    questions: list[Question] = Field(min_length=1)
    outcomes: list[Outcome] = Field(min_length=1)
    warnings: list[Warning] = []
    channels: list[Channel] = Field(min_length=1)

    def question(self, qid: str) -> Question:
        return self.questions_by_id()[qid]

    # the indexes are built once per document (documents are immutable): the wizard looks
    # questions up at every step of every walk
    def questions_by_id(self) -> Mapping[str, Question]:
        return self._questions

    def outcomes_by_id(self) -> Mapping[str, Outcome]:
        return self._outcomes

    def channels_by_id(self) -> Mapping[str, Channel]:
        return self._channels

    @cached_property
    def _questions(self) -> Mapping[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def _outcomes(self) -> Mapping[str, Outcome]:
        return {o.id: o for o in self.outcomes}

    @cached_property
    def _channels(self) -> Mapping[str, Channel]:
        return {c.id: c for c in self.channels}


class Bundle(_Strict):
    catalog: Catalog
    designations: Designations
    linkage: Linkage


# --- validation beyond field types -----------------------------------------------------------


class _Problem(Exception):
    def __init__(self, entry: str, field: str, message: str) -> None:
        super().__init__(message)
        self.entry, self.field, self.message = entry, field, message


def _require_unique(where: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"duplicate id '{item}' in {where}")
        seen.add(item)


def _linkage_problems(doc: Linkage) -> Iterator[_Problem]:
    questions = doc.questions_by_id()
    outcomes = doc.outcomes_by_id()
    channels = doc.channels_by_id()
    for what, ids in (
        ("questions", [q.id for q in doc.questions]),
        ("outcomes", [o.id for o in doc.outcomes]),
        ("warnings", [w.id for w in doc.warnings]),
        ("channels", [c.id for c in doc.channels]),
    ):
        try:
            _require_unique(what, ids)
        except ValueError as exc:
            yield _Problem(what, "id", str(exc))
    for field, qid in (
        ("start", doc.start),
        ("earned_on_question", doc.earned_on_question),
        ("certification_question", doc.certification_question),
        ("provider_question", doc.provider_question),
        ("expires_on_question", doc.expires_on_question),
    ):
        if qid is None:
            continue
        if qid not in questions:
            yield _Problem("linkage", field, f"unknown question id '{qid}'")
    cert_q = questions.get(doc.certification_question)
    if cert_q is not None and cert_q.kind != "certification":
        yield _Problem(doc.certification_question, "kind", "must be a certification question")
    for field in ("earned_on_question", "expires_on_question"):
        qid = getattr(doc, field)
        if qid in questions and questions[qid].kind != "date":
            yield _Problem(qid, "kind", f"{field} must be a date question")
    provider_q = questions.get(doc.provider_question)
    if provider_q is not None and provider_q.kind != "choice":
        yield _Problem(doc.provider_question, "kind", "must be a choice question")
    known_facts = set(questions) | set(DERIVED_FACTS)
    conditions: list[tuple[str, str, Condition]] = []
    for q in doc.questions:
        for i, branch in enumerate(q.next):
            if branch.goto is not None and branch.goto not in questions:
                yield _Problem(q.id, f"next[{i}].goto", f"unknown question id '{branch.goto}'")
            if branch.outcome is not None and branch.outcome not in outcomes:
                yield _Problem(q.id, f"next[{i}].outcome", f"unknown outcome id '{branch.outcome}'")
            if branch.when is not None:
                conditions.append((q.id, f"next[{i}].when", branch.when))
        if q.allow_unknown and q.kind == "certification":
            yield _Problem(q.id, "allow_unknown", "a certification must be picked")
    for w in doc.warnings:
        conditions.append((w.id, "when", w.when))
    for entry, field, condition in conditions:
        for test in condition.facts():
            if test.fact not in known_facts:
                yield _Problem(entry, field, f"unknown fact or question id '{test.fact}'")
                continue
            kind = questions[test.fact].kind if test.fact in questions else "derived"
            dated = test.before or test.on_or_after or test.within_days is not None
            if dated and kind != "date":
                yield _Problem(entry, field, f"'{test.fact}' is not a date")
            allowed_values: set[str] | None = None
            if kind in ("choice", "yesno"):
                allowed_values = set(questions[test.fact].values()) | {UNKNOWN}
            elif test.fact in DERIVED_VALUES:
                allowed_values = set(DERIVED_VALUES[test.fact])
            if allowed_values is not None:
                allowed = allowed_values
                for value in [test.eq] if test.eq is not None else (test.in_ or []):
                    if value not in allowed:
                        yield _Problem(entry, field, f"'{test.fact}' has no value '{value}'")
    for o in doc.outcomes:
        if o.support is not None:
            if o.support.channel not in channels:
                yield _Problem(o.id, "support.channel", f"unknown channel '{o.support.channel}'")
            for locale in LOCALES:
                for part in ("subject", "body"):
                    text = getattr(o.support, part).get(locale)
                    try:
                        fields = [
                            (f, spec, conversion)
                            for _, f, spec, conversion in string.Formatter().parse(text)
                            if f is not None
                        ]
                    except ValueError as exc:
                        yield _Problem(o.id, f"support.{part}.{locale}", str(exc))
                        continue
                    # only plain {name}: "{}", a conversion or a format spec fail when filled
                    if any(not f or spec or conversion for f, spec, conversion in fields):
                        yield _Problem(
                            o.id,
                            f"support.{part}.{locale}",
                            "a placeholder is a field name in braces, such as {name}",
                        )
                    names = {f for f, _, _ in fields if f}
                    for name in sorted(names - set(MESSAGE_FIELDS)):
                        yield _Problem(
                            o.id, f"support.{part}.{locale}", f"unknown field {{{name}}}"
                        )
    yield from _graph_problems(doc)


def _graph_problems(doc: Linkage) -> Iterator[_Problem]:
    """No cycles; every question and outcome reachable from the start (iterative: a long chain of
    questions is fine)."""
    questions = doc.questions_by_id()
    if doc.start not in questions:
        return
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reached_outcomes: set[str] = set()
    trail: list[str] = []
    stack: list[tuple[str, int]] = [(doc.start, 0)]
    while stack:
        qid, index = stack.pop()
        if index == 0:
            if state.get(qid) == 2:
                continue
            state[qid] = 1
            trail.append(qid)
        branches = questions[qid].next
        if index < len(branches):
            stack.append((qid, index + 1))
            branch = branches[index]
            if branch.outcome is not None:
                reached_outcomes.add(branch.outcome)
            elif branch.goto is not None and branch.goto in questions:
                if state.get(branch.goto) == 1:
                    loop = [*trail[trail.index(branch.goto) :], branch.goto]
                    yield _Problem(branch.goto, "next", "cycle: " + " → ".join(loop))
                    return
                if state.get(branch.goto) != 2:
                    stack.append((branch.goto, 0))
            continue
        state[qid] = 2
        trail.pop()
    for q in doc.questions:
        if q.id not in state:
            yield _Problem(q.id, "id", "question is unreachable from the start")
    for o in doc.outcomes:
        if o.id not in reached_outcomes:
            yield _Problem(o.id, "id", "outcome is unreachable")


def _bundle_problems(bundle: Bundle) -> Iterator[tuple[str, _Problem]]:
    known = set(bundle.catalog.by_id())
    for d in bundle.designations.designations:
        for m in d.metrics:
            codes = [e.certification for e in m.earning]
            for rule in m.tracks.values():
                for gate in rule.gates:
                    codes.extend(gate.certifications)
            for code in codes:
                if code not in known:
                    yield (
                        "designations",
                        _Problem(
                            f"{d.id}/{m.id}", "certification", f"'{code}' is not in the catalog"
                        ),
                    )


# --- parsing ---------------------------------------------------------------------------------

_MODELS: dict[str, type[Catalog | Designations | Linkage]] = {
    "catalog": Catalog,
    "designations": Designations,
    "linkage": Linkage,
}


def _entry_of(data: Any, loc: tuple[int | str, ...]) -> tuple[str, str]:
    """(entry id, field path inside the entry) for a pydantic error location."""
    node = data
    entry = ""
    depth = 0
    for i, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            entry, depth = node["id"], i + 1
    rest = ".".join(str(p) for p in loc[depth:]) if entry else ".".join(str(p) for p in loc)
    return entry, rest


def parse_document(file: str, text: str | bytes) -> Catalog | Designations | Linkage:
    """Parse and validate one document; raise :class:`KnowledgeError` naming entry and field."""
    try:
        return _parse(file, text)
    except RecursionError:
        raise KnowledgeError(file, [("", "", "nested too deeply")]) from None


def _parse(file: str, text: str | bytes) -> Catalog | Designations | Linkage:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise KnowledgeError(file, [("", "", f"not valid JSON: {exc}")]) from None
    kind = data.get("kind") if isinstance(data, dict) else None
    if not isinstance(kind, str) or kind not in _MODELS:
        raise KnowledgeError(file, [("", "kind", f"must be one of {', '.join(KINDS)}")])
    model = _MODELS[kind]
    try:
        doc = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            entry, field = _entry_of(data, tuple(err["loc"]))
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.append((entry, field, message))
        raise KnowledgeError(file, problems) from None
    if isinstance(doc, Linkage):
        found = [(p.entry, p.field, p.message) for p in _linkage_problems(doc)]
        if found:
            raise KnowledgeError(file, found)
    return doc


def make_bundle(documents: dict[str, Catalog | Designations | Linkage]) -> Bundle:
    """Join the three documents and check references across them."""
    missing = [k for k in KINDS if k not in documents]
    if missing:
        raise KnowledgeError("bundle", [("", k, "document missing") for k in missing])
    bundle = Bundle.model_validate(
        {
            "catalog": documents["catalog"],
            "designations": documents["designations"],
            "linkage": documents["linkage"],
        }
    )
    found = list(_bundle_problems(bundle))
    if found:
        raise KnowledgeError(
            f"{found[0][0]}.json", [(p.entry, p.field, p.message) for _, p in found]
        )
    return bundle


def dump_document(doc: Catalog | Designations | Linkage) -> str:
    """The canonical text of a document (what admins download and edit)."""
    data = doc.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=False)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
