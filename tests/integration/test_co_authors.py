"""People working on an assessment (issue 16): invite, remove, hand the lead on, in the
pages and the API; each an audit event and an e-mail in the outbox; bad input refused
with the field named and nothing changed; a removed author loses access at once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ehria.extensions import db
from ehria.models import Assessment, Event, Notification
from tests.integration.workflow_helpers import READY_ANSWERS, create, ok


def sign_in(client, email: str) -> None:
    client.post("/sign-out")
    client.post("/sign-in", data={"email": email, "password": "a-long-password"})


def outbox(to: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.to_email == to)))


def events(number: int, action: str) -> list[Event]:
    return list(db.session.scalars(select(Event).where(
        Event.assessment_id == number, Event.action == action)))


def fresh(number: int) -> Assessment:
    db.session.expire_all()
    return db.session.get(Assessment, number)


@pytest.fixture
def team(factory, api_as, officer):
    users = {
        "officer": officer,
        "colleague": factory.user("colleague@example.gov.uk", "lead_officer",
                                  department="Adults and Communities", name="Jo Bloggs"),
        "chair": factory.user("chair@example.gov.uk", "deg_chair"),
        "gone": factory.user("gone@example.gov.uk", "lead_officer"),
    }
    users["gone"].active = False
    db.session.commit()
    number = create(api_as(officer), READY_ANSWERS)["id"]
    return number, users


def test_inviting_by_email_adds_an_author_records_it_and_tells_them(client, team):
    number, users = team
    sign_in(client, "officer@example.gov.uk")
    page = client.get(f"/assessments/{number}").get_data(as_text=True)
    assert "People working on this assessment" in page and "Invite a co-author" in page
    response = client.post(f"/assessments/{number}/people/invite",
                           data={"email": " Colleague@example.gov.uk "})
    assert response.status_code == 302
    assert fresh(number).is_author(users["colleague"])
    assert [e.detail for e in events(number, "co_author_added")] == [
        {"email": "colleague@example.gov.uk"}]
    [mail] = outbox("colleague@example.gov.uk")
    assert "You can now work on" in mail.subject and "Priya Chauhan" in mail.body
    # the co-author now sees and edits the assessment as the lead does
    sign_in(client, "colleague@example.gov.uk")
    assert client.get(f"/assessments/{number}").status_code == 200
    assert client.get(f"/assessments/{number}/steps/key-details").status_code == 200


@pytest.mark.parametrize(("email", "message"), [
    ("", "Enter the e-mail address of the lead officer to invite"),
    ("nobody@example.gov.uk", "There is no EHRIA account for nobody@example.gov.uk"),
    ("gone@example.gov.uk", "The account for gone@example.gov.uk is switched off"),
    ("chair@example.gov.uk", "chair@example.gov.uk is not a lead officer"),
    ("officer@example.gov.uk", "Priya Chauhan already works on this assessment"),
])
def test_a_bad_invitation_names_the_field_and_changes_nothing(client, team, email, message):
    number, _ = team
    sign_in(client, "officer@example.gov.uk")
    version = fresh(number).lock_version
    response = client.post(f"/assessments/{number}/people/invite", data={"email": email})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and 'href="#email"' in page
    assert len(fresh(number).author_rows) == 1 and fresh(number).lock_version == version
    assert events(number, "co_author_added") == []
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_removing_a_co_author_ends_their_access_in_pages_and_api_at_once(
        client, team, api_as):
    number, users = team
    ok(api_as(users["officer"]).post(f"/assessments/{number}/authors",
                                     {"email": "colleague@example.gov.uk"}))
    their_api = api_as(users["colleague"])
    ok(their_api.get(f"/assessments/{number}"))
    sign_in(client, "colleague@example.gov.uk")  # an open session of theirs...
    assert client.get(f"/assessments/{number}").status_code == 200
    # the lead removes them meanwhile (the pages' button is tested below)
    ok(api_as(users["officer"]).delete(
        f"/assessments/{number}/authors/colleague@example.gov.uk"))
    assert not fresh(number).is_author(users["colleague"])
    assert client.get(f"/assessments/{number}").status_code == 404  # ...ends at once
    assert their_api.get(f"/assessments/{number}").status_code == 404
    assert [e.detail for e in events(number, "co_author_removed")] == [
        {"email": "colleague@example.gov.uk"}]
    assert any("no longer work" in m.subject for m in outbox("colleague@example.gov.uk"))


def test_the_lead_cannot_be_removed_until_they_hand_it_on(client, team, api_as):
    number, users = team
    ok(api_as(users["officer"]).post(f"/assessments/{number}/authors",
                                     {"email": "colleague@example.gov.uk"}))
    sign_in(client, "colleague@example.gov.uk")
    client.post(f"/assessments/{number}/people/{users['officer'].id}/remove")
    assert fresh(number).is_author(users["officer"])
    assert "hand the lead to another author" in client.get(
        f"/assessments/{number}").get_data(as_text=True)


def test_handing_the_lead_names_them_in_the_key_details_and_tells_them(client, team, api_as):
    number, users = team
    ok(api_as(users["officer"]).post(f"/assessments/{number}/authors",
                                     {"email": "colleague@example.gov.uk"}))
    sign_in(client, "officer@example.gov.uk")
    form = client.get(f"/assessments/{number}/people/lead").get_data(as_text=True)
    assert "Jo Bloggs (colleague@example.gov.uk)" in form
    response = client.post(f"/assessments/{number}/people/lead", data={
        "lead": str(users["colleague"].id), "job_title": "Head of Service"})
    assert response.status_code == 302
    assessment = fresh(number)
    assert assessment.lead.id == users["colleague"].id
    details = assessment.revision.answers["key_details"]
    assert (details["lead_officer_name"], details["lead_officer_job_title"]) == (
        "Jo Bloggs", "Head of Service")
    [event] = events(number, "lead_handed_over")
    assert event.detail == {"from": "officer@example.gov.uk", "to": "colleague@example.gov.uk",
                            "job_title": "Head of Service"}
    assert any("You now lead" in m.subject for m in outbox("colleague@example.gov.uk"))
    # the former lead is now a co-author, and may leave
    assert client.post(f"/assessments/{number}/people/{users['officer'].id}/remove"
                       ).status_code == 302
    assert not fresh(number).is_author(users["officer"])
    assert [e.detail for e in events(number, "co_author_removed")] == [
        {"email": "officer@example.gov.uk"}]
    # they left it themselves: no e-mail tells them what they did, and it is not theirs now
    assert not any("no longer work" in m.subject for m in outbox("officer@example.gov.uk"))
    assert client.get(f"/assessments/{number}").status_code == 404


def test_handing_the_lead_without_a_job_title_names_the_field(client, team, api_as):
    number, users = team
    ok(api_as(users["officer"]).post(f"/assessments/{number}/authors",
                                     {"email": "colleague@example.gov.uk"}))
    sign_in(client, "officer@example.gov.uk")
    before = dict(fresh(number).revision.answers["key_details"])
    response = client.post(f"/assessments/{number}/people/lead", data={
        "lead": str(users["colleague"].id), "job_title": "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the new lead officer&#39;s job title" in page and 'href="#job_title"' in page
    assert fresh(number).lead.id == users["officer"].id
    assert fresh(number).revision.answers["key_details"] == before


def test_api_delete_removes_an_author_and_never_the_last(team, api_as):
    number, users = team
    officer = api_as(users["officer"])
    ok(officer.post(f"/assessments/{number}/authors", {"email": "colleague@example.gov.uk"}))
    body = ok(officer.delete(f"/assessments/{number}/authors/colleague@example.gov.uk"))
    assert [a["email"] for a in body["authors"]] == ["officer@example.gov.uk"]
    last = officer.delete(f"/assessments/{number}/authors/officer@example.gov.uk")
    assert last.status_code == 409
    assert "last author" in last.get_json()["error"]
    missing = officer.delete(f"/assessments/{number}/authors/nobody@example.gov.uk")
    assert missing.status_code == 404
    assert [r.user_id for r in fresh(number).author_rows] == [users["officer"].id]
