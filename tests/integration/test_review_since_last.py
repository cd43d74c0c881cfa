"""A review starts from what happened (issue 15): its draft opens with "Since the last
assessment", each action of the last signed plan with what its tracking recorded, and a
free-text update the officer writes for each; both are printed in the PDF, the officer's
name kept out of the depersonalised one."""

from __future__ import annotations

import copy
import re

import pytest
from sqlalchemy import select

from ehria.extensions import db
from ehria.form.types.scalars import date_in_words
from ehria.models import Assessment
from ehria.models_actions import ActionNote
from tests.integration.test_documents import pdf_text, squash
from tests.integration.test_word_documents import body_lines, opened, package_text
from tests.integration.workflow_helpers import (
    READY_ANSWERS,
    create,
    ok,
    publish,
    sign_off,
    submit,
)

FIELD = "previous_actions"
STEP = "since-last-assessment"


def sign_in(client, email: str) -> None:
    client.post("/sign-out")
    client.post("/sign-in", data={"email": email, "password": "a-long-password"})


@pytest.fixture
def apis(people, api_as):
    return {name: api_as(user) for name, user in people.items()}


@pytest.fixture
def reviewed(app, apis) -> int:
    """Published with its first action done (a note) and the second dropped; then a
    review started."""
    app.config["TODAY"] = "2026-12-01"
    answers = copy.deepcopy(READY_ANSWERS)
    answers["report"]["improvement_plan"][0]["officer_responsible"] = "Tom Ellis"
    number = create(apis["officer"], answers)["id"]
    submit(apis["officer"], number)
    sign_off(apis["chair"], number)
    publish(apis["web"], number)
    first, second = ok(apis["officer"].get("/actions?department="))[:2]
    ok(apis["officer"].patch(f"/actions/{first['id']}", {
        "status": "done", "note": "Every family at risk kept their nights."},
        f'"{first["version"]}"'))
    ok(apis["chair"].patch(f"/actions/{second['id']}", {
        "status": "dropped", "note": "The transport budget went to the county."},
        f'"{second["version"]}"'))
    ok(apis["officer"].post(f"/assessments/{number}/review", {}))
    yield number
    app.config.pop("TODAY")


def noted(action_id: int) -> str:
    """The day a note was written, in words (notes carry the real time of writing)."""
    note = db.session.scalar(select(ActionNote).where(ActionNote.action_id == action_id))
    return date_in_words(note.at.date().isoformat())


def carried(number: int) -> list[dict]:
    db.session.expire_all()
    return db.session.get(Assessment, number).revision.answers["since_last"][
        "previous_actions"]


def test_the_reviews_draft_carries_each_action_as_its_tracking_left_it(reviewed):
    first, second = carried(reviewed)
    plan = READY_ANSWERS["report"]["improvement_plan"]
    assert first == {"objective": plan[0]["objective"], "action": plan[0]["action"],
                     "officer": "Tom Ellis", "due": plan[0]["by_when"], "status": "Done",
                     "outcome": f"{noted(1)}: Every family at risk kept their nights."}
    assert second["status"] == "Dropped"
    assert second["outcome"] == f"{noted(2)}: The transport budget went to the county."
    # everything else is the published revision's, as before
    db.session.expire_all()
    assessment = db.session.get(Assessment, reviewed)
    published = dict(assessment.revisions[0].answers)
    assert {k: v for k, v in assessment.revision.answers.items() if k != "since_last"} == (
        published)
    assert "since_last" not in published


def test_the_task_list_opens_with_it_and_a_new_assessment_never_shows_it(
        client, reviewed, apis):
    sign_in(client, "officer@example.gov.uk")
    page = client.get(f"/assessments/{reviewed}").get_data(as_text=True)
    assert page.index("Since the last assessment") < page.index("Key details")
    assert f"/assessments/{reviewed}/steps/{STEP}" in page
    fresh = create(apis["officer"])["id"]
    assert "Since the last assessment" not in client.get(
        f"/assessments/{fresh}").get_data(as_text=True)
    # its page, opened by its address, asks nothing (as Section 3's do when not needed)
    assert f'name="{FIELD}-0-update"' not in client.get(
        f"/assessments/{fresh}/steps/{STEP}").get_data(as_text=True)


def test_the_step_shows_the_facts_and_asks_only_for_an_update_per_action(client, reviewed):
    sign_in(client, "officer@example.gov.uk")
    page = client.get(f"/assessments/{reviewed}/steps/{STEP}").get_data(as_text=True)
    assert "Every family at risk kept their nights." in page
    assert "Dropped" in page
    assert f'name="{FIELD}-0-update"' in page and f'name="{FIELD}-1-update"' in page
    assert f'name="{FIELD}-0-action"' not in page  # the facts are not the officer's
    assert "Add another row" not in page and "Remove row" not in page


def test_updates_are_saved_and_a_forged_fact_or_row_changes_nothing(client, reviewed):
    sign_in(client, "officer@example.gov.uk")
    page = client.get(f"/assessments/{reviewed}/steps/{STEP}").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="([^"]+)"', page)[1]
    before = carried(reviewed)
    saved = client.post(f"/assessments/{reviewed}/steps/{STEP}", data={
        "version": version, f"{FIELD}-0-update": "Kept: 41 families, no nights lost.",
        f"{FIELD}-0-action": "Something the plan never said",
        f"{FIELD}-1-update": "Dropped; transport now in this review's plan.",
        f"{FIELD}-2-update": "A row that was never an action"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    first, second = carried(reviewed)
    assert first == {**before[0], "update": "Kept: 41 families, no nights lost."}
    assert second == {**before[1], "update": "Dropped; transport now in this review's plan."}
    assert client.post(f"/assessments/{reviewed}/steps/{STEP}", data={
        "version": version, "action": "remove-row:previous_actions:0"}).status_code == 400
    assert len(carried(reviewed)) == 2


def test_submitting_needs_an_update_for_every_action(apis, reviewed):
    refused = apis["officer"].post(f"/assessments/{reviewed}/submit", {"declaration": True})
    assert refused.status_code == 422
    assert "since_last.previous_actions.0.update" in str(refused.get_json())


def test_the_update_and_outcome_are_printed_the_officer_kept_out_of_the_public_documents(
        app, apis, reviewed):
    rows = carried(reviewed)
    rows[0]["update"] = "Kept: 41 families, no nights lost."
    rows[1]["update"] = "Dropped; transport now in this review's plan."
    assessment = db.session.get(Assessment, reviewed)
    ok(apis["officer"].patch(f"/assessments/{reviewed}", {
        "answers": {"since_last": {"previous_actions": rows}}},
        f'"{assessment.lock_version}"'))
    submit(apis["officer"], reviewed)
    sign_off(apis["chair"], reviewed)
    full = pdf_text(apis["chair"].get(f"/assessments/{reviewed}.pdf").data)
    public = pdf_text(apis["web"].get(f"/assessments/{reviewed}/published.pdf").data)
    for text in ("Since the last assessment", "Kept: 41 families, no nights lost.",
                 f"{noted(1)}: Every family at risk kept their nights.", "Dropped"):
        assert squash(text) in full
        assert squash(text) in public
    assert squash("Tom Ellis") in full
    assert squash("Tom Ellis") not in public
    # the Word documents too, from the same source and redactions
    word = squash("\n".join(body_lines(opened(
        apis["chair"].get(f"/assessments/{reviewed}.docx").data))))
    public_word = package_text(apis["web"].get(f"/assessments/{reviewed}/published.docx").data)
    assert squash("Kept: 41 families, no nights lost.") in word and squash("Tom Ellis") in word
    assert "Kept: 41 families, no nights lost." in public_word
    assert "Tom Ellis" not in public_word


def test_over_the_api_too_the_facts_and_the_rows_stay_as_carried(apis, reviewed):
    officer = apis["officer"]
    rows = carried(reviewed)

    def patched(value):
        version = ok(officer.get(f"/assessments/{reviewed}"))["version"]
        return officer.patch(f"/assessments/{reviewed}", {"answers": {"since_last": {
            "previous_actions": value}}}, version)

    forged = patched([{**rows[0], "status": "Done", "outcome": "Went well"}, rows[1]])
    assert forged.status_code == 422
    assert "since_last.previous_actions.0.outcome" in str(forged.get_json())
    assert patched(rows[:1]).status_code == 422  # a row dropped
    assert patched(None).status_code == 422  # the step cleared away
    assert carried(reviewed) == rows  # nothing changed
    assert patched([{**row, "update": "Written"} for row in rows]).status_code == 200


def test_a_new_assessment_cannot_be_given_actions_to_report_on(apis):
    officer = apis["officer"]
    created = create(officer)
    refused = officer.patch(f"/assessments/{created['id']}", {"answers": {"since_last": {
        "previous_actions": [{"action": "Invented", "update": "Done"}]}}},
        created["version"])
    assert refused.status_code == 422
    assert "Only a review carries" in str(refused.get_json())
