"""Signed-in sessions kept on the server, so that ending one really ends it.

The session cookie alone (Flask's, signed but held by the browser) cannot be taken back: a
copy made before signing out would still work. So signing in also makes a row here, and
the cookie carries a random session token whose SHA-256 the row keeps. A request is signed
in only while its token's row exists, has not outlived `EHRIA_SESSION_MAX_HOURS` since
sign-in, and belongs to an active user. Signing out deletes the row; deactivation, a
password change and "sign out everywhere" delete every row of the user.

Pure database work, no request: `ehria.auth` reads the token from the cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from ehria.extensions import db
from ehria.models import User, utcnow
from ehria.models_security import UserSession


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(user: User) -> str:
    """A new session of `user`; the token goes in the cookie, only its hash is stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token), created_at=utcnow()))
    db.session.flush()
    return token


# Built once, as every page request runs it: the user, their roles and the session row in
# one statement.
_USER_FOR_SESSION = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        User.id == bindparam("user_id"),
        UserSession.token_hash == bindparam("token_hash"),
        UserSession.created_at > bindparam("started_after"),
        User.active,
    )
    .options(joinedload(User.role_rows))
)


def user_for_session(user_id: int, token: str | None, max_age: timedelta) -> User | None:
    """The active user whose live session this token is, or None."""
    if not token:
        return None
    return db.session.scalars(_USER_FOR_SESSION, {
        "user_id": user_id, "token_hash": _hash(token), "started_after": utcnow() - max_age,
    }).unique().one_or_none()


def end_session(token: str | None) -> None:
    """End the session this token belongs to (signing out); no error if there is none."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_all_sessions(user: User) -> int:
    """End every session of `user`, wherever it was started; returns how many there were."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    return int(result.rowcount or 0)


def forget_expired_sessions(max_age: timedelta) -> None:
    """Delete the rows of sessions too old to be used again (run at each sign-in)."""
    started_before: datetime = utcnow() - max_age
    db.session.execute(delete(UserSession).where(UserSession.created_at <= started_before))


def live_session_count(user: User, max_age: timedelta) -> int:
    """How many sessions of `user` could still be used (shown on the admin's user page)."""
    return db.session.scalar(
        select(db.func.count()).select_from(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at > utcnow() - max_age)
    ) or 0
