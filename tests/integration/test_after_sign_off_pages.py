"""After sign-off in the pages (issue 15): the chair sets the review date; the plan's
actions are listed, updated with a note, filtered and exported; reviews due are listed."""

from __future__ import annotations

import csv
import io
import re

import pytest

from ehria.extensions import db
from ehria.models import Assessment
from tests.integration.workflow_helpers import READY_ANSWERS, create, ok, sign_off, submit

PLAN = READY_ANSWERS["report"]["improvement_plan"]


def sign_in(client, email: str) -> None:
    client.post("/sign-out")
    client.post("/sign-in", data={"email": email, "password": "a-long-password"})


@pytest.fixture
def submitted(app, api_as, people):
    app.config["TODAY"] = "2026-12-01"
    officer = api_as(people["officer"])
    created = create(officer)
    submit(officer, created["id"])
    yield created["id"]
    app.config.pop("TODAY")


def test_the_chair_sets_the_review_date_at_sign_off(client, submitted):
    sign_in(client, "chair@example.gov.uk")
    page = client.get(f"/scrutiny/{submitted}/sign-off").get_data(as_text=True)
    assert "Leave it empty for a year from today, 1 December 2027" in page
    refused = client.post(f"/scrutiny/{submitted}/sign-off", data={
        "review_date-day": "2", "review_date-month": "12", "review_date-year": "2026"})
    assert refused.status_code == 400
    assert "The review date must be between 1 January 2027 and 1 December 2029" in (
        refused.get_data(as_text=True))
    assert client.post(f"/scrutiny/{submitted}/sign-off", data={
        "review_date-day": "30", "review_date-month": "6", "review_date-year": "2027"}
    ).status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, submitted).review_date.isoformat() == "2027-06-30"


def test_an_author_updates_an_action_in_the_pages(client, submitted, api_as, people):
    sign_off(api_as(people["chair"]), submitted)
    sign_in(client, "officer@example.gov.uk")
    page = client.get(f"/assessments/{submitted}/actions").get_data(as_text=True)
    for row in PLAN:
        assert row["action"] in page
    action_id = ok(api_as(people["officer"]).get("/actions"))[0]["id"]
    form = client.get(f"/actions/{action_id}/update").get_data(as_text=True)
    tag = re.search(r'name="tag" value="([^"]+)"', form)[1]
    refused = client.post(f"/actions/{action_id}/update",
                          data={"status": "dropped", "note": "", "tag": tag})
    assert refused.status_code == 400
    assert "Say why the action is dropped" in refused.get_data(as_text=True)
    saved = client.post(f"/actions/{action_id}/update",
                        data={"status": "done", "note": "Nights guaranteed.", "tag": tag})
    assert saved.status_code == 302
    page = client.get(f"/assessments/{submitted}/actions").get_data(as_text=True)
    assert "Nights guaranteed." in page and ">Done<" in page
    stale = client.post(f"/actions/{action_id}/update",
                        data={"status": "in_progress", "note": "Again.", "tag": tag})
    assert stale.status_code == 412


def test_the_department_list_filters_and_exports(client, submitted, api_as, people, app):
    sign_off(api_as(people["chair"]), submitted)
    sign_in(client, "chair@example.gov.uk")
    app.config["TODAY"] = "2099-01-01"
    page = client.get("/actions?overdue=1").get_data(as_text=True)
    assert page.count("Overdue</strong>") == len(PLAN)
    rows = list(csv.reader(io.StringIO(client.get("/actions.csv").get_data(as_text=True))))
    assert rows[0][:4] == ["Reference", "Policy", "Objective", "Action"]
    assert [r[3] for r in rows[1:]] == [row["action"] for row in PLAN]
    none = client.get("/actions?status=done").get_data(as_text=True)
    assert "No actions match." in none


def test_reviews_due_lists_overdue_and_soon_due_assessments(client, submitted, api_as,
                                                           people, app):
    sign_off(api_as(people["chair"]), submitted)
    sign_in(client, "officer@example.gov.uk")
    assert "No reviews are due" in client.get("/reviews").get_data(as_text=True)
    app.config["TODAY"] = "2027-11-01"
    assert "Due soon" in client.get("/reviews").get_data(as_text=True)
    app.config["TODAY"] = "2027-12-02"
    assert "Overdue" in client.get("/reviews").get_data(as_text=True)


def test_the_web_team_and_outsiders_cannot_update_actions(client, submitted, api_as, people,
                                                          factory):
    sign_off(api_as(people["chair"]), submitted)
    action_id = ok(api_as(people["officer"]).get("/actions"))[0]["id"]
    sign_in(client, "web@example.gov.uk")
    assert client.get("/actions").status_code == 403
    assert client.get(f"/actions/{action_id}/update").status_code == 403
    factory.user("colleague@example.gov.uk", "lead_officer")
    sign_in(client, "colleague@example.gov.uk")
    assert client.get(f"/actions/{action_id}/update").status_code == 403
    factory.user("other@example.gov.uk", "lead_officer", department="Adults and Communities")
    sign_in(client, "other@example.gov.uk")
    assert client.get(f"/actions/{action_id}/update").status_code == 404
