"""The credential inventory end to end on the production build, in Japanese and English: add,
edit, filter and delete; import from a Learn transcript (a local server stands in for Learn) with
its preview; CSV export and import; the calendar feed; renewals on the home page."""

from __future__ import annotations

import re

import httpx
import icalendar
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO, shot, sign_in, use_japanese, wait_home
from tests.e2e.server import RunningApp
from tests.fakes.learn_server import FakeLearn


def test_add_edit_filter_and_delete_in_japanese(page: Page) -> None:
    sign_in(page, "shota.watanabe" + DEMO)  # a member with an empty inventory
    wait_home(page)
    use_japanese(page)  # the wizard's tests leave this person on English
    page.goto("/credentials")
    expect(page.locator("#cred-empty")).to_contain_text("まだ認定資格がありません")

    page.get_by_role("link", name="認定資格を追加").first.click()
    page.wait_for_url(re.compile(r"/credentials/new$"))
    page.get_by_role("textbox", name="認定資格").fill("az-1")
    option = page.locator(".cp-cert-option", has_text="AZ-104").first
    expect(option).to_be_visible()
    option.click()
    expect(page.locator("#cred-selected")).to_contain_text("Azure Administrator Associate")
    page.locator("#cred-exam-0").fill("2026-02-27")
    page.get_by_label("受験方式（試験配信事業者）").select_option("pearson_vue")
    page.locator("#cred-earned_on").fill("2099-03-01")  # a future date: refused, form kept
    page.locator("#cred-certification_number").fill("AB-12")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#err-earned_on")).to_have_text("未来の日付になっています。")
    expect(page.locator("#cred-certification_number")).to_have_value("AB-12")
    shot(page, "credentials-form-error-ja")

    page.locator("#cred-earned_on").fill("2026-03-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/credentials/\d+\?saved=1$"))
    expect(page.get_by_text("保存しました。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Azure Administrator Associate")
    expect(page.get_by_text("2027年3月1日")).to_be_visible()  # one year, from the catalog rule
    shot(page, "credentials-detail-ja")

    page.get_by_role("link", name="編集").click()
    page.wait_for_url(re.compile(r"/credentials/\d+/edit$"))
    expect(page.locator("#cred-certification_number")).to_have_value("AB-12")
    page.locator("#cred-notes").fill("Pearson VUE で受験")
    page.get_by_label("はい").first.check()  # visible on Learn
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/credentials/\d+\?saved=1$"))
    expect(page.get_by_text("Pearson VUE で受験")).to_be_visible()

    page.goto("/credentials")
    expect(page.locator(".cp-cred-row")).to_have_count(1)
    page.locator("#filter-provider").select_option("certiport")
    expect(page.locator("#cred-no-match")).to_be_visible()
    page.locator("#filter-provider").select_option("pearson_vue")
    expect(page.locator(".cp-cred-row")).to_have_count(1)
    page.locator("#filter-status").select_option("expired")
    expect(page.locator("#cred-no-match")).to_be_visible()
    page.get_by_role("button", name="絞り込みを解除").click()
    expect(page.locator(".cp-cred-row")).to_have_count(1)
    shot(page, "credentials-list-ja")

    page.locator(".cp-cred-row").get_by_role("link").first.click()
    page.locator("#cred-delete").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("元に戻せません")
    dialog.get_by_role("button", name="キャンセル").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Azure Administrator")
    page.locator("#cred-delete").click()
    page.get_by_role("alertdialog").get_by_role("button", name="削除").click()
    page.wait_for_url(re.compile(r"/credentials\?deleted=1$"))
    expect(page.locator("#cred-empty")).to_be_visible()


JAMES_TRANSCRIPT = {
    "userName": "james-wilson",
    "certificationData": {
        "mcid": "123456789",
        "legalName": "James Wilson",
        "activeCertifications": [
            {
                "name": "Microsoft Certified: Azure Administrator Associate",
                "certificationNumber": "JW-0104",
                "status": "Active",
                "dateEarned": "2026-06-10T00:00:00",
                "expiration": "2027-06-10T00:00:00",
            },
            {
                "name": "Microsoft Certified: Azure Solutions Architect Expert",
                "certificationNumber": "JW-0305",
                "status": "Active",
                "dateEarned": "2026-09-01T00:00:00",
                "expiration": "2027-09-01T00:00:00",
            },
        ],
        "historicalCertifications": [
            {
                "name": "Microsoft Certified: Azure Security Engineer Associate",
                "certificationNumber": "JW-0500",
                "status": "Expired",
                "dateEarned": "2023-01-05T00:00:00",
                "expiration": "2024-01-05T00:00:00",
            }
        ],
        "passedExams": [
            {
                "examTitle": "Designing Microsoft Azure Infrastructure Solutions",
                "examNumber": "AZ-305",
                "examDateTaken": "2026-09-01T00:00:00",
            }
        ],
    },
}


def test_import_from_learn_with_preview_in_english(page: Page, fake_learn: FakeLearn) -> None:
    fake_learn.transcripts["e2ejames01"] = JAMES_TRANSCRIPT
    sign_in(page, "james.wilson" + DEMO)  # holds AZ-104 and AZ-700
    wait_home(page)
    page.goto("/credentials/import")
    link = page.get_by_label("Transcript share link")

    # errors say what happened and leave everything as it was
    link.fill("https://learn.microsoft.com/en-us/users/james-wilson/transcript/nosuchid01")
    page.get_by_role("button", name="Read transcript").click()
    expect(page.locator("#import-error")).to_contain_text("no shared transcript")
    expect(page.locator("#import-error")).to_contain_text("Nothing was changed")
    link.fill("https://evil.example.com/en-us/users/james-wilson/transcript/e2ejames01")
    page.get_by_role("button", name="Read transcript").click()
    expect(page.locator("#import-error")).to_contain_text("not a transcript share link")

    # a slow answer shows the progress indicator, then the preview
    fake_learn.transcripts["slowanswer"] = JAMES_TRANSCRIPT
    link.fill("https://learn.microsoft.com/en-us/users/james-wilson/transcript/slowanswer")
    page.get_by_role("button", name="Read transcript").click()
    expect(page.locator("#learn-reading")).to_be_visible()
    preview = page.locator("#import-preview")
    expect(preview).to_be_visible(timeout=30_000)
    expect(page.locator("#import-new")).to_contain_text("AZ-305")
    expect(page.locator("#import-matched")).to_contain_text("AZ-104")
    expect(page.locator("#import-history")).to_contain_text("AZ-500")
    expect(page.locator("#import-history")).to_contain_text("Added only if you tick")
    expect(page.locator("#import-missing")).to_contain_text("AZ-700")
    expect(page.get_by_text("Keep my legal name, MCID and contact e-mail")).to_be_visible()
    shot(page, "credentials-import-preview-en")
    page.get_by_text("Keep my legal name, MCID and contact e-mail").click()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-done")).to_contain_text(
        "1 added, 1 confirmed on Learn, 1 not on Learn"
    )
    shot(page, "credentials-import-done-en")
    # the person agreed to keep their legal name and MCID; they can take that back
    page.locator("#forget-personal").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Forget them").click()
    expect(page.get_by_text("The personal data kept from your imports was erased.")).to_be_visible()
    expect(page.locator("#forget-personal")).to_have_count(0)

    page.goto("/credentials")
    rows = page.locator(".cp-cred-row")
    expect(rows).to_have_count(3)
    az700 = rows.filter(has_text="AZ-700")
    expect(az700).to_contain_text("No")  # not visible on Learn now
    az700.get_by_role("link", name=re.compile("^Diagnose")).click()
    # a new diagnosis of it: what the credential knows is answered, the first question left is
    # asked; it is saved (and listed with the credential) once that is answered
    page.wait_for_url(re.compile(r"/wizard/new/?\?credential=\d+$"))
    expect(page.get_by_text("Azure Network Engineer Associate").first).to_be_visible()
    expect(
        page.get_by_role("heading", name="Could it be on another Learn profile?")
    ).to_be_visible()
    page.get_by_role("radio", name=re.compile("^No")).check()
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url(re.compile(r"/wizard/\d+/"))
    # the credential lists the diagnosis started from it
    page.goto("/credentials")
    page.locator(".cp-cred-row").filter(has_text="AZ-700").get_by_role("link").first.click()
    expect(page.locator("#credential-runs")).to_contain_text("In progress")


def test_csv_export_import_and_calendar_in_english(page: Page, app: RunningApp) -> None:
    sign_in(page, "priya.nair" + DEMO)
    wait_home(page)
    page.goto("/credentials/csv")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    data = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("certification,name,exams,provider,earned_on")
    assert "SC-300" in text and "SC-200" in text

    upload = (
        b"certification,earned_on,provider,notes\r\n"
        b"AZ-900,2024/5/18,certiport,Odyssey\r\n"
        b"XX-999,2024-05-18,pearson_vue,\r\n"
    )
    page.locator("#csv-upload input[type=file]").set_input_files(
        files=[{"name": "mine.csv", "mimeType": "text/csv", "buffer": upload}]
    )
    expect(page.locator("#csv-summary")).to_contain_text("2")
    expect(page.locator("#csv-problems")).to_contain_text("3")  # the bad row's line
    expect(page.locator("#csv-problems")).to_contain_text("certification")
    shot(page, "credentials-csv-preview-en")
    page.locator("#csv-import").click()
    expect(page.locator("#csv-message")).to_contain_text("1 credentials imported")
    page.goto("/credentials")
    expect(page.locator(".cp-cred-row").filter(has_text="AZ-900")).to_have_count(1)

    page.goto("/credentials/calendar")
    page.locator("#calendar-create").click()
    url = page.locator("#calendar-url").inner_text()
    assert url.startswith(app.url + "/api/calendar/") and url.endswith(".ics")
    body = httpx.get(url, timeout=10)
    assert body.status_code == 200 and body.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(body.content).walk("VEVENT")
    assert any(str(e["SUMMARY"]).startswith("Renewal window opens") for e in events)
    page.locator("#calendar-revoke").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Turn off").click()
    expect(page.get_by_text("The calendar address was turned off.")).to_be_visible()
    assert httpx.get(url, timeout=10).status_code == 404


def test_home_shows_renewals_in_japanese(page: Page) -> None:
    sign_in(page, "sakura.yamamoto" + DEMO)  # MS-102 expires within 30 days
    wait_home(page)
    card = page.locator("#renewals-card")
    expect(card).to_contain_text("30日以内に期限切れ")
    expect(card).to_contain_text("Administrator Expert")
    shot(page, "home-renewals-ja")
