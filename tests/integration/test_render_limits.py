"""One officer cannot tie up PDF rendering: rows per table, the answers' total size and
text per field are limited (422 naming the path, nothing saved), and a draft's PDF is
rendered once and reused while nothing printed on it changes (issue 11, item 2)."""

from __future__ import annotations

import copy

import pytest

from ehria import draft_documents
from ehria.examples import load_examples
from ehria.extensions import db
from ehria.form import load_definition
from ehria.limits import ANSWERS_MAX_LENGTH
from ehria.models import DraftDocument
from tests.integration.workflow_helpers import create

SHORT_BREAKS = load_examples()["02-short-breaks-full-report"]["answers"]
PLAN = "report.improvement_plan"
ROW = {"objective": "Fair access", "action": "Review", "target": "All", "officer_responsible":
       "Team", "by_when": "2027-01-01"}


@pytest.fixture
def api(api_as, officer):
    return api_as(officer)


def patch(api, assessment: dict, answers: dict):
    return api.patch(f"/assessments/{assessment['id']}", {"answers": answers},
                     assessment["version"])


def stored_answers(api, assessment: dict) -> dict:
    return api.get(f"/assessments/{assessment['id']}").get_json()["answers"]


def test_the_template_says_how_many_plan_rows_there_may_be():
    plan = load_definition().field(PLAN)
    assert plan.max_rows == 100
    assert load_definition().to_dict()["sections"][-1]["steps"][-1]["questions"][-1][
        "fields"][0]["max_rows"] == 100


def test_more_plan_rows_than_the_template_allows_are_refused_naming_the_path(api):
    assessment = create(api)
    before = stored_answers(api, assessment)

    response = patch(api, assessment, {"report": {"improvement_plan": [ROW] * 101}})

    assert response.status_code == 422
    assert response.get_json()["fields"] == {PLAN: ["Must have 100 rows or fewer, not 101"]}
    assert stored_answers(api, assessment) == before
    assert patch(api, assessment, {"report": {"improvement_plan": [ROW] * 100}}
                 ).status_code == 200


def test_twenty_thousand_rows_are_refused_without_being_looked_at_row_by_row(api):
    assessment = create(api)
    rows = [{"objective": "x", "action": "y"}] * 20_000  # about 0.6 MB, under the body limit
    response = patch(api, assessment, {"report": {"improvement_plan": rows}})
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["answers"]  # too long in all, first


def test_answers_too_long_in_all_are_refused_naming_the_answers(api):
    assessment = create(api)
    long_text = "x" * 19_000  # each within the 20,000 a field may hold
    keys = ["needs_and_aspirations", "likely_impacts", "likely_barriers", "further_research",
            "consultation_findings", "further_consultation", "adverse_impact",
            "minimise_research", "minimise_barriers", "not_addressed", "summary"]
    response = patch(api, assessment, {"report": dict.fromkeys(keys, long_text)})
    assert response.status_code == 422
    message = response.get_json()["fields"]["answers"][0]
    assert f"must be {ANSWERS_MAX_LENGTH:,} or fewer" in message


def test_text_beyond_a_fields_limit_is_refused_naming_its_path(api):
    assessment = create(api)
    response = patch(api, assessment, {"policy": {"what_is_changing": "x" * 20_001}})
    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        "policy.what_is_changing": ["Must be 20,000 characters or fewer"]}


def test_the_plan_page_will_not_add_a_row_past_the_limit(client, api, officer):
    answers = copy.deepcopy(SHORT_BREAKS)
    answers["report"]["improvement_plan"] = [ROW] * 100
    assessment = create(api, answers)
    client.post("/sign-in", data={"email": officer.email, "password": "a-long-password"})
    page = client.get(f"/assessments/{assessment['id']}/steps/improvement-plan")
    assert page.status_code == 200
    form = {"version": assessment["version"], "action": "add-row:improvement_plan"}
    for index in range(100):
        for key, value in ROW.items():
            form[f"improvement_plan-{index}-{key}"] = value
    response = client.post(f"/assessments/{assessment['id']}/steps/improvement-plan", data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "can have at most 100 rows" in html
    assert html.count("Remove row ") == 100


@pytest.fixture
def renders(monkeypatch) -> list[bool]:
    """Every real rendering of a draft PDF, counted (True for depersonalised)."""
    made: list[bool] = []
    real = draft_documents.render_pdf

    def counted(source, *, depersonalised=False, **options):
        made.append(depersonalised)
        return real(source, depersonalised=depersonalised, **options)

    monkeypatch.setattr(draft_documents, "render_pdf", counted)
    return made


def test_a_repeated_draft_preview_costs_no_render(api, renders):
    assessment = create(api)
    path = f"/assessments/{assessment['id']}.pdf"
    first = api.get(path)
    second = api.get(path)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.data.startswith(b"%PDF")
    assert renders == [False]
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = api.client.get("/api/v1" + path, headers={
        **api.headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and renders == [False]


def test_a_change_of_answers_renders_the_draft_again(api, renders):
    assessment = create(api)
    path = f"/assessments/{assessment['id']}.pdf"
    first = api.get(path)
    changed = patch(api, assessment, {"policy": {"what_is_changing": "Longer opening hours"}})
    assert changed.status_code == 200
    second = api.get(path)
    assert renders == [False, False]
    assert first.data != second.data
    assert db.session.query(DraftDocument).count() == 1  # the latest rendering only


def test_a_new_phrase_to_redact_renders_the_depersonalised_draft_again(api, renders):
    assessment = create(api)
    path = f"/assessments/{assessment['id']}/published.pdf"
    api.get(path)
    api.get(path)
    assert renders == [True]
    assert api.post(f"/assessments/{assessment['id']}/redactions",
                    {"phrase": "Oak Lodge"}).status_code == 201
    api.get(path)
    assert renders == [True, True]
