"""What each reader sees of an assessment (issue 11, items 3 and 14).

- A DEG chair reads the revision they returned until the officer submits again: the
  officer's changes since the return stay private (API, review page, revision history,
  PDF, audit history).
- The web team works from the depersonalised version: its API copy has the published
  PDF's answers and signatures and no authors or comments; the full PDF, the audit
  history, the chair's review page and the revision history are refused (403).
"""

from __future__ import annotations

import io

import pypdf
import pytest
from flask import g

from tests.integration.workflow_helpers import create, ok, return_it, sign_off, submit

SECRET_CHANGE = "Draft wording the chair must not see yet"


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def sign_in(client, email: str) -> None:
    g.pop("_login_user", None)
    client.post("/sign-out")
    assert client.post("/sign-in", data={"email": email, "password": "a-long-password"}
                       ).status_code == 302


@pytest.fixture
def returned_and_edited(api_as, people) -> dict:
    """Submitted, returned with a comment, then changed by the officer (not resubmitted)."""
    officer, chair = api_as(people["officer"]), api_as(people["chair"])
    created = create(officer)
    number = created["id"]
    submit(officer, number)
    return_it(chair, number, {"policy.what_is_changing": "Say why."})
    current = ok(officer.get(f"/assessments/{number}"))
    edited = ok(officer.patch(f"/assessments/{number}", {"answers": {"policy": {
        "what_is_changing": SECRET_CHANGE}}}, current["version"]))
    assert edited["revision"] == 2
    return {"id": number, "officer": officer, "chair": chair,
            "submitted_wording": created["answers"]["policy"]["what_is_changing"]}


def test_the_chair_reads_the_returned_revision_over_the_api(returned_and_edited):
    number, chair = returned_and_edited["id"], returned_and_edited["chair"]
    document = ok(chair.get(f"/assessments/{number}"))
    assert document["status"] == "returned"
    assert document["revision"] == 1
    assert document["answers"]["policy"]["what_is_changing"] == returned_and_edited[
        "submitted_wording"]
    assert SECRET_CHANGE not in str(document)
    assert [c["text"] for c in document["comments"]] == [
        "Please say more about transport.", "Say why."]
    history = ok(chair.get(f"/assessments/{number}/history"))
    assert [event["revision"] for event in history] == [1] * len(history)
    assert "answers_changed" not in [event["action"] for event in history[2:]]


def test_the_authors_read_their_own_changes(returned_and_edited):
    number, officer = returned_and_edited["id"], returned_and_edited["officer"]
    document = ok(officer.get(f"/assessments/{number}"))
    assert document["revision"] == 2
    assert document["answers"]["policy"]["what_is_changing"] == SECRET_CHANGE
    assert SECRET_CHANGE in pdf_text(officer.get(f"/assessments/{number}.pdf").data)


def test_the_chairs_pdf_is_of_the_returned_revision(returned_and_edited):
    number, chair = returned_and_edited["id"], returned_and_edited["chair"]
    response = chair.get(f"/assessments/{number}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert SECRET_CHANGE not in text
    assert "r1" in response.headers["Content-Disposition"]


def test_the_chairs_pages_show_the_returned_revision(client, people, returned_and_edited):
    number = returned_and_edited["id"]
    sign_in(client, people["chair"].email)
    review = client.get(f"/scrutiny/{number}").get_data(as_text=True)
    assert "revision 1" in review and SECRET_CHANGE not in review
    revisions = client.get(f"/assessments/{number}/revisions").get_data(as_text=True)
    assert "Revision 1" in revisions and "Revision 2" not in revisions
    assert SECRET_CHANGE not in revisions
    pdf = client.get(f"/assessments/{number}/document.pdf")
    assert SECRET_CHANGE not in pdf_text(pdf.data)


def test_once_resubmitted_the_chair_reads_the_new_revision(returned_and_edited):
    number = returned_and_edited["id"]
    officer, chair = returned_and_edited["officer"], returned_and_edited["chair"]
    submit(officer, number)
    document = ok(chair.get(f"/assessments/{number}"))
    assert document["revision"] == 2
    assert document["answers"]["policy"]["what_is_changing"] == SECRET_CHANGE
    history = ok(chair.get(f"/assessments/{number}/history"))
    assert "answers_changed" in [e["action"] for e in history if e["revision"] == 2]


@pytest.fixture
def signed_off_for_web(api_as, people) -> dict:
    officer, chair = api_as(people["officer"]), api_as(people["chair"])
    number = create(officer)["id"]
    submit(officer, number)
    sign_off(chair, number)
    return {"id": number, "web": api_as(people["web"]), "officer": officer}


def test_the_web_teams_copy_is_depersonalised(signed_off_for_web, people):
    number, web = signed_off_for_web["id"], signed_off_for_web["web"]
    full = ok(signed_off_for_web["officer"].get(f"/assessments/{number}"))
    copy = ok(web.get(f"/assessments/{number}"))

    assert full["depersonalised"] is False and copy["depersonalised"] is True
    assert full["answers"]["key_details"]["lead_officer_name"] == "Priya Chauhan"
    assert copy["answers"]["key_details"]["lead_officer_name"] == "[name removed]"
    assert "Priya Chauhan" not in str(copy) and "Sam Okafor" not in str(copy)
    assert people["officer"].email not in str(copy)
    assert copy["authors"] == [] and copy["comments"] == []
    assert [s["role"] for s in copy["signatures"]] == ["lead_officer", "deg_chair"]
    assert copy["answers"]["key_details"]["lead_officer_job_title"] == full["answers"][
        "key_details"]["lead_officer_job_title"]  # job titles stay
    assert copy["screening_outcome"] == full["screening_outcome"]
    assert copy["sha256"] == full["sha256"]


@pytest.mark.parametrize("path", ["/history", ".pdf"])
def test_the_web_team_cannot_read_the_full_pdf_or_the_history(signed_off_for_web, path):
    number, web = signed_off_for_web["id"], signed_off_for_web["web"]
    response = web.get(f"/assessments/{number}{path}")
    assert response.status_code == 403
    assert "depersonalised" in response.get_json()["error"]
    assert web.get(f"/assessments/{number}/published.pdf").status_code == 200


@pytest.mark.parametrize("path", ["/scrutiny/{}", "/assessments/{}/document.pdf",
                                  "/assessments/{}/revisions"])
def test_the_web_teams_pages_keep_to_the_depersonalised_version(
    client, people, signed_off_for_web, path
):
    number = signed_off_for_web["id"]
    sign_in(client, people["web"].email)
    assert client.get(path.format(number)).status_code == 403
    assert client.get(f"/assessments/{number}/published.pdf").status_code == 200
    assert client.get(f"/publication/{number}").status_code == 200


def test_publishing_answers_the_web_team_with_its_own_copy(signed_off_for_web):
    number, web = signed_off_for_web["id"], signed_off_for_web["web"]
    published = ok(web.post(f"/assessments/{number}/publish",
                            {"url": "https://www.example.gov.uk/ehria/1"}))
    assert published["status"] == "published" and published["depersonalised"] is True
    assert "Priya Chauhan" not in str(published)
