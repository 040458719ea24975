"""Sign in with Microsoft end to end: the login page's button, the OpenID provider's own login and
consent pages (a real provider on loopback), the callback page completing the exchange, a new
person signed in; a tenant not on the allow-list gets a clear page and no session."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import new_context, shot, wait_home
from tests.e2e.server import RunningApp


def _through_provider(page: Page, account: str) -> None:
    page.goto("/login")
    page.wait_for_load_state("networkidle")
    page.locator("#sign-in-microsoft").click()
    page.wait_for_url(re.compile(r"/interaction/"))
    page.locator("input[name=login]").fill(account)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").first.click()
    page.wait_for_load_state("load")
    consent = page.locator("button[type=submit]")
    if "/interaction/" in page.url and consent.count() > 0:
        consent.first.click()


# Own contexts: the provider's pages load assets from the internet (unreachable here), which the
# shared ``page`` fixture would report as errors of ours.


def test_sign_in_with_microsoft_creates_the_person(browser: Browser, app: RunningApp) -> None:
    context = new_context(browser, app)
    page = context.new_page()
    _through_provider(page, "aiko")
    wait_home(page)
    expect(page.get_by_role("heading", name=re.compile("Aiko Contoso"))).to_be_visible()
    expect(page.get_by_role("link", name="Team progress")).to_be_visible()  # lead, by app role
    shot(page, "microsoft-signed-in-en")
    page.goto("/me/data")
    expect(page.locator("#microsoft-linked")).to_contain_text("aiko@contoso.example")
    context.close()


def test_a_tenant_not_allowed_gets_a_clear_page(browser: Browser, app: RunningApp) -> None:
    context = new_context(browser, app)
    page = context.new_page()
    _through_provider(page, "stranger")
    page.wait_for_url(re.compile(r"/auth/callback"))
    expect(page.locator("#callback-error")).to_contain_text("may not sign in here")
    shot(page, "microsoft-refused-en")
    page.get_by_role("link", name="Back to sign in").click()
    page.wait_for_url(re.compile(r"/login"))
    page.goto("/")
    page.wait_for_url(re.compile(r"/login"))  # no session was started
    context.close()
