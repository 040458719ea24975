"""Browser tests: the production build served once per session, driven by Debian's chromium."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.server import ROOT, RunningApp, free_port, start_app
from tests.fakes.learn_server import FakeLearn
from tests.oidc.provider import SECRET, Provider, start_provider

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DEMO_PASSWORD = "certportal-demo-2026"
DEMO = "@demo.certportal.example"

# Console noise that is not an application error.
_BENIGN = re.compile(r"websocket|favicon|Download the React DevTools", re.IGNORECASE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
    # The scale-out test starts a second production server, which rebuilds the frontend in this
    # checkout: it runs last, once the shared server has served every other browser test.
    items.sort(key=lambda item: item.fspath.basename in ("test_scale_redis.py", "test_faults.py"))


@pytest.fixture(autouse=True)
def _test_settings() -> Iterator[None]:
    """E2E tests use the server's own settings; nothing to reset in this process."""
    yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"chromium not found at {CHROMIUM}: `make test` installs it; or set CHROMIUM_PATH"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


_SHARED: list[RunningApp] = []


@pytest.fixture(scope="session")
def fake_learn() -> Iterator[FakeLearn]:
    """A local server standing in for Microsoft Learn's transcript endpoint."""
    server = FakeLearn()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def oidc_provider(app_port: int) -> Iterator[Provider]:
    """A real OpenID provider on loopback that sends people back to the shared app."""
    running = start_provider(redirect=f"http://127.0.0.1:{app_port}/auth/callback")
    yield running
    running.process.terminate()
    running.process.wait(timeout=10)


@pytest.fixture(scope="session")
def app(
    tmp_path_factory: pytest.TempPathFactory,
    fake_learn: FakeLearn,
    oidc_provider: Provider,
    app_port: int,
) -> Iterator[RunningApp]:
    """One production server for every browser test (the build is the slow part). Transcript
    share links are read from the local stand-in for Learn; "Sign in with Microsoft" goes to the
    OpenID provider on loopback (tenant-1 allowed)."""
    running = start_app(
        tmp_path_factory.mktemp("app"),
        extra_env={
            "LEARN_API_BASE": fake_learn.base_url,
            "LEARN_TIMEOUT_SECONDS": "10",
            "OIDC_DISCOVERY_URL": oidc_provider.discovery_url,
            "OIDC_CLIENT_ID": "certportal",
            "OIDC_CLIENT_SECRET": SECRET,
            "OIDC_ALLOWED_TENANTS": "tenant-1",
            "OIDC_LEAD_ROLES": "certportal.lead",
        },
        port=app_port,
    )
    _SHARED.append(running)
    yield running
    running.stop()


def stop_shared_app() -> None:
    """Stop the shared server before another build of this checkout starts (they share .web)."""
    for running in _SHARED:
        running.stop()


def new_context(browser: Browser, app: RunningApp, locale: str = "en-US") -> BrowserContext:
    context = browser.new_context(
        base_url=app.url, locale=locale, viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(20_000)
    return context


@pytest.fixture
def context(browser: Browser, app: RunningApp) -> Iterator[BrowserContext]:
    ctx = new_context(browser, app)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page that fails the test on any uncaught error or console error."""
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.on(
        "console",
        lambda msg: (
            errors.append(f"console: {msg.text}")
            if msg.type == "error" and not _BENIGN.search(msg.text)
            else None
        ),
    )
    yield pg
    shot(pg, request.node.name + "-end")
    assert not errors, "browser errors:\n" + "\n".join(errors)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    page.screenshot(path=str(SCREENSHOTS / f"{safe}.png"), full_page=True)


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    # the page re-renders once its language is known: let that happen before typing
    page.wait_for_load_state("networkidle")
    page.get_by_label(re.compile("^(Email|メールアドレス)$")).fill(email)
    page.get_by_label(re.compile("^(Password|パスワード)$")).fill(password)
    page.get_by_role("button", name=re.compile("^(Sign in|サインイン)$")).click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Account menu|アカウントメニュー")).click()
    page.get_by_role("menuitem", name=re.compile("^(Sign out|サインアウト)$")).click()
    page.wait_for_url(re.compile(r"/login/?$"))


def use_english(page: Page) -> None:
    """Switch the signed-in person's language to English (it is remembered for them)."""
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")


def use_japanese(page: Page) -> None:
    """Switch the signed-in person's language to Japanese (another test may have left their
    stored preference on English)."""
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("button", name="日本語")).to_have_attribute("aria-pressed", "true")


HOME_URL = re.compile(r"^https?://[^/]+/$")


def wait_home(page: Page) -> None:
    try:
        page.wait_for_url(HOME_URL, timeout=15_000)
    except PlaywrightTimeoutError:
        # on a loaded machine the redirect after sign-in can be lost; the sign-in page sends
        # a signed-in visitor on when it loads again
        page.reload()
        page.wait_for_url(HOME_URL)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The Redis scale-out test exists only where a Redis server is given (TEST_REDIS_URL)."""
    if collection_path.name == "test_scale_redis.py" and not os.environ.get("TEST_REDIS_URL"):
        return True
    if collection_path.name == "test_faults.py" and not (
        os.environ.get("TEST_REDIS_URL") and os.environ.get("TEST_POSTGRES_URL")
    ):
        return True
    return None
