"""Reminders, sent by the daily job (issue 15): reviews coming up and overdue, and
assessments waiting in scrutiny too long.

Each reminder has a kind (`review-60`, `review-14`, `review-due`, `review-overdue-<week>`,
`scrutiny-r<revision>`) recorded in `sent_reminders`, whose (assessment, kind) is unique:
two workers running the job at once, or a restart, never send one twice. The stage is
"on or after" its day, so a day the job did not run is caught up the next, with the one
reminder that is due by then. Each e-mail is an outbox row like every other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ehria.extensions import db
from ehria.models import Assessment, Notification, Revision, User, UserRole
from ehria.models_actions import SentReminder
from ehria.roles import Role
from ehria.statuses import Status

SIGNED = (Status.SIGNED_OFF, Status.PUBLISHED)


@dataclass(frozen=True)
class Reminder:
    assessment: Assessment
    kind: str
    subject: str
    body: str
    to: list[User]


def review_stage(review_date: date, today: date) -> str | None:
    """Which review reminder is due today: 60 and 14 days before, on the day, and each
    week while overdue."""
    days = (review_date - today).days
    if days < 0:
        return f"review-overdue-{(-days) // 7}" if -days >= 7 else "review-due"
    if days == 0:
        return "review-due"
    if days <= 14:
        return "review-14"
    if days <= 60:
        return "review-60"
    return None


def _chairs(department_id: int | None) -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == Role.DEG_CHAIR.value, User.active.is_(True),
        User.department_id == department_id)))


def _review_reminder(assessment: Assessment, kind: str, today: date) -> Reminder:
    when = f"{assessment.review_date:%-d %B %Y}"
    if kind.startswith("review-overdue") or (kind == "review-due" and
                                             assessment.review_date < today):
        subject = f"Review overdue: {assessment.policy_name}"
        body = (f"The review of {assessment.reference} {assessment.policy_name} was due on "
                f"{when}. Start the review from its task list in EHRIA.")
    else:
        subject = f"Review due {when}: {assessment.policy_name}"
        body = (f"{assessment.reference} {assessment.policy_name} is due for review on "
                f"{when}. Start the review from its task list in EHRIA.")
    people = {u.id: u for u in [*assessment.authors, *_chairs(assessment.department_id)]
              if u.active}
    return Reminder(assessment, kind, subject, body, list(people.values()))


def due_reminders(today: date) -> list[Reminder]:
    """Every reminder due today that has not been sent."""
    sent = set(db.session.execute(select(SentReminder.assessment_id, SentReminder.kind)))
    found: list[Reminder] = []
    for assessment in db.session.scalars(select(Assessment).where(
            Assessment.status.in_(SIGNED), Assessment.review_date.is_not(None))):
        kind = review_stage(assessment.review_date, today)
        if kind and (assessment.id, kind) not in sent:
            found.append(_review_reminder(assessment, kind, today))
    waiting_days = int(current_app.config.get("SCRUTINY_REMINDER_DAYS", 14))
    for assessment, submitted_at in db.session.execute(
            select(Assessment, Revision.submitted_at).join(Revision, (
                Revision.assessment_id == Assessment.id)
                & (Revision.number == Assessment.current_revision))
            .where(Assessment.status == Status.SUBMITTED)):
        kind = f"scrutiny-r{assessment.current_revision}"
        if submitted_at is None or (assessment.id, kind) in sent:
            continue
        if (today - submitted_at.date()).days > waiting_days:
            found.append(Reminder(
                assessment, kind, f"Waiting for scrutiny: {assessment.policy_name}",
                f"{assessment.reference} {assessment.policy_name} was submitted on "
                f"{submitted_at:%-d %B %Y} and is still waiting for the Departmental "
                "Equalities Group's scrutiny.", _chairs(assessment.department_id)))
    return found


def send_due_reminders(today: date) -> list[Notification]:
    """Write today's reminders to the outbox, each once; returns the e-mails written."""
    written: list[Notification] = []
    for reminder in due_reminders(today):
        try:
            with db.session.begin_nested():
                db.session.add(SentReminder(assessment_id=reminder.assessment.id,
                                            kind=reminder.kind, sent_on=today))
                db.session.flush()
                messages = [Notification(assessment_id=reminder.assessment.id,
                                         to_email=user.email, subject=reminder.subject,
                                         body=reminder.body) for user in reminder.to]
                db.session.add_all(messages)
                db.session.flush()
        except IntegrityError:
            continue  # another worker sent it a moment ago
        written.extend(messages)
    db.session.commit()
    return written
