"""Accessibility: axe-core's default rules (WCAG 2.0/2.1 A and AA, best practices) on every page of
the production build, in Japanese and English, signed out and signed in as a member, a lead and an
admin — pages a role is refused are checked as the refusal they show — and in the states people
meet on the way: an open menu and confirmation dialogs, forms showing their errors, the wizard's
question step and its result. Zero violations; a failure names the page, language and role and
lists each rule broken with the elements that break it.

One browser context per role and language, signed in once; the person's language is switched with
the page's own buttons and switched back when the group is done (it is remembered per person)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, FileChooser, Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import DEMO, new_context, shot, sign_in, wait_home
from tests.e2e.server import ROOT, RunningApp

AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
LANGS = ("ja", "en")
PEOPLE = {
    "member": "takuya.nakamura",  # the seed author: credentials, cases, a finished diagnosis
    "lead": "emily.carter",  # leads Modern Work & Security (Takuya's team)
    "admin": "misaki.sato",
}
LANGUAGE_BUTTON = {"ja": "日本語", "en": "English"}

# Steps yield a name at each state to check; they run in a page signed in as the check's role
# (or signed out, for "public") whose person's language is already the one under test.
Steps = Callable[[Page, dict[str, int]], Iterator[str]]


@dataclass(frozen=True)
class Check:
    role: str  # public, member, lead or admin
    name: str  # the route (ids in braces) or the state
    steps: Steps


# --- waiting for a page -------------------------------------------------------------------------


def settle(page: Page) -> None:
    """The page has hydrated and checked the session (the shell's main landmark replaces the
    loading screen) and has its data (no spinner left). A missing heading is for axe to report."""
    expect(page.locator("main")).to_be_visible()
    expect(page.locator("main .rt-Spinner")).to_have_count(0)


def still(page: Page) -> None:
    """No transition running (a dialog fading in is not yet the colours it will have)."""
    page.wait_for_function(
        """() => document.getAnimations().every((a) =>
            a.playState !== "running" || a.effect.getComputedTiming().iterations === Infinity)"""
    )


def visit(path: str) -> Steps:
    def steps(page: Page, ids: dict[str, int]) -> Iterator[str]:
        page.goto(path.format(**ids))
        settle(page)
        yield path

    return steps


def refused(path: str, marker: str) -> Steps:
    """A page the role may not open: it shows its refusal (``marker``, a CSS selector)."""

    def steps(page: Page, ids: dict[str, int]) -> Iterator[str]:
        page.goto(path.format(**ids))
        settle(page)
        expect(page.locator(marker).first).to_be_visible()
        yield path + " (refused)"

    return steps


# --- the states people meet ---------------------------------------------------------------------


def sign_in_error(page: Page, ids: dict[str, int]) -> Iterator[str]:
    page.goto("/login")
    settle(page)
    page.locator("#email").fill("nobody-a11y@example.com")
    page.locator("#password").fill("not-the-password")
    page.locator("form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    yield "sign-in refused"


def sign_up_errors(page: Page, ids: dict[str, int]) -> Iterator[str]:
    page.goto("/signup")
    settle(page)
    page.locator("#display_name").fill("A11y")
    page.locator("#email").fill("a11y-signup@example.com")
    page.locator("#password").fill("long enough password 1")
    page.locator("#password_confirm").fill("another password 2")
    page.locator("form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    yield "sign-up errors"


def account_menu(page: Page, ids: dict[str, int]) -> Iterator[str]:
    page.goto("/")
    settle(page)
    page.get_by_role("button", name=re.compile("Account menu|アカウントメニュー")).click()
    # it opens inside the header landmark, the rest of the page still readable
    expect(page.locator("header").get_by_role("menu")).to_be_visible()
    yield "account menu open"
    page.get_by_role(
        "menuitem", name=re.compile("^(Sign out everywhere|すべての端末からサインアウト)$")
    ).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    yield "sign-out-everywhere dialog"
    page.keyboard.press("Escape")  # closes it as Cancel does
    expect(dialog).to_have_count(0)


def wizard_new(page: Page, ids: dict[str, int]) -> Iterator[str]:
    """A new diagnosis (route /wizard/new: its first question), the question refused without
    an answer, answered (the diagnosis is saved), then deleted from the list through its
    confirmation dialog; and a new diagnosis of something that is not a certification."""
    page.goto("/wizard/new")
    expect(page.locator("#answer-cert")).to_be_visible()
    settle(page)
    yield "/wizard/new: the first question"
    page.locator("#continue").click()
    expect(page.locator("#error-summary")).to_be_visible()
    yield "question with its error"
    page.locator("#answer-cert").select_option("AZ-900")
    page.locator("#continue").click()
    page.wait_for_url(re.compile(r"/wizard/\d+/earned_on$"))
    run_id = re.search(r"/wizard/(\d+)/", page.url).group(1)  # type: ignore[union-attr]
    page.goto("/wizard")
    settle(page)
    run = page.locator(".cp-run", has=page.locator(f"a[href^='/wizard/{run_id}/']"))
    run.get_by_role("button").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    yield "delete-diagnosis dialog"
    dialog.get_by_role("button", name=re.compile("^(Delete|削除)$")).click()
    expect(run).to_have_count(0)
    page.goto("/wizard/new?cert=NOPE-1")  # a link to a new diagnosis of no certification
    expect(page.locator("#run-refused")).to_be_visible()
    settle(page)
    yield "/wizard/new refused"


def credential_form_errors(page: Page, ids: dict[str, int]) -> Iterator[str]:
    page.goto("/credentials/new")
    settle(page)
    page.locator("#cred-save").click()
    expect(page.locator("#cred-errors")).to_be_visible()
    yield "credential form with its errors"


def case_form_errors(page: Page, ids: dict[str, int]) -> Iterator[str]:
    page.goto("/cases/new")
    settle(page)
    page.locator("#case-subject").fill("")
    page.locator("#case-save").click()
    expect(page.locator("#err-subject")).to_be_visible()
    yield "case form with its errors"


def csv_file_by_keyboard(page: Page, ids: dict[str, int]) -> Iterator[str]:
    """From the export button, Tab goes to the drop zone's "choose a file" button (the zone
    itself is no stop: it has no role to announce), and Enter there opens the file chooser."""
    page.goto("/credentials/csv")

    # file choosers are intercepted from now on (switching that on is not awaited by Playwright:
    # done in expect_file_chooser, it can come after the Enter that opens the chooser)
    def ignore(chooser: FileChooser) -> None:
        return None

    page.on("filechooser", ignore)
    settle(page)
    page.wait_for_load_state("networkidle")
    upload = page.locator("#csv-upload button")
    expect(upload).to_be_visible()
    focused = ""
    # a late re-render of the page (a loaded machine) can take the focus away once: try again;
    # a wrong tab order fails every time
    for _ in range(3):
        page.locator("#csv-export").focus()
        page.keyboard.press("Tab")
        if upload.evaluate("(b) => b === document.activeElement"):
            break
        focused = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        page.wait_for_timeout(300)
    else:
        raise AssertionError(f"Tab after the export button went to {focused}")
    with page.expect_file_chooser():
        page.keyboard.press("Enter")
    page.remove_listener("filechooser", ignore)
    yield "CSV import reached by keyboard"


def identity_map(page: Page, ids: dict[str, int]) -> Iterator[str]:
    """The identity map: each of its "keep private" boxes says which field it keeps private."""
    page.goto("/identity")
    settle(page)
    boxes = page.locator("main").get_by_role("checkbox")
    expect(boxes).to_have_count(8)
    names = [boxes.nth(i).aria_snapshot() for i in range(8)]
    assert len(set(names)) == 8, names
    yield "/identity"


def add_person_dialog(page: Page, ids: dict[str, int]) -> Iterator[str]:
    page.goto("/admin/people")
    settle(page)
    page.get_by_role("button", name=re.compile("^(Add person|ユーザーを追加)$")).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    yield "add-person dialog"
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)


def skilling_settings_error(page: Page, ids: dict[str, int]) -> Iterator[str]:
    page.goto("/admin/skilling")
    settle(page)
    page.locator("#target-security").fill("200")
    page.locator("#settings-save").click()
    expect(page.locator("#settings-error")).to_be_visible()
    yield "skilling settings with its error"


# --- what each role opens -----------------------------------------------------------------------

FORBIDDEN = "#forbidden"
ADMIN_PAGES = ("/admin/people", "/admin/teams", "/admin/knowledge", "/admin/audit")
EVERYONE = (
    "/",
    "/credentials",
    "/credentials/new",
    "/credentials/import",
    "/credentials/csv",
    "/credentials/calendar",
    "/cases",
    "/cases/new",
    "/timeline",
    "/wizard",
    "/me/data",
    "/me/lead-view",
)


def _pages(role: str, paths: tuple[str, ...]) -> list[Check]:
    return [Check(role, path, visit(path)) for path in paths]


def _everyone(role: str) -> list[Check]:
    return [*_pages(role, EVERYONE), Check(role, "/identity", identity_map)]


CHECKS: list[Check] = [
    *_pages("public", ("/login", "/signup")),
    Check("public", "/auth/callback", refused("/auth/callback", "#callback-error")),
    Check("public", "sign-in refused", sign_in_error),
    Check("public", "sign-up errors", sign_up_errors),
    *_everyone("member"),
    *_pages(
        "member",
        (
            "/credentials/{own_credential}",
            "/credentials/{own_credential}/edit",
            "/cases/{own_case}",
            "/cases/{own_case}/edit",
            "/cases/{own_case}/print",
            "/cases/{closed_case}",
            "/wizard/{own_run}/check",
            "/wizard/{own_run}/result",
        ),
    ),
    Check(
        "member",
        "/credentials/{others_credential}",
        refused("/credentials/{others_credential}", "main [role=alert]"),
    ),
    Check("member", "/cases/{others_case}", refused("/cases/{others_case}", "#case-missing")),
    Check(
        "member",
        "/wizard/{others_run}/result",
        refused("/wizard/{others_run}/result", "#run-missing"),
    ),
    Check("member", "/team", refused("/team", "#team-error")),
    Check(
        "member",
        "/team/members/{team_member}",
        refused("/team/members/{team_member}", "#member-missing"),
    ),
    Check("member", "/team/skilling", refused("/team/skilling", "#skilling-error")),
    Check("member", "/team/cases", visit("/team/cases")),  # empty: a member leads nobody
    *[Check("member", p, refused(p, FORBIDDEN)) for p in (*ADMIN_PAGES, "/admin/skilling")],
    Check("member", "account menu", account_menu),
    Check("member", "new diagnosis", wizard_new),
    Check("member", "credential form errors", credential_form_errors),
    Check("member", "case form errors", case_form_errors),
    Check("member", "CSV file by keyboard", csv_file_by_keyboard),
    *_everyone("lead"),
    *_pages(
        "lead",
        (
            "/credentials/{lead_credential}",
            "/credentials/{lead_credential}/edit",
            "/team",
            "/team/members/{team_member}",
            "/team/skilling",
            "/team/cases",
            "/cases/{team_case}",
        ),
    ),
    # the evidence pack is for the case's owner only
    Check("lead", "/cases/{team_case}/print", refused("/cases/{team_case}/print", "#case-missing")),
    Check(
        "lead",
        "/team/members/{outside_member}",
        refused("/team/members/{outside_member}", "#member-missing"),
    ),
    *[Check("lead", p, refused(p, FORBIDDEN)) for p in (*ADMIN_PAGES, "/admin/skilling")],
    *_everyone("admin"),
    *_pages(
        "admin",
        (
            "/team",
            "/team/members/{team_member}",
            "/team/skilling",
            "/team/cases",
            "/cases/{team_case}",
            *ADMIN_PAGES,
            "/admin/skilling",
        ),
    ),
    Check(
        "admin",
        "/credentials/{others_credential}",
        refused("/credentials/{others_credential}", "main [role=alert]"),
    ),
    Check("admin", "add person", add_person_dialog),
    Check("admin", "skilling settings error", skilling_settings_error),
]


def _id(lang: str, check: Check) -> str:
    return f"{lang}-{check.role}-{check.name}"


PARAMS = [
    pytest.param(lang, check, id=_id(lang, check))
    for lang in LANGS
    for role in ("public", "member", "lead", "admin")
    for check in CHECKS
    if check.role == role
]


# --- demo ids, sessions, axe --------------------------------------------------------------------


@pytest.fixture(scope="module")
def ids(app: RunningApp) -> dict[str, int]:
    """Real ids from the demo organisation for the dynamic routes."""
    engine = create_engine(app.database_url)

    def one(sql: str, **params: Any) -> int:
        with engine.connect() as conn:
            value = conn.execute(text(sql), params).scalar()
        assert value is not None, f"demo data missing: {sql} {params}"
        return int(value)

    def user(key: str) -> int:
        return one("SELECT id FROM app_user WHERE email = :e", e=key + DEMO)

    def credential(key: str) -> int:
        return one("SELECT min(id) FROM credential WHERE user_id = :u", u=user(key))

    def case(key: str, closed: bool = False) -> int:
        op = "=" if closed else "<>"
        return one(
            f"SELECT min(id) FROM support_case WHERE user_id = :u AND status {op} 'closed'",
            u=user(key),
        )

    def run(key: str) -> int:
        return one(
            "SELECT min(id) FROM wizard_run WHERE user_id = :u AND status = 'done'", u=user(key)
        )

    found = {
        "own_credential": credential("takuya.nakamura"),
        "own_case": case("takuya.nakamura"),
        "closed_case": case("takuya.nakamura", closed=True),
        "own_run": run("takuya.nakamura"),
        "others_credential": credential("sakura.yamamoto"),
        "others_case": case("sakura.yamamoto"),
        "others_run": run("sakura.yamamoto"),
        "team_member": user("takuya.nakamura"),
        "team_case": case("takuya.nakamura"),
        "outside_member": user("hina.tanaka"),
        "lead_credential": credential("emily.carter"),
    }
    engine.dispose()
    return found


@dataclass
class Signed:
    key: tuple[str, str]
    context: BrowserContext
    page: Page
    restore: str | None  # the person's language before the switch


class Sessions:
    """One signed-in (or signed-out) page per role and language, reused by consecutive checks."""

    def __init__(self, browser: Browser, app: RunningApp) -> None:
        self.browser, self.app = browser, app
        self.current: Signed | None = None

    def get(self, role: str, lang: str) -> Page:
        if self.current is not None and self.current.key == (role, lang):
            return self.current.page
        self.close()
        locale = "ja-JP" if lang == "ja" else "en-US"
        context = new_context(self.browser, self.app, locale=locale)
        # axe-core is in every document of the context (it only defines window.axe; it runs once
        # the page has settled): sending its 650 kB to each page again costs a third of a second
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        restore = None
        if role != "public":
            sign_in(page, PEOPLE[role] + DEMO)
            wait_home(page)
            settle(page)
            wanted = page.get_by_role("button", name=LANGUAGE_BUTTON[lang])
            if wanted.get_attribute("aria-pressed") != "true":
                restore = "en" if lang == "ja" else "ja"
                wanted.click()
                expect(wanted).to_have_attribute("aria-pressed", "true")
        self.current = Signed((role, lang), context, page, restore)
        return page

    def close(self) -> None:
        if self.current is None:
            return
        signed, self.current = self.current, None
        try:
            if signed.restore is not None:
                page = signed.page
                page.goto("/")
                settle(page)
                button = page.get_by_role("button", name=LANGUAGE_BUTTON[signed.restore])
                button.click()
                expect(button).to_have_attribute("aria-pressed", "true")
        finally:
            signed.context.close()


@pytest.fixture(scope="module")
def sessions(browser: Browser, app: RunningApp) -> Iterator[Sessions]:
    found = Sessions(browser, app)
    yield found
    found.close()


AXE_RUN = """async () => {
    const results = await axe.run(document);
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({
            target: n.target.join(" "),
            html: n.html,
            summary: n.failureSummary || "",
        })),
    }));
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    assert page.evaluate("typeof window.axe === 'object'"), "axe-core is not in the page"
    return list(page.evaluate(AXE_RUN))


def describe(state: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{state}: {len(violations)} rule(s) broken"]
    for v in violations:
        lines.append(f"  - {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} element(s)]")
        for node in v["nodes"][:6]:
            lines.append(f"      {node['target']}")
            lines.append(f"        {node['html'][:160]}")
            detail = " ".join(node["summary"].split())
            if detail:
                lines.append(f"        {detail[:300]}")
        if len(v["nodes"]) > 6:
            lines.append(f"      … and {len(v['nodes']) - 6} more")
    return "\n".join(lines)


@pytest.mark.parametrize(("lang", "check"), PARAMS)
def test_no_axe_violations(
    lang: str, check: Check, sessions: Sessions, ids: dict[str, int], request: pytest.FixtureRequest
) -> None:
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: `make test-setup` installs it")
    page = sessions.get(check.role, lang)
    failures = []
    states = 0
    for state in check.steps(page, ids):
        states += 1
        still(page)
        violations = axe_violations(page)
        # the document says which language it is in (screen readers choose their voice by it)
        document_lang = page.evaluate("document.documentElement.lang")
        if violations or document_lang != lang:
            shot(page, f"a11y-{request.node.callspec.id}-{states}")
        if document_lang != lang:
            failures.append(f"{state}: <html lang={document_lang!r}>, expected {lang!r}")
        if violations:
            failures.append(describe(state, violations))
    assert states > 0
    assert not failures, (
        f"accessibility violations ({lang}, {check.role}, {check.name}):\n" + "\n".join(failures)
    )
