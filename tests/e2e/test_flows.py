"""End to end on the production build: sign-up/in/out, errors, language, guards, admin teams."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from tests.e2e.conftest import DEMO, new_context, shot, sign_in, sign_out, use_english, wait_home
from tests.e2e.server import RunningApp


def test_sign_up_then_sign_out_then_sign_in_as_demo_member(page: Page) -> None:
    page.goto("/signup")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Name").fill("Aiko Tester")
    page.get_by_label("Email").fill("aiko.tester@example.com")
    page.get_by_label("Password", exact=True).fill("a-strong-passphrase-42")
    page.get_by_label("Confirm password").fill("a-strong-passphrase-42")
    page.get_by_role("button", name="Create account").click()
    wait_home(page)
    expect(page.get_by_role("heading", name=re.compile("Welcome, Aiko Tester"))).to_be_visible()
    expect(page.locator("#no-teams")).to_be_visible()
    shot(page, "home-new-member-en")

    sign_out(page)
    expect(page.get_by_text("You have signed out.")).to_be_visible()

    sign_in(page, f"hina.tanaka{DEMO}")
    wait_home(page)
    # Hina's stored preference is Japanese: it wins over the browser's English.
    expect(page.get_by_role("heading", name=re.compile("ようこそ、 田中 陽菜"))).to_be_visible()
    expect(page.get_by_role("heading", name="Azure Infrastructure")).to_be_visible()


def test_sign_up_with_an_existing_email_keeps_the_form(page: Page) -> None:
    page.goto("/signup")
    page.get_by_label("Name").fill("Second Hina")
    page.get_by_label("Email").fill(f"HINA.TANAKA{DEMO}")
    page.get_by_label("Password", exact=True).fill("another-strong-one-77")
    page.get_by_label("Confirm password").fill("another-strong-one-77")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_have_text("An account with this email already exists.")
    expect(page.get_by_label("Name")).to_have_value("Second Hina")
    expect(page).to_have_url(re.compile(r"/signup/?$"))


def test_wrong_password_shows_one_generic_error(page: Page) -> None:
    sign_in(page, f"james.wilson{DEMO}", "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("Email or password is wrong.")
    expect(page).to_have_url(re.compile(r"/login/?$"))
    sign_in(page, "nobody@example.com", "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("Email or password is wrong.")


def test_first_visit_follows_the_browser_language(browser: Browser, app: RunningApp) -> None:
    context = new_context(browser, app, locale="ja-JP")
    page = context.new_page()
    page.goto("/login")
    expect(page.get_by_role("heading", name="サインイン")).to_be_visible()
    shot(page, "login-ja")
    context.close()


def test_a_sign_in_page_waits_for_its_language_instead_of_flashing_the_other_one(
    browser: Browser, app: RunningApp
) -> None:
    """The built page is in Japanese; an English browser must not see (nor a screen reader read)
    it before the server has said which language this visitor gets. The server's answers are held
    back here, so the moment between hydration and the session check lasts as long as we like."""
    context = new_context(browser, app, locale="en-US")
    held: list[str | bytes] = []
    clients: list[WebSocketRoute] = []
    holding = [True]

    def hold_answers(client: WebSocketRoute) -> None:
        clients.append(client)

        def answer(message: str | bytes) -> None:
            if holding[0]:
                held.append(message)
            else:
                client.send(message)

        client.connect_to_server().on_message(answer)

    context.route_web_socket(re.compile(r"/_event"), hold_answers)
    page = context.new_page()
    page.goto("/login")
    expect(page.get_by_role("status")).to_be_visible()
    for _ in range(400):  # until the server has answered (its answer waits here)
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the server never answered"
    expect(page.locator("main")).to_have_count(0)
    expect(page.get_by_role("heading", name="サインイン")).to_have_count(0)
    holding[0] = False
    for message in held:
        clients[0].send(message)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    context.close()


def test_switch_to_japanese_and_back_is_remembered(page: Page) -> None:
    sign_in(page, f"james.wilson{DEMO}")
    wait_home(page)
    expect(page.get_by_role("heading", name="My teams")).to_be_visible()
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", name="所属チーム")).to_be_visible()
    shot(page, "home-member-ja")
    page.reload()
    expect(page.get_by_role("heading", name="所属チーム")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="My teams")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="My teams")).to_be_visible()


def test_language_choice_follows_the_user_to_a_new_browser(
    browser: Browser, app: RunningApp
) -> None:
    first = new_context(browser, app, locale="en-US")
    page = first.new_page()
    sign_in(page, f"priya.nair{DEMO}")
    wait_home(page)
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", name="所属チーム")).to_be_visible()
    first.close()

    second = new_context(browser, app, locale="en-US")
    page = second.new_page()
    sign_in(page, f"priya.nair{DEMO}")
    wait_home(page)
    expect(page.get_by_role("heading", name="所属チーム")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="My teams")).to_be_visible()
    second.close()


def test_member_typing_the_admin_url_is_refused(page: Page) -> None:
    sign_in(page, f"daisuke.ito{DEMO}")
    wait_home(page)
    use_english(page)
    expect(page.get_by_role("link", name="People")).to_have_count(0)
    page.goto("/admin/people")
    expect(page.get_by_role("heading", name="Access denied")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_text("@demo.certportal.example")).to_have_count(0)
    shot(page, "admin-refused-en")


def test_signed_out_visitor_is_sent_to_sign_in_and_back(page: Page) -> None:
    page.goto("/admin/teams")
    page.wait_for_url(re.compile(r"/login\?next="))
    sign_in_form_email = page.get_by_label("Email")
    sign_in_form_email.fill(f"misaki.sato{DEMO}")
    page.get_by_label("Password").fill("certportal-demo-2026")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/admin/teams/?$"))
    use_english(page)
    expect(page.get_by_role("heading", name="Teams", exact=True)).to_be_visible()


def test_admin_creates_a_team_and_assigns_a_member_who_then_sees_it(
    page: Page, browser: Browser, app: RunningApp
) -> None:
    sign_in(page, f"misaki.sato{DEMO}")
    wait_home(page)
    use_english(page)
    page.get_by_role("link", name="Teams").click()
    page.wait_for_url(re.compile(r"/admin/teams/?$"))
    page.get_by_label("Team name").fill("Data & AI")
    page.get_by_label("Description (optional)").fill("Fabric and Azure AI")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_text('Team "Data & AI" was created.')).to_be_visible()
    expect(page.get_by_label("Team name")).to_have_value("")
    card = page.locator(".cp-team-card").filter(has=page.get_by_role("heading", name="Data & AI"))
    expect(card.get_by_text("Nobody in this team yet.")).to_be_visible()
    card.get_by_label("Choose a person Data & AI").select_option(
        label=f"小林 直樹 <naoki.kobayashi{DEMO}>"
    )
    card.get_by_role("button", name="Add Data & AI").click()
    expect(card.get_by_text("小林 直樹", exact=True)).to_be_visible()
    shot(page, "admin-teams-en")

    other = new_context(browser, app)
    member_page = other.new_page()
    sign_in(member_page, f"naoki.kobayashi{DEMO}")
    wait_home(member_page)
    use_english(member_page)
    expect(member_page.get_by_role("heading", name="Data & AI")).to_be_visible()
    expect(member_page.get_by_text("Fabric and Azure AI")).to_be_visible()
    shot(member_page, "home-member-sees-new-team")
    other.close()


def test_admin_people_page_adds_a_person_and_deactivation_asks_first(page: Page) -> None:
    sign_in(page, f"misaki.sato{DEMO}")
    wait_home(page)
    use_english(page)
    page.goto("/admin/people")
    expect(page.get_by_role("table")).to_be_visible()
    page.get_by_role("button", name="Add person").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Ren Fujita")
    dialog.get_by_label("Email").fill("ren.fujita@example.com")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_text("The account was created.")).to_be_visible()
    initial_password = dialog.locator("#initial-password").inner_text()
    assert len(initial_password) >= 12
    dialog.get_by_role("button", name="Done").click()

    page.get_by_placeholder("Search by name or email").fill("fujita")
    row = page.get_by_role("row").filter(has_text="ren.fujita@example.com")
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Deactivate").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("signed out everywhere")
    confirm.get_by_role("button", name="Cancel").click()
    expect(row.get_by_text("Active")).to_be_visible()
    row.get_by_role("button", name="Deactivate").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Deactivate").click()
    expect(row.get_by_text("Deactivated")).to_be_visible()
    shot(page, "admin-people-en")


def test_unknown_session_token_asks_to_sign_in_again(
    context: BrowserContext, page: Page, app: RunningApp
) -> None:
    context.add_cookies([{"name": "certportal_session", "value": "forged-token", "url": app.url}])
    page.goto("/")
    page.wait_for_url(re.compile(r"/login"))
    expect(page.get_by_text("Your session has ended. Please sign in again.")).to_be_visible()
    expect(page.get_by_role("button", name="Account menu")).to_have_count(0)


def test_a_deactivated_persons_open_session_ends(
    page: Page, browser: Browser, app: RunningApp
) -> None:
    other = new_context(browser, app)
    member_page = other.new_page()
    sign_in(member_page, f"takuya.nakamura{DEMO}")
    wait_home(member_page)

    sign_in(page, f"misaki.sato{DEMO}")
    wait_home(page)
    use_english(page)
    page.goto("/admin/people")
    page.get_by_placeholder("Search by name or email").fill("takuya")
    row = page.get_by_role("row").filter(has_text=f"takuya.nakamura{DEMO}")
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Deactivate").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Deactivate").click()
    expect(row.get_by_text("Deactivated")).to_be_visible()

    member_page.reload()
    member_page.wait_for_url(re.compile(r"/login"))
    expect(member_page.get_by_text("Your session has ended. Please sign in again.")).to_be_visible()
    sign_in(member_page, f"takuya.nakamura{DEMO}")
    expect(member_page.get_by_role("alert")).to_have_text("Email or password is wrong.")
    other.close()


def test_sign_out_everywhere_ends_the_other_browsers_session(
    page: Page, browser: Browser, app: RunningApp
) -> None:
    other = new_context(browser, app)
    elsewhere = other.new_page()
    sign_in(elsewhere, f"naoki.kobayashi{DEMO}")
    wait_home(elsewhere)

    sign_in(page, f"naoki.kobayashi{DEMO}")
    wait_home(page)
    page.get_by_role("button", name=re.compile("Account menu|アカウントメニュー")).click()
    # another test may have switched this person to English: accept either language
    everywhere = re.compile("^(Sign out everywhere|すべての端末からサインアウト)$")
    page.get_by_role("menuitem", name=everywhere).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(re.compile("this one included|この端末を含む"))
    dialog.get_by_role("button", name=everywhere).click()
    page.wait_for_url(re.compile(r"/login"))
    expect(
        page.get_by_text(
            re.compile("signed out on every device|すべての端末からサインアウトしました")
        )
    ).to_be_visible()

    elsewhere.reload()
    elsewhere.wait_for_url(re.compile(r"/login"))
    # the person can sign in again afterwards
    sign_in(page, f"naoki.kobayashi{DEMO}")
    wait_home(page)
    other.close()


def test_the_session_cookie_is_out_of_the_pages_reach_and_page_changes_send_no_cookie(
    context: BrowserContext, page: Page
) -> None:
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(str(payload))))
    sign_in(page, f"james.wilson{DEMO}")
    wait_home(page)
    session = [c for c in context.cookies() if c["name"] == "certportal_session"]
    assert len(session) == 1 and session[0]["httpOnly"] is True
    assert session[0]["sameSite"] == "Lax"
    # the hand-off's binding cookie was used up on the way in
    assert not [c for c in context.cookies() if c["name"] == "certportal_handoff"]
    assert "certportal_session" not in page.evaluate("document.cookie")
    assert not any("certportal_session" in frame for frame in sent)
    # a page change: the page's load only — no event carrying cookies first
    sent.clear()
    use_english(page)
    page.get_by_role("link", name="Credentials").first.click()
    page.wait_for_url(re.compile(r"/credentials/?$"))
    expect(page.get_by_role("heading", name="My credentials")).to_be_visible()
    assert any("on_load_internal" in frame for frame in sent), sent
    assert not any("update_vars_internal" in frame for frame in sent), sent


def test_a_language_chosen_before_signing_in_holds_across_pages_and_reloads(page: Page) -> None:
    page.goto("/login")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", name="サインイン")).to_be_visible()
    page.get_by_role("link", name=re.compile("アカウントを作成")).click()
    page.wait_for_url(re.compile(r"/signup/?$"))
    expect(page.get_by_role("heading", name="アカウントを作成")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="アカウントを作成")).to_be_visible()
    assert "certportal_lang=ja" in page.evaluate("document.cookie")


def test_a_used_or_late_sign_in_link_says_to_sign_in_again(page: Page) -> None:
    page.goto("/api/auth/session?code=used-already&next=/cases")
    page.wait_for_url(re.compile(r"/login/?\?handoff=late&next=/cases$"))
    expect(page.get_by_text("Signing in did not finish")).to_be_visible()
    expect(page.get_by_role("button", name="Account menu")).to_have_count(0)
    shot(page, "login-handoff-late-en")
