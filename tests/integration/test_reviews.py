"""A review of a published assessment: started from the pages (a confirmation, then the
new draft's task list), while the published revision's PDFs stay downloadable by the web
team, the department's DEG chair and the public register, in the pages and over the API,
until the reviewed revision is published in its place (issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ehria.extensions import db
from ehria.models import Assessment, Event, SignedRecord
from tests.integration.workflow_helpers import (
    create,
    ok,
    publish,
    say_what_came_of_each_action,
    sign_off,
    submit,
)

PASSWORD = "a-long-password"


def sign_in(client, email: str) -> None:
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def apis(people, api_as):
    return {name: api_as(user) for name, user in people.items()}


@pytest.fixture
def published(apis) -> int:
    number = create(apis["officer"])["id"]
    submit(apis["officer"], number)
    sign_off(apis["chair"], number)
    publish(apis["web"], number)
    return number


def record_of(number: int, revision: int) -> SignedRecord:
    return db.session.scalar(select(SignedRecord).where(
        SignedRecord.assessment_id == number, SignedRecord.revision == revision))


def start_review_in_the_pages(client, number: int) -> str:
    sign_in(client, "officer@example.gov.uk")
    task_list = client.get(f"/assessments/{number}").get_data(as_text=True)
    assert f'href="/assessments/{number}/start-review"' in task_list
    confirmation = client.get(f"/assessments/{number}/start-review")
    assert confirmation.status_code == 200
    assert "Start the review" in confirmation.get_data(as_text=True)
    started = client.post(f"/assessments/{number}/start-review")
    assert started.status_code == 302
    assert started.headers["Location"].endswith(f"/assessments/{number}")
    return client.get(started.headers["Location"]).get_data(as_text=True)


def test_an_author_starts_a_review_from_the_pages_and_lands_on_the_new_drafts_task_list(
    client, published
):
    task_list = start_review_in_the_pages(client, published)

    db.session.expire_all()
    assessment = db.session.get(Assessment, published)
    assert assessment.is_draft and assessment.current_revision == 2
    started = {k: v for k, v in assessment.revision.answers.items() if k != "since_last"}
    assert started == assessment.revisions[0].answers  # and what came of each action:
    assert len(assessment.revision.answers["since_last"]["previous_actions"]) == 2
    assert "revision 2" in task_list and "Draft" in task_list
    assert "Start a review" not in task_list
    assert "Revision 1 stays published" in task_list
    assert f"/assessments/{published}/steps/" in task_list  # the steps may be edited again
    events = db.session.scalars(select(Event.action).where(
        Event.assessment_id == published).order_by(Event.id)).all()
    assert events[-1] == "review_started"


def test_the_confirmation_alone_changes_nothing_and_a_second_start_is_refused(
    client, published
):
    sign_in(client, "officer@example.gov.uk")
    client.get(f"/assessments/{published}/start-review")
    db.session.expire_all()
    assert db.session.get(Assessment, published).current_revision == 1

    assert client.post(f"/assessments/{published}/start-review").status_code == 302
    again = client.post(f"/assessments/{published}/start-review")
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "The review cannot be started" in page and "Start the review" not in page
    db.session.expire_all()
    assert db.session.get(Assessment, published).current_revision == 2


def test_a_review_cannot_be_started_before_publication(client, apis):
    number = create(apis["officer"])["id"]
    sign_in(client, "officer@example.gov.uk")
    assert "Start a review" not in client.get(f"/assessments/{number}").get_data(as_text=True)
    assert client.post(f"/assessments/{number}/start-review").status_code == 409
    db.session.expire_all()
    assert db.session.get(Assessment, number).current_revision == 1


def downloads(client, apis, number: int) -> dict[str, bytes | int]:
    """What the web team, the chair and the public get, in the pages and over the API."""
    got: dict[str, bytes | int] = {}
    for who, email in (("web", "web@example.gov.uk"), ("chair", "chair@example.gov.uk")):
        sign_in(client, email)
        for kind, path in (("published", "published.pdf"), ("full", "document.pdf")):
            response = client.get(f"/assessments/{number}/{path}")
            got[f"page {who} {kind}"] = response.data if response.status_code == 200 \
                else response.status_code
        for kind, path in (("published", f"/{number}/published.pdf"), ("full", f"/{number}.pdf")):
            response = apis[who].get(f"/assessments{path}")
            got[f"api {who} {kind}"] = response.data if response.status_code == 200 \
                else response.status_code
    client.post("/sign-out")
    response = client.get(f"/register/{number}.pdf")
    got["register"] = response.data if response.status_code == 200 else response.status_code
    return got


def test_the_published_pdfs_stay_downloadable_throughout_the_review(
    app, client, apis, published
):
    app.config["PUBLIC_REGISTER"] = True
    try:
        start_review_in_the_pages(client, published)
        first = record_of(published, 1)
        drafting = downloads(client, apis, published)

        officer = apis["officer"]
        version = ok(officer.get(f"/assessments/{published}"))["version"]
        ok(officer.patch(f"/assessments/{published}", {"answers": {"key_details": {
            "section": "Changed in review"}}}, version))
        say_what_came_of_each_action(officer, published)
        submit(officer, published)
        submitted = downloads(client, apis, published)

        sign_off(apis["chair"], published)
        second = record_of(published, 2)
        signed_again = downloads(client, apis, published)

        publish(apis["web"], published, "https://www.example.gov.uk/ehria/2")
        republished = downloads(client, apis, published)
    finally:
        app.config["PUBLIC_REGISTER"] = False

    assert drafting == {
        # the new draft is private to its authors; the published revision is not
        "page web published": first.published_pdf, "page web full": 403,
        "api web published": first.published_pdf, "api web full": 403,
        "page chair published": first.published_pdf, "page chair full": first.full_pdf,
        "api chair published": first.published_pdf, "api chair full": first.full_pdf,
        "register": first.published_pdf,
    }
    # once submitted the chair scrutinises the new revision in full (a draft PDF), and
    # what is published stays the published revision's
    assert {k: v for k, v in submitted.items() if k.endswith("published") or k == "register"
            } == {k: first.published_pdf for k in drafting if k.endswith("published")
                  or k == "register"}
    assert submitted["page chair full"] != first.full_pdf
    assert submitted["page chair full"].startswith(b"%PDF")
    # signed off again: the web team downloads the new one to publish it; the public
    # register keeps the published one until then
    assert signed_again["page web published"] == second.published_pdf
    assert signed_again["register"] == first.published_pdf
    assert republished["register"] == second.published_pdf
    assert republished["api chair full"] == second.full_pdf


def test_others_still_get_nothing_during_a_review(client, factory, api_as, published):
    start_review_in_the_pages(client, published)
    factory.user("other.chair@example.gov.uk", "deg_chair", department="Adults and Communities")
    sign_in(client, "other.chair@example.gov.uk")
    assert client.get(f"/assessments/{published}/published.pdf").status_code == 404
    assert client.get(f"/assessments/{published}/document.pdf").status_code == 404


def test_the_web_teams_published_list_links_the_published_revision_during_a_review(
    client, apis, published
):
    """Its page for publication is not theirs while the draft is its authors': the list
    links the published revision's documents instead of a page that would be 404."""
    start_review_in_the_pages(client, published)
    sign_in(client, "web@example.gov.uk")
    listing = client.get("/publication/").get_data(as_text=True)

    assert f'href="/publication/{published}"' not in listing
    assert f'href="/assessments/{published}/published.pdf"' in listing
    assert f'href="/assessments/{published}/published.docx"' in listing
    assert client.get(f"/assessments/{published}/published.docx").status_code == 200
    assert client.get(f"/publication/{published}").status_code == 404
