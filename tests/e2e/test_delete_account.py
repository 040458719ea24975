"""Deleting my account end to end: typed confirmation, a last question, then everything is gone
and signing in again fails."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in, wait_home


def test_delete_my_account_after_confirmation(page: Page) -> None:
    page.goto("/signup")
    page.get_by_label("Name").fill("Temp Person")
    page.get_by_label("Email").fill("temp.person@example.com")
    page.get_by_label("Password", exact=True).fill("a-strong-passphrase-99")
    page.get_by_label("Confirm password").fill("a-strong-passphrase-99")
    page.get_by_role("button", name="Create account").click()
    wait_home(page)
    page.goto("/me/data")
    page.locator("#confirm-email").fill("someone.else@example.com")
    page.locator("#delete-account").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("cannot be undone")
    dialog.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#delete-error")).to_contain_text("not yours")
    expect(page.locator("#confirm-email")).to_have_value("someone.else@example.com")

    page.locator("#confirm-email").fill("temp.person@example.com")
    page.locator("#delete-account").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    page.locator("#delete-account").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete my account").click()
    page.wait_for_url(re.compile(r"/login/?$"))
    expect(page.get_by_text("Your account and data were deleted.")).to_be_visible()
    sign_in(page, "temp.person@example.com", "a-strong-passphrase-99")
    expect(page.get_by_role("alert")).to_have_text("Email or password is wrong.")
