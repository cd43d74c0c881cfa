"""Tables of what happens after sign-off (issue 15): each action of a signed-off
improvement plan, tracked with its status and dated progress notes; the reminders sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ehria.extensions import db
from ehria.models import Assessment, User, timestamp, utcnow


class TrackedAction(db.Model):
    """One row of a signed-off improvement plan, as it is carried out. The plan's words
    are copied at sign-off (the signed record never changes; this does)."""

    __tablename__ = "tracked_actions"
    __table_args__ = (Index("ix_tracked_actions_assessment", "assessment_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    revision: Mapped[int]
    position: Mapped[int]
    objective: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(Text, default="")
    officer: Mapped[str] = mapped_column(Text, default="")
    due: Mapped[str] = mapped_column(String(200), default="")
    # `due` read as a date when it is one (ehria.tracked_actions.parse_due), so overdue
    # actions are counted in SQL; None for words such as "Spring 2027"
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="not_started", index=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = timestamp(default=utcnow)
    updated_at: Mapped[datetime] = timestamp(default=utcnow)

    assessment: Mapped[Assessment] = relationship()
    notes: Mapped[list[ActionNote]] = relationship(
        back_populates="tracked_action", order_by="ActionNote.id",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": lock_version}


class ActionNote(db.Model):
    """A dated progress note on an action, with the status it set."""

    __tablename__ = "action_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("tracked_actions.id"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = timestamp(default=utcnow)

    tracked_action: Mapped[TrackedAction] = relationship(back_populates="notes")
    by: Mapped[User | None] = relationship()


class SentReminder(db.Model):
    """A reminder sent: its (assessment, kind) is unique, so however many workers run the
    daily job, and however often it restarts, each reminder goes once."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("assessment_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    kind: Mapped[str] = mapped_column(String(40))
    sent_on: Mapped[date] = mapped_column(Date)
