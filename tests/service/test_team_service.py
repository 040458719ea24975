"""The team view on SQLite and PostgreSQL: who sees whom, counts done in SQL, filters and pages,
privacy, the audited member detail, the skilling panel, settings and CSV exports."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from certportal.auth import service as auth_service
from certportal.auth.models import User
from certportal.auth.policy import Principal, Role
from certportal.cases import service as cases
from certportal.cases.transitions import validate_case
from certportal.credentials import service as credentials
from certportal.credentials.rules import CredentialData, Tri
from certportal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from certportal.skilling.models import SkillingSnapshot
from certportal.team import service
from certportal.team.service import TeamQuery
from certportal.teams import service as teams
from certportal.wizard import service as wizard
from tests.conftest import make_user

from .helpers import audit_actions, count

TODAY = date(2026, 12, 1)


def refresh(session: Session, actor: Principal) -> Principal:
    user = session.get(User, actor.user_id)
    assert user is not None
    return auth_service.principal_for(session, user)


def cred(
    session: Session,
    actor: Principal,
    cert: str,
    *,
    counted: bool = False,
    earned: date = date(2026, 6, 1),
    private: frozenset[str] = frozenset(),
    number: str = "",
    on_learn: Tri = Tri.UNKNOWN,
) -> int:
    row = credentials.create(
        session,
        actor=actor,
        data=CredentialData(
            certification_id=cert,
            earned_on=earned,
            counted=Tri.YES if counted else Tri.UNKNOWN,
            on_learn=on_learn,
            private=private,
            certification_number=number,
        ),
    )
    return row.id or 0


@pytest.fixture
def org(session: Session, admin: Principal) -> dict[str, Principal]:
    """Team Azure: lead Lena, members Aki and Ben. Team Work: lead Wes, member Cho."""
    people = {
        key: make_user(session, f"{key}@example.com", Role.MEMBER, name)
        for key, name in (
            ("lena", "Lena Lead"),
            ("aki", "Aki Sato"),
            ("ben", "Ben Ito"),
            ("wes", "Wes Lead"),
            ("cho", "Cho Kim"),
        )
    }
    azure = teams.create_team(session, actor=admin, name="Azure")
    work = teams.create_team(session, actor=admin, name="Modern Work")
    for key, team, role in (
        ("lena", azure, "lead"),
        ("aki", azure, "member"),
        ("ben", azure, "member"),
        ("wes", work, "lead"),
        ("cho", work, "member"),
    ):
        teams.assign(
            session, actor=admin, team_id=team.id or 0, user_id=people[key].user_id, team_role=role
        )
    session.commit()
    found = {k: refresh(session, p) for k, p in people.items()}
    found["admin"] = refresh(session, admin)
    return found


def names(page: service.TeamPage) -> list[str]:
    return [r.name for r in page.rows]


def test_a_lead_sees_their_teams_and_a_member_nobody(
    session: Session, org: dict[str, Principal]
) -> None:
    page = service.team_page(session, actor=org["lena"], query=TeamQuery(), today=TODAY)
    assert names(page) == ["Aki Sato", "Ben Ito", "Lena Lead"]
    everyone = service.team_page(session, actor=org["admin"], query=TeamQuery(), today=TODAY)
    assert everyone.total == 6  # five people and the admin
    with pytest.raises(PermissionDenied):
        service.team_page(session, actor=org["aki"], query=TeamQuery(), today=TODAY)
    with pytest.raises(PermissionDenied):
        service.panel(session, actor=org["aki"], today=TODAY)


def test_a_lead_of_another_team_cannot_open_a_member(
    session: Session, org: dict[str, Principal]
) -> None:
    with pytest.raises(NotFound):
        service.member_detail(session, actor=org["wes"], user_id=org["aki"].user_id, today=TODAY)
    with pytest.raises(NotFound):
        service.member_detail(session, actor=org["cho"], user_id=org["aki"].user_id, today=TODAY)
    detail = service.member_detail(
        session, actor=org["lena"], user_id=org["aki"].user_id, today=TODAY
    )
    assert detail.name == "Aki Sato" and detail.teams == ("Azure",)
    assert "team.member_view" in audit_actions(session)


def test_counts_filters_search_sort_and_pages(session: Session, org: dict[str, Principal]) -> None:
    aki, ben = org["aki"], org["ben"]
    cred(session, aki, "AZ-104", counted=True, earned=date(2026, 6, 1))
    cred(session, aki, "AZ-305", counted=True, earned=date(2026, 1, 20))  # renewal within 90 days
    blocked = cred(session, ben, "AZ-900")
    run = wizard.start(session, actor=ben, credential_id=blocked)
    wizard.answer(session, actor=ben, run_id=run.id or 0, question_id="provider", value="certiport")
    wizard.answer(session, actor=ben, run_id=run.id or 0, question_id="on_learn", value="no")
    wizard.finish(session, actor=ben, run_id=run.id or 0)
    cred(session, ben, "MS-700", earned=date(2026, 6, 1))  # not diagnosed: not yet linked
    cred(session, ben, "AZ-104", earned=date(2024, 1, 5))  # expired: not counted anywhere
    fields, _ = validate_case(
        {"channel": "partner_center", "subject": "S", "status": "open"}, TODAY
    )
    assert fields is not None
    cases.create(session, actor=ben, fields=fields, today=TODAY)
    session.commit()
    lena = org["lena"]
    page = service.team_page(session, actor=lena, query=TeamQuery(), today=TODAY)
    rows = {r.name: r for r in page.rows}
    a, b = rows["Aki Sato"], rows["Ben Ito"]
    assert (a.counted, a.blocked, a.unlinked, a.renewals, a.open_cases) == (2, 0, 0, 1, 0)
    assert (b.counted, b.blocked, b.unlinked, b.renewals, b.open_cases) == (0, 1, 1, 0, 1)
    assert b.blocked_reason == "certiport_since_2023_06" and b.next_party == "microsoft"
    assert b.last_activity is not None and b.teams == ("Azure",)

    def only(**kw: object) -> list[str]:
        return names(service.team_page(session, actor=lena, query=TeamQuery(**kw), today=TODAY))  # type: ignore[arg-type]

    assert only(status="blocked") == ["Ben Ito"]
    assert only(status="counted") == ["Aki Sato"]
    assert only(status="renewals") == ["Aki Sato"]
    assert only(status="cases") == ["Ben Ito"]
    assert only(status="unlinked") == ["Ben Ito"]
    assert only(designation="modern_work") == ["Ben Ito"]
    assert only(designation="data_ai_azure") == ["Aki Sato"]  # AZ-104/AZ-305 are its gates
    assert only(search="ｂｅｎ") == ["Ben Ito"]  # width-insensitive
    assert only(search="%") == []  # wildcards are literal
    assert only(search="b\x00en") == ["Ben Ito"]  # a NUL crashed it on PostgreSQL (fuzzing)
    assert only(sort="counted")[0] == "Aki Sato"
    first = service.team_page(session, actor=lena, query=TeamQuery(page_size=2), today=TODAY)
    second = service.team_page(
        session, actor=lena, query=TeamQuery(page_size=2, page=2), today=TODAY
    )
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (3, 2, 2, 1)
    far = service.team_page(session, actor=lena, query=TeamQuery(page=99), today=TODAY)
    assert far.page == 1  # one page only
    with pytest.raises(InvalidInput):
        service.team_page(session, actor=lena, query=TeamQuery(status="bogus"), today=TODAY)
    with pytest.raises(InvalidInput):
        service.team_page(session, actor=lena, query=TeamQuery(sort="bogus"), today=TODAY)


def test_private_entries_reach_no_lead(session: Session, org: dict[str, Principal]) -> None:
    aki = org["aki"]
    cred(session, aki, "AZ-104", counted=True, private=frozenset({"entry"}))
    cred(
        session,
        aki,
        "MS-700",
        counted=True,
        number="SECRET-1",
        private=frozenset({"certification_number"}),
    )
    session.commit()
    lena = org["lena"]
    row = service.team_page(session, actor=lena, query=TeamQuery(search="aki"), today=TODAY).rows[0]
    assert row.counted == 1
    detail = service.member_detail(session, actor=lena, user_id=aki.user_id, today=TODAY)
    assert [c.certification_id for c in detail.credentials] == ["MS-700"]
    assert detail.credentials[0].certification_number == "" and detail.hidden == 1
    own = service.what_my_lead_sees(session, actor=aki, today=TODAY)
    assert [c.certification_id for c in own.credentials] == ["MS-700"] and own.hidden == 1
    panel = service.panel(session, actor=org["admin"], today=TODAY)
    assert panel.now.by_id()["modern_work"].points == 2.5
    assert panel.now.by_id()["infrastructure_azure"].metrics[0].gates[0].holders == ()


def test_the_skilling_panel(session: Session, org: dict[str, Principal]) -> None:
    aki, ben, cho = org["aki"], org["ben"], org["cho"]
    cred(session, aki, "AZ-104", counted=True)
    cred(session, ben, "AZ-104", on_learn=Tri.YES)  # on Learn, not associated
    cred(session, ben, "AZ-700", counted=True)
    cred(session, cho, "MS-700", counted=True)
    cred(session, cho, "AZ-900", counted=True)  # counts for nothing
    session.commit()
    lena = org["lena"]
    panel = service.panel(session, actor=lena, today=TODAY)
    infra = panel.now.by_id()["infrastructure_azure"]
    assert infra.points == 0 and not infra.metrics[0].gated  # one AZ-104 counted, two needed
    assert panel.possible.by_id()["infrastructure_azure"].points == 4
    assert panel.now.by_id()["modern_work"].points == 2.5  # company-wide, Cho included
    assert [(w.person, w.certification_id, w.action, w.gain) for w in panel.what_if] == [
        ("Ben Ito", "AZ-104", "associate", 4.0)
    ]
    assert panel.not_scoring == []  # Cho is not in Lena's teams
    admin_panel = service.panel(session, actor=org["admin"], today=TODAY)
    assert admin_panel.not_scoring == [("AZ-900", 1)]
    snapshots = session.exec(select(SkillingSnapshot)).all()
    assert {s.month for s in snapshots} == {"2026-12"} and len(
        snapshots
    ) == 6  # one per designation
    # associating Ben's AZ-104 opens the gate
    row = credentials.get(session, actor=ben, credential_id=2)
    data = credentials.to_data(row)
    credentials.update(
        session,
        actor=ben,
        credential_id=2,
        data=CredentialData(**{**data.__dict__, "counted": Tri.YES}),
        version=row.version,
    )
    session.commit()
    again = service.panel(session, actor=lena, today=TODAY)
    assert again.now.by_id()["infrastructure_azure"].points == 4
    assert again.what_if == []
    assert count(session, SkillingSnapshot) == 6  # this month's rows updated, not added


def test_settings_are_for_admins_validated_and_versioned(
    session: Session, org: dict[str, Principal]
) -> None:
    admin = org["admin"]
    with pytest.raises(PermissionDenied):
        service.save_settings(session, actor=org["lena"], tracks={}, targets={}, version=0)
    saved = service.save_settings(
        session,
        actor=admin,
        tracks={"Modern Work": "smb"},
        targets={"modern_work": "20"},
        version=0,
    )
    session.commit()
    assert saved.tracks == {"Modern Work": "smb"} and saved.targets == {"modern_work": 20.0}
    settings, version = service.read_settings(session)
    assert settings == saved and version == 1
    with pytest.raises(Conflict):
        service.save_settings(session, actor=admin, tracks={}, targets={}, version=0)
    for tracks, targets in (
        ({"Mars": "smb"}, {}),
        ({"Azure": "medium"}, {}),
        ({}, {"nowhere": "10"}),
        ({}, {"modern_work": "0"}),
        ({}, {"modern_work": "ten"}),
    ):
        with pytest.raises(InvalidInput):
            service.save_settings(session, actor=admin, tracks=tracks, targets=targets, version=1)
    cred(session, org["cho"], "MS-700", counted=True)
    session.commit()
    panel = service.panel(session, actor=admin, today=TODAY)
    assert panel.tracks["modern_work"] == "smb"
    assert panel.now.by_id()["modern_work"].points == 5  # SMB: 5 per person
    assert "skilling.settings" in audit_actions(session)


def test_csv_exports(session: Session, org: dict[str, Principal]) -> None:
    cred(session, org["aki"], "AZ-104", counted=True)
    cred(session, org["ben"], "MS-700")
    session.commit()
    text = service.export_team_csv(
        session, actor=org["lena"], query=TeamQuery(status="unlinked"), today=TODAY
    )
    assert text.startswith("\ufeffname,email,teams,counted,blocked,unlinked,renewals_90_days")
    lines = text.split("\r\n")
    assert len(lines) == 3 and lines[1].startswith("Ben Ito,ben@example.com,Azure,0,0,1,0,0")
    skilling = service.export_skilling_csv(session, actor=org["admin"], today=TODAY)
    rows = skilling.split("\r\n")
    assert rows[0] == "\ufeff" + ",".join(service.SKILLING_COLUMNS)
    assert service.SKILLING_COLUMNS[-2:] == ("gates_met", "people_counted")
    assert "modern_work,intermediate,enterprise,0,2.5,10,,yes,0" in rows
    assert {"team.export", "skilling.export"} <= set(audit_actions(session))
    with pytest.raises(PermissionDenied):
        service.export_team_csv(session, actor=org["aki"], query=TeamQuery(), today=TODAY)
