"""Issue 16 in the browser: a lead officer invites a co-author, who then edits; a chair
returns with two comments, the officer replies to one, resubmits, and the chair sees what
changed and resolves both. Bad input gets a clear error; axe checks every new page."""

from __future__ import annotations

import copy

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import Assessment, Notification, Thread
from tests.browser.conftest import assert_accessible

READY = load_examples()["02-short-breaks-full-report"]["answers"]


@pytest.fixture
def draft(people, api_as):
    api = api_as(people["officer"])
    return api.post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()["id"]


def stored(number: int) -> Assessment:
    db.session.expire_all()
    return db.session.get(Assessment, number)


def mails_to(email: str) -> list[str]:
    db.session.expire_all()
    return [n.subject for n in db.session.scalars(
        select(Notification).where(Notification.to_email == email))]


def test_invite_a_co_author_who_then_edits_and_is_handed_the_lead(
        people, factory, draft, signed_in_page):
    colleague = factory.user("jo@example.gov.uk", "lead_officer", name="Jo Bloggs",
                             department="Adults and Communities")
    officer = signed_in_page(people["officer"])
    officer.goto(f"/assessments/{draft}")
    expect(officer.get_by_role("heading", name="People working on this assessment")
           ).to_be_visible()
    assert_accessible(officer)
    officer.get_by_role("link", name="Invite a co-author").click()
    assert_accessible(officer)
    officer.get_by_label("E-mail address of the lead officer to invite").fill(
        "nobody@example.gov.uk")
    officer.get_by_role("button", name="Invite").click()
    expect(officer.get_by_text("There is a problem")).to_be_visible()
    expect(officer.get_by_role("link", name="There is no EHRIA account for "
                                            "nobody@example.gov.uk", exact=False)).to_be_visible()
    assert_accessible(officer)
    assert len(stored(draft).author_rows) == 1
    officer.get_by_label("E-mail address of the lead officer to invite").fill(
        "jo@example.gov.uk")
    officer.get_by_role("button", name="Invite").click()
    expect(officer.get_by_text("jo@example.gov.uk can now work on this assessment")
           ).to_be_visible()
    assert any("You can now work on" in s for s in mails_to("jo@example.gov.uk"))

    co_author = signed_in_page(colleague)
    co_author.get_by_role("link", name=READY["key_details"]["policy_name"]).click()
    co_author.get_by_role("link", name="Key details").click()
    co_author.get_by_label("Others completing this assessment").fill("Jo Bloggs")
    co_author.get_by_role("button", name="Save and come back later").click()
    assert stored(draft).revision.answers["key_details"]["other_contributors"] == "Jo Bloggs"

    officer.goto(f"/assessments/{draft}")
    officer.get_by_role("link", name="Hand the lead to another author").click()
    assert_accessible(officer)
    officer.get_by_label("Jo Bloggs (jo@example.gov.uk)").check()
    officer.get_by_role("button", name="Hand over the lead").click()
    expect(officer.get_by_text("There is a problem")).to_be_visible()  # no job title
    assert_accessible(officer)
    officer.get_by_label("Jo Bloggs (jo@example.gov.uk)").check()
    officer.get_by_label("Their job title").fill("Head of Short Breaks")
    officer.get_by_role("button", name="Hand over the lead").click()
    expect(officer.get_by_text("Jo Bloggs now leads this assessment")).to_be_visible()
    details = stored(draft).revision.answers["key_details"]
    assert (details["lead_officer_name"], details["lead_officer_job_title"]) == (
        "Jo Bloggs", "Head of Short Breaks")
    assert any("You now lead" in s for s in mails_to("jo@example.gov.uk"))


def test_return_with_two_comments_reply_resubmit_see_what_changed_resolve_both(
        people, draft, api_as, signed_in_page):
    assert api_as(people["officer"]).post(
        f"/assessments/{draft}/submit", {"declaration": True}).status_code == 200
    chair = signed_in_page(people["chair"])
    chair.goto(f"/scrutiny/{draft}")
    chair.get_by_text("Comment on Q10", exact=True).click()
    chair.get_by_label("Comment on Q10 (optional)").fill("Which villages are furthest away?")
    chair.get_by_label("Comment for the officer").fill("Please say more about rural families.")
    chair.get_by_role("button", name="Return to officer").click()
    expect(chair.get_by_role("heading", name="Assessment returned to its authors")).to_be_visible()

    officer = signed_in_page(people["officer"])
    officer.goto(f"/assessments/{draft}")
    expect(officer.get_by_role("heading", name="Comments to answer (2)")).to_be_visible()
    officer.get_by_role("link", name="Read and reply to the comments").click()
    expect(officer.get_by_role("heading", name="Comments", exact=True)).to_be_visible()
    assert_accessible(officer)
    q10 = db.session.scalars(select(Thread).where(Thread.path.is_not(None))).one()
    box = officer.locator(f"#reply-{q10.id}")
    officer.locator(f"#thread-{q10.id}").get_by_role("button", name="Reply").click()
    expect(officer.get_by_text("There is a problem")).to_be_visible()  # an empty reply
    expect(officer.get_by_role("link", name="Enter your comment")).to_be_visible()
    assert_accessible(officer)
    db.session.expire_all()
    assert len(db.session.get(Thread, q10.id).comments) == 1
    box.fill("Added the three villages furthest from Oak Lodge.")
    officer.locator(f"#thread-{q10.id}").get_by_role("button", name="Reply").click()
    expect(officer.get_by_text("Your reply has been added")).to_be_visible()
    assert any(s.startswith("New reply") for s in mails_to("chair@example.gov.uk"))

    officer.goto(f"/assessments/{draft}/steps/protected-characteristics")
    expect(officer.get_by_text("Which villages are furthest away?")).to_be_visible()
    officer.get_by_label("Other groups: Comments").fill(
        "Rural families in Shepshed, Castle Donington and Market Bosworth travel furthest.")
    officer.get_by_role("button", name="Save and come back later").click()
    officer.goto(f"/assessments/{draft}/check")
    officer.get_by_label("I confirm that this assessment is complete").check()
    officer.get_by_role("button", name="Sign and submit").click()
    expect(officer.get_by_role("heading", name="Assessment submitted")).to_be_visible()

    chair.goto(f"/scrutiny/{draft}")
    expect(chair.get_by_role("heading", name="What changed since you returned it")
           ).to_be_visible()
    expect(chair.locator("#what-changed ~ .govuk-summary-card").get_by_text(
        "Rural families in Shepshed, Castle Donington and Market Bosworth travel furthest."
    )).to_be_visible()
    expect(chair.get_by_text("Added the three villages furthest from Oak Lodge.").first
           ).to_be_visible()
    assert_accessible(chair)
    while chair.get_by_role("button", name="Mark as resolved").count():
        chair.get_by_role("button", name="Mark as resolved").first.click()
        expect(chair.get_by_text("Comment marked as resolved")).to_be_visible()
    assert_accessible(chair)
    db.session.expire_all()
    assert all(t.resolved for t in db.session.scalars(select(Thread)))
    assert len(db.session.scalars(select(Thread)).all()) == 2


def test_the_history_page_reads_in_words_and_filters(people, draft, api_as, signed_in_page):
    api = api_as(people["officer"])
    version = api.get(f"/assessments/{draft}").get_json()["version"]
    assert api.patch(f"/assessments/{draft}", {"answers": {"policy": {
        "target_groups": "Disabled children in rural areas."}}}, version).status_code == 200
    officer = signed_in_page(people["officer"])
    officer.goto(f"/assessments/{draft}")
    officer.get_by_role("link", name="History: who changed what and when").click()
    expect(officer.get_by_role("heading", name="History", exact=True)).to_be_visible()
    expect(officer.get_by_text("Disabled children in rural areas.")).to_be_visible()
    assert_accessible(officer)
    officer.get_by_label("Show changes to").select_option("policy.what_is_changing")
    officer.get_by_role("button", name="Filter").click()
    expect(officer.get_by_text("Nothing to show for this question")).to_be_visible()
    assert_accessible(officer)


@pytest.mark.parametrize(("link", "heading"), [
    ("Help", "How to complete an EHRIA"),
    ("Accessibility statement", "Accessibility statement for Equality and Human Rights "
                                "Impact Assessments"),
    ("Privacy notice", "Privacy notice"),
    ("Cookies", "Cookies"),
])
def test_the_services_own_pages_from_the_footer(page, link, heading):
    page.goto("/sign-in")
    page.locator(".govuk-footer").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    assert_accessible(page)


def test_the_home_page_searches_and_filters(people, draft, signed_in_page):
    officer = signed_in_page(people["officer"])
    officer.get_by_label("Policy name or reference").fill("short breaks")
    officer.get_by_label("State").select_option("draft")
    officer.get_by_role("button", name="Search").click()
    expect(officer.get_by_role("link", name=READY["key_details"]["policy_name"])).to_be_visible()
    assert_accessible(officer)
    officer.get_by_label("State").select_option("published")
    officer.get_by_role("button", name="Search").click()
    expect(officer.get_by_text("No assessments match")).to_be_visible()
    assert_accessible(officer)
