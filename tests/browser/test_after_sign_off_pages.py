"""After sign-off as people do it (issue 15): a chair signs off with a review date, the
officer updates an action after a mistake, the chair reads the department's actions and
the reviews due. axe checks every new page, the error page included."""

from __future__ import annotations

import copy
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from ehria.assessments import create_assessment
from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import User
from ehria.workflow import Action, apply
from tests.browser.conftest import SignedInPage, assert_accessible
from tests.conftest import Factory

pytestmark = pytest.mark.browser
ANSWERS = load_examples()["02-short-breaks-full-report"]["answers"]


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def test_a_signed_off_plan_is_tracked_and_reviewed(
    signed_in_page: SignedInPage, factory: Factory, officer: User, base_url: str
) -> None:
    chair = factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor")
    assessment = create_assessment(officer, copy.deepcopy(ANSWERS))
    apply(assessment, officer, Action.SUBMIT, {"declaration": True})
    db.session.commit()

    chair_page = signed_in_page(chair)
    chair_page.goto(f"{base_url}/scrutiny/{assessment.id}/sign-off")
    assert_accessible(chair_page)
    chair_page.get_by_label("Year").fill("2027")
    chair_page.get_by_label("Month").fill("6")
    chair_page.get_by_label("Day").fill("30")
    chair_page.get_by_role("button", name=re.compile("Sign off revision")).click()
    expect(heading(chair_page)).to_have_text("Assessment signed off")

    page = signed_in_page(officer)
    page.goto(f"{base_url}/assessments/{assessment.id}")
    expect(page.get_by_text("To be reviewed by 30 June 2027")).to_be_visible()
    page.get_by_role("link", name="The improvement plan's actions").click()
    expect(heading(page)).to_have_text("The improvement plan's actions")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Update Guarantee nights")).click()
    expect(heading(page)).to_have_text("Update an action")
    assert_accessible(page)
    page.get_by_label("Dropped").check()
    page.get_by_role("button", name="Save the update").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the action is dropped")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    page.get_by_label("In progress").check()
    page.get_by_label("Progress note").fill("Oak Lodge has agreed the nights.")
    page.get_by_role("button", name="Save the update").click()
    expect(page.get_by_text("The action is updated")).to_be_visible()
    expect(page.get_by_text("Oak Lodge has agreed the nights.")).to_be_visible()

    chair_page.goto(f"{base_url}/")
    chair_page.get_by_role("link", name="Improvement-plan actions").click()
    expect(heading(chair_page)).to_have_text("Improvement-plan actions")
    expect(chair_page.get_by_text("Oak Lodge has agreed the nights.")).to_be_visible()
    assert_accessible(chair_page)
    chair_page.goto(f"{base_url}/")
    chair_page.get_by_role("link", name="Reviews due").click()
    expect(heading(chair_page)).to_have_text("Reviews due")
    assert_accessible(chair_page)
    chair_page.goto(f"{base_url}/")
    chair_page.get_by_role("link", name="Insight across assessments").click()
    expect(heading(chair_page)).to_have_text("Insight across assessments")
    expect(chair_page.get_by_role("table", name=re.compile("^Protected characteristics"))
           ).to_be_visible()
    assert_accessible(chair_page)
    chair_page.get_by_label("From (YYYY-MM-DD)").fill("last week")
    chair_page.get_by_role("button", name="Show").click()
    expect(chair_page.get_by_role("alert")).to_contain_text("Enter the 'from' date")
    assert_accessible(chair_page)
