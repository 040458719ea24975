"""The admin audit-log page on the production build (an export by the admin shows up, filters
narrow it, a member is refused) and a member downloading "my data"."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO, shot, sign_in, wait_home


def test_admin_reads_and_filters_the_audit_log_in_japanese(page: Page) -> None:
    sign_in(page, "misaki.sato" + DEMO)  # the demo admin
    wait_home(page)
    # another test switches her to English; the language is remembered per person
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("button", name="日本語")).to_have_attribute("aria-pressed", "true")
    page.goto("/credentials/csv")
    with page.expect_download():
        page.get_by_role("button", name="CSV をダウンロード").click()

    page.get_by_role("link", name="監査ログ").click()
    page.wait_for_url("**/admin/audit")
    expect(page.locator("#audit-table")).to_contain_text("demo.loaded")
    page.locator("#audit-action").select_option("credentials.export")
    page.locator("#audit-person").fill("misaki")
    page.get_by_role("button", name="絞り込む").click()
    rows = page.locator(".cp-audit-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("misaki.sato@demo.certportal.example")
    expect(rows.first).to_contain_text("credentials.export")
    shot(page, "audit-filtered-ja")
    page.locator("#audit-person").fill("nobody-at-all")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.locator("#audit-empty")).to_be_visible()


def test_a_member_cannot_open_the_audit_log(page: Page) -> None:
    sign_in(page, "daisuke.ito" + DEMO)
    wait_home(page)
    expect(page.get_by_role("link", name="監査ログ")).to_have_count(0)
    page.goto("/admin/audit")
    expect(page.locator("#forbidden")).to_be_visible()
    expect(page.locator(".cp-audit-row")).to_have_count(0)


def test_a_member_downloads_their_data_in_english(page: Page) -> None:
    import json
    from pathlib import Path

    sign_in(page, "priya.nair" + DEMO)
    wait_home(page)
    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="My data").click()
    page.wait_for_url("**/me/data")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my data (JSON)").click()
    doc = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert doc["format"] == "certportal.my-data"
    assert doc["person"]["email"] == "priya.nair" + DEMO
    assert {"SC-300", "SC-200"} <= {c["certification"] for c in doc["credentials"]}
    expect(page.locator("#mydata-message")).to_contain_text("downloaded")
