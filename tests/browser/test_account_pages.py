"""Changing one's password, and an admin ending a user's sessions and revoking their API
tokens, as people do it (issue 11). Every page is checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from ehria.accounts import create_token
from ehria.extensions import db
from ehria.models import User
from tests.browser.conftest import PASSWORD, SignedInPage, assert_accessible
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def test_an_officer_changes_their_password_after_a_mistake(
    signed_in_page: SignedInPage, officer: User
) -> None:
    page = signed_in_page(officer)
    other_browser = signed_in_page(officer)

    page.get_by_role("link", name="Change password").click()
    expect(heading(page)).to_have_text("Change your password")
    assert_accessible(page)

    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("a-brand-new-password")
    page.get_by_label("Confirm new password").fill("a-brand-new-password")
    page.get_by_role("button", name="Change password").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Your current password is not correct")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    summary.get_by_role("link", name="Your current password is not correct").click()
    expect(page.get_by_label("Current password")).to_be_focused()

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a-brand-new-password")
    page.get_by_label("Confirm new password").fill("a-brand-new-password")
    page.get_by_role("button", name="Change password").click()

    expect(heading(page)).to_have_text("Your assessments")
    expect(page.get_by_text("You have been signed out everywhere else")).to_be_visible()
    assert_accessible(page)
    other_browser.reload()
    expect(other_browser).to_have_url(re.compile(r"/sign-in"))


def test_an_admin_signs_a_user_out_everywhere_and_revokes_a_token(
    signed_in_page: SignedInPage, factory: Factory, officer: User
) -> None:
    admin = factory.user("admin@example.gov.uk", "admin", department=None, name="Sam Admin")
    create_token(officer)
    db.session.commit()
    officer_page = signed_in_page(officer)
    page = signed_in_page(admin)

    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name=officer.name).click()
    expect(heading(page)).to_have_text(officer.name)
    tokens = page.get_by_role("table", name=f"API tokens of {officer.name}")
    expect(tokens.get_by_role("rowheader", name="Token 1")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=f"Sign {officer.name} out everywhere").click()
    expect(page.get_by_text(f"{officer.name} has been signed out everywhere")).to_be_visible()
    assert_accessible(page)
    officer_page.reload()
    expect(officer_page).to_have_url(re.compile(r"/sign-in"))

    tokens.get_by_role("button", name="Revoke token 1").click()
    expect(page.get_by_text("API token 1 of")).to_be_visible()
    expect(tokens.get_by_role("cell", name=re.compile(r"^Revoked "))).to_be_visible()
    assert_accessible(page)
