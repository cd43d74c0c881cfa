"""Who may see and do what: the access policy, plain functions of a user and an assessment
(the routes' decorators that apply it are in ehria.route_access)."""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, false, or_, select

from ehria.models import Assessment, AssessmentAuthor, Revision, User
from ehria.roles import Role
from ehria.statuses import SEEN_BY_CHAIRS, SEEN_BY_WEB_TEAM


def is_chair_of(user: User, assessment: Assessment) -> bool:
    return user.has_role(Role.DEG_CHAIR) and user.department_id == assessment.department_id


def can_see(user: User, assessment: Assessment) -> bool:
    if user.has_role(Role.ADMIN) or assessment.is_author(user):
        return True
    if is_chair_of(user, assessment) and assessment.status in SEEN_BY_CHAIRS:
        return True
    return user.has_role(Role.WEB_TEAM) and assessment.status in SEEN_BY_WEB_TEAM


def reads_in_full(user: User, assessment: Assessment) -> bool:
    """Its authors, its department's DEG chairs and admins read the whole assessment: the
    answers as written, the full PDF, the audit history. The web team works from the
    depersonalised version only (design/PRODUCT.md: the audit trail is for the authors,
    the chair and admins; the full document is for the department)."""
    return (user.has_role(Role.ADMIN) or assessment.is_author(user)
            or is_chair_of(user, assessment))


def visible_revision(user: User, assessment: Assessment) -> Revision:
    """The revision `user` reads: the working one for its authors (and admins); for
    everyone else the latest one submitted, so that what the officer changes after a
    return stays private until it is submitted again (the chair keeps reading what they
    returned)."""
    current = assessment.revision
    if current.submitted_at is not None or assessment.is_author(user) or user.has_role(
            Role.ADMIN):
        return current
    submitted = [r for r in assessment.revisions if r.submitted_at is not None]
    return submitted[-1] if submitted else current


def visible_revisions(user: User, assessment: Assessment) -> list[Revision]:
    """The revisions `user` may compare in the revision history, oldest first."""
    last = visible_revision(user, assessment).number
    return [r for r in assessment.revisions if r.number <= last]


def can_edit_answers(user: User, assessment: Assessment) -> bool:
    """Authors may edit; whether the status allows it is the workflow's question."""
    return assessment.is_author(user)


def visible_assessments(user: User) -> Select[tuple[Assessment]]:
    """The assessments `user` may see, as a query (the same rule as `can_see`)."""
    if user.has_role(Role.ADMIN):
        return select(Assessment)
    is_author = exists().where(
        AssessmentAuthor.assessment_id == Assessment.id, AssessmentAuthor.user_id == user.id
    )
    chair = (
        and_(
            Assessment.department_id == user.department_id,
            Assessment.status.in_(SEEN_BY_CHAIRS),
        )
        if user.has_role(Role.DEG_CHAIR) and user.department_id
        else false()
    )
    web_team = (
        Assessment.status.in_(SEEN_BY_WEB_TEAM)
        if user.has_role(Role.WEB_TEAM)
        else false()
    )
    return select(Assessment).where(or_(is_author, chair, web_team))
