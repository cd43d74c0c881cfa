"""E-mails to the people who act next. Each is written to the outbox table in the same
transaction as the transition; the background worker sends it after the commit
(ehria.jobs, ehria.outbox), so a failure to send can never undo or fail a transition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import func, select

from ehria.extensions import db
from ehria.models import Assessment, Notification, User, UserRole
from ehria.roles import ROLE_LABELS, Role

MESSAGES = {
    "submitted": (
        "{reference} submitted for scrutiny: {policy}",
        "{actor} submitted the equality and human rights impact assessment "
        "\"{policy}\" ({reference}) for scrutiny by the {department} DEG.",
    ),
    "returned": (
        "{reference} returned with comments: {policy}",
        "{actor} returned \"{policy}\" ({reference}) with comments. Please read them, "
        "change the assessment and submit it again.",
    ),
    "signed_off": (
        "{reference} signed off: {policy}",
        "{actor} signed off \"{policy}\" ({reference}). It is ready for the web team "
        "to publish.",
    ),
    "published": (
        "{reference} published: {policy}",
        "\"{policy}\" ({reference}) has been published{where}.",
    ),
}


# E-mails to one person about their part in an assessment (ehria.co_authors, ehria.threads).
PERSONAL_MESSAGES = {
    "co_author_added": (
        "You can now work on {reference}: {policy}",
        "{actor} added you as an author of the equality and human rights impact "
        "assessment \"{policy}\" ({reference}). You can see and change it as they can: "
        "sign in to EHRIA and open it from your assessments.",
    ),
    "co_author_removed": (
        "You no longer work on {reference}: {policy}",
        "{actor} removed you from the authors of \"{policy}\" ({reference}). You can no "
        "longer see or change it.",
    ),
    "lead_handed_over": (
        "You now lead {reference}: {policy}",
        "{actor} handed the lead of \"{policy}\" ({reference}) to you. The key details "
        "now name you as its lead officer ({detail}).",
    ),
    "thread_reply": (
        "New reply on {reference}: {policy}",
        "{actor} replied to a comment on \"{policy}\" ({reference}): \"{detail}\"",
    ),
}


def queue_to(assessment: Assessment, user: User, kind: str, actor: User,
             detail: str = "") -> list[Notification]:
    """Add one person's outbox message (committed with the change it tells of); none to
    the person who made the change, or to a switched-off account."""
    if user.id == actor.id or not user.active:
        return []
    subject, body = PERSONAL_MESSAGES[kind]
    values = {"reference": assessment.reference or "", "policy": assessment.policy_name,
              "actor": actor.name, "detail": detail}
    message = Notification(assessment_id=assessment.id, to_email=user.email,
                           subject=subject.format(**values), body=body.format(**values))
    db.session.add(message)
    return [message]


def _users_with_role(role: Role, department_id: int | None = None) -> list[User]:
    statement = (
        select(User).join(UserRole).where(UserRole.role == role.value, User.active.is_(True))
    )
    if department_id is not None:
        statement = statement.where(User.department_id == department_id)
    return list(db.session.scalars(statement))


def recipients(assessment: Assessment, action: str) -> list[User]:
    """Who acts next after `action`."""
    authors = [user for user in assessment.authors if user.active]
    if action == "submitted":
        return _users_with_role(Role.DEG_CHAIR, assessment.department_id)
    if action == "signed_off":
        return authors + _users_with_role(Role.WEB_TEAM)
    if action in ("returned", "published"):
        return authors
    return []


def _unique(users: Iterable[User], actor: User) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user.id != actor.id:
            seen.setdefault(user.id, user)
    return list(seen.values())


def queue(assessment: Assessment, action: str, actor: User) -> list[Notification]:
    """Add the outbox messages for a transition to the session (committed with it)."""
    subject, body = MESSAGES[action]
    values: Mapping[str, str] = {
        "reference": assessment.reference or "",
        "policy": assessment.policy_name,
        "department": assessment.department.name,
        "actor": actor.name,
        "where": f" at {assessment.published_url}" if assessment.published_url else "",
    }
    messages = [
        Notification(
            assessment_id=assessment.id,
            to_email=user.email,
            subject=subject.format(**values),
            body=body.format(**values),
        )
        for user in _unique(recipients(assessment, action), actor)
    ]
    db.session.add_all(messages)
    return messages


def _role_words(roles: Iterable[Role]) -> str:
    return ", ".join(sorted(ROLE_LABELS[role] for role in roles))


def queue_new_council_user(user: User, withheld: Iterable[Role] = ()) -> list[Notification]:
    """Tell every active admin that someone's first sign-in with their council account
    has made them an account, and what (if anything) they still need from an admin.
    Added to the session, to be committed with the new user."""
    withheld = set(withheld)
    who = f"{user.name} ({user.email})"
    if user.roles:
        subject = f"New user signed in: {user.name}"
        body = (f"{who} signed in to EHRIA with their council account for the first time. "
                f"Their council groups made them: {_role_words(user.roles)}.")
    else:
        subject = f"New user needs access: {user.name}"
        body = (f"{who} signed in to EHRIA with their council account for the first time. "
                "They cannot do anything yet: an administrator must give them a role "
                "(Administration, User accounts).")
    if withheld:
        body += (f" Their council groups make them {_role_words(withheld)}, which needs a "
                 "department: give them one (Administration, User accounts) and they get "
                 "the role when they next sign in.")
    messages = [
        Notification(to_email=admin.email, subject=subject, body=body)
        for admin in _users_with_role(Role.ADMIN) if admin.id != user.id
    ]
    db.session.add_all(messages)
    return messages


def failed_count() -> int:
    """E-mails that could not be sent, for the outbox page's warning."""
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.error.is_not(None))
    ) or 0
