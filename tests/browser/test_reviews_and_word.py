"""Issue 14 in the browser: an author starts a review of a published assessment from its
task list (a confirmation, then the new draft's task list), the web team still downloads
the published revision's PDF during the review, and the Word document downloads from the
link beside the PDF's. axe checks every page on the way."""

from __future__ import annotations

import copy
import io

import docx
import pytest
from playwright.sync_api import expect

from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import Assessment, SignedRecord
from tests.browser.conftest import assert_accessible

READY = load_examples()["02-short-breaks-full-report"]["answers"]
POLICY = READY["key_details"]["policy_name"]


@pytest.fixture
def published(people, api_as) -> int:
    officer, chair, web = (api_as(people[name]) for name in ("officer", "chair", "web"))
    number = officer.post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()["id"]
    assert officer.post(f"/assessments/{number}/submit", {"declaration": True}
                        ).status_code == 200
    assert chair.post(f"/assessments/{number}/sign-off", {}).status_code == 200
    assert web.post(f"/assessments/{number}/publish", {"url": "https://example.gov.uk/e"}
                    ).status_code == 200
    return number


def test_an_author_starts_a_review_and_the_web_team_keeps_the_published_pdf(
    people, published, signed_in_page
):
    officer = signed_in_page(people["officer"])
    officer.goto(f"/assessments/{published}")
    assert_accessible(officer)
    officer.get_by_role("button", name="Start a review").click()
    expect(officer.get_by_role("heading", name=f"Start a review of {POLICY}")).to_be_visible()
    assert_accessible(officer)
    officer.get_by_role("button", name="Start the review").click()

    expect(officer.get_by_role("heading", name=POLICY)).to_be_visible()
    expect(officer.get_by_text("Revision 1 stays published")).to_be_visible()
    assert_accessible(officer)
    db.session.expire_all()
    assessment = db.session.get(Assessment, published)
    assert assessment.is_draft and assessment.current_revision == 2

    web = signed_in_page(people["web"])
    web.goto("/publication/")
    expect(web.get_by_text("review in progress")).to_be_visible()
    assert_accessible(web)
    response = web.request.get(f"/assessments/{published}/published.pdf")
    stored = db.session.query(SignedRecord).filter_by(assessment_id=published).one()
    assert response.status == 200 and response.body() == stored.published_pdf


def test_the_word_document_downloads_from_beside_the_pdf(people, published, signed_in_page):
    officer = signed_in_page(people["officer"])
    officer.goto(f"/assessments/{published}")
    with officer.expect_download() as download:
        officer.get_by_role("link", name="Download as a Word document").click()
    document = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    assert download.value.suggested_filename.endswith("-r1.docx")
    assert POLICY in [p.text for p in document.paragraphs]
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Equality & Human Rights Impact Assessment (EHRIA)"]


def test_a_review_opens_with_what_came_of_each_action(people, published, signed_in_page):
    """Issue 15: the review's first page lists the last plan's actions as their tracking
    left them and asks what came of each (axe on the page); the answers are saved."""
    officer = signed_in_page(people["officer"])
    officer.goto(f"/assessments/{published}/start-review")
    officer.get_by_role("button", name="Start the review").click()
    officer.get_by_role("link", name="Since the last assessment").click()
    expect(officer.get_by_role("heading", name="Since the last assessment")).to_be_visible()
    expect(officer.get_by_text(READY["report"]["improvement_plan"][0]["action"])).to_be_visible()
    assert_accessible(officer)
    officer.get_by_label("What came of it (action 1)").fill("Kept: 41 families.")
    officer.get_by_label("What came of it (action 2)").fill("Transport is in the new plan.")
    officer.get_by_role("button", name="Save and continue").click()
    expect(officer.get_by_role("heading", name="Key details")).to_be_visible()
    db.session.expire_all()
    rows = db.session.get(Assessment, published).revision.answers["since_last"][
        "previous_actions"]
    assert [row["update"] for row in rows] == ["Kept: 41 families.",
                                               "Transport is in the new plan."]

