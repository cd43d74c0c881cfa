"""Departments, users and API tokens: creation and checking of credentials.

Passwords are kept as Werkzeug's salted scrypt hashes; API tokens are random 256-bit
secrets of which only the SHA-256 is kept (a fast hash is enough for a random secret).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ehria.extensions import db
from ehria.models import ApiToken, Department, User, UserRole
from ehria.roles import Role

MIN_PASSWORD_LENGTH = 10
# Checked against when no user matches, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why."""


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
    password: str,
    roles: Iterable[Role | str],
    department: str | None = None,
) -> User:
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError("Enter an e-mail address in the correct format.")
    if find_user(email):
        raise AccountError(f"A user with the e-mail {email} exists already.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
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
        password_hash=generate_password_hash(password),
        department=dept,
        role_rows=[UserRole(role=role.value) for role in sorted(role_set)],
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (taking the same time either way)."""
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User) -> str:
    """Make a new API token for `user`; the plain token is returned once and never stored."""
    token = "ehria_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token)))
    db.session.flush()
    return token


# Built once: every API request runs it, and a statement made afresh each time costs
# about as much CPU again as running it (construction and its cache key).
_USER_FOR_TOKEN = (
    select(User)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        User.active,
    )
    .options(joinedload(User.role_rows))  # LEFT OUTER JOIN user_roles
)


def user_for_token(token: str) -> User | None:
    """The active user holding this unrevoked token, or None.

    Every API request starts here, so the token, its user and the user's roles come in
    one statement (a join) rather than three.
    """
    return db.session.scalars(
        _USER_FOR_TOKEN, {"token_hash": hash_token(token)}
    ).unique().one_or_none()


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
    user.active = active
    db.session.flush()


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))


def all_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))
