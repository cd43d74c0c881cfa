"""Creating assessments and changing their answers, with validation, optimistic locking
and an audit event for every change. No request objects here: views and the API call in.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ehria.answers import changed_paths, deep_merge, validate_answers
from ehria.extensions import db
from ehria.form import CURRENT_VERSION, load_definition
from ehria.models import (
    Assessment,
    AssessmentAuthor,
    Department,
    Event,
    Revision,
    User,
    utcnow,
)
from ehria.screening import ScreeningOutcome, screen

EDITABLE_STATUSES = ("draft", "returned")


class AssessmentError(Exception):
    """Base of the refusals below; each carries a message fit for the person who asked."""

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidAnswers(AssessmentError):
    """Answers that break the form's rules; `fields` names each bad path."""


class StaleVersion(AssessmentError):
    """Someone else saved since the version the caller had; nothing was overwritten."""


class NotEditable(AssessmentError):
    """The assessment is not in a state in which its answers may change."""


def version_tag(assessment: Assessment) -> str:
    """The opaque version clients send back in If-Match (also the ETag)."""
    return str(assessment.lock_version)


def record_event(
    assessment: Assessment,
    actor: User | None,
    action: str,
    changes: list[str] | None = None,
    detail: dict | None = None,
) -> Event:
    event = Event(
        assessment_id=assessment.id,
        revision=assessment.current_revision,
        actor_id=actor.id if actor is not None else None,
        action=action,
        changes=changes or [],
        detail=detail or {},
    )
    db.session.add(event)
    return event


class Departments:
    """The configured departments, as `validate_answers` asks about them: each name looked
    up at most once, and the assessment's own department (loaded with it) not at all, so
    a save that keeps the department costs no department query."""

    def __init__(self, known: Department | None = None) -> None:
        self._by_name: dict[str, Department | None] = {known.name: known} if known else {}

    def get(self, name: str) -> Department | None:
        """The department called exactly `name`, or None."""
        if name not in self._by_name:
            self._by_name[name] = db.session.scalar(
                select(Department).where(Department.name == name)
            )
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None


def _check_answers(answers: object, template_version: str, departments: Departments) -> None:
    errors = validate_answers(answers, load_definition(template_version), departments)
    if errors:
        raise InvalidAnswers("Some answers are not valid.", errors)


START_REQUIREMENTS = {
    "policy_name": "Enter the name of the policy being assessed",
    "department": "Choose the department",
}


def _start_requirements(answers: dict) -> dict[str, list[str]]:
    """The policy name and department: an assessment is routed and listed by them."""
    key_details = answers.get("key_details") or {}
    return {
        f"key_details.{key}": [message]
        for key, message in START_REQUIREMENTS.items()
        if not str(key_details.get(key) or "").strip()
    }


def create_assessment(author: User, answers: dict) -> Assessment:
    """Start a draft; the policy name and department are needed to route it."""
    departments = Departments()
    _check_answers(answers, CURRENT_VERSION, departments)
    missing = _start_requirements(answers)
    if missing:
        raise InvalidAnswers("The policy name and department are needed to start.", missing)
    key_details = answers["key_details"]
    department = departments.get(key_details["department"])
    now = utcnow()
    assessment = Assessment(
        department=department,
        created_by=author,
        status="draft",
        current_revision=1,
        policy_name=key_details["policy_name"],
        created_at=now,
        updated_at=now,
        author_rows=[AssessmentAuthor(user=author, added_at=now)],
    )
    assessment.revisions.append(
        Revision(number=1, template_version=CURRENT_VERSION, answers=answers, created_at=now)
    )
    db.session.add(assessment)
    db.session.flush()
    assessment.reference = f"EHRIA-{now.year}-{assessment.id:04d}"
    record_event(assessment, author, "created", changed_paths({}, answers))
    db.session.flush()
    return assessment


def update_answers(
    assessment: Assessment, actor: User, patch: dict, expected_version: str
) -> list[str]:
    """Merge `patch` into the current answers; returns the paths that changed.

    Refuses, changing nothing, when the caller's version is stale, the status does not
    allow edits, or the merged answers are invalid.
    """
    if expected_version != version_tag(assessment):
        raise StaleVersion(
            "This assessment was changed by someone else since you loaded it. "
            "Reload it to see their changes."
        )
    if assessment.status not in EDITABLE_STATUSES:
        raise NotEditable(f"An assessment that is {assessment.status} cannot be edited.")
    revision = assessment.revision
    merged = deep_merge(revision.answers, patch)
    departments = Departments(known=assessment.department)
    _check_answers(merged, revision.template_version, departments)
    changes = changed_paths(revision.answers, merged, within=patch)
    if not changes:
        return []
    missing = _start_requirements(merged)
    if missing:
        raise InvalidAnswers("The policy name and department cannot be cleared.", missing)
    department = departments.get(merged["key_details"]["department"])
    now = utcnow()
    if revision.submitted_at is not None:
        # Returned after scrutiny: the officer's changes make a new revision, so what the
        # chair read stays as it was.
        revision = Revision(
            number=revision.number + 1, template_version=revision.template_version,
            created_at=now,
        )
        assessment.revisions.append(revision)
        assessment.current_revision = revision.number
    revision.answers = merged
    revision.updated_at = now
    assessment.policy_name = (merged.get("key_details") or {}).get("policy_name") or ""
    assessment.department = department
    assessment.updated_at = now
    record_event(assessment, actor, "answers_changed", changes)
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleVersion(
            "Someone else saved this assessment at the same moment. Reload it to see "
            "their changes."
        ) from error
    return changes


def screening_outcome(assessment: Assessment) -> ScreeningOutcome:
    revision = assessment.revision
    return screen(revision.answers, load_definition(revision.template_version))


@dataclass(frozen=True)
class Page:
    items: list[Assessment]
    page: int
    per_page: int
    total: int
