"""The authorization matrix: every Reflex event handler and every HTTP route, against five actors
— anonymous, a member acting on another member's data, a lead of another team, the lead of the
member's team, an admin — each expected to be refused or allowed.

The world: a member ("the victim") with a credential (private number and notes), a finished
diagnosis, an identity map, an unshared support case with a note and an attachment, a calendar
feed and a Learn import; the victim's team has a lead; another team has its lead and a member.

For every handler and every actor the handler is called with everything pointing at the victim's
data: the state's ids and versions set to the victim's (as a forged ``setvar`` could), the route
and query naming the victim's resources, forms filled with values that would change them. Then:

- the victim's data is unchanged (a "write" by any of the five is refused) — unless the row says
  the actor may change it (an admin deactivating a person): such calls are not made here, their
  own tests cover them;
- nothing the victim keeps to themselves (notes, private number, the case's subject, texts and
  attachment, the identity map) appears anywhere in the actor's state, whatever the handler.

A handler or route without a row fails the test: adding one means deciding who may use it.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from reflex.state import State
from sqlalchemy import text
from sqlmodel import Session, SQLModel
from starlette.testclient import TestClient

import certportal.certportal  # noqa: F401  (registers every state)
from certportal import db as db_module
from certportal.api.health import build_api
from certportal.auth import service as auth_service
from certportal.auth.policy import Role
from certportal.auth.rules import SESSION_COOKIE
from certportal.auth.state import AppState
from certportal.cases import service as cases
from certportal.cases.transitions import validate_case
from certportal.credentials import service as credentials
from certportal.credentials.rules import CredentialData, Tri
from certportal.identity import service as identity
from certportal.learn.transcript import Transcript
from certportal.settings import get_settings
from certportal.teams import service as teams
from certportal.wizard import service as wizard
from tests.conftest import make_user
from tests.state.conftest import PASSWORD

ACTORS = ("anonymous", "other_member", "other_lead", "team_lead", "admin")
SECRETS = (
    "VICTIM-NOTE-7Q",
    "VICTIM-NUM-7Q",
    "VICTIM-CASE-SUBJECT-7Q",
    "VICTIM-CASE-TEXT-7Q",
    "991199119",  # the identity map's MCID
    "victim-shot.png",
    "VICTIM-LEGAL-7Q",
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = date(2026, 12, 1)

# --- the matrix ------------------------------------------------------------------------------
# Each handler: who may change the victim's data through it ("admin" for the admin pages that
# manage people); everyone else is refused. Reading is checked for every actor by the secrets.
NOBODY: frozenset[str] = frozenset()
ADMIN = frozenset({"admin"})
BACKGROUND = "background"  # runs outside a request; see the row's note

HANDLERS: dict[str, frozenset[str] | str] = {
    # root state: the actor's own session and language only
    "AppState.setvar": NOBODY,
    "AppState.load_public": NOBODY,
    "AppState.require_member": NOBODY,
    "AppState.set_language": NOBODY,
    "AppState.probe": NOBODY,
    "AppState.sign_out": NOBODY,
    "AppState.leave_deleted_account": NOBODY,  # forgets the caller's own tab, then out
    "AppState.ask_sign_out_everywhere": NOBODY,
    "AppState.cancel_sign_out_everywhere": NOBODY,
    "AppState.sign_out_everywhere": NOBODY,
    # sign-in and sign-up: no personal data of anyone else
    "SignInState.setvar": NOBODY,
    "SignInState.clear": NOBODY,
    "SignInState.submit": NOBODY,
    "SignInState.with_microsoft": NOBODY,  # starts the actor's own sign-in attempt
    "CallbackState.setvar": NOBODY,
    "CallbackState.complete": NOBODY,  # needs the provider's code for a stored attempt
    "SignUpState.setvar": NOBODY,
    "SignUpState.submit": NOBODY,
    # admin pages: people, teams, knowledge, audit, skilling settings
    "AdminGuardState.setvar": NOBODY,
    "AdminGuardState.require_admin": NOBODY,
    "PeopleState.setvar": NOBODY,
    "PeopleState.load": NOBODY,
    "PeopleState.set_search": NOBODY,
    "PeopleState.go_page": NOBODY,
    "PeopleState.change_role": ADMIN,
    "PeopleState.ask_active": NOBODY,
    "PeopleState.cancel_confirm": NOBODY,
    "PeopleState.confirm_active": ADMIN,
    "PeopleState.set_add_open": NOBODY,
    "PeopleState.add_person": NOBODY,
    "TeamsAdminState.setvar": NOBODY,
    "TeamsAdminState.load": NOBODY,
    "TeamsAdminState.create_team": NOBODY,
    "TeamsAdminState.set_pick_person": NOBODY,
    "TeamsAdminState.set_pick_role": NOBODY,
    "TeamsAdminState.assign": ADMIN,
    "TeamsAdminState.ask_remove": NOBODY,
    "TeamsAdminState.ask_delete": NOBODY,
    "TeamsAdminState.cancel_confirm": NOBODY,
    "TeamsAdminState.confirm": ADMIN,
    "KnowledgeAdminState.setvar": NOBODY,
    "KnowledgeAdminState.load": NOBODY,
    "KnowledgeAdminState.set_kind_filter": NOBODY,
    "KnowledgeAdminState.set_stale_only": NOBODY,
    "KnowledgeAdminState.set_note": NOBODY,
    "KnowledgeAdminState.cancel_upload": NOBODY,
    "KnowledgeAdminState.handle_upload": NOBODY,
    "KnowledgeAdminState.publish": NOBODY,
    "KnowledgeAdminState.ask_rollback": NOBODY,
    "KnowledgeAdminState.cancel_rollback": NOBODY,
    "KnowledgeAdminState.rollback": NOBODY,
    "KnowledgeAdminState.download": NOBODY,
    "AuditState.setvar": NOBODY,
    "AuditState.load": NOBODY,
    "AuditState.apply": NOBODY,
    "AuditState.clear": NOBODY,
    "AuditState.go_page": NOBODY,
    "SkillingSettingsState.setvar": NOBODY,
    "SkillingSettingsState.load": NOBODY,
    "SkillingSettingsState.save": NOBODY,
    # home
    "MyTeamsState.setvar": NOBODY,
    "HomeState.setvar": NOBODY,
    "HomeState.load": NOBODY,
    # the inventory: the owner's only
    "CredentialsState.setvar": NOBODY,
    "CredentialsState.load": NOBODY,
    "CredentialsState.set_filter": NOBODY,
    "CredentialsState.clear_filters": NOBODY,
    "CredentialFormState.setvar": NOBODY,
    "CredentialFormState.load_new": NOBODY,
    "CredentialFormState.load_edit": NOBODY,
    "CredentialFormState.search": NOBODY,
    "CredentialFormState.choose": NOBODY,
    "CredentialFormState.save": NOBODY,
    "CredentialDetailState.setvar": NOBODY,
    "CredentialDetailState.load": NOBODY,
    "CredentialDetailState.ask_delete": NOBODY,
    "CredentialDetailState.cancel_delete": NOBODY,
    "CredentialDetailState.delete": NOBODY,
    "LearnImportState.setvar": NOBODY,
    "LearnImportState.load": NOBODY,
    "LearnImportState.ask_forget": NOBODY,
    "LearnImportState.cancel_forget": NOBODY,
    "LearnImportState.forget": NOBODY,
    "LearnImportState.set_link": NOBODY,
    "LearnImportState.set_include_history": NOBODY,
    "LearnImportState.set_keep_personal": NOBODY,
    "LearnImportState.cancel": NOBODY,
    # reads the transcript behind the link the actor typed, into the actor's own state (covered
    # by tests/learn and tests/state); writes nothing
    "LearnImportState.fetch": BACKGROUND,
    "LearnImportState.confirm": NOBODY,
    "CsvState.setvar": NOBODY,
    "CsvState.load": NOBODY,
    "CsvState.cancel": NOBODY,
    "CsvState.export": NOBODY,
    "CsvState.handle_upload": NOBODY,
    "CsvState.import_valid": NOBODY,
    "CalendarState.setvar": NOBODY,
    "CalendarState.load": NOBODY,
    "CalendarState.ask": NOBODY,
    "CalendarState.cancel": NOBODY,
    "CalendarState.create": NOBODY,
    "CalendarState.revoke": NOBODY,
    "CalendarState.copy_url": NOBODY,
    # the wizard and the identity map: the owner's only
    "WizardListState.setvar": NOBODY,
    "WizardListState.open": NOBODY,
    "WizardListState.ask_delete": NOBODY,
    "WizardListState.cancel_delete": NOBODY,
    "WizardListState.delete": NOBODY,
    "WizardState.setvar": NOBODY,
    "WizardState.load": NOBODY,
    "WizardState.set_cert_filter": NOBODY,
    "WizardState.submit": NOBODY,
    "WizardState.dont_know": NOBODY,
    "WizardState.confirm": NOBODY,
    "WizardState.copy_support": NOBODY,
    "IdentityState.setvar": NOBODY,
    "IdentityState.load": NOBODY,
    "IdentityState.save": NOBODY,
    # support cases: the owner changes; leads and admins read status only
    "CasesState.setvar": NOBODY,
    "CasesState.load": NOBODY,
    "CasesState.set_filter": NOBODY,
    "CaseFormState.setvar": NOBODY,
    "CaseFormState.load_new": NOBODY,
    "CaseFormState.load_edit": NOBODY,
    "CaseFormState.save": NOBODY,
    "CaseDetailState.setvar": NOBODY,
    "CaseDetailState.load": NOBODY,
    "CaseDetailState.send_message": NOBODY,
    "CaseDetailState.record_reply": NOBODY,
    "CaseDetailState.change_status": NOBODY,
    "CaseDetailState.set_follow_up": NOBODY,
    "CaseDetailState.add_note": NOBODY,
    "CaseDetailState.set_shared": NOBODY,
    "CaseDetailState.handle_upload": NOBODY,
    "CaseDetailState.ask_delete": NOBODY,
    "CaseDetailState.cancel_delete": NOBODY,
    "CaseDetailState.delete": NOBODY,
    "EvidenceState.setvar": NOBODY,
    "EvidenceState.load": NOBODY,
    "EvidenceState.print_page": NOBODY,
    "EvidenceState.download": NOBODY,
    "TimelineState.setvar": NOBODY,
    "TimelineState.load": NOBODY,
    "TimelineState.set_filter": NOBODY,
    "TeamCasesState.setvar": NOBODY,
    "TeamCasesState.load": NOBODY,
    # the team view: leads and admins read (no secrets); nobody writes
    "TeamState.setvar": NOBODY,
    "TeamState.load": NOBODY,
    "TeamState.set_filter": NOBODY,
    "TeamState.run_search": NOBODY,
    "TeamState.go": NOBODY,
    "TeamState.export": NOBODY,
    "MemberState.setvar": NOBODY,
    "MemberState.load": NOBODY,
    "MemberState.load_mine": NOBODY,
    "SkillingState.setvar": NOBODY,
    "SkillingState.load": NOBODY,
    "SkillingState.export": NOBODY,
    # my data: the actor's own only
    "MyDataState.setvar": NOBODY,
    "MyDataState.load": NOBODY,
    "MyDataState.ask_delete": NOBODY,
    "MyDataState.cancel_delete": NOBODY,
    "MyDataState.delete_account": NOBODY,
    "MyDataState.download": NOBODY,
    "MyDataState.link_microsoft": NOBODY,  # links the provider's account to the actor only
}

# HTTP routes: who gets the victim's resource (200) — everyone else gets 404.
ROUTES = {
    "/api/health": "public",  # no personal data
    "/api/calendar/{token}.ics": "token",  # the secret address is the credential
    "/api/cases/attachments/{attachment_id}": "owner",  # unshared: nobody but the owner
    # the one-time code of a session a sign-in just opened is the credential (single use)
    "/api/auth/session": "code",
    # clears the cookie of a session already ended; a session in use is left alone
    "/api/auth/signed-out": "ended",
}


def all_handlers() -> list[tuple[type[AppState], str]]:
    def walk(cls: type[AppState]) -> Iterator[type[AppState]]:
        for sub in cls.get_substates():
            yield sub  # type: ignore[misc]
            yield from walk(sub)  # type: ignore[arg-type]

    found = []
    for cls in [AppState, *walk(AppState)]:
        for name in cls.event_handlers:
            if name in vars(cls):
                found.append((cls, name))
    return sorted(found, key=lambda item: f"{item[0].__name__}.{item[1]}")


def test_every_handler_and_route_has_a_row() -> None:
    names = {f"{cls.__name__}.{name}" for cls, name in all_handlers()}
    assert names - set(HANDLERS) == set(), "handlers without a row in the matrix"
    assert set(HANDLERS) - names == set(), "rows for handlers that no longer exist"
    paths = {route.path for route in build_api().routes}  # type: ignore[attr-defined]
    assert paths == set(ROUTES)


# --- the world -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("authz")
    url = f"sqlite:///{folder / 'world.db'}"
    attachments = folder / "attachments"
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", url)
    mp.setenv("ATTACHMENTS_DIR", str(attachments))
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    engine = db_module.make_engine(url)
    db_module.import_models()
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as s:
        admin = make_user(s, "admin@example.com", Role.ADMIN, "Ada Admin")
        victim = make_user(s, "victim@example.com", Role.MEMBER, "Victor Victim")
        lead = make_user(s, "lead@example.com", Role.MEMBER, "Lena Lead")
        other_lead = make_user(s, "otherlead@example.com", Role.MEMBER, "Olaf Otherlead")
        other = make_user(s, "other@example.com", Role.MEMBER, "Otto Other")
        mine = teams.create_team(s, actor=admin, name="Azure")
        theirs = teams.create_team(s, actor=admin, name="Security")
        for user, team, role in (
            (victim, mine, "member"),
            (lead, mine, "lead"),
            (other_lead, theirs, "lead"),
            (other, theirs, "member"),
        ):
            teams.assign(s, actor=admin, team_id=team.id or 0, user_id=user.user_id, team_role=role)
        cred = credentials.create(
            s,
            actor=victim,
            data=CredentialData(
                certification_id="AZ-900",
                earned_on=date(2024, 2, 10),
                provider="certiport",
                on_learn=Tri.NO,
                certification_number="VICTIM-NUM-7Q",
                notes="VICTIM-NOTE-7Q",
                private=frozenset({"certification_number", "notes"}),
            ),
        )
        run = wizard.start(s, actor=victim, credential_id=cred.id)
        wizard.answer(s, actor=victim, run_id=run.id or 0, question_id="on_learn", value="no")
        wizard.finish(s, actor=victim, run_id=run.id or 0)
        identity.save(s, actor=victim, form={"mcid": "991199119"}, version=0)
        fields, _ = validate_case(
            {
                "channel": "partner_center",
                "subject": "VICTIM-CASE-SUBJECT-7Q",
                "status": "open",
                "credentials": str(cred.id),
            },
            TODAY,
        )
        assert fields is not None
        case = cases.create(s, actor=victim, fields=fields, wizard_run_id=run.id, today=TODAY)
        cases.add_note(
            s,
            actor=victim,
            case_id=case.id or 0,
            version=case.version,
            text="VICTIM-CASE-TEXT-7Q",
            today=TODAY,
        )
        attachment = cases.add_attachment(
            s,
            actor=victim,
            case_id=case.id or 0,
            version=case.version,
            name="victim-shot.png",
            content=PNG,
        )
        feed_token = credentials.create_feed(s, actor=victim)
        transcript = Transcript(
            user_name="victim",
            legal_name="VICTIM-LEGAL-7Q",
            mcid="991199119",
            contact_email="victim@example.com",
            certifications=(),
            exams=(),
            applied_skills=(),
            warnings=(),
        )
        preview = credentials.preview_transcript(s, actor=victim, transcript=transcript)
        credentials.apply_transcript(
            s,
            actor=victim,
            transcript=transcript,
            share_id="vic",
            fingerprint=preview.fingerprint,
            keep_personal=True,
        )
        s.commit()
        ids = {
            "user": victim.user_id,
            "credential": cred.id,
            "run": run.id,
            "case": case.id,
            "attachment": attachment.id,
            "case_version": case.version,
            "credential_version": cred.version,
            "identity_version": 1,
        }
    yield {
        "url": url,
        "attachments": attachments,
        "engine": engine,
        "ids": ids,
        "feed_token": feed_token,
        "emails": {
            "other_member": "other@example.com",
            "other_lead": "otherlead@example.com",
            "team_lead": "lead@example.com",
            "admin": "admin@example.com",
        },
    }
    engine.dispose()
    mp.undo()


def snapshot(world: dict[str, Any]) -> str:
    """Every row about the victim (and every attachment file), as text."""
    uid = world["ids"]["user"]
    rows: dict[str, Any] = {}
    with world["engine"].connect() as c:
        rows["user"] = c.execute(
            text("SELECT email, display_name, role, is_active, locale FROM app_user WHERE id=:u"),
            {"u": uid},
        ).all()
        for table in (
            "credential",
            "wizard_run",
            "identity_map",
            "support_case",
            "calendar_feed",
            "learn_import",
            "team_membership",
            "credential_event",
        ):
            rows[table] = c.execute(
                text(f"SELECT * FROM {table} WHERE user_id=:u ORDER BY id"),
                {"u": uid},
            ).all()
        case = world["ids"]["case"]
        for table in ("case_event", "case_attachment", "case_credential"):
            rows[table] = c.execute(
                text(f"SELECT * FROM {table} WHERE case_id=:c ORDER BY id"),
                {"c": case},
            ).all()
        rows["sessions"] = c.execute(
            text("SELECT COUNT(*) FROM login_session WHERE user_id=:u AND revoked_at IS NULL"),
            {"u": uid},
        ).all()
    rows["files"] = sorted(p.name for p in Path(world["attachments"]).iterdir())
    return json.dumps(rows, default=str, sort_keys=True)


# --- calling a handler as an actor -----------------------------------------------------------


def _router(path: str, query: dict[str, str], token: str = "") -> RouterData:
    tail = "&".join(f"{k}={v}" for k, v in query.items())
    cookie = f"{SESSION_COOKIE}={token}" if token else ""
    return RouterData.from_router_data(
        {
            "pathname": path,
            "asPath": path + (f"?{tail}" if tail else ""),
            "query": query,
            "headers": {
                "origin": "http://127.0.0.1:3000",
                "accept-language": "en",
                "cookie": cookie,
            },
        }
    )


def _route_for(cls_name: str, ids: dict[str, int]) -> tuple[str, dict[str, str]]:
    case, cred, run, user = ids["case"], ids["credential"], ids["run"], ids["user"]
    routes = {
        "Case": (f"/cases/{case}/edit", {"run": str(run), "credential": str(cred)}),
        "Evidence": (f"/cases/{case}/print", {}),
        "Credential": (f"/credentials/{cred}/edit", {"cert": "AZ-900"}),
        "Wizard": (f"/wizard/{run}/result", {"credential": str(cred), "cert": "AZ-900"}),
        "Member": (f"/team/members/{user}", {}),
        "Timeline": ("/timeline", {"case": str(case), "credential": str(cred)}),
    }
    for prefix, route in routes.items():
        if cls_name.startswith(prefix):
            return route
    return ("/", {"status": "blocked"})


def _forge(state: Any, ids: dict[str, int]) -> None:
    """Point every id-like field of the state at the victim's data (what ``setvar`` could do)."""
    mapping = {
        "case_id": ids["case"],
        "credential_id": ids["credential"],
        "run_id": ids["run"],
        "user_id": ids["user"],
        "confirm_id": ids["run"],
        "version": ids["credential_version"]
        if type(state).__name__.startswith("Credential")
        else ids["identity_version"]
        if type(state).__name__.startswith("Identity")
        else ids["case_version"],
    }
    fields = type(state).vars
    for name, value in mapping.items():
        if name in fields:
            setattr(state, name, value)
    if "typed_email" in fields:
        state.typed_email = "victim@example.com"


def _args(handler: Any, ids: dict[str, int]) -> list[Any]:
    """Arguments aimed at the victim's data, by parameter name and type."""
    form = {
        "note": "INTRUDER",
        "message": "INTRUDER",
        "summary": "INTRUDER",
        "status": "closed",
        "resolution": "withdrawn",
        "follow_up_on": "2027-01-01",
        "subject": "INTRUDER",
        "channel": "other",
        "reference": "X",
        "credentials": str(ids["credential"]),
        f"cred_{ids['credential']}": "on",
        "certification": "AZ-104",
        "earned_on": "2026-01-01",
        "provider": "pearson_vue",
        "notes": "INTRUDER",
        "mcid": "123456",
        "confirm_email": "victim@example.com",
        "email": "victim@example.com",
        "password": "not-the-victims-1",  # knowing the password is not an authorization hole
        "display_name": "Intruder",
        "role": "admin",
        "user_id": str(ids["user"]),
        "answer": "no",
        "value": "no",
        "search": "victim",
        "link": "",
        "name": "Intruder",
        "track_Azure": "smb",
        "target_security": "20",
    }
    values: list[Any] = []
    for param in list(inspect.signature(handler).parameters.values())[1:]:
        annotation = str(param.annotation)
        if "dict" in annotation:
            values.append(form)
        elif "UploadFile" in annotation:
            values.append([rx.UploadFile(file=io.BytesIO(PNG), filename="x.png")])
        elif "bool" in annotation:
            values.append(True)
        elif "int" in annotation:
            values.append(ids["user"] if "user" in param.name else ids["run"])
        elif param.name in ("name", "var_name"):
            values.append("status")
        elif param.name in ("value",):
            values.append(str(ids["case"]))
        else:
            values.append(str(ids["case"]))
    return values


def _drain(result: Any) -> None:
    if inspect.isgenerator(result):
        for _ in result:
            pass
    elif inspect.iscoroutine(result):
        asyncio.run(result)
    elif inspect.isasyncgen(result):

        async def consume() -> None:
            async for _ in result:
                pass

        asyncio.run(consume())


def _leaks(root: State) -> list[str]:
    dumped = json.dumps(root.dict(), default=str, ensure_ascii=False)
    return [s for s in SECRETS if s in dumped]


@pytest.mark.parametrize(
    ("cls", "name"),
    all_handlers(),
    ids=[f"{c.__name__}.{n}" for c, n in all_handlers()],
)
def test_handler_against_every_actor(
    cls: type[AppState], name: str, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = HANDLERS[f"{cls.__name__}.{name}"]
    if rule == BACKGROUND:
        return  # see the row's note
    monkeypatch.setenv("DATABASE_URL", world["url"])
    monkeypatch.setenv("ATTACHMENTS_DIR", str(world["attachments"]))
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    ids = world["ids"]
    for actor in ACTORS:
        if actor in rule:
            continue  # allowed to change the victim's data: covered by its own tests
        before = snapshot(world)
        root = State(_reflex_internal_init=True)  # type: ignore[call-arg]
        app = root.substates[AppState.get_name()]
        node: Any = app
        for c in reversed(
            [c for c in cls.__mro__ if isinstance(c, type) and issubclass(c, AppState)][:-1]
        ):
            node = node.substates[c.get_name()]
        path, query = _route_for(cls.__name__, ids)
        token = ""
        if actor != "anonymous":
            with Session(world["engine"]) as s:
                token = auth_service.sign_in(
                    s, email=world["emails"][actor], password=PASSWORD
                ).token
                s.commit()
        router = _router(path, query, token)  # the browser's cookie carries the session
        for state in (root, app, node):
            object.__setattr__(state, "router", router)
        app._lang_choice = "en"
        app._apply_locale("en")
        if actor != "anonymous":
            app._identify()
        _forge(node, ids)
        handler = getattr(node, name)
        fn = cls.event_handlers[name].fn
        try:
            _drain(fn(node, *_args(fn, ids)))
        except (AttributeError, TypeError, ValueError, KeyError) as exc:
            # a call the handler cannot make sense of: it must still have written nothing
            del exc
        after = snapshot(world)
        assert after == before, f"{cls.__name__}.{name} as {actor} changed the victim's data"
        assert _leaks(root) == [], f"{cls.__name__}.{name} as {actor} shows the victim's secrets"
        del handler


# --- HTTP routes -----------------------------------------------------------------------------


def test_routes_against_every_actor(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", world["url"])
    monkeypatch.setenv("ATTACHMENTS_DIR", str(world["attachments"]))
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    api = build_api()
    attachment = f"/api/cases/attachments/{world['ids']['attachment']}"
    calendar = f"/api/calendar/{world['feed_token']}.ics"
    for actor in ACTORS:
        client = TestClient(api)
        if actor != "anonymous":
            with Session(world["engine"]) as s:
                token = auth_service.sign_in(
                    s, email=world["emails"][actor], password=PASSWORD
                ).token
                s.commit()
            client.cookies.set(SESSION_COOKIE, token)
        assert client.get("/api/health").status_code == 200
        # the attachment of an unshared case: nobody but its owner
        assert client.get(attachment).status_code == 404, actor
        # the calendar feed: whoever holds the secret address, nobody else
        assert client.get(calendar).status_code == 200
        assert client.get("/api/calendar/not-the-token.ics").status_code == 404
        # a made-up hand-off code opens nothing and sets no cookie
        entered = client.get("/api/auth/session?code=made-up&next=/", follow_redirects=False)
        assert entered.status_code == 303
        assert not any(
            c.startswith(f"{SESSION_COOKIE}=") for c in entered.headers.get_list("set-cookie")
        )
        # another site linking to the sign-out route cannot end anyone's session or cookie
        left = client.get("/api/auth/signed-out", follow_redirects=False)
        assert left.status_code == 303
        if actor != "anonymous":
            assert left.headers["location"] == "/" and "set-cookie" not in left.headers
    owner = TestClient(api)
    with world["engine"].begin() as c:  # the handler test typed wrong passwords for the victim
        c.execute(text("DELETE FROM sign_in_failure"))
    with Session(world["engine"]) as s:
        owner.cookies.set(
            SESSION_COOKIE,
            auth_service.sign_in(s, email="victim@example.com", password=PASSWORD).token,
        )
        s.commit()
    assert owner.get(attachment).status_code == 200


def test_forging_reaches_the_state() -> None:
    """The harness really points a state at the victim's data (else the matrix proves nothing)."""
    from certportal.cases.state import CaseDetailState

    root = State(_reflex_internal_init=True)  # type: ignore[call-arg]
    node = root.substates[AppState.get_name()].substates[CaseDetailState.get_name()]
    _forge(
        node,
        {
            "case": 7,
            "credential": 8,
            "run": 9,
            "user": 10,
            "case_version": 3,
            "credential_version": 1,
        },
    )
    assert (node.case_id, node.version) == (7, 3)
    assert _route_for("CaseDetailState", {"case": 7, "credential": 8, "run": 9, "user": 10})[0] == (
        "/cases/7/edit"
    )
