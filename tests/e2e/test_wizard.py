"""The linkage wizard end to end on the production build, in Japanese and English: a complete
diagnosis, back and change, reload and resume, bad input, copying the support text, the identity
map pre-filling the wizard, and an admin publishing a new knowledge version."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Browser, Page, expect

from certportal.knowledge.loader import bundled_texts
from tests.e2e.conftest import DEMO, new_context, shot, sign_in, use_english, wait_home
from tests.e2e.server import RunningApp

STEP_URL = r"/wizard/\d+/"


def expect_new(page: Page) -> None:
    """A new diagnosis: its first question on /wizard/new (saved once answered)."""
    page.wait_for_url(re.compile(r"/wizard/new/?(\?.*)?$"))
    expect(page.locator("#answer-cert")).to_be_visible()


def start(page: Page) -> None:
    page.goto("/wizard/new")
    expect_new(page)


def pick_certification(page: Page, search: str, code: str, label: str = "Certification") -> None:
    page.get_by_role("textbox", name=re.compile("Search by exam code|試験コード")).fill(search)
    select = page.get_by_label(label, exact=True)
    expect(select.locator(f"option[value='{code}']")).to_have_count(1)
    select.select_option(code)


def cont(page: Page, name: str = "Continue") -> None:
    page.get_by_role("button", name=name, exact=True).click()


def choose(page: Page, label: str) -> None:
    page.get_by_role("radio", name=re.compile("^" + re.escape(label))).check()


def expect_step(page: Page, step: str) -> None:
    page.wait_for_url(re.compile(STEP_URL + re.escape(step) + r"(\?.*)?$"))


def clipboard_starting_with(page: Page, prefix: str) -> str:
    """The clipboard's text once it starts with ``prefix`` (the copy happens asynchronously; an
    async predicate cannot be polled by wait_for_function, its promise is always truthy)."""
    text = ""
    for _ in range(100):
        text = page.evaluate("navigator.clipboard.readText()")
        if text.startswith(prefix):
            return text
        page.wait_for_timeout(100)
    raise AssertionError(f"clipboard never started with {prefix!r}: {text[:80]!r}")


def seed_run_in_english(page: Page) -> None:
    """The seed author's answers: AZ-900, 2024-02-10, Certiport, not on Learn."""
    start(page)
    pick_certification(page, "az-9", "AZ-900")
    cont(page)
    expect_step(page, "earned_on")
    page.locator("#answer-date").fill("2024-02-10")
    cont(page)
    expect_step(page, "provider")
    choose(page, "Certiport")
    cont(page)
    expect_step(page, "on_learn")
    choose(page, "No")
    cont(page)
    expect_step(page, "check")


def test_complete_a_diagnosis_in_japanese(page: Page) -> None:
    sign_in(page, f"hina.tanaka{DEMO}")
    wait_home(page)
    page.get_by_role("link", name="認定資格を診断する").click()
    expect_new(page)
    expect(page.locator("#question-number")).to_have_text(re.compile("質問 1"))
    shot(page, "wizard-question-ja")
    pick_certification(page, "az-9", "AZ-900", label="認定資格")
    cont(page, "次へ")
    expect_step(page, "earned_on")
    expect(page.get_by_role("heading", name="いつ取得しましたか？")).to_be_visible()
    page.locator("#answer-date").fill("2024-02-10")
    cont(page, "次へ")
    expect_step(page, "provider")
    choose(page, "Certiport")
    cont(page, "次へ")
    expect_step(page, "on_learn")
    choose(page, "いいえ")
    cont(page, "次へ")
    expect_step(page, "check")
    expect(page.get_by_role("heading", name="回答を確認する")).to_be_visible()
    expect(page.locator("#summary")).to_contain_text("2024年2月10日")
    shot(page, "wizard-check-ja")
    page.get_by_role("button", name="診断結果を見る").click()
    expect_step(page, "result")
    expect(page.locator("#outcome-title")).to_contain_text("2023 年 6 月以降の Certiport")
    expect(page.locator("#steps li")).to_have_count(5)
    expect(page.locator("#steps")).to_contain_text("My Transcript")
    expect(page.locator("#scores-none")).to_be_visible()
    expect(page.locator("#sources")).to_contain_text("確認日")
    expect(page.locator("#support-ja")).to_contain_text("AZ-900")
    expect(page.locator("#recheck")).to_be_visible()
    shot(page, "wizard-result-ja")


def test_back_link_keeps_answers_and_change_returns_to_the_summary(page: Page) -> None:
    sign_in(page, f"james.wilson{DEMO}")
    wait_home(page)
    seed_run_in_english(page)
    # back from the summary: the last answer is still chosen
    page.locator("#back-link").click()
    expect_step(page, "on_learn")
    expect(page.get_by_role("radio", name=re.compile("^No"))).to_be_checked()
    page.locator("#back-link").click()
    expect_step(page, "provider")
    expect(page.get_by_role("radio", name=re.compile("^Certiport"))).to_be_checked()
    cont(page)
    expect_step(page, "on_learn")
    cont(page)
    expect_step(page, "check")

    # Change on the summary → the question → back to the summary
    page.get_by_role("link", name=re.compile("Change When did you earn it")).click()
    expect_step(page, "earned_on")
    expect(page.locator("#answer-date")).to_have_value("2024-02-10")
    page.locator("#answer-date").fill("2023-01-15")
    cont(page)
    expect_step(page, "check")
    expect(page.locator("#summary")).to_contain_text("Jan 15, 2023")

    # a change that reroutes asks the new questions, then returns to the summary
    page.get_by_role("link", name=re.compile("Change Which exam provider")).click()
    expect_step(page, "provider")
    choose(page, "Pearson VUE")
    cont(page)
    expect_step(page, "other_profile")
    choose(page, "No")
    cont(page)
    expect_step(page, "cert_profile_connected")
    choose(page, "No")
    cont(page)
    expect_step(page, "check")
    page.get_by_role("button", name="See the diagnosis").click()
    expect_step(page, "result")
    expect(page.locator("#outcome-title")).to_have_text(
        "Connect your certification profile to Learn"
    )
    shot(page, "wizard-result-en")


def test_reload_in_the_middle_and_resume_later(page: Page) -> None:
    sign_in(page, f"priya.nair{DEMO}")
    wait_home(page)
    start(page)
    pick_certification(page, "ms-9", "MS-900")
    cont(page)
    expect_step(page, "earned_on")
    page.locator("#answer-date").fill("2025-04-01")
    cont(page)
    expect_step(page, "provider")
    url = page.url
    page.reload()
    expect(page).to_have_url(url)
    expect(
        page.get_by_role("heading", name="Which exam provider delivered the exam?")
    ).to_be_visible()
    expect(page.locator("#question-number")).to_contain_text("Question 3")

    # the first answer saved the diagnosis in place of /wizard/new: the browser's history has
    # its question's own address, not a second new diagnosis
    page.go_back()
    expect_step(page, "earned_on")
    page.go_back()
    expect(page).not_to_have_url(re.compile("/wizard/new"))

    page.goto("/")
    wait_home(page)
    expect(page.locator("#wizard-card")).to_contain_text("MS-900")
    page.locator("#resume-run").click()
    expect(page).to_have_url(url)
    page.locator("#back-link").click()
    expect_step(page, "earned_on")
    expect(page.locator("#answer-date")).to_have_value("2025-04-01")

    page.goto("/wizard")
    expect(page.locator(".cp-run")).to_have_count(1)
    expect(page.locator(".cp-run")).to_contain_text("In progress")


def test_bad_input_keeps_what_was_typed_and_a_hand_edited_step_lands_on_the_first_unanswered(
    page: Page,
) -> None:
    sign_in(page, f"james.wilson{DEMO}")
    wait_home(page)
    start(page)
    cont(page)  # nothing chosen
    expect(page.locator("#error-summary")).to_contain_text("Choose a certification from the list.")
    pick_certification(page, "AZ-104", "AZ-104")
    cont(page)
    expect_step(page, "earned_on")
    page.locator("#answer-date").fill("2099-01-01")
    cont(page)
    expect(page.locator("#error-summary")).to_contain_text("The date cannot be in the future.")
    expect(page.locator("#answer-date")).to_have_value("2099-01-01")
    page.locator("#answer-date").fill("1985-05-05")
    cont(page)
    expect(page.locator("#answer-error")).to_have_text("The date must be on or after 1990-01-01.")
    shot(page, "wizard-error-en")
    run_url = page.url
    page.goto(run_url.replace("earned_on", "shows_in_pc"))
    expect_step(page, "earned_on")
    page.goto(run_url.replace("earned_on", "result"))
    expect_step(page, "earned_on")
    page.goto("/wizard/999999/certification")
    expect(page.get_by_role("heading", name="Diagnosis not found")).to_be_visible()
    # a link to a new diagnosis of something that is not a certification: said, nothing saved
    page.goto("/wizard/new?cert=NOPE-1")
    expect(page.locator("#run-refused")).to_contain_text("Choose a certification from the list.")
    shot(page, "wizard-refused-en")


def test_copy_the_support_text(browser: Browser, app: RunningApp) -> None:
    context = new_context(browser, app)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app.url)
    page = context.new_page()
    sign_in(page, f"emily.carter{DEMO}")
    wait_home(page)
    seed_run_in_english(page)
    page.get_by_role("button", name="See the diagnosis").click()
    expect_step(page, "result")
    page.get_by_role("button", name="Copy the English text").click()
    expect(page.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    copied = clipboard_starting_with(page, "Certiport certification not counted: AZ-900")
    assert "Emily Carter" in copied and "Exam provider: Certiport" in copied
    page.get_by_role("tab", name="日本語").click()
    page.get_by_role("button", name="Copy the Japanese text").click()
    copied_ja = clipboard_starting_with(page, "Certiport で取得した認定資格が反映されない: AZ-900")
    assert "田中" not in copied_ja and "Emily Carter" in copied_ja
    context.close()


def test_identity_map_warns_and_prefills_the_wizard(page: Page) -> None:
    sign_in(page, f"daisuke.ito{DEMO}")
    wait_home(page)
    use_english(page)
    page.goto("/identity")
    page.get_by_label("MCID of your certification profile", exact=True).fill("123456789")
    page.get_by_label("Partner Center user", exact=True).fill(f"daisuke.ito{DEMO}")
    page.get_by_label("MCID associated in Partner Center", exact=True).fill("987654321")
    page.get_by_label("Microsoft Learn profile(s)", exact=True).fill(
        "learn/daisuke-personal\nlearn/daisuke-work"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.locator(".cp-identity-warning")).to_have_count(2)
    expect(page.locator(".cp-identity-warning").first).to_contain_text("another MCID")
    shot(page, "identity-en")
    page.get_by_label("MCID of your certification profile", exact=True).fill("12ab")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("An MCID is 4 to 20 digits.")).to_be_visible()
    expect(page.get_by_label("MCID of your certification profile", exact=True)).to_have_value(
        "12ab"
    )

    start(page)
    pick_certification(page, "az-104", "AZ-104")
    cont(page)
    page.locator("#answer-date").fill("2026-06-01")
    cont(page)
    choose(page, "Pearson VUE")
    cont(page)
    choose(page, "Yes")
    cont(page)
    expect_step(page, "pc_user")
    expect(page.locator("#prefilled")).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("^Yes"))).to_be_checked()
    cont(page)
    expect_step(page, "pc_associated")
    expect(page.get_by_role("radio", name=re.compile("^A different MCID"))).to_be_checked()


def _edited_linkage(step_text: str) -> bytes:
    data = json.loads(bundled_texts()["linkage"])
    outcome = next(o for o in data["outcomes"] if o["id"] == "certiport_since_2023_06")
    outcome["steps"][1]["text"]["en"] = step_text
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def test_admin_publishes_a_changed_step_new_runs_see_it_old_runs_keep_theirs(
    browser: Browser, app: RunningApp
) -> None:
    member_ctx = new_context(browser, app)
    member = member_ctx.new_page()
    sign_in(member, f"shota.watanabe{DEMO}")
    wait_home(member)
    use_english(member)
    seed_run_in_english(member)
    member.get_by_role("button", name="See the diagnosis").click()
    expect_step(member, "result")
    old_result = member.url
    old_version = member.locator("#knowledge-version").inner_text()

    admin_ctx = new_context(browser, app)
    admin = admin_ctx.new_page()
    sign_in(admin, f"misaki.sato{DEMO}")
    wait_home(admin)
    use_english(admin)
    admin.get_by_role("link", name="Knowledge").click()
    expect(admin.get_by_role("heading", name="Knowledge base")).to_be_visible()
    expect(admin.locator("#entries .cp-entry").first).to_be_visible()
    upload = admin.locator("#knowledge-upload input[type=file]")
    # an invalid file is refused with the entry and field named
    broken = json.loads(_edited_linkage("x"))
    broken["questions"][0]["next"] = [{"goto": "nowhere"}]
    upload.set_input_files(
        files=[
            {
                "name": "linkage.json",
                "mimeType": "application/json",
                "buffer": json.dumps(broken).encode(),
            }
        ]
    )
    expect(admin.locator("#upload-errors")).to_contain_text(
        "entry certification, field next[0].goto"
    )
    shot(admin, "knowledge-refused-en")
    upload.set_input_files(
        files=[
            {
                "name": "linkage.json",
                "mimeType": "application/json",
                "buffer": _edited_linkage(
                    "Open the Partner Center service request form and attach your evidence."
                ),
            }
        ]
    )
    expect(admin.locator("#diff")).to_contain_text("certiport_since_2023_06 · steps[1].text.en")
    admin.get_by_label("What changed and why").fill("Clearer wording for the service request step")
    shot(admin, "knowledge-diff-en")
    admin.get_by_role("button", name="Publish").click()
    expect(admin.get_by_text(re.compile(r"Version \d+ is published\."))).to_be_visible()
    shot(admin, "knowledge-published-en")

    seed_run_in_english(member)
    member.get_by_role("button", name="See the diagnosis").click()
    expect_step(member, "result")
    expect(member.locator("#steps")).to_contain_text("attach your evidence")
    assert member.locator("#knowledge-version").inner_text() != old_version
    member.goto(old_result)
    expect(member.locator("#steps")).to_contain_text("Open a Partner Center service request")
    expect(member.locator("#steps")).not_to_contain_text("attach your evidence")
    expect(member.locator("#knowledge-version")).to_have_text(old_version)

    # roll back: the earlier version is served again to new diagnoses
    admin.get_by_role("button", name=re.compile("^Roll back v1$")).click()
    admin.get_by_role("alertdialog").get_by_role("button", name="Roll back").click()
    expect(admin.get_by_text("Version 1 is active again.")).to_be_visible()
    member_ctx.close()
    admin_ctx.close()


def test_a_member_cannot_open_the_knowledge_admin(page: Page) -> None:
    sign_in(page, f"naoki.kobayashi{DEMO}")
    wait_home(page)
    page.goto("/admin/knowledge")
    expect(page.locator("#forbidden")).to_be_visible()
