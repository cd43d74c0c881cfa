"""Tables insight (issue 15) counts from: each signed revision's negative and unknown
impacts, written at sign-off so that counting them across 10,000 assessments is one query
and not a walk through every signed record's JSON (migration 0034)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ehria.extensions import db


class SignedImpact(db.Model):
    """One row of a table the template names in `insight:` that a signed revision found
    a negative or an unknown impact on (other impacts are not stored). Derived from the
    signed record, in the same transaction; never changed afterwards. The row's label is
    the template's, read when it is shown."""

    __tablename__ = "signed_impacts"
    __table_args__ = (UniqueConstraint("assessment_id", "revision", "table_name", "row_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    revision: Mapped[int]
    table_name: Mapped[str] = mapped_column(String(64))  # the `insight:` entry's name
    row_key: Mapped[str] = mapped_column(String(200))
    impact: Mapped[str] = mapped_column(String(16))  # "negative" or "unknown"


class ImpactBackfill(db.Model):
    """A signed record from before migration 0034 whose impacts are still to be written
    (ehria.signed_impacts.backfill). The migration lists them; the backfill, which reads
    the template, removes each once written. Empty on every database made since."""

    __tablename__ = "impact_backfills"

    signed_record_id: Mapped[int] = mapped_column(ForeignKey("signed_records.id"),
                                                  primary_key=True, autoincrement=False)
