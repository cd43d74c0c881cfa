"""The background jobs, as plain functions of one row's id, run by the queue (ehria.tasks).

The database, not the queue, says what work is left: a signed record without its PDFs,
an unsent outbox message. So a job lost with a worker killed mid-run, or never queued
because the queue was away, is found again by `sweep` (at every worker's start and every
few minutes) and run again; and every job may run twice without harm: rendering stores
the PDFs only where none are stored, an e-mail is sent only while its row is unsent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, exists, inspect, or_, select, update

from ehria import outbox
from ehria.documents import render_documents_for_signing, source_for
from ehria.extensions import db
from ehria.models import Assessment, FailedJob, Notification, SignedRecord, utcnow
from ehria.render_pacing import give_way_for

log = logging.getLogger(__name__)

RENDER = "render_signed_documents"
SEND = "send_email"
FOLLOW_UP = "follow_up"


def render_signed_documents(record_id: int) -> bool:
    """Render and store both PDFs of a signed record; True when this run stored them."""
    record = db.session.get(SignedRecord, record_id)
    if record is None or pdfs_ready(record):
        return False
    assessment = db.session.get(Assessment, record.assessment_id)
    revision = next(r for r in assessment.revisions if r.number == record.revision)
    give_way = give_way_for(current_app.config)
    documents = render_documents_for_signing(
        source_for(assessment, revision=revision), record.sha256, before_each=give_way)
    if give_way.waited > 1:  # beyond the two renders' first looks
        log.info("render of record %d waited %.1f s for the machine to be less busy",
                 record_id, give_way.waited)
    # Only where none are stored yet: of two runs at once, the first one's PDFs are kept
    # (and the database refuses to change stored ones: migration 0009).
    stored = db.session.execute(
        update(SignedRecord)
        .where(SignedRecord.id == record_id, SignedRecord.full_pdf.is_(None),
               SignedRecord.published_pdf.is_(None))
        .values(full_pdf=documents.full_pdf, full_pdf_sha256=documents.full_pdf_sha256,
                published_pdf=documents.published_pdf,
                published_pdf_sha256=documents.published_pdf_sha256)
    ).rowcount
    db.session.commit()
    return bool(stored)


def send_email(notification_id: int) -> bool:
    """Send one outbox message, once (ehria.outbox)."""
    return outbox.send_once(notification_id, current_app.config)


JOBS: dict[str, Callable[[int], bool]] = {RENDER: render_signed_documents, SEND: send_email}


def pdfs_ready(record: SignedRecord) -> bool:
    return bool(record.full_pdf_sha256 and record.published_pdf_sha256)


def describe(task: str, subject_id: int) -> str:
    """The job in words, for the admins' list of failed jobs."""
    if task == RENDER:
        record = db.session.get(SignedRecord, subject_id)
        assessment = db.session.get(Assessment, record.assessment_id) if record else None
        if assessment is not None:
            return (f"Make the signed PDFs of {assessment.reference}, "
                    f"revision {record.revision}")
    if task == SEND:
        message = db.session.get(Notification, subject_id)
        if message is not None:
            return f"Send the e-mail \u201c{message.subject}\u201d to {message.to_email}"
    return f"{task} {subject_id}"


def enqueue(task: str, subject_id: int) -> None:
    """Queue a job. A queue that cannot be reached fails nothing: the sweep finds the work."""
    try:
        current_app.extensions["ehria_jobs"][task](subject_id)
    except Exception:
        log.exception("Could not queue %s %s; the sweep will find it", task, subject_id)


def after_commit(event: str, assessment: Assessment | None,
                 messages: Iterable[Notification] = ()) -> None:
    """The jobs a committed change leaves (a sign-off's PDFs, its e-mails), handed to the
    worker as one follow-up job: one write to the queue in the request, however many."""
    record_id = None
    if event == "signed_off" and assessment is not None:
        record_id = db.session.scalar(
            select(SignedRecord.id).where(SignedRecord.assessment_id == assessment.id,
                                          SignedRecord.revision == assessment.current_revision))
    # Ids from the identity map, without loading the rows again: a job run at once
    # (TASKS_IMMEDIATE) changes them in its own session, and the caller's must not hold
    # a copy loaded before that.
    message_ids = [inspect(m).identity[0] for m in messages]
    if record_id is None and not message_ids:
        return
    try:
        current_app.extensions["ehria_jobs"][FOLLOW_UP](record_id, message_ids)
    except Exception:
        log.exception("Could not queue the follow-up of %s; the sweep will find it", event)


def follow_up(record_id: int | None, message_ids: list[int]) -> int:
    """In the worker: queue each job of a committed change on its own (its own retries)."""
    if record_id is not None:
        enqueue(RENDER, record_id)
    for message_id in message_ids:
        enqueue(SEND, message_id)
    return len(message_ids) + (record_id is not None)


def _not_failed(task: str, column) -> object:
    """No failed job for the row is waiting on an admin: those are theirs to retry."""
    return ~exists().where(FailedJob.task == task, FailedJob.subject_id == column,
                           FailedJob.retried_at.is_(None))


def sweep(older_than: timedelta = timedelta(0)) -> int:
    """Queue again the work the database says is left; returns how many jobs it queued."""
    before = utcnow() - older_than
    records = db.session.scalars(select(SignedRecord.id).where(
        or_(SignedRecord.full_pdf_sha256.is_(None), SignedRecord.published_pdf_sha256.is_(None)),
        SignedRecord.signed_at <= before, _not_failed(RENDER, SignedRecord.id),
    ).order_by(SignedRecord.id)).all()
    messages: list[int] = []
    if outbox.transport(current_app.config) is not None:
        messages = db.session.scalars(select(Notification.id).where(and_(
            Notification.sent_at.is_(None), Notification.created_at <= before,
            _not_failed(SEND, Notification.id),
        )).order_by(Notification.id)).all()
    db.session.rollback()
    for record_id in records:
        enqueue(RENDER, record_id)
    for message_id in messages:
        enqueue(SEND, message_id)
    if records or messages:
        log.info("sweep: queued %d renderings and %d e-mails", len(records), len(messages))
    return len(records) + len(messages)


def record_failure(task: str, subject_id: int, error: BaseException, attempts: int) -> None:
    """A job that failed on its last retry: listed for admins (ehria.views.admin)."""
    db.session.add(FailedJob(task=task, subject_id=subject_id,
                             description=describe(task, subject_id),
                             error=(str(error) or type(error).__name__)[:2000],
                             attempts=attempts, failed_at=utcnow()))
    db.session.commit()


def unresolved_failures() -> list[FailedJob]:
    return list(db.session.scalars(
        select(FailedJob).where(FailedJob.retried_at.is_(None)).order_by(FailedJob.id.desc())))


def retry(failed: FailedJob, user_id: int) -> None:
    """An admin's retry: the job runs again with its retries afresh."""
    failed.retried_at = utcnow()
    failed.retried_by_id = user_id
    db.session.commit()
    enqueue(failed.task, failed.subject_id)
