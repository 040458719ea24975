"""Every validator of a form's input, fed any text: it answers with a clean value or the
project's own refusal (``InvalidInput`` / a problem list / ``AnswerError``), never another
exception; and what it promises of a clean value holds (no control characters, within its
limits, a date that round-trips, accepted again unchanged)."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certportal.auth import rules as auth_rules
from certportal.cases import attachments, transitions
from certportal.credentials import rules as credential_rules
from certportal.credentials.rules import CatalogEntry
from certportal.errors import InvalidInput
from certportal.i18n.catalog import LOCALES, locale_from_accept_language, normalize_locale
from certportal.identity import rules as identity_rules
from certportal.knowledge.loader import load_bundled
from certportal.knowledge.schema import Question
from certportal.learn.errors import LinkInvalid
from certportal.learn.links import share_id_from_link
from certportal.skilling import settings as skilling_settings
from certportal.wizard import engine
from tests.fuzz.conftest import examples
from tests.fuzz.forms import (
    CASE_SAMPLES,
    DATES,
    EMAILS,
    NAMES,
    PASSWORDS,
    case_forms,
    credential_forms,
    identity_form_of,
    identity_forms,
)
from tests.fuzz.strategies import controls, field_text, huge, json_values, mutated, text

TODAY = date(2026, 11, 23)
BUNDLE = load_bundled()
CATALOG: dict[str, CatalogEntry] = credential_rules.catalog_entries(BUNDLE.catalog)


def one_line_ok(value: str) -> bool:
    """No control character, no line or paragraph separator."""
    return not controls(value) and not any(unicodedata.category(c) in ("Zl", "Zp") for c in value)


# --- accounts and teams ----------------------------------------------------------------------


@examples(150)
@given(field_text(EMAILS))
def test_email(raw: str) -> None:
    try:
        email = auth_rules.normalize_email(raw)
    except InvalidInput as exc:
        assert exc.field == "email"
        return
    assert one_line_ok(email), email
    assert email == email.strip().lower() and 0 < len(email) <= auth_rules.EMAIL_MAX
    assert auth_rules.normalize_email(email) == email


@examples(150)
@given(field_text(NAMES))
def test_display_name(raw: str) -> None:
    try:
        name = auth_rules.clean_display_name(raw)
    except InvalidInput as exc:
        assert exc.field == "display_name"
        return
    assert one_line_ok(name), name
    assert name == " ".join(name.split()) and 0 < len(name) <= auth_rules.NAME_MAX
    assert auth_rules.clean_display_name(name) == name


@examples(100)
@given(field_text(PASSWORDS), field_text(EMAILS))
def test_password_strength(password: str, email: str) -> None:
    try:
        auth_rules.check_password_strength(password, email=email)
    except InvalidInput as exc:
        assert exc.field == "password"
        return
    assert auth_rules.PASSWORD_MIN <= len(password) <= auth_rules.PASSWORD_MAX


@examples(150)
@given(field_text(["Azure team", "データ チーム", "Ａｚｕｒｅ"]), field_text(["Cloud people"]))
def test_team_name_and_description(name: str, description: str) -> None:
    try:
        clean = auth_rules.clean_team_name(name)
    except InvalidInput as exc:
        assert exc.field == "name"
    else:
        assert one_line_ok(clean), clean
        assert 0 < len(clean) <= auth_rules.TEAM_NAME_MAX
        # the folded name is the unique key stored next to it, in a column of the same size
        assert len(auth_rules.fold(clean)) <= auth_rules.TEAM_NAME_MAX
        assert auth_rules.clean_team_name(clean) == clean
    try:
        text_ = auth_rules.clean_team_description(description)
    except InvalidInput as exc:
        assert exc.field == "description"
    else:
        assert not controls(text_), text_
        assert len(text_) <= auth_rules.TEAM_DESCRIPTION_MAX
        assert auth_rules.clean_team_description(text_) == text_


@examples(100)
@given(field_text(["ja", "en-US", "EN_gb", "fr"]), field_text(["ja,en;q=0.9", "en-US,en;q=0.5"]))
def test_locales(value: str, header: str) -> None:
    assert normalize_locale(value, "ja") in LOCALES
    assert locale_from_accept_language(header, "en") in LOCALES


# --- identity map ----------------------------------------------------------------------------


@examples(150)
@given(identity_forms())
def test_identity_form(form: dict[str, object]) -> None:
    try:
        identity = identity_rules.clean(form)
    except InvalidInput as exc:
        assert exc.field in identity_rules.FIELDS
        return
    for name in identity_rules.FIELDS:
        value = getattr(identity, name)
        for item in value if isinstance(value, tuple) else (value,):
            assert one_line_ok(item), (name, item)
            assert item == item.strip()
    for name in identity_rules.EMAIL_FIELDS:
        email = getattr(identity, name)
        assert not email or auth_rules.normalize_email(email) == email
    assert identity.private <= set(identity_rules.FIELDS)
    assert identity_rules.clean(identity_form_of(identity)) == identity
    identity_rules.warnings(identity)
    identity_rules.suggestions(identity)


# --- credentials form ------------------------------------------------------------------------


@examples(150)
@given(credential_forms())
def test_credential_form(raw: dict[str, str]) -> None:
    data, problems = credential_rules.validate(raw, catalog=CATALOG, today=TODAY)
    if data is None:
        assert problems
        for problem in problems:
            assert problem.field in credential_rules.FIELDS
            assert problem.key.startswith("credentials.error.")
        with pytest.raises(InvalidInput):
            credential_rules.clean(raw, catalog=CATALOG, today=TODAY)
        return
    assert problems == []
    for value in (data.other_name, data.certification_number):
        assert one_line_ok(value) and value == value.strip()
    assert not controls(data.notes, allowed="\n\t")
    assert len(data.other_name) <= credential_rules.MAX_NAME
    assert len(data.certification_number) <= credential_rules.MAX_NUMBER
    assert len(data.notes) <= credential_rules.MAX_NOTES
    assert credential_rules.EARLIEST <= data.earned_on <= TODAY
    assert data.certification_id == "" or data.certification_id in CATALOG
    assert data.provider in credential_rules.PROVIDERS
    # what is saved reads back as the same credential (the edit form, the CSV export)
    again = credential_rules.validate(credential_rules.to_raw(data), catalog=CATALOG, today=TODAY)
    assert again == (data, [])
    entry = CATALOG.get(data.certification_id)
    credential_rules.status_of(data, entry, TODAY)


@examples(150)
@given(field_text(DATES))
def test_credential_dates(raw: str) -> None:
    try:
        day = credential_rules.parse_date(raw)
    except ValueError:
        return
    assert credential_rules.parse_date(day.isoformat()) == day
    assert credential_rules.parse_date(f"{day.year:04d}/{day.month}/{day.day}") == day


@examples(100)
@given(st.dates())
def test_every_date_round_trips(day: date) -> None:
    assert credential_rules.parse_date(day.isoformat()) == day
    if day >= transitions.REPLY_OLDEST:
        assert transitions.event_date(day.isoformat(), date.max) == day


# --- support cases ---------------------------------------------------------------------------


def case_form_of(fields: transitions.CaseFields) -> dict[str, str]:
    return {
        "channel": fields.channel.value,
        "reference": fields.reference,
        "subject": fields.subject,
        "credentials": ",".join(str(i) for i in fields.credential_ids),
        "message": fields.message,
        "follow_up_on": fields.follow_up_on.isoformat() if fields.follow_up_on else "",
        "status": fields.status.value,
    }


@examples(150)
@given(case_forms(), st.booleans())
def test_case_form(raw: dict[str, str], new: bool) -> None:
    fields, problems = transitions.validate_case(raw, TODAY, new=new)
    if fields is None:
        assert problems
        for problem in problems:
            assert problem.field in CASE_SAMPLES or problem.field == "follow_up_on"
            assert problem.key.startswith("cases.error.")
        return
    assert problems == []
    assert one_line_ok(fields.reference) and len(fields.reference) <= transitions.REFERENCE_MAX
    assert one_line_ok(fields.subject) and 0 < len(fields.subject) <= transitions.SUBJECT_MAX
    assert not controls(fields.message, allowed="\n\t") and "\r" not in fields.message
    assert len(fields.message) <= transitions.TEXT_MAX
    follow_up = fields.follow_up_on
    assert follow_up is None or TODAY <= follow_up <= TODAY + timedelta(days=366)
    assert all(0 <= i < 10**12 for i in fields.credential_ids)
    assert transitions.validate_case(case_form_of(fields), TODAY, new=new) == (fields, [])


@examples(150)
@given(field_text(CASE_SAMPLES["message"]), field_text(CASE_SAMPLES["follow_up_on"]))
def test_case_texts_and_days(raw: str, day: str) -> None:
    for clean in (transitions.clean_reference, transitions.clean_subject):
        try:
            value = clean(raw)
        except InvalidInput:
            continue
        assert one_line_ok(value) and clean(value) == value
    try:
        note = transitions.clean_text(raw, field="text", required=True)
    except InvalidInput as exc:
        assert exc.field == "text"
    else:
        assert note and transitions.clean_text(note, field="text", required=True) == note
    try:
        event_day = transitions.event_date(day, TODAY)
    except InvalidInput as exc:
        assert exc.field == "occurred_on"
    else:
        assert transitions.REPLY_OLDEST <= event_day <= TODAY
        assert transitions.event_date(event_day.isoformat(), TODAY) == event_day
    try:
        follow_up = transitions.follow_up_date(day, TODAY)
    except InvalidInput as exc:
        assert exc.field == "follow_up_on"
    else:
        if follow_up is not None:
            assert transitions.follow_up_date(follow_up.isoformat(), TODAY) == follow_up


# --- attachments -----------------------------------------------------------------------------

SIGNATURES = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF\x00\x00\x00\x00WEBP", b"%PDF-", b""]
FILE_NAMES = ["screenshot.png", "証明.PNG", "scan.pdf", "photo.jpeg", "../../etc/passwd.png"]


@examples(150)
@given(
    field_text(FILE_NAMES),
    st.builds(lambda head, tail: head + tail, st.sampled_from(SIGNATURES), st.binary(max_size=64)),
    st.integers(0, 25),
)
def test_attachment(name: str, content: bytes, existing: int) -> None:
    safe = attachments.safe_name(name)
    assert safe and len(safe) <= attachments.NAME_MAX
    assert not any(unicodedata.category(c)[0] == "C" for c in safe)
    assert "/" not in safe and "\\" not in safe and safe not in (".", "..")
    assert attachments.safe_name(safe) == safe
    try:
        checked = attachments.check(name, content, existing=existing)
    except InvalidInput as exc:
        assert exc.field == "attachment"
        return
    kind = attachments.sniff(content)
    assert kind is not None and checked.mime == kind.mime and checked.name == safe
    assert checked.size == len(content) and existing < attachments.MAX_PER_CASE


# --- the wizard's answers --------------------------------------------------------------------

QUESTIONS = BUNDLE.linkage.questions


@examples(150)
@given(
    st.sampled_from(QUESTIONS),
    st.one_of(
        field_text(["2024-03-01", "2031-01-01", "unknown", "AZ-104", "az-104", "yes", "no"]),
        st.sampled_from(["unknown", "1989-12-31", "9999-12-31"]),
    ),
)
def test_wizard_answer(question: Question, raw: str) -> None:
    qid = question.id
    try:
        value = engine.validate_answer(BUNDLE, qid, raw, today=TODAY)
    except engine.AnswerError as exc:
        assert exc.key.startswith("wizard.error.")
        return
    assert one_line_ok(value) and value == value.strip()
    assert engine.validate_answer(BUNDLE, qid, value, today=TODAY) == value


@examples(100)
@given(st.sampled_from([q for q in QUESTIONS if q.kind == "choice"]), st.data())
def test_every_choice_is_accepted(question: Question, data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(question.values()))
    assert engine.validate_answer(BUNDLE, question.id, value, today=TODAY) == value


# --- skilling settings (the admin's form, and the stored document read back) -----------------

AREAS = skilling_settings.areas(BUNDLE)
DESIGNATIONS = [d.id for d in BUNDLE.designations.designations]


@examples(150)
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(AREAS), text(12)),
        field_text(["enterprise", "smb", "SMB"]),
        max_size=4,
    ),
    st.dictionaries(
        st.one_of(st.sampled_from(DESIGNATIONS), text(12)),
        field_text(["10", "100", "0", "1.5", "１０", "nan", "1e400", "-5"]),
        max_size=4,
    ),
)
def test_skilling_settings_form(tracks: dict[str, str], targets: dict[str, str]) -> None:
    try:
        chosen = skilling_settings.validate(BUNDLE, tracks, targets)
    except InvalidInput as exc:
        assert exc.key.startswith("skilling.error.")
        return
    assert set(chosen.tracks) <= set(AREAS) and set(chosen.targets) <= set(DESIGNATIONS)
    assert all(1 <= v <= 100 for v in chosen.targets.values())
    assert skilling_settings.parse(skilling_settings.dump(chosen)) == chosen


@examples(150)
@given(
    st.one_of(
        text(),
        st.builds(json.dumps, json_values()),
        st.builds(
            lambda tracks, targets: json.dumps({"tracks": tracks, "targets": targets}),
            json_values(max_leaves=6),
            json_values(max_leaves=6),
        ),
    )
)
def test_stored_skilling_settings_are_read_defensively(stored: str) -> None:
    read = skilling_settings.parse(stored)
    assert all(v in ("enterprise", "smb") for v in read.tracks.values())
    assert all(0 <= v <= 100 for v in read.targets.values())
    assert skilling_settings.parse(skilling_settings.dump(read)) == read


# --- the transcript link a person pastes -----------------------------------------------------

LINKS = [
    "https://learn.microsoft.com/en-us/users/jane-doe/transcript/abcdef123",
    "https://learn.microsoft.com/users/jane/transcript/d8yjji2pnq5gpxn",
    "https://learn.microsoft.com@evil.example/users/x/transcript/abcdef",
]


@examples(150)
@given(st.one_of(mutated(LINKS), text(), huge()))
def test_transcript_link(raw: str) -> None:
    try:
        share_id = share_id_from_link(raw)
    except LinkInvalid:
        return
    assert share_id.isascii() and 6 <= len(share_id) <= 64
    again = f"https://learn.microsoft.com/en-us/users/x/transcript/{share_id}"
    assert share_id_from_link(again) == share_id
