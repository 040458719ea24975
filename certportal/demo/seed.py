"""Demo organisation: 1 admin, 2 leads, 8 members in 2 teams (names in Japanese and English)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, select

from certportal.audit import service as audit
from certportal.audit.models import AuditEntry
from certportal.auth import service as auth_service
from certportal.auth.models import LoginSession, SignInFailure, User
from certportal.auth.policy import Principal, Role, TeamRole
from certportal.auth.rules import fold
from certportal.identity import service as identity
from certportal.identity.models import IdentityMap
from certportal.knowledge.models import KnowledgeVersion
from certportal.teams.models import Team, TeamMembership
from certportal.wizard import service as wizard
from certportal.wizard.models import WizardRun

DEMO_PASSWORD = "certportal-demo-2026"  # noqa: S105 (demo accounts only, printed by `make run`)
DEMO_DOMAIN = "demo.certportal.example"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    display_name: str
    role: Role
    locale: str
    team: str | None = None
    team_role: TeamRole = TeamRole.MEMBER

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


TEAMS = (
    (
        "Azure Infrastructure",
        "Azure インフラ設計・運用チーム / Azure infrastructure and operations",
    ),
    ("Modern Work & Security", "Microsoft 365 とセキュリティ / Microsoft 365 and security"),
)

PEOPLE = (
    DemoPerson("misaki.sato", "佐藤 美咲", Role.ADMIN, "ja"),
    DemoPerson("kenichi.takahashi", "高橋 健一", Role.LEAD, "ja", TEAMS[0][0], TeamRole.LEAD),
    DemoPerson("emily.carter", "Emily Carter", Role.LEAD, "en", TEAMS[1][0], TeamRole.LEAD),
    DemoPerson("hina.tanaka", "田中 陽菜", Role.MEMBER, "ja", TEAMS[0][0]),
    DemoPerson("daisuke.ito", "伊藤 大輔", Role.MEMBER, "ja", TEAMS[0][0]),
    DemoPerson("shota.watanabe", "渡辺 翔太", Role.MEMBER, "ja", TEAMS[0][0]),
    DemoPerson("james.wilson", "James Wilson", Role.MEMBER, "en", TEAMS[0][0]),
    DemoPerson("sakura.yamamoto", "山本 さくら", Role.MEMBER, "ja", TEAMS[1][0]),
    DemoPerson("takuya.nakamura", "中村 拓也", Role.MEMBER, "ja", TEAMS[1][0]),
    DemoPerson("naoki.kobayashi", "小林 直樹", Role.MEMBER, "ja", TEAMS[1][0]),
    DemoPerson("priya.nair", "Priya Nair", Role.MEMBER, "en", TEAMS[1][0]),
)


def is_empty(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(User)).one() == 0


def load(session: Session) -> int:
    """Insert the demo organisation into an empty database; returns the number of people."""
    if not is_empty(session):
        raise RuntimeError("the database already has accounts; use reset to replace them")
    teams: dict[str, Team] = {}
    for name, description in TEAMS:
        team = Team(name=name, name_key=fold(name), description=description)
        session.add(team)
        teams[name] = team
    session.flush()
    for person in PEOPLE:
        user = auth_service.create_account(
            session,
            email=person.email,
            display_name=person.display_name,
            password=DEMO_PASSWORD,
            role=person.role,
            locale=person.locale,
        )
        if person.team:
            session.add(
                TeamMembership(
                    team_id=teams[person.team].id or 0,
                    user_id=user.id or 0,
                    role=person.team_role.value,
                )
            )
    _diagnoses(session)
    audit.record(
        session, action="demo.loaded", actor_label="system", detail={"people": len(PEOPLE)}
    )
    session.flush()
    return len(PEOPLE)


# The seed article's story: AZ-900 through Odyssey (Certiport) in 2024, not shown on Learn.
SEED_STORY = {
    "certification": "AZ-900",
    "earned_on": "2024-02-10",
    "provider": "certiport",
    "on_learn": "no",
}


def _diagnoses(session: Session) -> None:
    """A finished diagnosis (the seed story) and one left half-way, with an identity map."""

    def principal(key: str) -> Principal:
        user = session.exec(select(User).where(User.email == f"{key}@{DEMO_DOMAIN}")).one()
        return auth_service.principal_for(session, user)

    takuya = principal("takuya.nakamura")
    identity.save(
        session,
        actor=takuya,
        form={
            "work_account": takuya.email,
            "personal_accounts": "takuya.n@outlook.jp",
            "cert_profile_account": "takuya.n@outlook.jp",
            "learn_profiles": "learn.microsoft.com/users/takuya-n (takuya.n@outlook.jp)",
            "mcid": "991234567",
            "certiport_username": "tnakamura",
            "pc_user": takuya.email,
            "pc_mcid": "991234567",
        },
        version=0,
    )
    run = wizard.start(session, actor=takuya)
    assert run.id is not None
    for question, value in SEED_STORY.items():
        wizard.answer(session, actor=takuya, run_id=run.id, question_id=question, value=value)
    wizard.finish(session, actor=takuya, run_id=run.id)

    sakura = principal("sakura.yamamoto")
    half = wizard.start(session, actor=sakura, certification_id="MS-102")
    assert half.id is not None
    wizard.answer(
        session, actor=sakura, run_id=half.id, question_id="earned_on", value="2025-12-05"
    )


def wipe(session: Session) -> None:
    """Delete every row (the demo reset). Bypasses the ORM so the audit log can be cleared too."""
    for table in (
        WizardRun,
        KnowledgeVersion,
        IdentityMap,
        TeamMembership,
        Team,
        LoginSession,
        SignInFailure,
        AuditEntry,
        User,
    ):
        session.exec(delete(table))
