"""Tables for the protections of ehria.security (kept apart from ehria.models).

Failed sign-ins are counted in the database, not in a worker's memory, so the limit holds
however many gunicorn workers there are. Only keyed hashes of the e-mail address and the
client address are kept: no one's typing (a password pasted into the e-mail field, say)
is ever stored, and the table holds no personal data in the clear.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehria.extensions import db
from ehria.models import timestamp, utcnow


class SignInAttempt(db.Model):
    """One failed sign-in: HMAC-SHA256 of the normalised e-mail and of the client address."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_email_at", "email_hash", "at"),
        Index("ix_sign_in_attempts_address_at", "address_hash", "at"),
        Index("ix_sign_in_attempts_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64))
    address_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = timestamp(default=utcnow)


class UserSession(db.Model):
    """A signed-in session of the pages (ehria.sessions): only its token's SHA-256 is kept.

    The row is the session's right to exist: deleting it signs that browser out, whatever
    copy of the cookie anyone holds.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = timestamp(default=utcnow, index=True)


class PendingSignIn(db.Model):
    """A council-account sign-in under way (ehria.council_auth): what Authlib keeps between
    sending the browser to the provider and its return, kept here rather than in the
    cookie so that each can be used once only, whatever copy of the cookie is replayed.

    `key_hash` is the SHA-256 of Authlib's key (which holds the `state`); `data` its JSON
    (the nonce, the PKCE code verifier, the redirect URI). Rows live minutes.
    """

    __tablename__ = "pending_sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = timestamp(index=True)
