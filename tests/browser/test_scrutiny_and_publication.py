"""Issue 6 in the browser: a chair returns with a comment on one question, the officer
sees it beside that question and resubmits, the chair signs off; the web team downloads
the depersonalised PDF and marks it published. axe checks every page on the way."""

from __future__ import annotations

import copy

import pytest
from playwright.sync_api import expect

from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import Assessment
from tests.browser.conftest import assert_accessible, screenshot

READY = load_examples()["02-short-breaks-full-report"]["answers"]
POLICY = READY["key_details"]["policy_name"]


@pytest.fixture
def submitted(people, api_as):
    api = api_as(people["officer"])
    number = api.post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()["id"]
    assert api.post(f"/assessments/{number}/submit", {"declaration": True}).status_code == 200
    return number


def status_of(number: int) -> str:
    db.session.expire_all()
    return db.session.get(Assessment, number).status


def test_return_with_a_question_comment_resubmit_and_sign_off(
    people, submitted, signed_in_page
):
    chair = signed_in_page(people["chair"])
    chair.get_by_role("link", name="Scrutiny").click()
    expect(chair.get_by_role("heading", name="Assessments to scrutinise")).to_be_visible()
    assert_accessible(chair)
    chair.get_by_role("link", name=POLICY).click()
    expect(chair.get_by_role("heading", name="Screening outcome")).to_be_visible()
    assert_accessible(chair)
    screenshot(chair, "chair-review")

    chair.get_by_text("Comment on Q10", exact=True).click()
    chair.get_by_label("Comment on Q10 (optional)").fill("Which villages are furthest away?")
    chair.get_by_label("Comment for the officer").fill("Please say more about rural families.")
    chair.get_by_role("button", name="Return to officer").click()
    expect(chair.get_by_role("heading", name="Assessment returned to its authors")).to_be_visible()
    assert_accessible(chair)
    assert status_of(submitted) == "returned"

    officer = signed_in_page(people["officer"])
    officer.goto(f"/assessments/{submitted}")
    expect(officer.get_by_text("Please say more about rural families.")).to_be_visible()
    assert_accessible(officer)
    officer.goto(f"/assessments/{submitted}/steps/protected-characteristics")
    expect(officer.get_by_text("Which villages are furthest away?")).to_be_visible()
    assert_accessible(officer)
    officer.get_by_label("Other groups: Comments").fill(
        "Rural families in Melton and Harborough travel furthest; transport is offered.")
    officer.get_by_role("button", name="Save and come back later").click()
    officer.goto(f"/assessments/{submitted}/check")
    officer.get_by_label("Reply to the DEG chair (optional)").fill("Added the villages.")
    officer.get_by_label("I confirm that this assessment is complete").check()
    officer.get_by_role("button", name="Sign and submit").click()
    expect(officer.get_by_role("heading", name="Assessment submitted")).to_be_visible()
    assert status_of(submitted) == "submitted"

    chair.goto(f"/scrutiny/{submitted}")
    expect(chair.get_by_text("Added the villages.")).to_be_visible()
    chair.get_by_role("button", name="Sign off", exact=True).click()
    expect(chair.get_by_text("Answers fingerprint (SHA-256)")).to_be_visible()
    assert_accessible(chair)
    chair.get_by_role("button", name="Sign off revision 2").click()
    expect(chair.get_by_role("heading", name="Assessment signed off")).to_be_visible()
    assert_accessible(chair)
    assert status_of(submitted) == "signed_off"


def test_web_team_downloads_the_depersonalised_pdf_and_marks_it_published(
    people, submitted, api_as, signed_in_page
):
    assert api_as(people["chair"]).post(
        f"/assessments/{submitted}/sign-off", {}).status_code == 200
    web = signed_in_page(people["web"])
    web.get_by_role("link", name="Publication").click()
    expect(web.get_by_role("heading", name="Publication")).to_be_visible()
    assert_accessible(web)
    screenshot(web, "web-team-list")

    web.get_by_role("link", name=POLICY).click()
    expect(web.get_by_text("What the depersonalised version removes")).to_be_visible()
    assert_accessible(web)
    with web.expect_download() as download_info:
        web.evaluate("""() => {
            const link = [...document.querySelectorAll('a')].find(
                a => a.textContent.includes('Download the depersonalised PDF'));
            const a = document.createElement('a');
            a.href = link.href; a.download = 'published.pdf'; document.body.appendChild(a);
            a.click();
        }""")
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"Priya Chauhan" not in pdf

    web.get_by_label("Web address where it is published").fill("not an address")
    web.get_by_role("button", name="Mark as published").click()
    expect(web.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(web)
    web.get_by_label("Web address where it is published").fill(
        "https://www.example.gov.uk/ehria/short-breaks")
    web.get_by_role("button", name="Mark as published").click()
    expect(web.get_by_role("heading", name="Publication")).to_be_visible()
    assert status_of(submitted) == "published"
