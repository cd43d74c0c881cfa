"""The DEG chair's pages: queue, review with per-question comments, return, sign off."""

from __future__ import annotations

import copy

import pytest

from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import Assessment, Comment

READY = load_examples()["02-short-breaks-full-report"]["answers"]


def sign_in(client, email):
    client.post("/sign-out")
    return client.post("/sign-in", data={"email": email, "password": "a-long-password"})


@pytest.fixture
def submitted(api_as, officer, factory):
    api = api_as(officer)
    created = api.post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()
    assert api.post(f"/assessments/{created['id']}/submit",
                    {"declaration": True}).status_code == 200
    factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor")
    return created["id"]


def test_the_queue_lists_what_the_department_submitted(client, submitted):
    sign_in(client, "chair@example.gov.uk")
    page = client.get("/scrutiny/").get_data(as_text=True)
    assert "Review of the Short Breaks Offer" in page
    assert "Priya Chauhan" in page and "Required" in page


def test_the_review_page_shows_the_outcome_and_every_answer(client, submitted):
    sign_in(client, "chair@example.gov.uk")
    page = client.get(f"/scrutiny/{submitted}").get_data(as_text=True)
    assert "A full EHRIA report is required" in page
    assert "Q10 Disability: negative impact" in page
    assert "Families value predictable overnight respite most" in page
    assert "Return to officer" in page and "Sign off" in page


def test_returning_with_a_question_comment_shows_it_to_the_officer(client, submitted):
    sign_in(client, "chair@example.gov.uk")
    path = "screening.protected_characteristics.other_groups.comments"
    response = client.post(f"/scrutiny/{submitted}/return", data={
        "comment": "Please say more about rural families.",
        f"question_comment:{path}": "Which villages are furthest from Oak Lodge?",
    })
    assert response.status_code == 302
    assert db.session.get(Assessment, submitted).status == "returned"
    assert {c.path for c in db.session.query(Comment)} == {None, path}

    sign_in(client, "officer@example.gov.uk")
    task_list = client.get(f"/assessments/{submitted}").get_data(as_text=True)
    step = client.get(f"/assessments/{submitted}/steps/protected-characteristics")
    assert "Please say more about rural families." in task_list
    assert "Which villages are furthest from Oak Lodge?" in step.get_data(as_text=True)


def test_a_return_without_a_comment_is_refused_with_a_message(client, submitted):
    sign_in(client, "chair@example.gov.uk")
    path = "screening.protected_characteristics"
    response = client.post(f"/scrutiny/{submitted}/return", data={
        "comment": "", f"question_comment:{path}": "Which villages are furthest away?"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Enter a comment for the officer" in page
    assert 'href="#comment"' in page
    assert "Which villages are furthest away?" in page  # what was typed is kept
    assert "<title>Error: " in page
    assert db.session.get(Assessment, submitted).status == "submitted"


def test_the_review_page_never_shows_text_from_the_query_string(client, submitted):
    sign_in(client, "chair@example.gov.uk")
    planted = "Call 0800 000 000 to confirm your password"
    page = client.get(f"/scrutiny/{submitted}", query_string={"notice": planted})
    assert page.status_code == 200
    assert planted not in page.get_data(as_text=True)
    assert "There is a problem" not in page.get_data(as_text=True)


def test_signing_off_names_what_is_signed_and_shows_the_hash(client, submitted):
    sign_in(client, "chair@example.gov.uk")
    confirm = client.get(f"/scrutiny/{submitted}/sign-off").get_data(as_text=True)
    assert "Answers fingerprint (SHA-256)" in confirm and "Review of the Short Breaks" in confirm
    assert "You sign as: <strong>2nd Authorised Signature (DEG Chair)</strong>" in confirm

    response = client.post(f"/scrutiny/{submitted}/sign-off")
    done = client.get(response.headers["Location"]).get_data(as_text=True)

    db.session.expire_all()
    assessment = db.session.get(Assessment, submitted)
    assert assessment.status == "signed_off"
    from ehria.records import signed_record_of

    assert signed_record_of(assessment).sha256 in done


def test_a_chair_who_is_an_author_is_refused_with_a_clear_message(client, factory, api_as):
    both = factory.user("both@example.gov.uk", "lead_officer", "deg_chair")
    api = api_as(both)
    created = api.post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()
    api.post(f"/assessments/{created['id']}/submit", {"declaration": True})
    sign_in(client, "both@example.gov.uk")

    response = client.post(f"/scrutiny/{created['id']}/sign-off")

    assert response.status_code == 403
    assert "another DEG chair" in response.get_data(as_text=True)
    assert db.session.get(Assessment, created["id"]).status == "submitted"


@pytest.mark.parametrize("path", ["/scrutiny/", "/scrutiny/{id}/sign-off"])
def test_a_lead_officer_gets_403_on_the_chair_pages(client, submitted, path):
    sign_in(client, "officer@example.gov.uk")
    assert client.get(path.format(id=submitted)).status_code == 403


def test_after_a_return_the_officer_sees_what_changed_between_revisions(
    client, submitted, api_as, officer
):
    sign_in(client, "chair@example.gov.uk")
    client.post(f"/scrutiny/{submitted}/return", data={"comment": "Say more."})
    api = api_as(officer)
    version = api.get(f"/assessments/{submitted}").get_json()["version"]
    api.patch(f"/assessments/{submitted}", {"answers": {"policy": {
        "target_groups": "Disabled children and their families in rural areas."}}}, version)

    sign_in(client, "officer@example.gov.uk")
    page = client.get(f"/assessments/{submitted}/revisions").get_data(as_text=True)

    assert "Revision 2" in page and "Changed since revision 1" in page
    assert "Q3" in page
    assert "Disabled children and their families in rural areas." in page
