"""Tables only. Behaviour lives in the domain modules that use them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ehria.extensions import db
from ehria.roles import Role
from ehria.statuses import Status


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp(**options) -> Mapped[datetime]:
    """A UTC timestamp column (with time zone on PostgreSQL)."""
    return mapped_column(DateTime(timezone=True), **options)


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = timestamp(default=utcnow)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_users_oidc_account"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Werkzeug's hash, or for someone who signs in only with their council account a
    # marker no password can match (ehria.accounts.NO_PASSWORD); never empty.
    password_hash: Mapped[str] = mapped_column(String(255))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = timestamp(default=utcnow)
    # The council account (OpenID Connect) this user is linked to, once they have signed
    # in with it: the provider's issuer and its stable subject (Entra ID's `oid`, else
    # `sub`). Both empty for people who only ever use a password.
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))

    department: Mapped[Department | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> set[Role]:
        return {Role(row.role) for row in self.role_rows}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class ApiToken(db.Model):
    """An API token; only the SHA-256 of the token is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = timestamp(default=utcnow)
    revoked_at: Mapped[datetime | None] = timestamp(nullable=True)
    expires_at: Mapped[datetime | None] = timestamp(nullable=True)
    # Recorded at most every few minutes (ehria.accounts), not on every request.
    last_used_at: Mapped[datetime | None] = timestamp(nullable=True)

    user: Mapped[User] = relationship()


class Assessment(db.Model):
    """One policy's assessment. Its answers live in revisions; `lock_version` guards writes."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The author who leads it (ehria.co_authors); the starter until they hand it on.
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[Status] = mapped_column(
        Enum(Status, native_enum=False, length=20, create_constraint=False,
             values_callable=lambda statuses: [s.value for s in statuses]),
        default=Status.DRAFT, index=True)
    current_revision: Mapped[int] = mapped_column(default=1)
    policy_name: Mapped[str] = mapped_column(Text, default="")
    published_url: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = timestamp(default=utcnow)
    updated_at: Mapped[datetime] = timestamp(default=utcnow, index=True)
    review_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # set at sign-off
    # a named group of assessments (a budget round), for their cumulative impact
    programme: Mapped[str | None] = mapped_column(String(200), index=True)

    __mapper_args__ = {"version_id_col": lock_version}

    department: Mapped[Department] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    author_rows: Mapped[list[AssessmentAuthor]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AssessmentAuthor.added_at"
    )
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="assessment", order_by="Revision.number", cascade="all, delete-orphan"
    )

    @property
    def authors(self) -> list[User]:
        return [row.user for row in self.author_rows]

    # -- where it stands (ehria.statuses) --------------------------------------------------

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == Status.SUBMITTED

    @property
    def is_returned(self) -> bool:
        return self.status == Status.RETURNED

    @property
    def is_signed_off(self) -> bool:
        return self.status == Status.SIGNED_OFF

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return Status(self.status).is_editable

    @property
    def is_signed(self) -> bool:
        return Status(self.status).is_signed

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    def is_author(self, user: User) -> bool:
        return any(row.user_id == user.id for row in self.author_rows)

    @property
    def lead(self) -> User | None:
        """The lead author: the one named lead, else the longest-standing author."""
        authors = self.authors
        return next((u for u in authors if u.id == self.lead_id),
                    authors[0] if authors else None)

    @property
    def revision(self) -> Revision:
        return next(r for r in self.revisions if r.number == self.current_revision)


class AssessmentAuthor(db.Model):
    """The creator and the co-authors: the people who may edit and submit."""

    __tablename__ = "assessment_authors"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = timestamp(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class Revision(db.Model):
    """The answers of one round of an assessment, on the template version it started on."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    number: Mapped[int]
    template_version: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = timestamp(default=utcnow)
    updated_at: Mapped[datetime] = timestamp(default=utcnow)
    submitted_at: Mapped[datetime | None] = timestamp(nullable=True)
    frozen_at: Mapped[datetime | None] = timestamp(nullable=True)

    assessment: Mapped[Assessment] = relationship(back_populates="revisions")


class Event(db.Model):
    """An append-only audit event: who did what to which revision, and when."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_assessment_at", "assessment_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    revision: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[list] = mapped_column(JSON, default=list)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = timestamp(default=utcnow)

    actor: Mapped[User | None] = relationship()


class Signature(db.Model):
    """An authorised signature: the lead officer's at submission, the DEG chair's at sign-off."""

    __tablename__ = "signatures"
    __table_args__ = (UniqueConstraint("assessment_id", "revision", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    revision: Mapped[int]
    role: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = timestamp(default=utcnow)

    user: Mapped[User] = relationship()


class Thread(db.Model):
    """A conversation on one answer path (or, path None, the whole assessment): started by
    a DEG chair's comment, answered by the authors, resolved (or reopened) by the chair.
    It belongs to the assessment, so it carries over revisions (ehria.threads)."""

    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    path: Mapped[str | None] = mapped_column(String(200))
    revision: Mapped[int]  # the revision it was started on
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = timestamp(default=utcnow)
    resolved_at: Mapped[datetime | None] = timestamp(nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    comments: Mapped[list[Comment]] = relationship(
        back_populates="thread", order_by="Comment.id", lazy="selectin")

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


class Comment(db.Model):
    """A DEG chair's comment (general, or on one answer path) or an author's reply."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"), index=True)
    revision: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    path: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = timestamp(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")
    thread: Mapped[Thread | None] = relationship(back_populates="comments")


class SignedRecord(db.Model):
    """The frozen record of a signed-off revision, with the SHA-256 of its canonical JSON.

    Rows are written once at sign-off and never updated, except that the background
    worker fills in the PDF columns once, from empty (migrations 0002 and 0009).
    """

    __tablename__ = "signed_records"
    __table_args__ = (UniqueConstraint("assessment_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    revision: Mapped[int]
    canonical_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    full_pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    full_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    published_pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    published_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime] = timestamp(default=utcnow)


class Notification(db.Model):
    """An e-mail in the outbox: kept always, sent by SMTP when it is configured."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    to_email: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = timestamp(default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = timestamp(nullable=True)
    error: Mapped[str | None] = mapped_column(Text)


class RedactionPhrase(db.Model):
    """A further phrase an author or the DEG chair asked to remove from the published PDF."""

    __tablename__ = "redaction_phrases"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    phrase: Mapped[str] = mapped_column(Text)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = timestamp(default=utcnow)


class DraftDocument(db.Model):
    """The last rendering of a draft's PDF (full or depersonalised), reused while nothing
    printed on it has changed (`fingerprint`, ehria.draft_documents)."""

    __tablename__ = "draft_documents"
    __table_args__ = (
        UniqueConstraint("assessment_id", "kind", name="uq_draft_documents_assessment_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    kind: Mapped[str] = mapped_column(String(16))  # "full" or "depersonalised"
    fingerprint: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    rendered_at: Mapped[datetime] = timestamp(default=utcnow)


class FailedJob(db.Model):
    """A background job that failed on every retry, listed for admins to retry by hand.

    `task` names the job (ehria.jobs) and `subject_id` the row it works on, so the sweep
    that re-queues lost work leaves alone what already failed for good.
    """

    __tablename__ = "failed_jobs"
    __table_args__ = (Index("ix_failed_jobs_task_subject_id", "task", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(100))
    subject_id: Mapped[int]
    description: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int]
    failed_at: Mapped[datetime] = timestamp(default=utcnow)
    retried_at: Mapped[datetime | None] = timestamp(nullable=True)
    retried_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
