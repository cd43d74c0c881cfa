"""The history page and the PDF appendix (issue 16): who changed what and when, answers in
words old and new, filterable by question, transitions and signatures; printed with the
full PDF on request, never in the depersonalised one."""

from __future__ import annotations

import io

import pypdf
import pytest

from tests.integration.workflow_helpers import READY_ANSWERS, create, ok, return_it, submit


def sign_in(client, email: str) -> None:
    client.post("/sign-out")
    client.post("/sign-in", data={"email": email, "password": "a-long-password"})


def text_of(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split())
                    for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def changed(api_as, officer, factory):
    """Submitted, returned, a Yes/No answer changed, resubmitted."""
    chair = factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor")
    officer_api = api_as(officer)
    number = create(officer_api, READY_ANSWERS)["id"]
    submit(officer_api, number)
    return_it(api_as(chair), number)
    version = ok(officer_api.get(f"/assessments/{number}"))["version"]
    ok(officer_api.patch(f"/assessments/{number}", {"answers": {"policy": {
        "target_groups": "Disabled children in rural areas."}}}, version))
    submit(officer_api, number)
    return number


def test_the_history_says_who_changed_what_in_words_with_transitions_and_signatures(
        client, changed):
    sign_in(client, "officer@example.gov.uk")
    page = client.get(f"/assessments/{changed}/history").get_data(as_text=True)
    for words in ("Started the assessment", "Submitted it for scrutiny",
                  "Returned it to its authors with comments", "Signed as lead officer",
                  "Changed answers", "Disabled children in rural areas.",
                  READY_ANSWERS["policy"]["target_groups"][:40], "Priya Chauhan",
                  "Sam Okafor"):
        assert words in page, words


def test_the_history_filters_by_question(client, changed):
    sign_in(client, "chair@example.gov.uk")
    page = client.get(f"/assessments/{changed}/history?question=policy.target_groups"
                      ).get_data(as_text=True)
    assert "Disabled children in rural areas." in page
    assert "Submitted it for scrutiny" not in page
    other = client.get(f"/assessments/{changed}/history?question=policy.what_is_changing"
                       ).get_data(as_text=True)
    assert "Disabled children in rural areas." not in other
    bad = client.get(f"/assessments/{changed}/history?question=no.such.question")
    assert bad.status_code == 400
    assert "Choose a question from the list" in bad.get_data(as_text=True)


def test_the_full_pdf_prints_the_history_on_request_and_never_depersonalised(
        client, changed, api_as, officer):
    sign_in(client, "officer@example.gov.uk")
    plain = text_of(client.get(f"/assessments/{changed}/document.pdf").data)
    assert "Appendix: history" not in plain
    response = client.get(f"/assessments/{changed}/document.pdf?history=1")
    assert response.status_code == 200 and response.headers["Cache-Control"] == (
        "private, no-store")
    with_history = text_of(response.data)
    assert "Appendix: history of this assessment" in with_history
    assert "Returned it to its authors with comments" in with_history
    published = text_of(client.get(f"/assessments/{changed}/published.pdf?history=1").data)
    assert "Appendix: history" not in published and "Sam Okafor" not in published
    api_pdf = api_as(officer).get(f"/assessments/{changed}.pdf?history=1")
    assert "Appendix: history of this assessment" in text_of(api_pdf.data)
