"""Tables of the form builder: template versions an admin drafts and publishes, and the
audit trail of every change to them (ehria.template_versions does the work)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ehria.extensions import db
from ehria.models import User, timestamp, utcnow


class FormTemplate(db.Model):
    """One version of the form: its template source (what the YAML says), as JSON.

    `draft` while an admin edits it (`lock_version` detects two admins at once), `live`
    once published (exactly one), `retired` when another is published after it. Only a
    draft's source ever changes."""

    __tablename__ = "form_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[dict] = mapped_column(JSON)
    based_on: Mapped[str | None] = mapped_column(String(64))
    lock_version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = timestamp(default=utcnow)
    updated_at: Mapped[datetime] = timestamp(default=utcnow)
    published_at: Mapped[datetime | None] = timestamp(nullable=True)

    created_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}


class TemplateEvent(db.Model):
    """An append-only audit event of the form builder: who did what to which version."""

    __tablename__ = "template_events"
    __table_args__ = (Index("ix_template_events_template", "template_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("form_templates.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = timestamp(default=utcnow)

    actor: Mapped[User | None] = relationship()
