"""The team lead's view end to end on the production build: a lead filters to blocked members,
opens one (read-only), and sees the what-if list change once a member's credential counts;
the skilling panel, exports, a member's "what my lead sees", and the admin's settings."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DEMO, new_context, shot, sign_in, wait_home
from tests.e2e.server import RunningApp


def test_lead_filters_blocked_opens_one_and_the_what_if_changes(
    browser: Browser, app: RunningApp
) -> None:
    lead_context = new_context(browser, app)
    lead = lead_context.new_page()
    sign_in(lead, f"emily.carter{DEMO}")  # leads Modern Work & Security
    wait_home(lead)
    lead.get_by_role("link", name="Team progress", exact=True).click()
    lead.wait_for_url(re.compile(r"/team$"))
    table = lead.locator("#team-table")
    expect(table).to_contain_text("山本 さくら")
    expect(table).not_to_contain_text("田中 陽菜")  # another team
    lead.locator("#team-status").select_option("blocked")
    blocked = lead.locator(".cp-member-row", has_text="山本 さくら")
    expect(blocked).to_have_count(1)  # her Certiport MS-900, diagnosed
    expect(blocked).to_contain_text("Certiport")  # the reason, from her latest diagnosis
    expect(table).not_to_contain_text("Priya Nair")  # nothing blocked
    shot(lead, "team-blocked-en")
    blocked.get_by_role("link", name="山本 さくら").click()
    lead.wait_for_url(re.compile(r"/team/members/\d+$"))
    expect(lead.locator("#member-name")).to_have_text("山本 さくら")
    credentials = lead.locator("#member-credentials")
    expect(credentials).to_contain_text("MS-900")
    expect(credentials).to_contain_text("Certiport")
    expect(lead.locator("#member-cases")).to_contain_text("Microsoft Credentials Support")
    expect(lead.get_by_role("button", name="Edit")).to_have_count(0)  # read-only
    shot(lead, "team-member-en")

    lead.goto("/team/skilling")
    what_if = lead.locator("#what-if")
    expect(what_if).to_contain_text("MS-900")
    expect(what_if).to_contain_text("Link the profiles")
    expect(lead.locator("#not-scoring")).to_contain_text("AZ-900")
    modern_work = lead.locator(".cp-designation", has_text="Modern Work")
    expect(modern_work).to_contain_text("Intermediate certifications: 7.5 / 10")
    shot(lead, "team-skilling-en")

    # Sakura records that her MS-900 now counts in Partner Center
    member_context = new_context(browser, app, locale="ja-JP")
    member = member_context.new_page()
    sign_in(member, f"sakura.yamamoto{DEMO}")
    wait_home(member)
    member.goto("/credentials")
    member.locator(".cp-cred-row", has_text="MS-900").get_by_role("link").first.click()
    member.wait_for_url(re.compile(r"/credentials/\d+$"))
    member.get_by_role("link", name="編集").click()
    member.wait_for_url(re.compile(r"/credentials/\d+/edit$"))
    member.locator("#cred-counted-yes").check()
    member.locator("#cred-on_learn-yes").check()
    member.get_by_role("button", name="保存").click()
    member.wait_for_url(re.compile(r"/credentials/\d+\?saved=1$"))
    member_context.close()

    lead.reload()
    expect(modern_work).to_contain_text("Intermediate certifications: 10 / 10")
    expect(lead.locator("#what-if")).not_to_contain_text("MS-900")
    expect(modern_work).to_contain_text("At its cap")
    lead_context.close()


def test_team_page_in_japanese_with_csv_and_what_my_lead_sees(page: Page) -> None:
    sign_in(page, f"kenichi.takahashi{DEMO}")  # leads the Azure team
    wait_home(page)
    page.goto("/team")
    table = page.locator("#team-table")
    expect(table).to_contain_text("田中 陽菜")
    expect(page.locator("#team-pages")).to_contain_text("合計")
    page.locator("#team-search").fill("ｈｉｎａ")  # width-insensitive search
    page.get_by_role("button", name="検索").click()
    expect(page.locator(".cp-member-row")).to_have_count(1)
    with page.expect_download() as download_info:
        page.locator("#team-export").click()
    data = Path(download_info.value.path()).read_bytes()
    text = data.decode("utf-8")
    assert text.startswith("\ufeffname,email,teams,counted")
    assert "田中 陽菜" in text and "伊藤 大輔" not in text  # the search applies to the export
    shot(page, "team-members-ja")
    page.goto("/team/skilling")
    expect(page.locator(".cp-designation", has_text="Data & AI")).to_contain_text("前提条件が未達")
    expect(page.locator("#history")).to_contain_text("Modern Work")  # earlier months too
    with page.expect_download() as skilling_download:
        page.locator("#skilling-export").click()
    exported = Path(skilling_download.value.path()).read_bytes()
    assert exported.startswith("\ufeffdesignation,metric,track".encode())
    shot(page, "team-skilling-ja")

    # a member sees what the lead sees of them; a member has no team page
    page.get_by_role("button", name=re.compile("アカウントメニュー")).click()
    page.get_by_role("menuitem", name=re.compile("^サインアウト$")).click()
    page.wait_for_url(re.compile(r"/login/?$"))
    sign_in(page, f"hina.tanaka{DEMO}")
    wait_home(page)
    page.goto("/me/lead-view")
    expect(page.locator("#member-credentials")).to_contain_text("AZ-305")
    page.goto("/team")
    expect(page.locator("#team-error")).to_contain_text("チーム リーダーと管理者だけ")


def test_admin_sets_tracks_and_targets(page: Page) -> None:
    sign_in(page, f"misaki.sato{DEMO}")  # other tests may have switched her language
    wait_home(page)
    page.goto("/admin/skilling")
    page.locator("#target-security").fill("200")
    page.locator("#settings-save").click()
    expect(page.locator("#settings-error")).to_contain_text(re.compile("1 to 100|1〜100"))
    expect(page.locator("#target-security")).to_have_value("200")  # kept
    page.locator("#target-security").fill("15")
    page.locator("#track-Security").select_option("smb")
    page.locator("#settings-save").click()
    expect(page.locator("#settings-saved")).to_be_visible()
    page.goto("/team/skilling")
    security = page.locator(".cp-designation", has_text="Security")
    expect(security).to_contain_text(re.compile("SMB"))
    expect(security).to_contain_text("15")
