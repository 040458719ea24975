"""Scale-out: the production build with 2 backend workers sharing state in Redis.

Collected only when TEST_REDIS_URL is set (``.ci/run`` sets it and requires it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DEMO, new_context, sign_in, stop_shared_app, wait_home
from tests.e2e.server import RunningApp, start_app

REDIS_URL = os.environ["TEST_REDIS_URL"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    stop_shared_app()  # this test runs last (see conftest): its build replaces the shared one
    running = start_app(
        tmp_path_factory.mktemp("redis-app"),
        extra_env={
            "REFLEX_REDIS_URL": REDIS_URL,
            "REDIS_URL": REDIS_URL,
            "GRANIAN_WORKERS": "2",
            "EXPOSE_WORKER_ID": "true",
        },
    )
    yield running
    running.stop()


def test_session_and_language_hold_across_reloads_served_by_both_workers(
    browser: Browser, app: RunningApp
) -> None:
    context = new_context(browser, app, locale="en-US")
    page = context.new_page()
    sign_in(page, f"james.wilson{DEMO}")
    wait_home(page)
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", name="所属チーム")).to_be_visible()

    workers: set[str] = set()
    for _ in range(40):
        page.reload()
        expect(
            page.get_by_role("heading", name=re.compile("ようこそ、 James Wilson"))
        ).to_be_visible()
        expect(page.get_by_role("heading", name="所属チーム")).to_be_visible()
        worker = page.locator("#worker-id")
        expect(worker).to_have_text(re.compile(r"worker \d+"))
        workers.add(worker.inner_text())
        if len(workers) >= 2:
            break
    assert len(workers) >= 2, f"every reload was served by the same worker: {workers}"
    context.close()
