"""Demo organisation: 1 admin, 2 leads, 8 members in 2 teams (names in Japanese and English)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from certportal.audit import service as audit
from certportal.audit.models import AuditEntry
from certportal.auth import service as auth_service
from certportal.auth.models import (
    ExternalIdentity,
    LoginSession,
    OidcAttempt,
    SignInFailure,
    User,
)
from certportal.auth.policy import Principal, Role, TeamRole
from certportal.auth.rules import fold
from certportal.cases import service as cases
from certportal.cases import transitions as cases_rules
from certportal.cases.models import CaseAttachment, CaseCredential, CaseEvent, SupportCase
from certportal.credentials import service as credentials
from certportal.credentials.expiry import add_months
from certportal.credentials.models import CalendarFeed, Credential, CredentialEvent, LearnImport
from certportal.credentials.rules import CredentialData, ExamPass, Tri
from certportal.i18n.formatting import local_today
from certportal.identity import service as identity
from certportal.identity.models import IdentityMap
from certportal.knowledge.models import KnowledgeVersion
from certportal.skilling import settings as skilling_settings
from certportal.skilling.models import SkillingSetting, SkillingSnapshot
from certportal.team import service as team_service
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


def load(session: Session, today: date | None = None) -> int:
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
    day = today or local_today("ja")
    _inventories(session, day)
    _diagnoses(session)
    _cases(session, day)
    _skilling(session, day)
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
    az900 = session.exec(
        select(Credential).where(
            Credential.user_id == takuya.user_id, Credential.certification_id == "AZ-900"
        )
    ).first()
    run = wizard.start(session, actor=takuya, credential_id=az900.id if az900 else None)
    assert run.id is not None
    for question, value in SEED_STORY.items():
        wizard.answer(session, actor=takuya, run_id=run.id, question_id=question, value=value)
    wizard.finish(session, actor=takuya, run_id=run.id)

    sakura = principal("sakura.yamamoto")
    # her Certiport MS-900 is the same story: diagnosed, blocked until Partner Center helps
    ms900 = session.exec(
        select(Credential).where(
            Credential.user_id == sakura.user_id, Credential.certification_id == "MS-900"
        )
    ).first()
    if ms900 is not None:
        blocked = wizard.start(session, actor=sakura, credential_id=ms900.id)
        assert blocked.id is not None
        for question, value in {
            "certification": "MS-900",
            "earned_on": "2024-09-12",
            "provider": "certiport",
            "on_learn": "no",
        }.items():
            wizard.answer(
                session, actor=sakura, run_id=blocked.id, question_id=question, value=value
            )
        wizard.finish(session, actor=sakura, run_id=blocked.id)
    half = wizard.start(session, actor=sakura, certification_id="MS-102")
    assert half.id is not None
    wizard.answer(
        session, actor=sakura, run_id=half.id, question_id="earned_on", value="2025-12-05"
    )


def _demo_credential(
    cert: str,
    earned: date,
    provider: str,
    *,
    on_learn: Tri = Tri.YES,
    counted: Tri = Tri.YES,
    expires_on: date | None = None,
    number: str = "",
    notes: str = "",
    exams: tuple[str, ...] = (),
) -> CredentialData:
    return CredentialData(
        certification_id=cert,
        exams=tuple(ExamPass(code, earned) for code in (exams or (cert,))),
        provider=provider,
        earned_on=earned,
        expires_on=expires_on,
        certification_number=number,
        on_learn=on_learn,
        on_learn_seen_on=earned if on_learn is Tri.YES else None,
        counted=counted,
        notes=notes,
    )


def _inventories(session: Session, today: date) -> None:
    """Inventories drawn from the domain facts: Certiport Fundamentals from 2024 that never reached
    Learn, Pearson VUE role-based ones (one on a personal account, not counted), an expired one, one
    in its renewal window, one expiring within 30 days and a legacy two-year one."""

    def ago(months: int, days: int = 0) -> date:
        return date.fromordinal(add_months(today, -months).toordinal() + days)

    c = _demo_credential
    no, unknown = Tri.NO, Tri.UNKNOWN
    inventories: dict[str, list[CredentialData]] = {
        "takuya.nakamura": [
            c(
                "AZ-900",
                date(2024, 2, 10),
                "certiport",
                on_learn=no,
                counted=unknown,
                notes="Odyssey (Certiport) で受験。Learn に表示されない。",
            ),
            c("AI-900", date(2024, 5, 18), "certiport", on_learn=no, counted=unknown),
            c("AZ-104", ago(8), "pearson_vue", number="A1B2C3-4D5E"),
        ],
        "sakura.yamamoto": [
            c("MS-900", date(2024, 9, 12), "certiport", on_learn=no, counted=no),
            c("MS-102", ago(12, 20), "pearson_vue", number="F6G7H8-9J0K"),
        ],
        "hina.tanaka": [
            c("AZ-104", ago(4), "pearson_vue", number="K1L2M3-N4P5"),
            c(
                "AZ-305",
                ago(3),
                "pearson_vue",
                counted=no,
                notes=(
                    "個人アカウント (hina.t@outlook.jp) の Learn プロファイルにある。"
                    "Partner Center 未関連付け。"
                ),
            ),
        ],
        "daisuke.ito": [
            c("AZ-500", date(2021, 2, 15), "pearson_vue", counted=no),
            c("AZ-104", ago(17), "pearson_vue", counted=no),
            c("AZ-900", date(2020, 11, 1), "pearson_vue"),
        ],
        "james.wilson": [
            c("AZ-104", ago(5), "pearson_vue"),
            c("AZ-700", ago(2), "pearson_vue", counted=unknown),
        ],
        "priya.nair": [
            c("SC-300", ago(7), "pearson_vue"),
            c("SC-200", ago(1), "pearson_vue", on_learn=unknown, counted=unknown),
        ],
        "naoki.kobayashi": [
            c("MS-700", ago(6, 10), "pearson_vue"),
            c("PL-300", ago(9), "pearson_vue", counted=unknown),
        ],
        # the skilling story: Data & AI waits for a second AZ-305 (Hina's is not counted), and
        # Modern Work intermediate is one person short of its cap (Sakura's MS-900)
        "kenichi.takahashi": [
            c("AZ-305", ago(2), "pearson_vue"),
            c("DP-600", ago(1, 5), "pearson_vue"),
        ],
        "emily.carter": [c("MD-102", ago(3, 12), "pearson_vue")],
    }
    for key, items in inventories.items():
        user = session.exec(select(User).where(User.email == f"{key}@{DEMO_DOMAIN}")).one()
        actor = auth_service.principal_for(session, user)
        for data in items:
            row = credentials.create(session, actor=actor, data=data, source="demo")
            # entered when earned, so the timeline reads like a real history
            row.created_at = datetime.combine(data.earned_on, time(9), tzinfo=UTC)
            session.add(row)


def _cases(session: Session, today: date) -> None:
    """The seed author's story as cases (a Microsoft support request answered, then a Partner
    Center service request waiting on Microsoft), an overdue follow-up and a resolved case."""

    def principal(key: str) -> Principal:
        user = session.exec(select(User).where(User.email == f"{key}@{DEMO_DOMAIN}")).one()
        return auth_service.principal_for(session, user)

    def credential(actor: Principal, cert: str) -> tuple[int, ...]:
        row = session.exec(
            select(Credential).where(
                Credential.user_id == actor.user_id, Credential.certification_id == cert
            )
        ).first()
        return (row.id,) if row is not None and row.id is not None else ()

    def fields(**values: object) -> cases_rules.CaseFields:
        base: dict[str, object] = {
            "reference": "",
            "status": cases_rules.Status.OPEN,
            "message": "",
            "follow_up_on": None,
            "credential_ids": (),
        }
        base.update(values)
        return cases_rules.CaseFields(**base)  # type: ignore[arg-type]

    def back(days: int) -> date:
        return today - timedelta(days=days)

    takuya = principal("takuya.nakamura")
    az900 = credential(takuya, "AZ-900")
    first = cases.create(
        session,
        actor=takuya,
        fields=fields(
            channel=cases_rules.Channel.MS_SUPPORT,
            reference="2402190040001234",
            subject="Certiport で取得した AZ-900 が Microsoft Learn に表示されない",
            message=(
                "2024年2月に Certiport（オデッセイ）経由で AZ-900 に合格しましたが、"
                "Microsoft Learn の認定資格に表示されません。パートナー センターで会社に"
                "紐付けるにはどうすればよいでしょうか。"
            ),
            credential_ids=az900,
        ),
        today=back(45),
    )
    assert first.id is not None
    first = cases.record_reply(
        session,
        actor=takuya,
        case_id=first.id,
        version=first.version,
        summary=(
            "2023年6月以降に Certiport で取得した認定は Learn に表示されない仕様。"
            "配信会社が異なるプロファイルは統合できない。表示対応は進行中だが時期は未定。"
            "個別対応はパートナー センターのサポート リクエストで。"
        ),
        received_on=back(38).isoformat(),
        today=back(38),
    )
    cases.change_status(
        session,
        actor=takuya,
        case_id=first.id or 0,
        version=first.version,
        target="closed",
        resolution="not_possible",
        today=back(37),
    )
    run = session.exec(select(WizardRun).where(WizardRun.user_id == takuya.user_id)).first()
    prefill = (
        cases.prefill_from_run(session, actor=takuya, run_id=run.id, locale="ja")
        if run is not None and run.id is not None
        else None
    )
    second = cases.create(
        session,
        actor=takuya,
        fields=fields(
            channel=cases_rules.Channel.PARTNER_CENTER,
            reference="SR-2099887766",
            subject=prefill.subject
            if prefill
            else "Certiport の認定をパートナー センターに関連付けたい",
            message=prefill.message if prefill else "",
            credential_ids=az900,
            follow_up_on=today + timedelta(days=4),
        ),
        wizard_run_id=run.id if run is not None else None,
        today=back(30),
    )
    cases.change_status(
        session,
        actor=takuya,
        case_id=second.id or 0,
        version=second.version,
        target="waiting_support",
        today=back(29),
    )

    sakura = principal("sakura.yamamoto")
    overdue = cases.create(
        session,
        actor=sakura,
        fields=fields(
            channel=cases_rules.Channel.CREDENTIALS_SUPPORT,
            reference="CS-556677",
            subject="MS-900 が Learn のプロファイルに表示されない",
            message="Certiport で合格した MS-900 が Learn に表示されません。確認をお願いします。",
            credential_ids=credential(sakura, "MS-900"),
            follow_up_on=back(3),
        ),
        today=back(17),
    )
    cases.change_status(
        session,
        actor=sakura,
        case_id=overdue.id or 0,
        version=overdue.version,
        target="waiting_support",
        today=back(16),
    )

    hina = principal("hina.tanaka")
    merged = cases.create(
        session,
        actor=hina,
        fields=fields(
            channel=cases_rules.Channel.CREDENTIALS_SUPPORT,
            reference="CS-443322",
            subject="個人アカウントと会社アカウントの Learn プロファイルを統合したい",
            message=(
                "AZ-305 が個人アカウントの Learn プロファイルにあります。統合方法を教えてください。"
            ),
            credential_ids=credential(hina, "AZ-305"),
        ),
        today=back(70),
    )
    merged = cases.record_reply(
        session,
        actor=hina,
        case_id=merged.id or 0,
        version=merged.version,
        summary="会社アカウントをログインとして追加すると統合される（元に戻せない）との案内。",
        received_on=back(66).isoformat(),
        today=back(66),
    )
    cases.change_status(
        session,
        actor=hina,
        case_id=merged.id or 0,
        version=merged.version,
        target="resolved",
        resolution="linked",
        today=back(60),
    )


def _half(value: float) -> float:
    """Rounded to half points, as a person would read a chart."""
    return round(value * 2) / 2


DEMO_TARGETS = {"modern_work": 20.0, "data_ai_azure": 20.0, "infrastructure_azure": 10.0}


def _skilling(session: Session, today: date) -> None:
    """Targets, and five earlier months of snapshots so the history shows progress to now."""
    session.add(
        SkillingSetting(
            document=skilling_settings.dump(skilling_settings.Settings(targets=DEMO_TARGETS)),
            version=1,
        )
    )
    admin = session.exec(select(User).where(User.role == Role.ADMIN.value)).first()
    assert admin is not None
    found = team_service.panel(
        session, actor=auth_service.principal_for(session, admin), today=today
    )
    later = found.possible.by_id()
    for back in range(5, 0, -1):
        month = add_months(today, -back).strftime("%Y-%m")
        share = (6 - back) / 6  # 1/6 … 5/6 of today's points
        for result in found.now.designations:
            session.add(
                SkillingSnapshot(
                    month=month,
                    designation_id=result.designation_id,
                    counted=_half(result.points * share),
                    possible=_half(later[result.designation_id].points * share),
                )
            )
    session.flush()


def wipe(session: Session) -> None:
    """Delete every row (the demo reset), and the attachment files those rows pointed at.
    Bypasses the ORM so the audit log can be cleared too."""
    keys = list(session.exec(select(CaseAttachment.storage_key)).all())
    for table in (
        SkillingSnapshot,
        SkillingSetting,
        CaseEvent,
        CaseAttachment,
        CaseCredential,
        SupportCase,
        CredentialEvent,
        LearnImport,
        CalendarFeed,
        Credential,
        WizardRun,
        KnowledgeVersion,
        IdentityMap,
        TeamMembership,
        Team,
        LoginSession,
        SignInFailure,
        ExternalIdentity,
        OidcAttempt,
        AuditEntry,
        User,
    ):
        session.exec(delete(table))
    session.flush()
    cases.settle_files(
        session, keep_on_commit=[], remove_on_commit=[cases.storage_dir() / k for k in keys]
    )
