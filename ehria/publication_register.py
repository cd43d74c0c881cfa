"""The register of published assessments: rows for the web team's lists, the CSV and the
ZIP of depersonalised PDFs, and the optional public page."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, extract, func, select

from ehria.extensions import db
from ehria.models import Assessment, Department, SignedRecord


@dataclass(frozen=True)
class RegisterRow:
    assessment: Assessment
    record: SignedRecord

    @property
    def signed_on(self) -> date:
        return self.record.signed_at.date()


def register_rows(
    status: str, department: str | None = None, year: int | None = None,
    signed_from: date | None = None, signed_to: date | None = None,
) -> list[RegisterRow]:
    """Assessments in `status` with their newest signed record, newest sign-off first."""
    newest = (
        select(SignedRecord.assessment_id, func.max(SignedRecord.revision).label("revision"))
        .group_by(SignedRecord.assessment_id).subquery()
    )
    statement = (
        select(Assessment, SignedRecord)
        .join(newest, newest.c.assessment_id == Assessment.id)
        .join(SignedRecord, and_(SignedRecord.assessment_id == Assessment.id,
                                 SignedRecord.revision == newest.c.revision))
        .join(Department, Department.id == Assessment.department_id)
        .where(Assessment.status == status)
        .order_by(SignedRecord.signed_at.desc())
    )
    if department:
        statement = statement.where(Department.name == department)
    if year:
        statement = statement.where(extract("year", SignedRecord.signed_at) == year)
    if signed_from:
        statement = statement.where(SignedRecord.signed_at >= datetime.combine(
            signed_from, datetime.min.time()))
    if signed_to:
        statement = statement.where(SignedRecord.signed_at < datetime.combine(
            signed_to, datetime.max.time()))
    return [RegisterRow(a, r) for a, r in db.session.execute(statement).all()]


def published_for_public() -> list[RegisterRow]:
    """Published assessments, also those whose review is now drafted (the published
    revision stays the public one)."""
    return [row for row in register_rows("published")] + [
        row for row in register_rows("draft") if row.assessment.published_url]


def register_csv(rows: list[RegisterRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "policy", "department", "signed_off", "address"])
    for row in rows:
        writer.writerow([row.assessment.reference, _safe(row.assessment.policy_name),
                         row.assessment.department.name, row.signed_on.isoformat(),
                         row.assessment.published_url or ""])
    return out.getvalue()


def _safe(text: str) -> str:
    """Stop spreadsheet programs running a cell that starts like a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def published_zip(rows: list[RegisterRow]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            if row.record.published_pdf:
                name = f"{row.assessment.reference}-r{row.record.revision}-published.pdf"
                archive.writestr(name, row.record.published_pdf)
    return buffer.getvalue()
