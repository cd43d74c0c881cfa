"""Programmes as people use them (issue 15): an officer names an assessment's programme
after a name too long, a chair reads the programmes and one programme's cumulative impact.
axe checks every new page, the error state included."""

from __future__ import annotations

import copy
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from ehria.assessments import create_assessment
from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import Assessment, User
from ehria.programmes import set_programme
from ehria.workflow import Action, apply
from tests.browser.conftest import SignedInPage, assert_accessible
from tests.conftest import Factory

pytestmark = pytest.mark.browser
ANSWERS = load_examples()["02-short-breaks-full-report"]["answers"]
ROUND = "2027/28 budget round"


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def signed_off(officer: User, chair: User, answers: dict) -> Assessment:
    assessment = create_assessment(officer, copy.deepcopy(answers))
    apply(assessment, officer, Action.SUBMIT, {"declaration": True})
    apply(assessment, chair, Action.SIGN_OFF, {})
    db.session.commit()
    return assessment


def test_an_officer_names_the_programme_and_a_chair_reads_its_impact(
    signed_in_page: SignedInPage, factory: Factory, officer: User, base_url: str
) -> None:
    chair = factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor")
    first = signed_off(officer, chair, ANSWERS)
    variant = copy.deepcopy(ANSWERS)
    variant["screening"]["protected_characteristics"]["age"]["impact"] = "unknown"
    second = signed_off(officer, chair, variant)
    set_programme(second, officer, ROUND)
    db.session.commit()

    page = signed_in_page(officer)
    page.goto(f"{base_url}/assessments/{first.id}")
    expect(page.get_by_text("Programme: not part of one.")).to_be_visible()
    page.get_by_role("link", name="Put it in a programme").click()
    expect(heading(page)).to_have_text("Which programme is it part of?")
    expect(page.get_by_role("listitem").filter(has_text=ROUND)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Programme").fill("x" * 201)
    page.get_by_role("button", name="Save the programme").click()
    expect(page.get_by_role("alert")).to_contain_text("at most 200 characters")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Programme")).to_have_value("x" * 201)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("at most 200 characters")).click()
    expect(page.get_by_label("Programme")).to_be_focused()
    page.get_by_label("Programme").fill(ROUND)
    page.get_by_role("button", name="Save the programme").click()
    expect(heading(page)).to_have_text(first.policy_name)
    expect(page.get_by_text(f"It is now part of the programme {ROUND}")).to_be_visible()
    expect(page.get_by_text(f"Programme: {ROUND}.")).to_be_visible()
    assert_accessible(page)

    chair_page = signed_in_page(chair)
    chair_page.get_by_role("link", name="Programmes", exact=True).click()
    expect(heading(chair_page)).to_have_text("Programmes")
    assert_accessible(chair_page)
    chair_page.get_by_role("link", name=ROUND).click()
    expect(heading(chair_page)).to_have_text(ROUND)
    expect(chair_page.get_by_text("It holds 2 assessments of your department")).to_be_visible()
    table = chair_page.get_by_role("table", name=re.compile("^Protected characteristics"))
    age = table.get_by_role("row").filter(has=chair_page.get_by_role("rowheader", name="Age"))
    expect(age.get_by_role("cell").nth(1)).to_have_text(re.compile(second.reference))
    expect(age.get_by_role("cell").nth(0)).to_have_text("None")
    expect(chair_page.get_by_role("table", name=re.compile("^Human Rights Act articles"))
           ).to_be_visible()
    assert_accessible(chair_page)
    chair_page.get_by_role("link", name=re.compile("^Insight for this programme")).click()
    expect(heading(chair_page)).to_have_text("Insight across assessments")
    expect(chair_page.get_by_text(f"in the programme {ROUND}")).to_be_visible()
    assert_accessible(chair_page)
