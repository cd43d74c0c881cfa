"""Programmes (issue 15): a name that groups assessments (a budget round, a service
redesign), so that their cumulative effect on one group is seen in one place (the insight
page filtered by it)."""

from __future__ import annotations

from ehria.assessments import record_event
from ehria.models import Assessment, User
from ehria.permissions import is_chair_of
from ehria.roles import Role

MAX_LENGTH = 200


class ProgrammeRefused(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def may_set_programme(user: User, assessment: Assessment) -> bool:
    return (assessment.is_author(user) or is_chair_of(user, assessment)
            or user.has_role(Role.ADMIN))


def set_programme(assessment: Assessment, user: User, name: object) -> str | None:
    """Put the assessment in a programme (None or empty text takes it out of one)."""
    if not may_set_programme(user, assessment):
        raise ProgrammeRefused("Only its authors, its department's DEG chair and "
                               "administrators may say which programme it is part of.", 403)
    if name is not None and not isinstance(name, str):
        raise ProgrammeRefused("A programme is named in text.", 422)
    text = " ".join((name or "").split())
    if len(text) > MAX_LENGTH:
        raise ProgrammeRefused(f"A programme's name is at most {MAX_LENGTH} characters.", 422)
    before, assessment.programme = assessment.programme, text or None
    if before != assessment.programme:
        record_event(assessment, user, "programme_set", [],
                     {"from": before, "to": assessment.programme})
    return assessment.programme
