"""Driving assessments through the lifecycle over the API, for the workflow tests."""

from __future__ import annotations

import copy

from ehria.examples import load_examples

READY_ANSWERS = load_examples()["02-short-breaks-full-report"]["answers"]


def create(api, answers: dict | None = None) -> dict:
    response = api.post("/assessments", {"answers": copy.deepcopy(answers or READY_ANSWERS)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def submit(api, assessment_id: int) -> dict:
    return ok(api.post(f"/assessments/{assessment_id}/submit", {"declaration": True}))


def return_it(api, assessment_id: int, question_comments: dict | None = None) -> dict:
    return ok(api.post(f"/assessments/{assessment_id}/return", {
        "comment": "Please say more about transport.",
        "question_comments": question_comments or {},
    }))


def sign_off(api, assessment_id: int) -> dict:
    return ok(api.post(f"/assessments/{assessment_id}/sign-off", {}))


def publish(api, assessment_id: int, url: str = "https://www.example.gov.uk/ehria/1") -> dict:
    return ok(api.post(f"/assessments/{assessment_id}/publish", {"url": url}))


def say_what_came_of_each_action(api, assessment_id: int) -> dict:
    """A review's "Since the last assessment": an update written for every action of
    the last plan, as submitting a review needs."""
    current = ok(api.get(f"/assessments/{assessment_id}"))
    rows = (current["answers"].get("since_last") or {}).get("previous_actions") or []
    updated = [{**row, "update": f"Done as planned ({index + 1})."}
               for index, row in enumerate(rows)]
    return ok(api.patch(f"/assessments/{assessment_id}", {"answers": {"since_last": {
        "previous_actions": updated}}}, current["version"]))

