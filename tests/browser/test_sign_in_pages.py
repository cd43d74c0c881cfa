"""Signing in and out, "Your assessments" and the admin outbox, as people use them.

Every page is checked with axe-core (WCAG 2.2 A and AA), error pages included.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from ehria.extensions import db
from ehria.models import Notification, User
from tests.browser.conftest import (
    PASSWORD,
    LiveServer,
    SignedInPage,
    assert_accessible,
    press_tab_until,
    screenshot,
)
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def heading(page: Page) -> Locator:
    """The page's one h1: what a screen reader user hears first."""
    return page.get_by_role("heading", level=1)


def test_an_officer_signs_in_by_the_labels_and_sees_their_assessments(
    page: Page, officer: User
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(heading(page)).to_have_text("Sign in")
    assert_accessible(page)
    screenshot(page, "sign-in")

    page.get_by_label("Email address", exact=True).fill("officer@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(heading(page)).to_have_text("Your assessments")
    expect(page.get_by_text("Signed in as Priya Chauhan (Lead officer)")).to_be_visible()
    expect(page.get_by_text("You have no assessments yet.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "your-assessments")


def test_a_wrong_password_shows_the_error_summary_and_signs_nobody_in(
    page: Page, officer: User
) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill("officer@example.gov.uk")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        summary.get_by_role("link", name="Enter a correct email address and password")
    ).to_be_visible()
    # GOV.UK Frontend's JavaScript moves the focus to the summary, so it is read out first.
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_label("Email address", exact=True)).to_have_value("officer@example.gov.uk")
    assert_accessible(page)

    page.goto("/")
    expect(heading(page)).to_have_text("Sign in")


def test_empty_fields_are_each_named_in_the_error_summary(page: Page) -> None:
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter your email address")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter your password")).to_be_visible()
    summary.get_by_role("link", name="Enter your password").click()
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    assert_accessible(page)


def test_home_shows_who_is_signed_in_with_all_their_roles(
    signed_in_page: SignedInPage, factory: Factory
) -> None:
    user = factory.user(
        "amara@example.gov.uk", "lead_officer", "deg_chair", name="Amara Okafor"
    )

    page = signed_in_page(user)

    expect(heading(page)).to_have_text("Your assessments")
    expect(
        page.get_by_text("Signed in as Amara Okafor (DEG chair, Lead officer)")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Your assessments")).to_be_visible()
    assert_accessible(page)


def test_an_officer_signs_in_and_out_with_the_keyboard_alone(
    page: Page, officer: User
) -> None:
    page.goto("/sign-in")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    press_tab_until(page, page.get_by_label("Email address", exact=True))
    page.keyboard.type("officer@example.gov.uk")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text("Your assessments")

    press_tab_until(page, page.get_by_role("button", name="Sign out"))
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text("Sign in")


def test_signing_out_ends_the_session(signed_in_page: SignedInPage, officer: User) -> None:
    page = signed_in_page(officer)

    page.get_by_role("button", name="Sign out").click()

    expect(heading(page)).to_have_text("Sign in")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert_accessible(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_an_admin_reads_the_notification_outbox(
    signed_in_page: SignedInPage, factory: Factory
) -> None:
    admin = factory.user("admin@example.gov.uk", "admin", department=None, name="Sam Admin")
    db.session.add(Notification(
        to_email="chair@example.gov.uk",
        subject="EHRIA-0001 submitted for scrutiny: Short breaks",
        body="Priya Chauhan submitted the assessment.",
    ))
    db.session.commit()
    page = signed_in_page(admin)

    page.goto("/admin/outbox")

    expect(heading(page)).to_have_text("Notification outbox")
    table = page.get_by_role("table", name="Latest 200 e-mails")
    expect(table.get_by_role("cell", name="chair@example.gov.uk")).to_be_visible()
    expect(table.get_by_role("cell", name="Not sent (no SMTP server)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "admin-outbox")


def test_a_lead_officer_is_refused_the_outbox(
    signed_in_page: SignedInPage, officer: User
) -> None:
    page = signed_in_page(officer)

    response = page.goto("/admin/outbox")

    assert response is not None and response.status == 403
    expect(heading(page)).to_have_text("You do not have permission to see this page")
    assert_accessible(page)


def test_a_form_posted_without_its_csrf_token_is_refused(
    page: Page, officer: User, live_server: LiveServer
) -> None:
    response = page.request.post(
        "/sign-in", form={"email": "officer@example.gov.uk", "password": PASSWORD}
    )

    assert response.status == 400
    assert "Your session has expired" in response.text()
    assert live_server.app.config["WTF_CSRF_ENABLED"] is True
