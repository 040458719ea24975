"""What the wizard pages show, in both languages, built from the rules, the walk and the person's
data. Pure: the State holds these dataclasses as they are; each text is ``{"ja": …, "en": …}`` so a
language switch needs no round trip."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from certportal.i18n.catalog import translate
from certportal.i18n.formatting import format_date
from certportal.identity.rules import Identity
from certportal.knowledge import eligibility
from certportal.knowledge.schema import LOCALES, UNKNOWN, Bundle, Localized, Question, Source
from certportal.wizard import support_text
from certportal.wizard.engine import Walk, parse_date

L = dict[str, str]


def loc(text: Localized | None) -> L:
    return {"ja": text.ja, "en": text.en} if text is not None else {"ja": "", "en": ""}


def msg(key: str, **params: object) -> L:
    return {locale: translate(locale, key, **params) for locale in LOCALES}


def dates(day: date | None) -> L:
    if day is None:
        return {"ja": "", "en": ""}
    return {locale: format_date(day, locale) for locale in LOCALES}


@dataclasses.dataclass
class OptionView:
    value: str = ""
    label: L = dataclasses.field(default_factory=dict)
    hint: L = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class QuestionView:
    id: str = ""
    kind: str = ""
    number: int = 0
    text: L = dataclasses.field(default_factory=dict)
    help: L = dataclasses.field(default_factory=dict)
    options: list[OptionView] = dataclasses.field(default_factory=list)
    allow_unknown: bool = False
    unknown_label: L = dataclasses.field(default_factory=dict)
    value: str = ""  # the answer given, or the identity map's suggestion
    suggested: bool = False


@dataclasses.dataclass
class AnswerView:
    question_id: str = ""
    question: L = dataclasses.field(default_factory=dict)
    answer: L = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class StepView:
    number: int = 0
    text: L = dataclasses.field(default_factory=dict)
    owner: str = ""
    link: str = ""


@dataclasses.dataclass
class SourceView:
    label: L = dataclasses.field(default_factory=dict)
    url: str = ""
    checked_on: L = dataclasses.field(default_factory=dict)
    note: L = dataclasses.field(default_factory=dict)
    stale: bool = False


@dataclasses.dataclass
class ScoreView:
    designation: L = dataclasses.field(default_factory=dict)
    metric: L = dataclasses.field(default_factory=dict)
    role: str = ""
    enterprise_points: str = ""
    smb_points: str = ""
    max_points: str = ""
    points_until: L = dataclasses.field(default_factory=dict)
    checked_on: L = dataclasses.field(default_factory=dict)
    source_url: str = ""


@dataclasses.dataclass
class SupportView:
    channel: L = dataclasses.field(default_factory=dict)
    channel_url: str = ""
    subject: L = dataclasses.field(default_factory=dict)
    body: L = dataclasses.field(default_factory=dict)
    full: L = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class OutcomeView:
    id: str = ""
    kind: str = ""
    title: L = dataclasses.field(default_factory=dict)
    diagnosis: L = dataclasses.field(default_factory=dict)
    steps: list[StepView] = dataclasses.field(default_factory=list)
    warnings: list[L] = dataclasses.field(default_factory=list)
    recheck_on: L = dataclasses.field(default_factory=dict)
    scores: list[ScoreView] = dataclasses.field(default_factory=list)
    has_support: bool = False
    support: SupportView = dataclasses.field(default_factory=SupportView)
    sources: list[SourceView] = dataclasses.field(default_factory=list)
    answers: list[AnswerView] = dataclasses.field(default_factory=list)


def _points(value: float) -> str:
    return f"{value:g}"


def source_view(source: Source, today: date) -> SourceView:
    from certportal.knowledge.schema import STALE_AFTER_DAYS

    return SourceView(
        label=loc(source.label),
        url=source.url or "",
        checked_on=dates(source.checked_on),
        note=loc(source.note),
        stale=(today - source.checked_on).days > STALE_AFTER_DAYS,
    )


def certification_label(bundle: Bundle, cert_id: str) -> L:
    cert = bundle.catalog.by_id().get(cert_id)
    if cert is None:
        return {"ja": cert_id, "en": cert_id}
    return {locale: f"{cert.id} — {cert.name.get(locale)}" for locale in LOCALES}


def answer_label(bundle: Bundle, question: Question, value: str) -> L:
    if value == UNKNOWN:
        return loc(question.unknown_label) if question.unknown_label else msg("wizard.dont_know")
    if question.kind == "certification":
        return certification_label(bundle, value)
    if question.kind == "date":
        day = parse_date(value)
        return dates(day) if day else {"ja": value, "en": value}
    if question.kind == "yesno":
        return msg(f"common.{value}")
    for option in question.options:
        if option.value == value:
            return loc(option.label)
    return {"ja": value, "en": value}


def question_view(
    bundle: Bundle,
    walk: Walk,
    question_id: str,
    answers: Mapping[str, str],
    suggestions: Mapping[str, str],
) -> QuestionView:
    question = bundle.linkage.question(question_id)
    value = answers.get(question_id, "")
    suggested = False
    if not value and question.prefill and question.prefill in suggestions:
        value, suggested = suggestions[question.prefill], True
    return QuestionView(
        id=question.id,
        kind=question.kind,
        number=walk.number_of(question_id) if question_id in walk.path else len(walk.path),
        text=loc(question.text),
        help=loc(question.help),
        options=[OptionView(o.value, loc(o.label), loc(o.hint)) for o in question.options],
        allow_unknown=question.allow_unknown,
        unknown_label=loc(question.unknown_label)
        if question.unknown_label
        else msg("wizard.dont_know"),
        value=value,
        suggested=suggested,
    )


def answers_view(bundle: Bundle, walk: Walk) -> list[AnswerView]:
    questions = bundle.linkage.questions_by_id()
    return [
        AnswerView(
            qid, loc(questions[qid].text), answer_label(bundle, questions[qid], walk.used[qid])
        )
        for qid in walk.path
        if qid in walk.used
    ]


def message_values(
    bundle: Bundle,
    walk: Walk,
    identity: Identity,
    name: str,
    locale: str,
    certification_number: str = "",
) -> dict[str, str]:
    """The values a support message may use, in one language; private fields left out."""
    linkage = bundle.linkage
    shared = identity.shared()
    cert = bundle.catalog.by_id().get(walk.used.get(linkage.certification_question, ""))
    values = {
        "name": name,
        "certification": f"{cert.id} — {cert.name.get(locale)}" if cert else "",
        "exams": ", ".join(cert.exams) if cert else "",
        "work_account": shared.work_account,
        "personal_accounts": ", ".join(shared.personal_accounts),
        "learn_profiles": ", ".join(shared.learn_profiles),
        "mcid": shared.mcid,
        "certiport_username": shared.certiport_username,
        "pc_user": shared.pc_user,
        "pc_mcid": shared.pc_mcid,
        "certification_number": certification_number,
    }
    earned = parse_date(walk.used.get(linkage.earned_on_question, ""))
    values["earned_on"] = format_date(earned, locale) if earned else ""
    questions = linkage.questions_by_id()
    provider = walk.used.get(linkage.provider_question, "")
    provider_q = questions[linkage.provider_question]
    if provider == UNKNOWN:
        # settled by a later question with the same options (e.g. "how did you book it?")
        provider = next(
            (
                walk.used[q]
                for q in walk.path
                if q != provider_q.id
                and questions[q].kind == "choice"
                and walk.used.get(q) in provider_q.values()
            ),
            "",
        )
    if provider and provider != UNKNOWN:
        values["provider"] = answer_label(bundle, provider_q, provider)[locale]
    lines = [
        f"- {questions[a.question_id].text.get(locale)} {a.answer[locale]}"
        for a in answers_view(bundle, walk)
        if a.question_id != linkage.certification_question
    ]
    values["answers"] = "\n".join(lines)
    return values


def outcome_view(
    bundle: Bundle,
    walk: Walk,
    *,
    identity: Identity,
    name: str,
    today: date,
    certification_number: str = "",
) -> OutcomeView:
    assert walk.outcome_id is not None
    linkage = bundle.linkage
    outcome = linkage.outcomes_by_id()[walk.outcome_id]
    cert_id = walk.used.get(linkage.certification_question, "")
    expires = walk.expiry.expires_on if walk.expiry else None
    warnings = [loc(w) for w in outcome.warnings]
    sources = list(outcome.sources)
    for warning in linkage.warnings:
        if warning.id in walk.warnings:
            warnings.insert(
                0,
                {
                    locale: warning.text.get(locale).replace(
                        "{expires_on}", format_date(expires, locale)
                    )
                    for locale in LOCALES
                },
            )
            sources.extend(s for s in warning.sources if s not in sources)
    scores = [
        ScoreView(
            designation=loc(c.designation),
            metric=loc(c.metric),
            role=c.role,
            enterprise_points=_points(c.enterprise_points),
            smb_points=_points(c.smb_points),
            max_points=_points(c.max_points),
            points_until=dates(c.points_until),
            checked_on=dates(c.checked_on),
            source_url=c.source_url or "",
        )
        for c in eligibility.contributions(bundle, cert_id, today)
    ]
    view = OutcomeView(
        id=outcome.id,
        kind=outcome.kind,
        title=loc(outcome.title),
        diagnosis=loc(outcome.diagnosis),
        steps=[
            StepView(i + 1, loc(s.text), s.owner, s.link or "") for i, s in enumerate(outcome.steps)
        ],
        warnings=warnings,
        recheck_on=dates(walk.recheck_on),
        scores=scores,
        sources=[source_view(s, today) for s in sources],
        answers=answers_view(bundle, walk),
    )
    if outcome.support is not None:
        channel = linkage.channels_by_id()[outcome.support.channel]
        texts = {
            locale: support_text.render(
                outcome.support,
                locale,
                message_values(bundle, walk, identity, name, locale, certification_number),
            )
            for locale in LOCALES
        }
        view.has_support = True
        view.support = SupportView(
            channel=loc(channel.name),
            channel_url=channel.url,
            subject={k: v.subject for k, v in texts.items()},
            body={k: v.body for k, v in texts.items()},
            full={k: v.full() for k, v in texts.items()},
        )
    return view
