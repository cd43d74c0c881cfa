"""The form builder as a council's admin uses it (issue 13): copy the live form, add a row
to Q10, make a mistake and see it named, preview, compare, publish; then an officer moves
a draft to the new form. axe checks every page, error pages included."""

from __future__ import annotations

import copy
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from ehria.assessments import create_assessment
from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import User
from tests.browser.conftest import SignedInPage, assert_accessible
from tests.conftest import Factory

pytestmark = pytest.mark.browser
ANSWERS = load_examples()["02-short-breaks-full-report"]["answers"]


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def test_an_admin_adds_a_row_to_q10_and_publishes_the_new_version(
    signed_in_page: SignedInPage, factory: Factory, officer: User, base_url: str
) -> None:
    admin = factory.user("admin@example.gov.uk", "admin", department=None, name="Sam Admin")
    started = create_assessment(officer, copy.deepcopy(ANSWERS))
    db.session.commit()
    page = signed_in_page(admin)

    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Form templates").click()
    expect(heading(page)).to_have_text("Form templates")
    assert_accessible(page)
    page.get_by_role("button", name="Create a new draft").click()
    expect(heading(page)).to_contain_text("lcc-ehria-v2")
    assert_accessible(page)

    page.get_by_role("link", name="Potential impact on protected characteristics").click()
    expect(heading(page)).to_contain_text("Edit the step")
    assert_accessible(page)
    page.get_by_label("Key of the new row").fill("age")
    page.get_by_label("Label of the new row").fill("Age again")
    page.get_by_role("button", name="Save this step").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("the row key 'age' is used twice")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)

    page.get_by_label("Key of the new row").fill("armed_forces")
    page.get_by_label("Label of the new row").fill("Armed Forces community")
    page.get_by_role("button", name="Save this step").click()
    expect(page.get_by_text("Saved the step")).to_be_visible()

    page.get_by_role("link", name="Preview lcc-ehria-v2").click()
    expect(page.get_by_text("Armed Forces community").first).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="What changed since lcc-ehria-v1").click()
    expect(page.get_by_role("table", name="1 change")).to_contain_text("Armed Forces community")
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Change the words of the choice lists").click()
    expect(heading(page)).to_have_text("Choice lists")
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Change the screening rules").click()
    expect(heading(page)).to_have_text("Screening rules")
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Upload the whole draft as YAML").click()
    expect(heading(page)).to_have_text("Replace the whole draft with YAML")
    assert_accessible(page)
    page.go_back()

    page.get_by_role("button", name="Publish lcc-ehria-v2").click()
    expect(heading(page)).to_have_text("Publish lcc-ehria-v2?")
    assert_accessible(page)
    page.get_by_role("button", name="Publish lcc-ehria-v2").click()
    expect(page.get_by_text("Version lcc-ehria-v2 is live")).to_be_visible()
    assert_accessible(page)

    officer_page = signed_in_page(officer)
    officer_page.goto(f"{base_url}/assessments/{started.id}")
    officer_page.get_by_role("link", name="Move this assessment to lcc-ehria-v2").click()
    expect(heading(officer_page)).to_have_text("Move this assessment to lcc-ehria-v2?")
    expect(officer_page.get_by_text("Every answer carries over.")).to_be_visible()
    assert_accessible(officer_page)
    officer_page.get_by_role("button", name="Move to lcc-ehria-v2").click()
    expect(officer_page.get_by_text("now on lcc-ehria-v2 of the form")).to_be_visible()
    officer_page.goto(f"{base_url}/assessments/{started.id}/steps/protected-characteristics")
    expect(officer_page.get_by_text("Armed Forces community").first).to_be_visible()
    assert_accessible(officer_page)
