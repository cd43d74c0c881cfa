"""Reminders (issue 15), with the clock driven: reviews 60 and 14 days before, on the day
and weekly while overdue; scrutiny waiting too long; each exactly once, also with two
workers running the job at the same moment on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from ehria.extensions import db
from ehria.models import Assessment, Notification
from ehria.reminders import review_stage, send_due_reminders
from tests.integration.workflow_helpers import create, ok, submit

REVIEW = date(2027, 12, 1)


def reminder_subjects() -> list[tuple[str, str]]:
    return sorted((n.to_email, n.subject) for n in db.session.query(Notification)
                  if n.subject.startswith(("Review due", "Review overdue", "Waiting for")))


@pytest.fixture
def signed(app, api_as, people):
    app.config["TODAY"] = "2026-12-01"
    officer = api_as(people["officer"])
    created = create(officer)
    submit(officer, created["id"])
    ok(api_as(people["chair"]).post(f"/assessments/{created['id']}/sign-off",
                                    {"review_date": REVIEW.isoformat()}))
    yield created["id"]
    app.config.pop("TODAY")


def test_the_stage_of_each_day():
    stages = {days: review_stage(REVIEW, REVIEW - timedelta(days=days))
              for days in (61, 60, 15, 14, 1, 0, -1, -6, -7, -13, -14)}
    assert stages == {61: None, 60: "review-60", 15: "review-60", 14: "review-14",
                      1: "review-14", 0: "review-due", -1: "review-due", -6: "review-due",
                      -7: "review-overdue-1", -13: "review-overdue-1",
                      -14: "review-overdue-2"}


def test_review_reminders_go_on_their_days_and_only_once(signed, app):
    days = [REVIEW - timedelta(days=d) for d in (61, 60, 59, 14, 13, 0)] + [
        REVIEW + timedelta(days=d) for d in (1, 7, 8, 14)]
    sent_on = {}
    for day in days:
        written = send_due_reminders(day)
        assert send_due_reminders(day) == []  # the same day again: nothing more
        sent_on[day] = sorted({m.subject for m in written})
    assert [day for day, subjects in sent_on.items() if subjects] == [
        REVIEW - timedelta(days=60), REVIEW - timedelta(days=14), REVIEW,
        REVIEW + timedelta(days=7), REVIEW + timedelta(days=14)]
    assert all(s.startswith("Review due 1 December 2027: ")
               for s in sent_on[REVIEW - timedelta(days=60)])
    assert all(s.startswith("Review overdue") for s in sent_on[REVIEW + timedelta(days=7)])
    recipients = {email for email, _ in reminder_subjects()}
    assert recipients == {"officer@example.gov.uk", "chair@example.gov.uk"}


def test_chairs_are_reminded_of_assessments_waiting_in_scrutiny(app, api_as, people):
    officer = api_as(people["officer"])
    created = create(officer)
    submit(officer, created["id"])
    api_as(people["chair"])  # the chair exists
    submitted_on = db.session.get(Assessment, created["id"]).revision.submitted_at.date()
    assert send_due_reminders(submitted_on + timedelta(days=14)) == []
    written = send_due_reminders(submitted_on + timedelta(days=15))
    assert [(m.to_email, m.subject.split(":")[0]) for m in written] == [
        ("chair@example.gov.uk", "Waiting for scrutiny")]
    assert send_due_reminders(submitted_on + timedelta(days=30)) == []


@pytest.mark.postgres_only
def test_two_workers_at_once_send_each_reminder_once(signed, app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL's row locks between real concurrent connections")
    day = REVIEW - timedelta(days=60)
    results: list[int] = []

    def run() -> None:
        with app.app_context():
            results.append(len(send_due_reminders(day)))
            db.session.remove()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    db.session.expire_all()
    assert sorted(results) == [0, 2]
    assert len(reminder_subjects()) == 2
