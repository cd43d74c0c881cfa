"""Creating assessments and changing their answers, with validation, optimistic locking
and an audit event for every change. No request objects here: views and the API call in.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ehria.answers import changed_paths, deep_merge, validate_answers
from ehria.extensions import db
from ehria.form import CURRENT_VERSION, FormDefinition, load_definition
from ehria.form.paths import get_path
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
from ehria.statuses import Status


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


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def start_messages(definition: FormDefinition) -> dict[str, str]:
    """What to say when the answers an assessment cannot start without are missing."""
    fields = definition.assessment
    return {
        fields.name: f"Enter the {_lower_first(definition.field(fields.name).label)}",
        fields.department: f"Choose the {_lower_first(definition.field(fields.department).label)}",
    }


def _carried_facts_changed(definition: FormDefinition, before: dict, after: dict
                           ) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field in definition.fields():
        if field.kind.carries_actions:
            found.update(field.kind.changed_facts(
                field, get_path(before, field.path), get_path(after, field.path)))
    return found


def _start_requirements(answers: dict, definition: FormDefinition) -> dict[str, list[str]]:
    """Its name and department (the template's `assessment:` block): an assessment is
    routed and listed by them."""
    return {path: [message] for path, message in start_messages(definition).items()
            if not str(get_path(answers, path) or "").strip()}


def starting_answers(definition: FormDefinition, name: str, department: str,
                     lead_officer: str) -> dict:
    """The answers a new assessment starts with: its name and department as given, and
    the starting officer as its lead officer (where the template has one)."""
    answers: dict = {}
    values = {definition.assessment.name: name, definition.assessment.department: department}
    if definition.assessment.lead_officer:
        values[definition.assessment.lead_officer] = lead_officer
    for path, value in values.items():
        section, key = path.split(".", 1)
        answers.setdefault(section, {})[key] = value
    return answers


def create_assessment(author: User, answers: dict,
                      template_version: str = CURRENT_VERSION) -> Assessment:
    """Start a draft on a template version; its name and department are needed to route
    it."""
    definition = load_definition(template_version)
    departments = Departments()
    _check_answers(answers, template_version, departments)
    missing = _start_requirements(answers, definition)
    if missing:
        raise InvalidAnswers("Its name and department are needed to start.", missing)
    department = departments.get(get_path(answers, definition.assessment.department))
    now = utcnow()
    assessment = Assessment(
        department=department,
        created_by=author,
        lead_id=author.id,
        status=Status.DRAFT,
        current_revision=1,
        policy_name=str(get_path(answers, definition.assessment.name)),
        created_at=now,
        updated_at=now,
        author_rows=[AssessmentAuthor(user=author, added_at=now)],
    )
    assessment.revisions.append(
        Revision(number=1, template_version=template_version, answers=answers, created_at=now)
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
    if not assessment.is_editable:
        raise NotEditable(f"An assessment that is {assessment.status_label.lower()} cannot "
                          "be edited.")
    revision = assessment.revision
    definition = load_definition(revision.template_version)
    previous = revision.answers
    merged = deep_merge(previous, patch)
    departments = Departments(known=assessment.department)
    _check_answers(merged, revision.template_version, departments)
    if carried := _carried_facts_changed(definition, previous, merged):
        raise InvalidAnswers("What a review carries from the tracked actions cannot be "
                             "changed.", carried)
    changes = changed_paths(revision.answers, merged, within=patch)
    if not changes:
        return []
    missing = _start_requirements(merged, definition)
    if missing:
        raise InvalidAnswers("Its name and department cannot be cleared.", missing)
    department = departments.get(get_path(merged, definition.assessment.department))
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
    assessment.policy_name = str(get_path(merged, definition.assessment.name) or "")
    assessment.department = department
    assessment.updated_at = now
    # The old and new answer of each path, so the history page can say them in words.
    record_event(assessment, actor, "answers_changed", changes, detail={"values": {
        path: [get_path(previous, path), get_path(merged, path)] for path in changes}})
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
