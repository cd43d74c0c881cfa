"""The assessments API of design/API.md: create, read, list and PATCH, with every status."""

from __future__ import annotations

import copy

import pytest

from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import Assessment

EXAMPLES = load_examples()
SHORT_BREAKS = EXAMPLES["02-short-breaks-full-report"]["answers"]


def start(api, answers: dict | None = None) -> dict:
    response = api.post("/assessments", {"answers": answers or copy.deepcopy(SHORT_BREAKS)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_reads_back_with_its_expected_screening_outcome(api_as, officer, name):
    example = EXAMPLES[name]
    api = api_as(officer)
    created = start(api, example["answers"])

    response = api.get(f"/assessments/{created['id']}")

    assert response.status_code == 200
    body = response.get_json()
    outcome, expected = body["screening_outcome"], example["expected"]
    assert outcome["report_required"] is expected["report_required"]
    assert {reason["rule"] for reason in outcome["reasons"]} == set(expected["rules"])
    if expected["problems"] == 0:
        assert outcome["problems"] == []
    else:  # ">=2 (P1 and P2)"
        assert {problem["code"] for problem in outcome["problems"]} >= {"P1", "P2"}
    if expected["missing"] == []:
        assert outcome["missing"] == []
    else:  # "non-empty: Section 3 is required"
        assert any(path.startswith("report.") for path in outcome["missing"])
    assert body["answers"] == example["answers"]


def test_a_new_assessment_is_a_draft_with_a_reference_version_and_its_author(api_as, officer):
    body = start(api_as(officer))

    assert body["status"] == "draft"
    assert body["revision"] == 1
    assert body["reference"] == f"EHRIA-{body['created_at'][:4]}-{body['id']:04d}"
    assert body["department"] == "Children and Family Services"
    assert body["authors"] == [{"name": "Priya Chauhan", "email": "officer@example.gov.uk"}]
    assert body["template_version"] == "lcc-ehria-v1"
    assert body["version"]


def test_read_sends_the_version_as_etag(api_as, officer):
    api = api_as(officer)
    created = start(api)
    response = api.get(f"/assessments/{created['id']}")
    assert response.headers["ETag"] == f'"{created["version"]}"'


def test_patch_merges_answers_deeply_and_changes_the_version(api_as, officer):
    api = api_as(officer)
    created = start(api)
    path = f"/assessments/{created['id']}"

    response = api.patch(
        path,
        {"answers": {"screening": {"protected_characteristics": {"race": {
            "affected": "yes", "impact": "positive", "comments": "More sessions in Loughborough."
        }}}}},
        created["version"],
    )

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    race = body["answers"]["screening"]["protected_characteristics"]["race"]
    assert race == {"affected": "yes", "impact": "positive",
                    "comments": "More sessions in Loughborough."}
    assert body["answers"]["screening"]["protected_characteristics"]["disability"] == (
        SHORT_BREAKS["screening"]["protected_characteristics"]["disability"]
    )
    assert body["version"] != created["version"]


def test_patch_with_null_clears_a_key_and_replaces_lists_whole(api_as, officer):
    api = api_as(officer)
    created = start(api)
    one_row = [SHORT_BREAKS["report"]["improvement_plan"][0]]

    response = api.patch(
        f"/assessments/{created['id']}",
        {"answers": {"key_details": {"section": None}, "report": {"improvement_plan": one_row}}},
        created["version"],
    )

    body = response.get_json()
    assert "section" not in body["answers"]["key_details"]
    assert body["answers"]["report"]["improvement_plan"] == one_row


def test_patch_accepts_the_etag_form_of_the_version(api_as, officer):
    api = api_as(officer)
    created = start(api)
    response = api.patch(
        f"/assessments/{created['id']}", {"answers": {"key_details": {"section": "SEND"}}},
        f'"{created["version"]}"',
    )
    assert response.status_code == 200


def test_patch_without_if_match_is_428_and_changes_nothing(api_as, officer):
    api = api_as(officer)
    created = start(api)
    response = api.patch(
        f"/assessments/{created['id']}", {"answers": {"key_details": {"section": "X"}}}, None
    )
    assert response.status_code == 428
    assert "If-Match" in response.get_json()["error"]
    assert api.get(f"/assessments/{created['id']}").get_json() == created


def test_patch_with_a_stale_version_is_412_and_keeps_the_newer_answers(api_as, officer):
    api = api_as(officer)
    created = start(api)
    path = f"/assessments/{created['id']}"
    first = api.patch(path, {"answers": {"key_details": {"section": "First"}}},
                      created["version"])
    assert first.status_code == 200

    second = api.patch(path, {"answers": {"key_details": {"section": "Second"}}},
                       created["version"])

    assert second.status_code == 412
    assert api.get(path).get_json()["answers"]["key_details"]["section"] == "First"


@pytest.mark.parametrize(
    ("answers", "path"),
    [
        ({"screening": {"protected_characteristics": {"age": {"impact": "terrible"}}}},
         "screening.protected_characteristics.age.impact"),
        ({"key_details": {"date_started": "2026-02-30"}}, "key_details.date_started"),
        ({"policy": {"what_is_changing": "x" * 20_001}}, "policy.what_is_changing"),
        ({"policy": {"favourite_colour": "blue"}}, "policy.favourite_colour"),
        ({"report": {"improvement_plan": [{"objective": 7}]}},
         "report.improvement_plan.0.objective"),
        ({"key_details": {"department": "Ministry of Magic"}}, "key_details.department"),
    ],
)
def test_bad_answers_are_422_naming_the_path_and_leave_the_assessment_untouched(
    api_as, officer, answers, path
):
    api = api_as(officer)
    created = start(api)

    response = api.patch(f"/assessments/{created['id']}", {"answers": answers},
                         created["version"])

    assert response.status_code == 422
    body = response.get_json()
    assert path in body["fields"], body
    assert body["fields"][path][0]
    after = api.get(f"/assessments/{created['id']}").get_json()
    assert after["version"] == created["version"]
    assert after["answers"] == created["answers"]


def test_creating_with_bad_answers_is_422_and_stores_nothing(api_as, officer):
    api = api_as(officer)
    answers = copy.deepcopy(SHORT_BREAKS)
    answers["policy"]["advance_equality"] = "maybe"

    response = api.post("/assessments", {"answers": answers})

    assert response.status_code == 422
    assert "policy.advance_equality" in response.get_json()["fields"]
    assert db.session.query(Assessment).count() == 0


def test_creating_needs_a_policy_name_and_department(api_as, officer):
    response = api_as(officer).post("/assessments", {"answers": {"policy": {}}})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {
        "key_details.policy_name", "key_details.department"
    }


def test_malformed_json_is_400(api_as, officer, client):
    api = api_as(officer)
    response = client.post(
        "/api/v1/assessments", data="{not json",
        headers={**api.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_a_body_that_is_not_an_object_is_400(api_as, officer):
    assert api_as(officer).post("/assessments", ["answers"]).status_code == 400


def test_an_envelope_with_unknown_keys_is_422(api_as, officer):
    response = api_as(officer).post("/assessments", {"answers": {}, "status": "signed_off"})
    assert response.status_code == 422
    assert "status" in response.get_json()["fields"]


def test_no_token_or_a_bad_one_is_401(api_as, client):
    assert api_as(None).get("/assessments").status_code == 401
    response = client.get("/api/v1/assessments", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_only_lead_officers_start_assessments(api_as, factory):
    web = factory.user("web@example.gov.uk", "web_team", department=None)
    response = api_as(web).post("/assessments", {"answers": SHORT_BREAKS})
    assert response.status_code == 403


def test_an_officer_of_another_department_sees_nothing_of_it(api_as, officer, factory):
    created = start(api_as(officer))
    other = factory.user("other@example.gov.uk", "lead_officer",
                         department="Adults and Communities")
    api = api_as(other)

    assert api.get(f"/assessments/{created['id']}").status_code == 404
    assert api.patch(f"/assessments/{created['id']}", {"answers": {}},
                     created["version"]).status_code == 404
    assert api.get("/assessments").get_json()["total"] == 0


def test_a_chair_who_can_see_it_may_not_edit_it(api_as, officer, factory):
    created = start(api_as(officer))
    assessment = db.session.get(Assessment, created["id"])
    assessment.status = "submitted"
    db.session.commit()
    chair = factory.user("chair@example.gov.uk", "deg_chair")

    response = api_as(chair).patch(f"/assessments/{created['id']}",
                                   {"answers": {}}, str(assessment.lock_version))

    assert response.status_code == 403


def test_an_assessment_that_is_not_draft_or_returned_is_409(api_as, officer):
    api = api_as(officer)
    created = start(api)
    assessment = db.session.get(Assessment, created["id"])
    assessment.status = "submitted"
    db.session.commit()

    response = api.patch(f"/assessments/{created['id']}",
                         {"answers": {"key_details": {"section": "X"}}},
                         str(assessment.lock_version))

    assert response.status_code == 409
    assert api.get(f"/assessments/{created['id']}").get_json()["answers"] == SHORT_BREAKS


def test_an_unknown_assessment_is_404(api_as, officer):
    assert api_as(officer).get("/assessments/999999").status_code == 404


def test_list_filters_by_status_department_and_text_and_paginates(api_as, officer):
    api = api_as(officer)
    for number in range(5):
        answers = copy.deepcopy(SHORT_BREAKS)
        answers["key_details"]["policy_name"] = f"Library opening hours {number}"
        start(api, answers)
    start(api)

    everything = api.get("/assessments?per_page=2").get_json()
    libraries = api.get("/assessments?q=LIBRARY").get_json()
    drafts = api.get("/assessments?status=draft&department=Children and Family Services")
    none = api.get("/assessments?status=published").get_json()
    page_three = api.get("/assessments?per_page=2&page=3").get_json()

    assert everything["total"] == 6 and len(everything["items"]) == 2
    assert libraries["total"] == 5
    assert drafts.get_json()["total"] == 6
    assert none["total"] == 0
    assert len(page_three["items"]) == 2
    assert {"id", "reference", "policy_name", "status", "department"} <= set(
        everything["items"][0]
    )


def test_list_refuses_a_bad_filter_naming_it(api_as, officer):
    response = api_as(officer).get("/assessments?status=lost")
    assert response.status_code == 400
    assert "status" in response.get_json()["fields"]


def test_template_and_departments_are_served_to_any_user(api_as, factory):
    web = factory.user("web@example.gov.uk", "web_team", department=None)
    api = api_as(web)

    template = api.get("/template").get_json()
    departments = api.get("/departments").get_json()

    assert template["version"] == "lcc-ehria-v1"
    assert [d["name"] for d in departments] == [
        "Adults and Communities", "Children and Family Services"
    ]


def test_the_openapi_document_describes_the_assessment_paths(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert {"/assessments", "/assessments/{assessment_id}", "/template"} <= set(
        document["paths"]
    )
    assert "Assessment" in document["components"]["schemas"]
    patch = document["paths"]["/assessments/{assessment_id}"]["patch"]
    assert {p["name"] for p in patch["parameters"]} >= {"If-Match", "Prefer"}


def test_the_openapi_document_describes_every_api_route(app, client):
    import re

    documented = set(client.get("/api/v1/openapi.json").get_json()["paths"])
    routes = {
        re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json")
    }
    assert routes - documented == set()
