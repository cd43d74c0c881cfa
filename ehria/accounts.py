"""Departments, users and API tokens: creation and checking of credentials.

Passwords are kept as Werkzeug's salted scrypt hashes; API tokens are random 256-bit
secrets of which only the SHA-256 is kept (a fast hash is enough for a random secret).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ehria.extensions import db
from ehria.models import ApiToken, Department, User, UserRole, utcnow
from ehria.roles import Role
from ehria.sessions import end_all_sessions

MIN_PASSWORD_LENGTH = 10
# The password hash of someone who signs in only with their council account: no password
# can ever match it (Werkzeug's hashes always hold "$"), and it is never empty.
NO_PASSWORD = "!council-account"  # noqa: S105 (a marker, not a password)


def _hash_password(password: str) -> str:
    """Werkzeug's salted scrypt at its own strength, unless PASSWORD_HASH_METHOD says
    otherwise (the tests' cheaper scrypt, so hundreds of sign-ins take seconds)."""
    return generate_password_hash(
        password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when no user matches, so a wrong e-mail costs as long as a wrong
    password."""
    return generate_password_hash("not-a-real-password", method=method)


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why, and
    `field` names the form field it is about, when it is about one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_department(name: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.name == name.strip()))


def department_names() -> list[str]:
    return list(db.session.scalars(select(Department.name).order_by(Department.name)))


def create_department(name: str) -> Department:
    name = name.strip()
    if not name:
        raise AccountError("A department needs a name.")
    if find_department(name):
        raise AccountError(f"The department {name!r} exists already.")
    department = Department(name=name)
    db.session.add(department)
    db.session.flush()
    return department


def find_user(email: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.email) == normalise_email(email))
    )


def create_user(
    email: str,
    name: str,
    password: str | None,
    roles: Iterable[Role | str],
    department: str | None = None,
) -> User:
    """A new account; with `password` None it has none (council-account sign-in only)."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError("Enter an e-mail address in the correct format.")
    if find_user(email):
        raise AccountError(f"A user with the e-mail {email} exists already.")
    if password is not None:
        _check_new_password(password)
    try:
        role_set = {Role(role) for role in roles}
    except ValueError as error:
        known = ", ".join(role.value for role in Role)
        raise AccountError(f"Unknown role; roles are: {known}.") from error
    if not role_set:
        raise AccountError("A user needs at least one role.")
    dept = None
    if department:
        dept = find_department(department)
        if dept is None:
            raise AccountError(f"No department is called {department!r}.")
    if {Role.LEAD_OFFICER, Role.DEG_CHAIR} & role_set and dept is None:
        raise AccountError("Lead officers and DEG chairs belong to a department.")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=_hash_password(password) if password is not None else NO_PASSWORD,
        department=dept,
        role_rows=[UserRole(role=role.value) for role in sorted(role_set)],
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (taking the same time either way)."""
    user = find_user(email)
    if user is None or not has_password(user):
        check_password_hash(
            _dummy_hash(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def has_password(user: User) -> bool:
    """Whether the user has a password of their own (not only a council account)."""
    return not user.password_hash.startswith("!")


def sign_in_methods(user: User) -> list[str]:
    """How the user signs in, in words for the admin's pages."""
    methods = []
    if user.oidc_subject:
        methods.append("Council account")
    if has_password(user):
        methods.append("Password")
    return methods


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, days: float | None = None) -> str:
    """Make a new API token for `user`, lapsing after `days` if given; the plain token is
    returned once and never stored."""
    if days is not None and days <= 0:
        raise AccountError("A token's lifetime must be a positive number of days.")
    token = "ehria_" + secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=days) if days is not None else None
    db.session.add(ApiToken(user=user, token_hash=hash_token(token), expires_at=expires_at))
    db.session.flush()
    return token


# Built once: every API request runs it, and a statement made afresh each time costs
# about as much CPU again as running it (construction and its cache key).
_USER_FOR_TOKEN = (
    select(User, ApiToken.id, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")),
        User.active,
    )
    .options(joinedload(User.role_rows))  # LEFT OUTER JOIN user_roles
)
# "Last used" is kept to within this much, so a busy token costs a write now and then
# rather than on every request.
LAST_USE_PRECISION = timedelta(minutes=10)


@dataclass(frozen=True)
class TokenHolder:
    """The user an API token belongs to, and whether its last use needs recording."""

    user: User
    token_id: int
    use_to_record: datetime | None


def user_for_token(token: str) -> TokenHolder | None:
    """The active user holding this unrevoked, unexpired token, or None.

    Every API request starts here, so the token, its user and the user's roles come in
    one statement (a join) rather than three.
    """
    now = utcnow()
    row = db.session.execute(
        _USER_FOR_TOKEN, {"token_hash": hash_token(token), "now": now}
    ).unique().one_or_none()
    if row is None:
        return None
    user, token_id, last_used = row
    stale = last_used is None or as_utc(last_used) < now - LAST_USE_PRECISION
    return TokenHolder(user, token_id, now if stale else None)


def record_token_use(holder: TokenHolder) -> None:
    """Note when the token was used, after the request's own work has been committed."""
    if holder.use_to_record is not None:
        db.session.execute(update(ApiToken).where(ApiToken.id == holder.token_id)
                           .values(last_used_at=holder.use_to_record))
        db.session.commit()


def tokens_of(user: User) -> list[ApiToken]:
    """A user's tokens, newest first (only hashes are stored: these are never shown)."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise AccountError("That token does not belong to this user.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()
    return token


def revoke_all_tokens(user: User) -> int:
    """Revoke every live token of `user`; returns how many were revoked."""
    result = db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()))
    return int(result.rowcount or 0)


def update_user(
    user: User, roles: Iterable[Role | str], department: str | None, active: bool
) -> None:
    """Change a user's roles, department and whether they may sign in.

    Nobody is ever deleted: a signature or audit event must keep pointing at its person,
    so leavers are deactivated instead.
    """
    try:
        role_set = {Role(role) for role in roles}
    except ValueError as error:
        raise AccountError("Unknown role.") from error
    if not role_set:
        raise AccountError("A user needs at least one role.")
    dept = find_department(department) if department else None
    if department and dept is None:
        raise AccountError(f"No department is called {department!r}.")
    if {Role.LEAD_OFFICER, Role.DEG_CHAIR} & role_set and dept is None:
        raise AccountError("Lead officers and DEG chairs belong to a department.")
    user.role_rows = [UserRole(role=role.value) for role in sorted(role_set)]
    user.department = dept
    if user.active and not active:
        end_all_sessions(user)  # a leaver is signed out of every browser at once
    user.active = active
    db.session.flush()


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")


def set_password(user: User, password: str) -> None:
    """Give `user` a new password and end every session they have (by anyone's hand)."""
    _check_new_password(password)
    user.password_hash = _hash_password(password)
    end_all_sessions(user)
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The user's own change: the current password must be right; every session ends
    (the caller starts a fresh one for the browser that made the change)."""
    if not check_password_hash(user.password_hash, current_password):
        raise AccountError("Your current password is not correct", "current_password")
    if new_password == current_password:
        raise AccountError("The new password must be different from the current one",
                           "new_password")
    set_password(user, new_password)


def as_utc(moment: datetime) -> datetime:
    """SQLite gives stored UTC times back without their zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))


def all_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))
