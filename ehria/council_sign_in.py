"""Who a council account is, and which user it signs in: the claims of a validated ID
token → a person (subject, verified e-mail, groups) → a user matched, linked or made, with
the roles their groups give.

The token itself is checked before this (ehria.council_auth: signature, issuer, audience,
expiry, nonce); this module decides what the council allows. Every refusal is a
`SignInRefused` with a reason for the log and a message for the person, raised before
anything is written, so a refusal never signs anyone in.

Matching: the provider's stable subject (Entra ID's `oid`, else `sub`) once linked; before
that the verified e-mail address, which links the account. Nobody else is matched: an
account already linked to another council account is refused, never taken over.

Pure domain: the database, no request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ehria import notifications
from ehria.accounts import NO_PASSWORD, find_department, find_user, normalise_email
from ehria.council_settings import CouncilSignInSettings
from ehria.extensions import db
from ehria.models import Notification, User, UserRole
from ehria.roles import Role

NEEDS_DEPARTMENT = frozenset({Role.LEAD_OFFICER, Role.DEG_CHAIR})
MAX_NAME_LENGTH = 200


class SignInRefused(Exception):
    """The council account may not sign in. `reason` is logged (never a token or claim
    value); `message` is shown; `email` is the token's address, when it was read, for the
    sign-in limit."""

    def __init__(self, reason: str, message: str, status: int = 400,
                 email: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.status = status
        self.email = email


TRY_AGAIN = "Go back to the sign-in page and try again."


def unverified(reason: str) -> SignInRefused:
    """The token, or the way it came back, could not be trusted."""
    return SignInRefused(
        reason, "Your council account's sign-in could not be checked, so you have not been "
        f"signed in. {TRY_AGAIN} If it happens again, contact the IT service desk.")


@dataclass(frozen=True)
class CouncilIdentity:
    """What a validated ID token says about the person."""

    issuer: str
    subject: str
    email: str
    name: str
    groups: tuple[str, ...] | None  # None when no role claim is configured
    department: str | None = None


@dataclass
class CouncilSignIn:
    """The user signed in, whether their account was made just now, and the roles their
    groups give that they cannot hold yet for want of a department."""

    user: User
    created: bool
    withheld: frozenset[Role] = frozenset()
    notifications: list[Notification] = field(default_factory=list)


def _true(value: Any) -> bool:
    """True, 1, "true" or "1": providers write booleans in each of these ways."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return value is True or (type(value) is int and value == 1)


def email_is_verified(claims: dict[str, Any]) -> bool:
    """`email_verified` (standard OpenID Connect), or Entra ID's optional claim `xms_edov`
    (the e-mail's domain is verified by its owner): Entra ID sends no `email_verified`."""
    return _true(claims.get("email_verified")) or _true(claims.get("xms_edov"))


def _one_line(value: Any, limit: int) -> str:
    return " ".join(str(value).split())[:limit] if value is not None else ""


def _groups(claims: dict[str, Any], claim: str) -> tuple[str, ...]:
    value = claims.get(claim)
    if value is None:
        names = claims.get("_claim_names")
        if isinstance(names, dict) and claim in names:
            # Entra ID's "overage": too many groups for the token, which then only says
            # where to fetch them. Guessing (no groups, so no roles) would be wrong.
            raise SignInRefused(
                "groups_overage", "Your council account belongs to too many groups for "
                "EHRIA to read which roles you have. Ask an administrator to limit the "
                "groups sent to EHRIA to those assigned to it.", 403)
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    raise unverified("groups_not_a_list")


def identity_from_claims(claims: dict[str, Any], settings: CouncilSignInSettings
                         ) -> CouncilIdentity:
    """The person the validated claims name, if the council lets them in at all."""
    subject = claims.get("oid") or claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise unverified("no_subject")
    raw_email = claims.get("email")
    if not isinstance(raw_email, str) or "@" not in raw_email:
        raise SignInRefused(
            "no_email", "Your council account did not give EHRIA your e-mail address, so "
            "you cannot sign in with it. Contact the IT service desk.", 403)
    email = normalise_email(raw_email)
    if not email_is_verified(claims):
        raise SignInRefused(
            "email_not_verified", "Your council account did not confirm that your e-mail "
            f"address {email} is yours, so you cannot sign in with it. Contact the IT "
            "service desk.", 403, email)
    if not settings.allows(email):
        raise SignInRefused(
            "domain_not_allowed", f"You cannot sign in with an e-mail address at "
            f"{email.rpartition('@')[2]}. Sign in with your council account.", 403, email)
    department = claims.get(settings.department_claim) if settings.department_claim else None
    return CouncilIdentity(
        issuer=settings.issuer,
        subject=subject,
        email=email,
        name=_one_line(claims.get("name"), MAX_NAME_LENGTH) or email.partition("@")[0],
        groups=_groups(claims, settings.role_claim) if settings.role_claim else None,
        department=_one_line(department, 200) or None,
    )


def roles_for_groups(groups: tuple[str, ...], role_map) -> frozenset[Role]:
    """The roles the configured map gives these groups."""
    return frozenset(role for group in groups for role in role_map.get(group, ()))


def _linked_user(identity: CouncilIdentity) -> User | None:
    return db.session.scalar(select(User).where(
        User.oidc_issuer == identity.issuer, User.oidc_subject == identity.subject))


def _refuse_inactive(user: User, email: str) -> None:
    if not user.active:
        raise SignInRefused(
            "deactivated", "Your EHRIA account has been deactivated, so you cannot sign in. "
            "If you need to use EHRIA again, ask an administrator.", 403, email)


def _match(identity: CouncilIdentity) -> tuple[User, bool]:
    """The user this council account is, linking an unlinked account by its e-mail
    address or making a new one with no roles; (user, made just now)."""
    user = _linked_user(identity)
    if user is not None:
        _refuse_inactive(user, identity.email)
        return user, False
    user = find_user(identity.email)
    if user is not None:
        _refuse_inactive(user, identity.email)
        if user.oidc_subject is not None:
            raise SignInRefused(
                "linked_to_another_account", f"The EHRIA account for {identity.email} is "
                "linked to a different council account, so you cannot sign in with this "
                "one. Ask an administrator.", 403, identity.email)
        user.oidc_issuer, user.oidc_subject = identity.issuer, identity.subject
        return user, False
    user = User(email=identity.email, name=identity.name, password_hash=NO_PASSWORD,
                oidc_issuer=identity.issuer, oidc_subject=identity.subject, role_rows=[])
    db.session.add(user)
    return user, True


def _follow_email(user: User, email: str) -> None:
    """A linked person's e-mail address changed in the directory: follow it, unless
    another account has that address (then the old one stays; the subject is who they
    are)."""
    if user.email == email:
        return
    taken = db.session.scalar(select(func.count()).select_from(User).where(
        func.lower(User.email) == email, User.id != user.id))
    if not taken:
        user.email = email


def _set_roles(user: User, roles: frozenset[Role]) -> None:
    """Exactly these roles: rows for others go, missing ones are added."""
    user.role_rows = [row for row in user.role_rows if Role(row.role) in roles] + [
        UserRole(role=role.value) for role in sorted(roles - user.roles)]


def _apply_directory(user: User, identity: CouncilIdentity,
                     settings: CouncilSignInSettings) -> frozenset[Role]:
    """The department and roles the directory gives; returns the roles withheld for want
    of a department."""
    if identity.department:
        department = find_department(identity.department)
        if department is not None:
            user.department = department
    if identity.groups is None:
        return frozenset()  # no role claim: roles are the admins' to give, and stay
    wanted = roles_for_groups(identity.groups, settings.role_map)
    withheld = wanted & NEEDS_DEPARTMENT if user.department is None else frozenset()
    _set_roles(user, wanted - withheld)
    return withheld


def _sign_in(identity: CouncilIdentity, settings: CouncilSignInSettings) -> CouncilSignIn:
    user, created = _match(identity)
    if not created:
        _follow_email(user, identity.email)
    withheld = _apply_directory(user, identity, settings)
    db.session.flush()
    messages = notifications.queue_new_council_user(user, withheld) if created else []
    return CouncilSignIn(user, created, withheld, messages)


def sign_in_identity(identity: CouncilIdentity, settings: CouncilSignInSettings
                     ) -> CouncilSignIn:
    """Match (or make) the user and bring their roles up to date; flushed, not committed.

    Two first sign-ins of one person at once would both make the account: the second
    meets the unique e-mail or subject, and then finds the account the first one made.
    """
    try:
        return _sign_in(identity, settings)
    except IntegrityError:
        db.session.rollback()
        return _sign_in(identity, settings)
