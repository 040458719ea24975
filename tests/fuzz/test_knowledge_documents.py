"""Knowledge documents (catalog, designations, linkage), fed any text and mutations of the shipped
ones: a document is accepted or refused with a ``KnowledgeError`` naming file, entry and field,
never a crash. What is accepted works: it reads back the same, its bundle browses, and the wizard
walks it to an outcome whose page and support text render. An upload that is refused leaves the
published version exactly as it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlmodel import Session, select

from certportal.auth.policy import Principal
from certportal.errors import CertportalError
from certportal.identity.rules import Identity
from certportal.knowledge import loader
from certportal.knowledge import service as knowledge
from certportal.knowledge.browse import entries
from certportal.knowledge.models import KnowledgeVersion
from certportal.knowledge.schema import (
    KINDS,
    LOCALES,
    MESSAGE_FIELDS,
    Bundle,
    KnowledgeError,
    dump_document,
    parse_document,
)
from certportal.wizard import engine, present, support_text
from tests.fuzz.conftest import db_examples, examples
from tests.fuzz.strategies import json_bytes, json_mutation, json_values, mutated, text

TODAY = date(2026, 11, 23)
TEXTS = loader.bundled_texts()
DOCS = {kind: json.loads(t) for kind, t in TEXTS.items()}
KEYS = [
    "kind",
    "id",
    "sources",
    "checked_on",
    "url",
    "name",
    "ja",
    "en",
    "validity",
    "years",
    "expires",
    "exams",
    "next",
    "when",
    "goto",
    "outcome",
    "fact",
    "eq",
    "in",
    "before",
    "within_days",
    "support",
    "subject",
    "body",
    "channel",
    "gates",
    "min_people",
    "points_per_person",
    "max_points",
]
# texts a support message template may hold, odd placeholders included
TEMPLATES = [
    "{name}",
    "{}",
    "{0}",
    "{name!r}",
    "{name!x}",
    "{name:>5}",
    "{name:%}",
    "{name:>99999999999}",
    "{name.x}",
    "{name[0]}",
    "{{name}}",
    "{",
    "}",
]
VALUES = {field: f"<{field}>" for field in MESSAGE_FIELDS}


@st.composite
def text_edit(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    """The document with one of its texts (a name, a question, a message) edited: such an
    upload is usually valid, so it goes on to be published and shown."""
    data = json.loads(json.dumps(doc))
    leaves = list(_localized(data))
    parent, key = draw(st.sampled_from(leaves))
    parent[key] = draw(st.one_of(mutated([parent[key]]), st.sampled_from(TEMPLATES)))
    return json.dumps(data, ensure_ascii=False)


def _localized(node: Any) -> Iterator[tuple[dict[str, Any], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("ja", "en") and isinstance(value, str):
                yield node, key
            else:
                yield from _localized(value)
    elif isinstance(node, list):
        for value in node:
            yield from _localized(value)


def document_texts(kind: str) -> st.SearchStrategy[str]:
    """Mutations of the shipped document (most), its text with text-level edits, any JSON."""
    doc = DOCS[kind]
    return st.one_of(
        text_edit(doc),
        json_mutation(doc, KEYS).map(lambda d: json.dumps(d, ensure_ascii=False)),
        json_mutation(doc, KEYS).map(lambda d: json.dumps(d, ensure_ascii=False)),
        st.sampled_from(TEMPLATES).map(lambda t: _with_template(doc, t)),
        mutated([TEXTS[kind][:2000]]),
        json_values().map(json.dumps),
        text(),
    )


def _with_template(doc: dict[str, Any], template: str) -> str:
    """A linkage document whose first support message body holds ``template``."""
    data = json.loads(json.dumps(doc))
    for outcome in data.get("outcomes", []):
        if outcome.get("support"):
            outcome["support"]["body"]["en"] += f"\nRef: {template}"
            break
    return json.dumps(data, ensure_ascii=False)


def walk_to_an_outcome(bundle: Bundle, data: st.DataObject) -> None:
    """Answer the wizard's questions as a person could (valid answers only) until an outcome,
    then build its page with the support text in both languages."""
    answers: dict[str, str] = {}
    certifications = [c.id for c in bundle.catalog.certifications]
    for _ in range(engine.MAX_STEPS):
        walk = engine.walk(bundle, answers, today=TODAY)
        if walk.complete:
            present.outcome_view(
                bundle,
                walk,
                identity=Identity(work_account="me@example.com", mcid="987654321"),
                name="Jane Doe",
                today=TODAY,
                certification_number="A1B2C3",
            )
            return
        assert walk.current is not None
        question = bundle.linkage.question(walk.current)
        present.question_view(bundle, walk, question.id, answers, {})
        if question.kind == "certification":
            raw = data.draw(st.sampled_from(certifications))
        elif question.kind == "date":
            latest = TODAY + timedelta(days=366 * engine.FUTURE_YEARS)
            raw = data.draw(st.dates(engine.EARLIEST, latest)).isoformat()
        else:
            raw = data.draw(st.sampled_from(question.values() or ["yes"]))
        if question.allow_unknown and data.draw(st.integers(0, 4)) == 0:
            raw = "unknown"
        try:
            answers[question.id] = engine.validate_answer(bundle, question.id, raw, today=TODAY)
        except engine.AnswerError:
            if question.kind != "date":
                raise
            answers[question.id] = TODAY.isoformat()
    raise AssertionError("no outcome within the step limit")


@pytest.mark.parametrize("kind", KINDS)
@examples(100)
@given(data=st.data())
def test_any_document_is_accepted_or_refused_by_entry_and_field(
    kind: str, data: st.DataObject
) -> None:
    raw = data.draw(document_texts(kind))
    try:
        doc = parse_document(f"{kind}.json", raw)
    except KnowledgeError as exc:
        event("refused")
        assert exc.problems and exc.lines() and str(exc).startswith(f"{kind}.json")
        return
    # what an admin downloads again reads back as the same document
    assert parse_document(f"{kind}.json", dump_document(doc)) == doc
    if doc.kind != kind:
        return
    try:
        bundle = loader.load({**TEXTS, kind: raw})
    except KnowledgeError as exc:
        event("refused with the other documents")
        assert exc.problems and exc.lines()
        return
    event("accepted")
    entries(bundle, TODAY)
    # every support message renders, with every value given and with none
    for outcome in bundle.linkage.outcomes:
        if outcome.support is not None:
            for locale in LOCALES:
                for values in (VALUES, {}):
                    support_text.render(outcome.support, locale, values)
    walk_to_an_outcome(bundle, data)


# --- upload and publish ------------------------------------------------------------------


@pytest.fixture
def published(session: Session, admin: Principal) -> Iterator[Session]:
    knowledge.ensure_initial(session)
    session.commit()
    yield session
    session.rollback()


def versions(session: Session) -> list[tuple[int, bool, str, str, str]]:
    rows = session.exec(select(KnowledgeVersion).order_by(KnowledgeVersion.number)).all()
    return [
        (v.number, v.is_active, v.catalog_text, v.designations_text, v.linkage_text) for v in rows
    ]


@pytest.mark.parametrize("kind", KINDS)
@db_examples(10)
@given(data=st.data())
def test_a_refused_upload_leaves_the_published_version_unchanged(
    published: Session, admin: Principal, kind: str, data: st.DataObject
) -> None:
    session = published
    content = data.draw(
        st.one_of(
            document_texts(kind).map(lambda t: t.encode("utf-8")),
            st.binary(max_size=100),
            json_values().map(json_bytes),
        )
    )
    before = versions(session)
    try:
        try:
            version = knowledge.publish(
                session, actor=admin, content=content, note="fuzz", filename=f"{kind}.json"
            )
            session.flush()
        except (KnowledgeError, CertportalError) as exc:
            event(f"refused: {type(exc).__name__}")
            session.rollback()
            assert versions(session) == before
            return
        event("published")
        # the new version is the one served (not a fallback to an older readable one)
        active, bundle = knowledge.active(session)
        assert active.id == version.id and active.number == before[-1][0] + 1
        entries(bundle, TODAY)
    finally:
        session.rollback()
