"""The register of published assessments: rows for the web team's lists, the CSV and the
ZIP of depersonalised PDFs, and the optional public page."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, Subquery, and_, extract, func, select

from ehria.document_layout import assessment_name
from ehria.extensions import db
from ehria.form import load_definition
from ehria.models import Assessment, Department, Event, Revision, SignedRecord
from ehria.spreadsheets import csv_text
from ehria.statuses import Status

PUBLISHED_EVENT = "published"  # the audit event of the web team's "Mark as published"


@dataclass(frozen=True)
class RegisterRow:
    assessment: Assessment
    record: SignedRecord
    published_name: str | None = None  # the name in the published revision, if known

    @property
    def signed_on(self) -> date:
        return self.record.signed_at.date()

    @property
    def policy_name(self) -> str:
        return self.published_name or self.assessment.policy_name


def ready_to_publish(department: str | None = None, year: int | None = None
                     ) -> list[RegisterRow]:
    """Signed off and waiting for the web team, with the record just signed."""
    newest = (
        select(SignedRecord.assessment_id, func.max(SignedRecord.revision).label("revision"))
        .group_by(SignedRecord.assessment_id).subquery()
    )
    statement = (
        select(Assessment, SignedRecord)
        .join(newest, newest.c.assessment_id == Assessment.id)
        .join(SignedRecord, and_(SignedRecord.assessment_id == Assessment.id,
                                 SignedRecord.revision == newest.c.revision))
        .where(Assessment.status == Status.SIGNED_OFF)
    )
    return [RegisterRow(a, r) for a, r in db.session.execute(
        _filtered(statement, department, year)).all()]


def published_rows(
    department: str | None = None, year: int | None = None,
    signed_from: date | None = None, signed_to: date | None = None,
) -> list[RegisterRow]:
    """Every assessment the web team has published, with the revision they published.

    A review in progress (drafted, submitted, returned, even signed off again) leaves the
    published version as it was until the web team publishes the new one: it stays in the
    register, the CSV, the ZIP and the public page, as it stays on the council's website.
    """
    published = _last_publication()
    statement = (
        select(Assessment, SignedRecord, Revision)
        .join(published, published.c.assessment_id == Assessment.id)
        .join(SignedRecord, and_(SignedRecord.assessment_id == Assessment.id,
                                 SignedRecord.revision == published.c.revision))
        .join(Revision, and_(Revision.assessment_id == Assessment.id,
                             Revision.number == published.c.revision))
    )
    statement = _filtered(statement, department, year, signed_from, signed_to)
    return [RegisterRow(a, r, assessment_name(load_definition(revision.template_version),
                                              revision.answers) or None)
            for a, r, revision in db.session.execute(statement).all()]


def _filtered(
    statement: Select, department: str | None, year: int | None,
    signed_from: date | None = None, signed_to: date | None = None,
) -> Select:
    """The web team's filters, on the signed record's date; newest sign-off first."""
    if department:
        statement = statement.join(Department, Department.id == Assessment.department_id
                                   ).where(Department.name == department)
    if year:
        statement = statement.where(extract("year", SignedRecord.signed_at) == year)
    if signed_from:
        statement = statement.where(SignedRecord.signed_at >= datetime.combine(
            signed_from, datetime.min.time()))
    if signed_to:
        statement = statement.where(SignedRecord.signed_at < datetime.combine(
            signed_to, datetime.max.time()))
    return statement.order_by(SignedRecord.signed_at.desc())


def _last_publication() -> Subquery:
    """Each assessment ever published, with the revision the web team last published."""
    last_event = (
        select(Event.assessment_id, func.max(Event.id).label("event_id"))
        .where(Event.action == PUBLISHED_EVENT).group_by(Event.assessment_id).subquery()
    )
    return (
        select(Event.assessment_id, Event.revision)
        .join(last_event, last_event.c.event_id == Event.id).subquery()
    )


def published_record(assessment: Assessment) -> SignedRecord | None:
    """The frozen record of the revision the web team last published, if any."""
    published = _last_publication()
    return db.session.scalar(
        select(SignedRecord).join(published, and_(
            published.c.assessment_id == SignedRecord.assessment_id,
            published.c.revision == SignedRecord.revision))
        .where(SignedRecord.assessment_id == assessment.id)
    )


def register_csv(rows: list[RegisterRow]) -> str:
    return csv_text([["reference", "policy", "department", "signed_off", "address"]] + [
        [row.assessment.reference or "", row.policy_name, row.assessment.department.name,
         row.signed_on.isoformat(), row.assessment.published_url or ""] for row in rows])


def published_zip(rows: list[RegisterRow]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            if row.record.published_pdf:
                name = f"{row.assessment.reference}-r{row.record.revision}-published.pdf"
                archive.writestr(name, row.record.published_pdf)
    return buffer.getvalue()
