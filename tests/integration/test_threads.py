"""Comment threads (issue 16): a return's comments start threads; authors reply; the
department's chair resolves and reopens; threads carry over revisions; the chair's review
of a resubmission opens with what changed. Bad input is refused naming the field, and
changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ehria.extensions import db
from ehria.models import Comment, Event, Notification, Thread
from tests.integration.workflow_helpers import READY_ANSWERS, create, ok, return_it, submit

PATH = "screening.protected_characteristics.other_groups.comments"


def sign_in(client, email: str) -> None:
    client.post("/sign-out")
    client.post("/sign-in", data={"email": email, "password": "a-long-password"})


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Thread, Comment, Event))  # type: ignore[return-value]


@pytest.fixture
def returned(api_as, officer, factory):
    """Submitted and returned with two comments: one overall, one on a question."""
    chair = factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor")
    apis = {"officer": api_as(officer), "chair": api_as(chair)}
    number = create(apis["officer"], READY_ANSWERS)["id"]
    submit(apis["officer"], number)
    return_it(apis["chair"], number, {PATH: "Which villages are furthest away?"})
    return number, apis


def test_a_returns_comments_appear_as_new_threads(returned):
    number, apis = returned
    threads = ok(apis["officer"].get(f"/assessments/{number}/threads"))
    assert [(t["path"], t["resolved"], [c["text"] for c in t["comments"]])
            for t in threads] == [
        (None, False, ["Please say more about transport."]),
        (PATH, False, ["Which villages are furthest away?"])]
    assert set(threads[0]["comments"][0]) == {"id", "author", "at", "text"}
    assert threads[0]["comments"][0]["author"] == "Sam Okafor"


def test_an_author_replies_and_the_chair_is_told_by_email(returned):
    number, apis = returned
    thread = ok(apis["officer"].get(f"/assessments/{number}/threads"))[1]
    body = ok(apis["officer"].post(f"/assessments/{number}/threads", {
        "reply_to": thread["id"], "text": "Added the three villages."}), 201)
    assert [c["text"] for c in body["comments"]] == [
        "Which villages are furthest away?", "Added the three villages."]
    [mail] = db.session.scalars(select(Notification).where(
        Notification.to_email == "chair@example.gov.uk",
        Notification.subject.like("New reply%")))
    assert "Added the three villages." in mail.body and "Priya Chauhan" in mail.body


@pytest.mark.parametrize(("body", "field"), [
    ({"reply_to": "THREAD", "text": "   "}, "text"),
    ({"path": "screening.no_such_question", "text": "Hello"}, "path"),
    ({"path": 7, "text": "Hello"}, "path"),
    ({"reply_to": 999_999, "text": "Hello"}, "reply_to"),
])
def test_bad_input_names_the_field_and_changes_nothing(returned, body, field):
    number, apis = returned
    first = ok(apis["officer"].get(f"/assessments/{number}/threads"))[0]["id"]
    body = {k: (first if v == "THREAD" else v) for k, v in body.items()}
    before = counts()
    response = apis["officer"].post(f"/assessments/{number}/threads", body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]
    db.session.expire_all()
    assert counts() == before


def test_only_the_departments_chair_resolves_and_reopens(returned):
    number, apis = returned
    thread = ok(apis["officer"].get(f"/assessments/{number}/threads"))[0]["id"]
    refused = apis["officer"].post(f"/assessments/{number}/threads/{thread}/resolve")
    assert refused.status_code == 403
    assert ok(apis["chair"].post(f"/assessments/{number}/threads/{thread}/resolve"))[
        "resolved"] is True
    assert ok(apis["chair"].post(f"/assessments/{number}/threads/{thread}/reopen"))[
        "resolved"] is False
    actions = [e.action for e in db.session.scalars(select(Event).order_by(Event.id))]
    assert actions[-2:] == ["thread_resolved", "thread_reopened"]
    assert apis["chair"].post(f"/assessments/{number}/threads/999/resolve").status_code == 404


def test_pages_show_open_threads_and_take_replies(client, returned):
    number, _ = returned
    sign_in(client, "officer@example.gov.uk")
    task_list = client.get(f"/assessments/{number}").get_data(as_text=True)
    assert "Comments to answer (2)" in task_list
    step = client.get(f"/assessments/{number}/steps/protected-characteristics")
    assert "Which villages are furthest away?" in step.get_data(as_text=True)
    assert "Reply to this comment" in step.get_data(as_text=True)
    thread = db.session.scalars(select(Thread).where(Thread.path == PATH)).one()

    before = counts()
    empty = client.post(f"/assessments/{number}/comments/{thread.id}/reply", data={"text": ""})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 400
    assert "Enter your comment" in page and f'href="#reply-{thread.id}"' in page
    assert counts() == before

    done = client.post(f"/assessments/{number}/comments/{thread.id}/reply",
                       data={"text": "Changed the Age row."})
    assert done.status_code == 302
    db.session.expire_all()
    assert [c.text for c in db.session.get(Thread, thread.id).comments][-1] == (
        "Changed the Age row.")
    # authors may not resolve in the pages either
    assert client.post(f"/assessments/{number}/comments/{thread.id}/resolve").status_code == 403


def test_threads_carry_over_and_the_review_opens_with_what_changed(client, returned):
    number, apis = returned
    officer = apis["officer"]
    version = ok(officer.get(f"/assessments/{number}"))["version"]
    ok(officer.patch(f"/assessments/{number}", {"answers": {"screening": {
        "protected_characteristics": {"other_groups": {
            "comments": "Families in Shepshed, Castle Donington and Market Bosworth."}}}}},
        version))
    submit(officer, number)
    threads = ok(officer.get(f"/assessments/{number}/threads"))
    assert len(threads) == 2  # the same threads, on the new revision

    sign_in(client, "chair@example.gov.uk")
    page = client.get(f"/scrutiny/{number}").get_data(as_text=True)
    assert "What changed since you returned it" in page
    changed = page[page.index("What changed since you returned it"):page.index(
        "Screening outcome")]
    assert "Families in Shepshed, Castle Donington and Market Bosworth." in changed
    assert "Which villages are furthest away?" in changed  # the thread beside it
    for thread in threads:
        response = client.post(f"/assessments/{number}/comments/{thread['id']}/resolve",
                               data={"back": "review"})
        assert response.status_code == 302 and "/scrutiny/" in response.headers["Location"]
    assert all(t["resolved"] for t in ok(officer.get(f"/assessments/{number}/threads")))
