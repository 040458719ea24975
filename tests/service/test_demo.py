"""The demo organisation and the operator commands that load it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from certportal import manage
from certportal.audit.models import AuditEntry
from certportal.auth import service as auth_service
from certportal.auth.models import User
from certportal.auth.policy import Principal
from certportal.demo import seed
from certportal.knowledge import loader
from certportal.settings import get_settings
from certportal.teams.models import Team, TeamMembership
from tests.conftest import make_user

from .helpers import T0, count

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_load_creates_the_demo_organisation(session: Session) -> None:
    assert seed.is_empty(session)
    assert seed.load(session) == 11
    session.commit()
    assert not seed.is_empty(session)

    users = session.exec(select(User)).all()
    roles = [u.role for u in users]
    assert (roles.count("admin"), roles.count("lead"), roles.count("member")) == (1, 2, 8)
    assert all(u.email.endswith("@" + seed.DEMO_DOMAIN) for u in users)
    assert all(u.is_active and u.locale in ("ja", "en") for u in users)
    names = [u.display_name for u in users]
    assert any(JAPANESE.search(n) for n in names)
    assert any(n.isascii() for n in names)

    team_rows = session.exec(select(Team)).all()
    assert sorted(t.name for t in team_rows) == sorted(name for name, _ in seed.TEAMS)
    for team in team_rows:
        assert JAPANESE.search(team.description) and re.search(r"[A-Za-z]", team.description)
        places = session.exec(select(TeamMembership).where(TeamMembership.team_id == team.id)).all()
        assert sorted(p.role for p in places) == ["lead"] + ["member"] * 4
        leads = [session.get(User, p.user_id) for p in places if p.role == "lead"]
        assert [u.role for u in leads] == ["lead"]

    admin = next(u for u in users if u.role == "admin")
    assert (
        session.exec(select(TeamMembership).where(TeamMembership.user_id == admin.id)).all() == []
    )
    assert [e.action for e in session.exec(select(AuditEntry)).all()] == ["demo.loaded"]


def test_every_demo_person_can_sign_in(session: Session) -> None:
    seed.load(session)
    session.commit()
    for person in seed.PEOPLE:
        signed = auth_service.sign_in(
            session, email=person.email, password=seed.DEMO_PASSWORD, now=T0
        )
        assert signed.principal.display_name == person.display_name
        assert signed.principal.role is person.role
        assert signed.principal.locale == person.locale
        if person.team:
            teams_of_person = signed.principal.led_team_ids | signed.principal.member_team_ids
            assert len(teams_of_person) == 1


def test_load_refuses_a_non_empty_database(session: Session) -> None:
    make_user(session, "someone@example.com")
    with pytest.raises(RuntimeError, match="already has accounts"):
        seed.load(session)
    assert count(session, User) == 1
    assert count(session, Team) == 0


def test_wipe_then_load(session: Session) -> None:
    seed.load(session)
    session.commit()
    seed.wipe(session)
    session.commit()
    assert seed.is_empty(session)
    assert count(session, Team) == count(session, AuditEntry) == 0
    assert seed.load(session) == 11


def test_manage_demo_if_empty_twice(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert manage.main(["demo", "--if-empty"]) == 0
    assert "Loaded demo organisation: 11 people in 2 teams." in capsys.readouterr().out
    assert manage.main(["demo", "--if-empty"]) == 0
    assert "demo data not loaded" in capsys.readouterr().out
    with Session(engine) as s:
        assert count(s, User) == 11
        assert count(s, Team) == 2


def test_manage_demo_without_flag_refuses_non_empty(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert manage.main(["demo"]) == 0
    assert manage.main(["demo"]) == 1
    assert "--reset" in capsys.readouterr().err
    with Session(engine) as s:
        assert count(s, User) == 11


def test_manage_demo_reset_needs_yes_when_not_interactive(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(engine) as s:
        make_user(s, "keep@example.com")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert manage.main(["demo", "--reset"]) == 1
    with Session(engine) as s:
        assert [u.email for u in s.exec(select(User)).all()] == ["keep@example.com"]
    assert manage.main(["demo", "--reset", "--yes"]) == 0
    with Session(engine) as s:
        assert count(s, User) == 11
        assert s.exec(select(User).where(User.email == "keep@example.com")).first() is None


def test_manage_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert manage.main(["check"]) == 0
    assert "settings OK (development, sqlite)" in capsys.readouterr().out


def test_manage_check_refuses_an_invalid_shipped_knowledge_base(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind, text in loader.bundled_texts().items():
        (tmp_path / f"{kind}.json").write_text(text, encoding="utf-8")
    (tmp_path / "linkage.json").write_text('{"kind": "linkage", "start": "x"}', encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    assert manage.main(["check"]) == 2
    assert "linkage.json: entry -, field earned_on_question" in capsys.readouterr().err


def test_manage_check_refuses_production_with_default_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CERTPORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    get_settings.cache_clear()
    assert manage.main(["check"]) == 2
    err = capsys.readouterr().err
    assert "configuration refused" in err
    assert "SECRET_KEY" in err


def test_manage_check_accepts_production_with_real_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CERTPORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 48)
    get_settings.cache_clear()
    assert manage.main(["check"]) == 0


def test_demo_inventories_tell_the_domain_story(session: Session) -> None:
    """Certiport AZ-900/AI-900 from 2024 and a Certiport MS-900 not on Learn, Pearson VUE
    AZ-104/AZ-305 (one on a personal account, not counted), an expired certification, one in its
    renewal window, one expiring within 30 days, a legacy two-year one; the seed diagnosis is
    about the AZ-900 credential."""
    from datetime import date

    from certportal.credentials import service as credentials
    from certportal.credentials.expiry import ExpiryStatus
    from certportal.credentials.models import Credential
    from certportal.credentials.rules import Row
    from certportal.wizard.models import WizardRun

    today = date(2026, 11, 23)
    seed.load(session, today=today)
    session.commit()

    def rows(key: str) -> dict[str, Row]:
        user = session.exec(select(User).where(User.email == f"{key}@{seed.DEMO_DOMAIN}")).one()
        actor = auth_service.principal_for(session, user)
        return {
            r.data.certification_id: r
            for r in credentials.list_rows(session, actor=actor, today=today)
        }

    takuya = rows("takuya.nakamura")
    assert takuya["AZ-900"].data.provider == "certiport"
    assert takuya["AZ-900"].data.earned_on.year == 2024
    assert takuya["AZ-900"].data.on_learn.value == "no"
    assert takuya["AI-900"].data.provider == "certiport"
    assert takuya["AZ-104"].expiry.status is ExpiryStatus.RENEWAL_WINDOW
    assert rows("sakura.yamamoto")["MS-900"].data.provider == "certiport"
    assert rows("sakura.yamamoto")["MS-102"].expiry.status is ExpiryStatus.EXPIRES_SOON
    hina = rows("hina.tanaka")
    assert hina["AZ-305"].data.counted.value == "no"
    assert "個人" in hina["AZ-305"].data.notes
    daisuke = rows("daisuke.ito")
    legacy = daisuke["AZ-500"]
    assert legacy.expiry.expires_on == date(2023, 2, 15)  # legacy: two years
    assert daisuke["AZ-104"].expiry.status is ExpiryStatus.EXPIRED
    assert rows("shota.watanabe") == {}  # someone with an empty inventory

    run = session.exec(select(WizardRun).where(WizardRun.status == "done")).first()
    assert run is not None and run.credential_id is not None
    linked = session.get(Credential, run.credential_id)
    assert linked is not None and linked.certification_id == "AZ-900"


def test_demo_cases_tell_the_seed_story(session: Session) -> None:
    from datetime import date

    from certportal.cases import service as cases
    from certportal.cases.models import SupportCase

    today = date(2026, 12, 1)
    seed.load(session, today=today)
    session.commit()

    def person(key: str) -> Principal:
        user = session.exec(select(User).where(User.email == f"{key}@{seed.DEMO_DOMAIN}")).one()
        return auth_service.principal_for(session, user)

    takuya = person("takuya.nakamura")
    story = sorted(cases.list_mine(session, actor=takuya), key=lambda c: c.id)
    assert [(c.channel, c.status) for c in story] == [
        ("ms_support", "closed"),  # answered: Certiport since June 2023 is not on Learn
        ("partner_center", "waiting_support"),  # then the service request, Microsoft's move
    ]
    answered = cases.events_of(session, story[0].id)
    assert "reply_received" in [e.kind for e in answered]
    assert story[1].wizard_run_id is not None  # started from the seed diagnosis
    assert story[1].follow_up_on is not None and story[1].follow_up_on > today

    sakura = person("sakura.yamamoto")
    assert [c.subject for c in cases.due(session, user_id=sakura.user_id, today=today)] == [
        "MS-900 が Learn のプロファイルに表示されない"
    ]  # the overdue follow-up
    hina = person("hina.tanaka")
    assert [(c.status, c.resolution) for c in cases.list_mine(session, actor=hina)] == [
        ("resolved", "linked")
    ]
    seed.wipe(session)
    session.commit()
    assert count(session, SupportCase) == 0
