"""After sign-off through the API (issue 15): the review date the chair sets, and the
improvement plan's actions tracked one by one."""

from __future__ import annotations

import pytest

from ehria.extensions import db
from ehria.models import Event
from tests.integration.workflow_helpers import READY_ANSWERS, create, ok, submit

PLAN = READY_ANSWERS["report"]["improvement_plan"]


@pytest.fixture
def signed(app, api_as, people):
    app.config["TODAY"] = "2026-12-01"
    officer = api_as(people["officer"])
    created = create(officer)
    submit(officer, created["id"])
    yield created["id"]
    app.config.pop("TODAY")


def sign(api, assessment_id: int, body: dict | None = None):
    return api.post(f"/assessments/{assessment_id}/sign-off", body or {})


def patch(api, action_id: int, body: dict, version: str | None):
    headers = dict(api.headers)
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return api.client.patch(f"/api/v1/actions/{action_id}", json=body, headers=headers)


def test_the_review_date_is_a_year_on_unless_the_chair_says(signed, api_as, people):
    signed_off = ok(sign(api_as(people["chair"]), signed))
    assert signed_off["review_date"] == "2027-12-01"


@pytest.mark.parametrize("given", ["2026-12-15", "2030-01-01", "soon"])
def test_a_review_date_too_soon_too_late_or_not_a_date_is_refused(
        signed, api_as, people, given):
    refused = sign(api_as(people["chair"]), signed, {"review_date": given})
    assert refused.status_code == 422
    assert list(refused.get_json()["fields"]) == ["review_date"]
    assert ok(api_as(people["chair"]).get(f"/assessments/{signed}"))["status"] == "submitted"


def test_every_plan_row_becomes_a_tracked_action(signed, api_as, people):
    ok(sign(api_as(people["chair"]), signed, {"review_date": "2027-06-30"}))
    assert ok(api_as(people["chair"]).get(f"/assessments/{signed}"))["review_date"] == (
        "2027-06-30")
    actions = ok(api_as(people["officer"]).get("/actions"))
    assert [a["action"] for a in actions] == [row["action"] for row in PLAN]
    assert [a["officer"] for a in actions] == [row["officer_responsible"] for row in PLAN]
    assert [a["due"] for a in actions] == [row["by_when"] for row in PLAN]
    assert {a["status"] for a in actions} == {"not_started"}
    assert all(a["assessment_id"] == signed for a in actions)


def test_an_author_updates_an_action_with_a_note_and_it_is_audited(signed, api_as, people):
    ok(sign(api_as(people["chair"]), signed))
    officer = api_as(people["officer"])
    first = ok(officer.get("/actions"))[0]
    updated = patch(officer, first["id"], {"status": "in_progress",
                                            "note": "Survey of families sent out."},
                    first["version"])
    assert updated.status_code == 200, updated.get_json()
    body = updated.get_json()
    assert body["status"] == "in_progress"
    assert [(n["by"], n["text"]) for n in body["notes"]] == [
        ("Priya Chauhan", "Survey of families sent out.")]
    stale = patch(officer, first["id"], {"status": "done"}, first["version"])
    assert stale.status_code == 412
    assert patch(officer, first["id"], {"status": "done"}, None).status_code == 428
    assert ok(officer.get(f"/actions/{first['id']}"))["status"] == "in_progress"
    db.session.expire_all()
    event = db.session.query(Event).filter_by(action="action_updated").one()
    assert event.detail["to"] == "in_progress" and event.actor_id == people["officer"].id


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "finished"}, "status"),
    ({"status": "dropped"}, "note"),
    ({"status": "dropped", "note": "   "}, "note"),
])
def test_a_bad_status_or_dropping_without_a_reason_names_the_field(
        signed, api_as, people, body, field):
    ok(sign(api_as(people["chair"]), signed))
    chair = api_as(people["chair"])
    first = ok(chair.get("/actions"))[0]
    refused = patch(chair, first["id"], body, first["version"])
    assert refused.status_code == 422
    assert list(refused.get_json()["fields"]) == [field]
    assert ok(chair.get(f"/actions/{first['id']}")) == first


def test_the_web_team_and_other_departments_do_not_see_the_actions(
        signed, api_as, people, factory):
    ok(sign(api_as(people["chair"]), signed))
    first = ok(api_as(people["chair"]).get("/actions"))[0]
    web = api_as(people["web"])
    assert web.get("/actions").status_code == 403
    assert web.get(f"/actions/{first['id']}").status_code == 403
    other = api_as(factory.user("other@example.gov.uk", "lead_officer",
                                department="Adults and Communities"))
    assert ok(other.get("/actions")) == []
    assert other.get(f"/actions/{first['id']}").status_code == 404
    assert patch(other, first["id"], {"status": "done"}, first["version"]).status_code == 404


def test_overdue_actions_are_those_open_past_a_due_date(signed, api_as, people, app):
    ok(sign(api_as(people["chair"]), signed))
    chair = api_as(people["chair"])
    dated = [a for a in ok(chair.get("/actions")) if a["due"][:4].isdigit()]
    app.config["TODAY"] = "2099-01-01"
    overdue = ok(chair.get("/actions?overdue=true"))
    assert [a["id"] for a in overdue] == [a["id"] for a in dated]
    assert ok(chair.get("/actions?status=done")) == []


def test_a_co_author_from_another_department_finds_the_actions_in_the_lists(
        app, api_as, people, factory):
    colleague = factory.user("colleague@example.gov.uk", "lead_officer",
                             department="Adults and Communities")
    officer = api_as(people["officer"])
    number = create(officer)["id"]
    ok(officer.post(f"/assessments/{number}/authors", {"email": colleague.email}))
    submit(officer, number)
    ok(sign(api_as(people["chair"]), number))
    theirs = ok(api_as(colleague).get("/actions"))
    assert [a["assessment_id"] for a in theirs] == [number, number]
    assert patch(api_as(colleague), theirs[0]["id"], {"status": "in_progress"},
                 theirs[0]["version"]).status_code == 200
