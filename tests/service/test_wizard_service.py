"""Knowledge versions, wizard runs and the identity map, on every database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from certportal.auth.policy import Principal
from certportal.demo.seed import SEED_STORY as SEED  # the seed article's case
from certportal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from certportal.identity import service as identity
from certportal.knowledge import loader
from certportal.knowledge import service as knowledge
from certportal.knowledge.models import KnowledgeVersion
from certportal.knowledge.schema import KnowledgeError
from certportal.wizard import present
from certportal.wizard import service as wizard
from certportal.wizard.models import DONE, IN_PROGRESS
from tests.conftest import make_user

from .helpers import T0, audit_entries, count

TODAY = date(2026, 11, 23)


def edited_linkage(change: str = "Open a Partner Center service request today.") -> bytes:
    data = json.loads(loader.bundled_texts()["linkage"])
    outcome = next(o for o in data["outcomes"] if o["id"] == "certiport_since_2023_06")
    outcome["steps"][1]["text"]["en"] = change
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def digest_of(version: KnowledgeVersion) -> str:
    from certportal.knowledge.models import content_digest

    return content_digest({k: version.text_of(k) for k in ("catalog", "designations", "linkage")})


def answer_all(
    session: Session, actor: Principal, run_id: int, answers: dict[str, str]
) -> wizard.RunContext:
    ctx = wizard.context(session, actor=actor, run_id=run_id, today=TODAY)
    for question, value in answers.items():
        ctx = wizard.answer(
            session, actor=actor, run_id=run_id, question_id=question, value=value, today=TODAY
        )
    return ctx


# --- knowledge versions --------------------------------------------------------------------------


def test_first_version_comes_from_the_shipped_documents(session: Session) -> None:
    version, bundle = knowledge.active(session)
    session.commit()
    assert version.number == 1 and version.is_active and version.created_by_id is None
    assert version.linkage_text == loader.bundled_texts()["linkage"]
    assert bundle.linkage.start == "certification"
    assert knowledge.active(session)[0].id == version.id
    assert count(session, KnowledgeVersion) == 1


def test_publish_shows_a_diff_then_makes_a_new_active_version(
    session: Session, admin: Principal
) -> None:
    preview = knowledge.preview(
        session, actor=admin, content=edited_linkage(), filename="linkage.json"
    )
    assert preview.kind == "linkage" and len(preview.changes) == 1
    assert preview.changes[0].entry == "certiport_since_2023_06"

    version = knowledge.publish(
        session, actor=admin, content=edited_linkage(), note="clearer step", filename="linkage.json"
    )
    session.commit()
    active, bundle = knowledge.active(session)
    assert active.id == version.id and version.number == 2 and version.changed_kind == "linkage"
    step = bundle.linkage.outcomes_by_id()["certiport_since_2023_06"].steps[1]
    assert step.text.en == "Open a Partner Center service request today."
    # the other documents are carried over unchanged
    assert version.catalog_text == loader.bundled_texts()["catalog"]
    [entry] = audit_entries(session, "knowledge.publish")
    detail = json.loads(entry.detail)
    assert detail["from"] == 1 and detail["note"] == "clearer step" and detail["change_count"] == 1


def test_publish_refuses_an_invalid_file_and_keeps_serving_the_last_good_version(
    session: Session, admin: Principal
) -> None:
    broken = json.loads(edited_linkage())
    broken["questions"][0]["next"] = [{"goto": "nowhere"}]
    with pytest.raises(KnowledgeError) as caught:
        knowledge.publish(
            session,
            actor=admin,
            content=json.dumps(broken).encode(),
            note="x",
            filename="linkage.json",
        )
    assert caught.value.file == "linkage.json"
    assert caught.value.problems[0][:2] == ("certification", "next[0].goto")
    session.rollback()
    assert knowledge.active(session)[0].number == 1
    assert audit_entries(session, "knowledge.publish") == []


def test_versions_carry_their_digest_and_the_bundle_comes_without_reading_the_documents(
    session: Session, admin: Principal
) -> None:
    from sqlalchemy import inspect

    from certportal.knowledge.models import content_digest

    first = knowledge.ensure_initial(session)
    assert first.content_digest == content_digest(loader.bundled_texts())
    preview = knowledge.preview(
        session, actor=admin, filename="linkage.json", content=edited_linkage()
    )
    second = knowledge.publish(
        session,
        actor=admin,
        filename="linkage.json",
        content=edited_linkage(),
        base_number=preview.base_number,
        note="edit",
    )
    session.commit()
    texts = {kind: second.text_of(kind) for kind in ("catalog", "designations", "linkage")}
    assert second.content_digest == content_digest(texts) != first.content_digest
    session.expunge_all()
    assert second.id is not None
    knowledge.version_bundle(session, second.id)  # parsed once, now cached
    session.expunge_all()
    version, bundle = knowledge.version_bundle(session, second.id)
    assert {"catalog_text", "designations_text", "linkage_text"} <= inspect(version).unloaded
    assert "certiport_since_2023_06" in {o.id for o in bundle.linkage.outcomes}


@pytest.mark.parametrize(
    ("content", "note", "key"),
    [
        (loader.bundled_texts()["linkage"].encode(), "same", "knowledge.error.no_changes"),
        (b"\xff\xfe not utf-8", "x", "knowledge.error.not_utf8"),
        (b" " * (knowledge.MAX_UPLOAD_BYTES + 1), "x", "knowledge.error.too_large"),
        (None, "   ", "knowledge.error.note_required"),
    ],
)
def test_publish_refusals(
    session: Session, admin: Principal, content: bytes | None, note: str, key: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        knowledge.publish(session, actor=admin, content=content or edited_linkage(), note=note)
    assert caught.value.key == key


def test_only_admins_publish_roll_back_or_list(session: Session, member: Principal) -> None:
    with pytest.raises(PermissionDenied):
        knowledge.preview(session, actor=member, content=edited_linkage())
    with pytest.raises(PermissionDenied):
        knowledge.publish(session, actor=member, content=edited_linkage(), note="x")
    with pytest.raises(PermissionDenied):
        knowledge.rollback(session, actor=member, version_id=1)
    with pytest.raises(PermissionDenied):
        knowledge.list_versions(session, actor=member)
    with pytest.raises(PermissionDenied):
        knowledge.text_of(session, actor=member, kind="linkage")


def test_roll_back_reactivates_an_earlier_version(session: Session, admin: Principal) -> None:
    first, _ = knowledge.active(session)
    knowledge.publish(session, actor=admin, content=edited_linkage(), note="v2")
    assert first.id is not None
    knowledge.rollback(session, actor=admin, version_id=first.id)
    session.commit()
    assert knowledge.active(session)[0].number == 1
    assert [v.number for v in knowledge.list_versions(session, actor=admin)] == [2, 1]
    [entry] = audit_entries(session, "knowledge.rollback")
    assert json.loads(entry.detail) == {"from": 2, "to": 1}
    with pytest.raises(NotFound):
        knowledge.rollback(session, actor=admin, version_id=999)


def test_an_unreadable_active_version_falls_back_to_the_newest_readable(
    session: Session, admin: Principal
) -> None:
    knowledge.publish(session, actor=admin, content=edited_linkage(), note="v2")
    active, _ = knowledge.active(session)
    active.linkage_text = '{"kind": "linkage"}'  # e.g. a newer app refusing an old document
    active.content_digest = digest_of(active)  # stored versions always carry their own digest
    session.add(active)
    session.flush()
    version, bundle = knowledge.active(session)
    assert version.number == 1 and bundle.linkage.start == "certification"


# --- wizard runs ---------------------------------------------------------------------------------


def test_a_diagnosis_from_start_to_result(session: Session, member: Principal) -> None:
    run = wizard.start(session, actor=member)
    assert run.id is not None
    ctx = answer_all(session, member, run.id, SEED)
    assert ctx.walk.complete and ctx.run.status == IN_PROGRESS
    ctx = wizard.finish(session, actor=member, run_id=run.id, today=TODAY)
    session.commit()
    assert ctx.run.status == DONE and ctx.run.outcome_id == "certiport_since_2023_06"
    assert ctx.run.certification_id == "AZ-900" and ctx.version.number == 1
    assert wizard.latest_unfinished(session, actor=member) is None
    assert [r.id for r in wizard.list_runs(session, actor=member)] == [run.id]


def test_start_with_a_certification_passed_in(session: Session, member: Principal) -> None:
    run = wizard.start(session, actor=member, certification_id="az-104")
    assert run.id is not None
    ctx = wizard.context(session, actor=member, run_id=run.id, today=TODAY)
    assert ctx.answers == {"certification": "AZ-104"} and ctx.walk.current == "earned_on"
    assert run.credential_id is None
    with pytest.raises(InvalidInput):
        wizard.start(session, actor=member, certification_id="XX-1")


def test_bad_answers_are_refused_and_nothing_is_stored(session: Session, member: Principal) -> None:
    run = wizard.start(session, actor=member, certification_id="AZ-104")
    assert run.id is not None
    for value, key in (
        ("2031-01-01", "wizard.error.date_future"),
        ("1989-12-31", "wizard.error.date_too_old"),
        ("2024-13-01", "wizard.error.date_format"),
    ):
        with pytest.raises(InvalidInput) as caught:
            wizard.answer(
                session,
                actor=member,
                run_id=run.id,
                question_id="earned_on",
                value=value,
                today=TODAY,
            )
        assert caught.value.key == key and caught.value.field == "answer"
    assert wizard.context(session, actor=member, run_id=run.id, today=TODAY).answers == {
        "certification": "AZ-104"
    }
    with pytest.raises(InvalidInput) as off_path:
        wizard.answer(
            session, actor=member, run_id=run.id, question_id="pc_user", value="yes", today=TODAY
        )
    assert off_path.value.key == "wizard.error.not_on_path"


def test_someone_elses_run_is_not_found(session: Session, member: Principal) -> None:
    other = make_user(session, "other@example.com")
    run = wizard.start(session, actor=member)
    assert run.id is not None
    with pytest.raises(NotFound):
        wizard.context(session, actor=other, run_id=run.id)
    with pytest.raises(NotFound):
        wizard.answer(
            session, actor=other, run_id=run.id, question_id="certification", value="AZ-104"
        )
    with pytest.raises(NotFound):
        wizard.delete(session, actor=other, run_id=run.id)
    assert wizard.list_runs(session, actor=other) == []


def test_changing_an_answer_reopens_a_finished_run(session: Session, member: Principal) -> None:
    run = wizard.start(session, actor=member)
    assert run.id is not None
    answer_all(session, member, run.id, SEED)
    wizard.finish(session, actor=member, run_id=run.id, today=TODAY)
    ctx = wizard.answer(
        session, actor=member, run_id=run.id, question_id="on_learn", value="yes", today=TODAY
    )
    assert ctx.run.status == IN_PROGRESS and ctx.run.outcome_id is None
    assert ctx.walk.current == "pc_user"
    assert wizard.latest_unfinished(session, actor=member) is not None
    with pytest.raises(InvalidInput) as caught:
        wizard.finish(session, actor=member, run_id=run.id, today=TODAY)
    assert caught.value.key == "wizard.error.incomplete"


def test_the_context_an_answer_returns_is_the_one_a_fresh_read_gives(
    session: Session, member: Principal
) -> None:
    """answer() works out the new walk without reading the run again: it must agree with a
    fresh read at every step, also when a finished run is reopened (its day changes)."""
    run = wizard.start(session, actor=member)
    assert run.id is not None
    for question, value in SEED.items():
        got = wizard.answer(
            session, actor=member, run_id=run.id, question_id=question, value=value, today=TODAY
        )
        fresh = wizard.context(session, actor=member, run_id=run.id, today=TODAY)
        assert (got.answers, got.walk, got.today) == (fresh.answers, fresh.walk, fresh.today)
    wizard.finish(session, actor=member, run_id=run.id, today=TODAY)
    later = date(2027, 3, 1)
    got = wizard.answer(
        session, actor=member, run_id=run.id, question_id="on_learn", value="yes", today=later
    )
    fresh = wizard.context(session, actor=member, run_id=run.id, today=later)
    assert got.today == later == fresh.today
    assert (got.answers, got.walk) == (fresh.answers, fresh.walk)


def test_an_old_run_keeps_its_version_and_outcome_after_a_publish(
    session: Session, member: Principal, admin: Principal
) -> None:
    old = wizard.start(session, actor=member)
    assert old.id is not None
    answer_all(session, member, old.id, SEED)
    wizard.finish(session, actor=member, run_id=old.id, today=TODAY)
    knowledge.publish(session, actor=admin, content=edited_linkage("A changed step."), note="v2")
    new = wizard.start(session, actor=member)
    assert new.id is not None
    answer_all(session, member, new.id, SEED)
    session.commit()

    def step(run_id: int) -> str:
        ctx = wizard.context(session, actor=member, run_id=run_id, today=TODAY)
        return ctx.bundle.linkage.outcomes_by_id()["certiport_since_2023_06"].steps[1].text.en

    assert step(new.id) == "A changed step."
    assert step(old.id) != "A changed step."
    assert wizard.context(session, actor=member, run_id=old.id).version.number == 1


def test_a_finished_run_is_shown_as_of_the_day_it_was_finished(
    session: Session, member: Principal
) -> None:
    counted = {
        "certification": "AZ-104",
        "earned_on": "2026-01-15",
        "provider": "pearson_vue",
        "on_learn": "yes",
        "pc_user": "yes",
        "pc_associated": "same",
        "associated_on": "2026-02-01",
        "shows_in_pc": "yes",
    }
    run = wizard.start(session, actor=member)
    assert run.id is not None
    answer_all(session, member, run.id, counted)
    # unfinished, the answers are read as of the day asked: by June 2027 it has expired by the
    # rules, so the wizard asks for the expiry date Learn shows
    later = wizard.context(session, actor=member, run_id=run.id, today=date(2027, 6, 1))
    assert later.walk.current == "expires_on"
    done = wizard.finish(session, actor=member, run_id=run.id, today=TODAY, now=T0)
    assert done.walk.outcome_id == "renewal_due"
    # finished, it keeps the outcome it was given, however late it is opened
    later = wizard.context(session, actor=member, run_id=run.id, today=date(2027, 6, 1))
    assert later.today == TODAY and later.walk.outcome_id == "renewal_due"


def test_a_run_finished_after_midnight_in_japan_keeps_its_day(session: Session) -> None:
    person = make_user(session, "ja@example.com")  # locale unset: Japanese by default
    run = wizard.start(session, actor=person)
    assert run.id is not None
    answers = {
        "certification": "AZ-104",
        "earned_on": "2026-09-01",
        "provider": "pearson_vue",
        "on_learn": "yes",
        "pc_user": "yes",
        "pc_associated": "same",
        "associated_on": "2026-11-23",  # today in Japan, still yesterday in UTC
    }
    answer_all(session, person, run.id, answers)
    just_after_midnight_jst = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    wizard.finish(session, actor=person, run_id=run.id, today=TODAY, now=just_after_midnight_jst)
    session.commit()
    again = wizard.context(session, actor=person, run_id=run.id, today=date(2027, 1, 1))
    assert again.today == TODAY
    assert again.walk.outcome_id == again.run.outcome_id == "recently_associated"


def test_delete_a_run(session: Session, member: Principal) -> None:
    run = wizard.start(session, actor=member)
    assert run.id is not None
    wizard.delete(session, actor=member, run_id=run.id)
    session.commit()
    assert wizard.list_runs(session, actor=member) == []


# --- identity map --------------------------------------------------------------------------------


def test_identity_map_defaults_to_the_work_email(session: Session, member: Principal) -> None:
    found, version = identity.get(session, actor=member)
    assert found.work_account == member.email and version == 0


def test_identity_map_saves_and_detects_concurrent_edits(
    session: Session, member: Principal
) -> None:
    form = {
        "work_account": member.email,
        "mcid": "123456789",
        "pc_user": member.email,
        "pc_mcid": "123456789",
        "learn_profiles": "a\nb",
    }
    saved, version = identity.save(session, actor=member, form=form, version=0)
    assert version == 1 and saved.mcid == "123456789"
    # a second tab that loaded version 0 saves later: refused, nothing overwritten
    with pytest.raises(Conflict) as caught:
        identity.save(session, actor=member, form={**form, "mcid": "555555"}, version=0)
    assert caught.value.key == "identity.error.conflict"
    session.commit()
    assert identity.get(session, actor=member)[0].mcid == "123456789"
    assert identity.save(session, actor=member, form={**form, "mcid": "555555"}, version=1)[1] == 2


def test_identity_map_prefills_the_wizard(session: Session, member: Principal) -> None:
    identity.save(
        session,
        actor=member,
        form={
            "work_account": member.email,
            "pc_user": member.email,
            "mcid": "1111",
            "pc_mcid": "2222",
        },
        version=0,
    )
    run = wizard.start(session, actor=member)
    assert run.id is not None
    ctx = answer_all(
        session, member, run.id, {**SEED, "provider": "pearson_vue", "on_learn": "yes"}
    )
    assert ctx.walk.current == "pc_user"
    view = present.question_view(ctx.bundle, ctx.walk, "pc_user", ctx.answers, ctx.suggestions)
    assert view.value == "yes" and view.suggested
    ctx = wizard.answer(
        session, actor=member, run_id=run.id, question_id="pc_user", value="yes", today=TODAY
    )
    view = present.question_view(
        ctx.bundle, ctx.walk, "pc_associated", ctx.answers, ctx.suggestions
    )
    assert view.value == "other" and view.suggested


def test_identity_map_is_per_person(session: Session, member: Principal) -> None:
    other = make_user(session, "other@example.com")
    identity.save(session, actor=member, form={"mcid": "123456"}, version=0)
    assert identity.get(session, actor=other)[0].mcid == ""


def test_the_database_allows_one_active_version_only(session: Session) -> None:
    first, _ = knowledge.active(session)
    session.add(
        KnowledgeVersion(
            number=2,
            is_active=True,
            catalog_text=first.catalog_text,
            designations_text=first.designations_text,
            linkage_text=first.linkage_text,
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_publishing_over_a_version_published_meanwhile_is_refused(
    session: Session, admin: Principal
) -> None:
    seen = knowledge.preview(session, actor=admin, content=edited_linkage("Mine."))
    knowledge.publish(session, actor=admin, content=edited_linkage("Theirs."), note="other admin")
    with pytest.raises(InvalidInput) as caught:
        knowledge.publish(
            session,
            actor=admin,
            content=edited_linkage("Mine."),
            note="mine",
            base_number=seen.base_number,
        )
    assert caught.value.key == "knowledge.error.changed_meanwhile"
    step = knowledge.active(session)[1].linkage.outcomes_by_id()["certiport_since_2023_06"]
    assert step.steps[1].text.en == "Theirs."


def test_rolling_back_to_an_unreadable_version_is_refused(
    session: Session, admin: Principal
) -> None:
    first, _ = knowledge.active(session)
    knowledge.publish(session, actor=admin, content=edited_linkage(), note="v2")
    first.linkage_text = '{"kind": "linkage"}'
    first.content_digest = digest_of(first)
    session.add(first)
    session.flush()
    assert first.id is not None
    with pytest.raises(InvalidInput) as caught:
        knowledge.rollback(session, actor=admin, version_id=first.id)
    assert caught.value.key == "knowledge.error.unreadable"
    assert knowledge.active(session)[0].number == 2


def test_publishing_a_catalog_change_moves_credentials_effective_expiry(
    session: Session, admin: Principal, member: Principal
) -> None:
    """A retirement published by an admin ends points eligibility and expiry for the team page's
    SQL counts at once, without anyone editing their credentials."""
    from datetime import date

    from certportal.credentials import service as credentials
    from certportal.credentials.rules import CredentialData

    row = credentials.create(
        session,
        actor=member,
        data=CredentialData(certification_id="AZ-104", earned_on=date(2026, 3, 1)),
    )
    session.commit()
    assert row.expires_effective == date(2027, 3, 1)
    catalog = json.loads(loader.bundled_texts()["catalog"])
    for cert in catalog["certifications"]:
        if cert["id"] == "AZ-104":
            cert["validity"] = {"expires": True, "years": 2}
    knowledge.publish(
        session,
        actor=admin,
        content=json.dumps(catalog, ensure_ascii=False).encode(),
        note="two years",
        filename="catalog.json",
    )
    session.commit()
    session.refresh(row)
    assert row.expires_effective == date(2028, 3, 1)
