"""The lead officer's pages, through the Flask test client (the browser tests drive the
same pages in Chromium): start, steps, errors that keep what was typed, conflicts, submit."""

from __future__ import annotations

import copy
import re

import pytest

from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import Assessment

READY = load_examples()["02-short-breaks-full-report"]["answers"]


@pytest.fixture
def signed_in(client, officer):
    client.post("/sign-in", data={"email": officer.email, "password": "a-long-password"})
    return client


def start(client, name="Library opening hours") -> int:
    response = client.post("/assessments/new", data={
        "name": name, "department": "Children and Family Services"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def stored(number: int) -> dict:
    db.session.expire_all()
    return db.session.get(Assessment, number).revision.answers


def version_of(client, number: int, step: str) -> str:
    page = client.get(f"/assessments/{number}/steps/{step}").get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)


def test_starting_an_assessment_opens_its_task_list(signed_in):
    number = start(signed_in)
    page = signed_in.get(f"/assessments/{number}").get_data(as_text=True)
    assert "Library opening hours" in page
    assert "Key details" in page and "Check and submit" in page
    assert "Cannot start yet" in page
    assert stored(number)["key_details"]["lead_officer_name"] == "Priya Chauhan"


def test_starting_without_a_name_names_the_field(signed_in):
    response = signed_in.post("/assessments/new",
                              data={"department": "Children and Family Services"})
    assert response.status_code == 400
    assert "Enter the name of policy being assessed" in response.get_data(as_text=True)


def test_saving_a_step_stores_its_answers_and_goes_to_the_next(signed_in):
    number = start(signed_in)
    response = signed_in.post(f"/assessments/{number}/steps/key-details", data={
        "version": version_of(signed_in, number, "key-details"),
        "policy_name": "Library opening hours", "department": "Children and Family Services",
        "lead_officer_name": "Priya Chauhan", "contact_telephone": "0116 305 0000",
        "date_started-day": "2", "date_started-month": "2", "date_started-year": "2026",
        "action": "continue",
    })
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/steps/policy-definition")
    key_details = stored(number)["key_details"]
    assert key_details["date_started"] == "2026-02-02"
    assert key_details["contact_telephone"] == "0116 305 0000"


def test_a_bad_date_is_named_in_the_error_summary_and_nothing_typed_is_lost(signed_in):
    number = start(signed_in)
    before = stored(number)
    response = signed_in.post(f"/assessments/{number}/steps/key-details", data={
        "version": version_of(signed_in, number, "key-details"),
        "policy_name": "Library opening hours", "department": "Children and Family Services",
        "implementing_officers": "Head of Libraries",
        "date_started-day": "30", "date_started-month": "2", "date_started-year": "2026",
        "action": "continue",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Date EHRIA assessment started must be a real date" in page
    assert 'href="#date_started-day"' in page
    assert "Head of Libraries" in page and 'value="30"' in page
    assert stored(number) == before


def test_over_long_text_is_refused_naming_the_question(signed_in):
    number = start(signed_in)
    response = signed_in.post(f"/assessments/{number}/steps/policy-definition", data={
        "version": version_of(signed_in, number, "policy-definition"),
        "what_is_changing": "x" * 20_001, "target_groups": "Library users",
        "action": "later",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Q1" in page and "20,000 characters or fewer" in page
    assert "Library users" in page
    assert "policy" not in stored(number) or not stored(number)["policy"]


def test_a_q10_row_is_saved_with_its_impact_only_when_affected(signed_in):
    number = start(signed_in)
    response = signed_in.post(f"/assessments/{number}/steps/protected-characteristics", data={
        "version": version_of(signed_in, number, "protected-characteristics"),
        "protected_characteristics-age-affected": "yes",
        "protected_characteristics-age-impact": "negative",
        "protected_characteristics-age-comments": "Older readers use the evening hours.",
        "protected_characteristics-race-affected": "no",
        "protected_characteristics-race-impact": "positive",
        "action": "later",
    })
    assert response.status_code == 302
    table = stored(number)["screening"]["protected_characteristics"]
    assert table["age"] == {"affected": "yes", "impact": "negative",
                            "comments": "Older readers use the evening hours."}
    assert table["race"] == {"affected": "no"}


def test_improvement_plan_rows_can_be_added_and_removed_without_javascript(signed_in):
    number = start(signed_in)
    version = version_of(signed_in, number, "improvement-plan")
    added = signed_in.post(f"/assessments/{number}/steps/improvement-plan", data={
        "version": version, "improvement_plan-0-objective": "First objective",
        "action": "add-row:improvement_plan"})
    assert added.status_code == 200
    assert 'name="improvement_plan-1-objective"' in added.get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"',
                        added.get_data(as_text=True)).group(1)
    removed = signed_in.post(f"/assessments/{number}/steps/improvement-plan", data={
        "version": version, "improvement_plan-0-objective": "First objective",
        "improvement_plan-1-objective": "Second objective",
        "action": "remove-row:improvement_plan:0"})
    assert removed.status_code == 200
    assert stored(number)["report"]["improvement_plan"] == [{"objective": "Second objective"}]


def test_a_save_over_someone_elses_newer_save_is_refused_and_loses_neither(signed_in):
    number = start(signed_in)
    old_version = version_of(signed_in, number, "policy-definition")
    signed_in.post(f"/assessments/{number}/steps/policy-definition", data={
        "version": old_version, "what_is_changing": "Theirs", "action": "later"})

    response = signed_in.post(f"/assessments/{number}/steps/policy-definition", data={
        "version": old_version, "what_is_changing": "Mine", "action": "later"})

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed by someone else" in page and "Mine" in page
    assert stored(number)["policy"]["what_is_changing"] == "Theirs"


def test_autosave_answers_in_json_and_detects_conflicts(signed_in):
    number = start(signed_in)
    version = version_of(signed_in, number, "policy-definition")
    url = f"/assessments/{number}/steps/policy-definition/autosave"

    saved = signed_in.post(url, data={"version": version, "what_is_changing": "Draft 1"})
    stale = signed_in.post(url, data={"version": version, "what_is_changing": "Draft 2"})

    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    assert stale.status_code == 409 and stale.get_json()["conflict"] is True
    assert stored(number)["policy"]["what_is_changing"] == "Draft 1"


def test_screening_result_says_why_with_links_to_the_questions(signed_in, api_as, officer):
    created = api_as(officer).post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()
    page = signed_in.get(f"/assessments/{created['id']}/screening-result").get_data(as_text=True)
    assert "A full EHRIA report is required" in page
    assert "Q10 Disability: negative impact" in page
    assert "/steps/protected-characteristics" in page


def test_check_answers_then_submit_with_the_declaration(signed_in, api_as, officer):
    created = api_as(officer).post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()
    number = created["id"]
    page = signed_in.get(f"/assessments/{number}/check").get_data(as_text=True)
    # the form's own Section 4 wording, from the template, as guidance beside the signature
    assert "Section 4: Sign off and scrutiny" in page
    assert "You sign as: <strong>1st Authorised Signature (EHRIA Lead Officer)</strong>" in page
    assert "Please send a copy of this form to the Digital Services Team" in page
    assert "Check your answers before submitting" in page
    assert "Families value predictable overnight respite most" in page
    assert page.count(">Change<") > 20

    refused = signed_in.post(f"/assessments/{number}/check", data={})
    assert refused.status_code == 400
    assert "Confirm the declaration" in refused.get_data(as_text=True)

    response = signed_in.post(f"/assessments/{number}/check", data={"declaration": "y"})
    assert response.status_code == 302
    confirmation = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Assessment submitted" in confirmation and created["reference"] in confirmation
    db.session.expire_all()
    assert db.session.get(Assessment, number).status == "submitted"


def test_another_officer_cannot_open_the_pages(client, api_as, officer, factory):
    created = api_as(officer).post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()
    factory.user("other@example.gov.uk", "lead_officer", department="Adults and Communities")
    client.post("/sign-in", data={"email": "other@example.gov.uk",
                                  "password": "a-long-password"})
    for path in ("", "/steps/key-details", "/check", "/screening-result"):
        assert client.get(f"/assessments/{created['id']}{path}").status_code == 404
