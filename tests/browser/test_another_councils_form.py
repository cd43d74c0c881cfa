"""A second council's form in the browser (issue 12): Northshire's own steps, table rows,
reveal, rule and sign-off, through the pages an officer uses, each checked with axe.
The form is tests/fixtures/templates/northshire-eqia-v1.yaml; no code knows its keys."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from ehria import PROJECT_ROOT
from ehria.extensions import db
from ehria.models import Assessment
from tests.browser.conftest import PASSWORD, LiveServer, assert_accessible, serving, settle
from tests.conftest import Factory

pytestmark = pytest.mark.browser

TEMPLATES = PROJECT_ROOT / "tests" / "fixtures" / "templates"
VERSION = "northshire-eqia-v1"
ROWS = ("Age", "Disability", "Race", "Sex", "Armed Forces community", "Care experienced",
        "Carers", "Socio-economic disadvantage", "Rural isolation")


@pytest.fixture(scope="module")
def northshire(app) -> Iterator[LiveServer]:
    with serving(app.config["SQLALCHEMY_DATABASE_URI"], FORM_FOLDERS=[str(TEMPLATES)],
                 FORM_LIVE_VERSION=VERSION) as live:
        yield live


@pytest.fixture(autouse=True)
def _northshire_per_test(northshire: LiveServer, database: None) -> Iterator[None]:
    northshire.errors.clear()
    yield
    settle([northshire])


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_an_officer_completes_northshires_form_in_the_pages(
    northshire: LiveServer, new_context, factory: Factory
) -> None:
    officer = factory.user("officer@example.gov.uk", "lead_officer", name="Dana Whitfield")
    page = new_context().new_page()
    page.goto(f"{northshire.url}/sign-in")
    page.get_by_label("Email address", exact=True).fill(officer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{northshire.url}/assessments/new")
    expect(heading(page)).to_have_text("Start a new assessment")
    assert_accessible(page)
    page.get_by_label("Title of the proposal", exact=True).fill("Concessionary bus passes")
    page.get_by_label("Children and Family Services").check()
    page.get_by_role("button", name="Start assessment").click()

    expect(heading(page)).to_have_text("Concessionary bus passes")
    for task in ("About the proposal", "Who is affected"):
        expect(page.get_by_role("link", name=task, exact=True)).to_be_visible()
    expect(page.get_by_text("Section 3")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="About the proposal", exact=True).click()
    expect(heading(page)).to_have_text("The proposal")
    expect(page.get_by_text("Tell us what is proposed")).to_be_visible()
    page.get_by_label("Your name").fill("Dana Whitfield")
    page.get_by_label("Your role").fill("Transport Policy Officer")
    assert_accessible(page)
    save_and_continue(page)

    expect(heading(page)).to_have_text("When the change takes effect")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2027")
    save_and_continue(page)
    expect(page.get_by_role("alert")).to_contain_text(
        "When will the change take effect? must be a real date")
    assert_accessible(page)
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    save_and_continue(page)

    expect(heading(page)).to_have_text("Groups affected")
    for row in ROWS:
        expect(page.get_by_role("heading", name=row, exact=True)).to_be_visible()
    forces = page.get_by_role("group", name="Armed Forces community: Could be affected",
                              exact=True)
    how = page.get_by_role("group", name="Armed Forces community: How", exact=True)
    expect(how).to_be_hidden()  # revealed once the row is affected
    forces.get_by_label("Yes", exact=True).check()
    expect(how).to_be_visible()
    how.get_by_label("Worse off").check()
    page.get_by_label("Armed Forces community: What tells you so").fill(
        "Veterans rely on the early-morning pass.")
    for row in ROWS:
        if row != "Armed Forces community":
            page.get_by_role("group", name=f"{row}: Could be affected", exact=True
                             ).get_by_label("No", exact=True).check()
    assert_accessible(page)
    save_and_continue(page)

    expect(heading(page)).to_have_text("Consultation")
    why = page.get_by_label("B3. Why not, or when will they be?")
    expect(why).to_be_hidden()  # asked only after a No
    page.get_by_role("group", name="B2. Have the people affected been consulted?"
                     ).get_by_label("No", exact=True).check()
    expect(why).to_be_visible()
    why.fill("At the spring forum.")
    assert_accessible(page)
    save_and_continue(page)

    expect(heading(page)).to_have_text("Conclusion")
    page.get_by_label("B4. What will you do about what you found?").fill(
        "Keep the early pass for veterans.")
    page.get_by_role("group", name="B5. Is a full equality analysis needed?").get_by_label(
        "Yes", exact=True).check()
    save_and_continue(page)

    expect(page).to_have_url(re.compile(r"/screening-result$"))
    expect(heading(page)).to_have_text("A full equality analysis is needed")
    expect(page.get_by_role("link", name="B1 Armed Forces community: people would be worse "
                                         "off")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Check and submit").click()
    expect(heading(page)).to_have_text("Check your answers before submitting")
    expect(page.get_by_text("1 April 2027")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("I confirm that this assessment is complete")).check()
    page.get_by_role("button", name="Sign and submit").click()
    expect(heading(page)).to_contain_text("submitted")

    assessment = db.session.scalar(db.select(Assessment))
    db.session.refresh(assessment)
    assert assessment.is_submitted
    assert assessment.revision.template_version == VERSION
