"""Improvement-plan tracking (issue 15): each action of a signed-off plan, carried out.

At sign-off every row of the plan the template names (`assessment: action_plan:`) becomes
a tracked action. Its authors, the responsible officer when they are a user, and the
department's DEG chairs change its status with a dated note; each change is an audit
event. "Dropped" needs a reason; a stale version is refused, never overwritten.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm.exc import StaleDataError

from ehria.assessments import record_event
from ehria.extensions import db
from ehria.form import FormDefinition
from ehria.form.paths import get_path
from ehria.form.types.scalars import date_in_words
from ehria.models import Assessment, AssessmentAuthor, Department, User, utcnow
from ehria.models_actions import ActionNote, TrackedAction
from ehria.roles import Role

STATUSES = {"not_started": "Not started", "in_progress": "In progress", "done": "Done",
            "dropped": "Dropped"}
OPEN = ("not_started", "in_progress")
NOTE_LIMIT = 5000


class ActionRefused(Exception):
    def __init__(self, message: str, status: int, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


@dataclass(frozen=True)
class Filters:
    department: str | None = None
    status: str | None = None
    overdue: bool = False
    officer: str | None = None


def parse_due(text: str) -> date | None:
    """The date "By when" says, when it says one (it may be words, "Spring 2027")."""
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def due_date(action: TrackedAction) -> date | None:
    """The due date when "By when" is a date (it may be words, "Spring 2027")."""
    return parse_due(action.due)


def is_overdue(action: TrackedAction, today: date) -> bool:
    due = due_date(action)
    return action.status in OPEN and due is not None and due < today


def track_plan(assessment: Assessment, definition: FormDefinition,
               answers: Mapping[str, Any]) -> list[TrackedAction]:
    """The tracked actions of a revision being signed off (none if the form has no plan)."""
    plan = definition.assessment.action_plan
    if plan is None:
        return []
    rows = get_path(answers, plan.answer) or []
    made = []
    for position, row in enumerate(r for r in rows if isinstance(r, Mapping)):
        def cell(key: str | None, row: Mapping[str, Any] = row) -> str:
            return str(row.get(key) or "") if key else ""

        due = cell(plan.due)[:200]
        made.append(TrackedAction(
            assessment_id=assessment.id, revision=assessment.current_revision,
            position=position, objective=cell(plan.objective), action=cell(plan.action),
            target=cell(plan.target), officer=cell(plan.officer), due=due,
            due_on=parse_due(due)))
    db.session.add_all(made)
    return made


def may_update(user: User, action: TrackedAction) -> bool:
    assessment = action.assessment
    if assessment.is_author(user):
        return True
    if user.has_role(Role.DEG_CHAIR) and user.department_id == assessment.department_id:
        return True
    named = action.officer.casefold()
    return bool(named) and (user.name.casefold() in named or user.email.casefold() in named)


def may_read(user: User, action: TrackedAction) -> bool:
    """Admins, those who may update it, and the lead officers of its department; the web
    team has no business with a plan's progress."""
    if user.has_role(Role.ADMIN) or may_update(user, action):
        return True
    return user.has_role(Role.LEAD_OFFICER) and (
        user.department_id is not None
        and user.department_id == action.assessment.department_id)


def visible_actions(user: User, filters: Filters) -> Select[tuple[TrackedAction]]:
    """The actions `user` may read, filtered; an admin's are every department's."""
    query = select(TrackedAction).join(Assessment, Assessment.id ==
                                       TrackedAction.assessment_id)
    if not user.has_role(Role.ADMIN):
        # their department's, and those of assessments they are an author of (a co-author
        # from another department updates them too)
        authored = select(AssessmentAuthor.assessment_id).where(
            AssessmentAuthor.user_id == user.id)
        query = query.where(or_(Assessment.department_id == user.department_id,
                                Assessment.id.in_(authored)))
    if filters.department:
        query = query.join(Department, Department.id == Assessment.department_id).where(
            Department.name == filters.department)
    if filters.status:
        query = query.where(TrackedAction.status == filters.status)
    return query.order_by(TrackedAction.assessment_id, TrackedAction.position)


def listed(user: User, filters: Filters, today: date) -> list[TrackedAction]:
    actions = list(db.session.scalars(visible_actions(user, filters)))
    if filters.overdue:
        actions = [a for a in actions if is_overdue(a, today)]
    if filters.officer:
        actions = [a for a in actions if filters.officer.casefold() in a.officer.casefold()]
    return actions


def version_tag(action: TrackedAction) -> str:
    return str(action.lock_version)


def update_action(action: TrackedAction, user: User, status: object, note: object,
                  expected_tag: str | None) -> TrackedAction:
    """A new status and note; refused with the field named, changing nothing."""
    if not may_update(user, action):
        raise ActionRefused("Only the assessment's authors, the officer responsible and the "
                            "department's DEG chair may update its actions.", 403)
    if status not in STATUSES:
        raise ActionRefused(f"Status must be one of {', '.join(STATUSES)}.", 422, "status")
    text = note.strip() if isinstance(note, str) else ""
    if note is not None and not isinstance(note, str):
        raise ActionRefused("A note is text.", 422, "note")
    if len(text) > NOTE_LIMIT:
        raise ActionRefused(f"A note is at most {NOTE_LIMIT} characters.", 422, "note")
    if status == "dropped" and not text:
        raise ActionRefused("Say why the action is dropped, in the note.", 422, "note")
    if status == action.status and not text:
        raise ActionRefused("Change the status or write a note.", 422, "note")
    if expected_tag is None:
        raise ActionRefused("Send If-Match with the version you last read.", 428)
    if expected_tag != version_tag(action):
        raise ActionRefused("Someone else updated this action since you loaded it. Reload "
                            "it to see their update; nothing was saved.", 412)
    before = action.status
    action.status, action.updated_at = str(status), utcnow()
    action.notes.append(ActionNote(by_id=user.id, status=str(status), text=text))
    record_event(action.assessment, user, "action_updated", [],
                 {"action": action.id, "from": before, "to": status, "note": text})
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise ActionRefused("Someone else updated this action at the same moment; nothing "
                            "was saved.", 412) from error
    return action


def action_dict(action: TrackedAction) -> dict[str, Any]:
    return {"id": action.id, "assessment_id": action.assessment_id,
            "objective": action.objective, "action": action.action, "target": action.target,
            "officer": action.officer, "due": action.due, "status": action.status,
            "notes": [{"at": n.at.isoformat(), "by": n.by.name if n.by else None,
                       "text": n.text, "status": n.status} for n in action.notes],
            "version": version_tag(action)}


def carried_actions(assessment: Assessment, revision: int) -> list[dict[str, str]]:
    """What became of each action of a signed revision's plan, in words, for the review
    that follows it: the facts a `previous_actions` field shows."""
    actions = db.session.scalars(select(TrackedAction).where(
        TrackedAction.assessment_id == assessment.id, TrackedAction.revision == revision)
        .order_by(TrackedAction.position))
    return [{"objective": a.objective, "action": a.action, "target": a.target,
             "officer": a.officer, "due": a.due, "status": STATUSES.get(a.status, a.status),
             "outcome": "\n".join(f"{date_in_words(n.at.date().isoformat())}: {n.text}"
                                  for n in a.notes if n.text)}
            for a in actions]


def answers_for_review(definition: FormDefinition, answers: Mapping[str, Any],
                       actions: list[dict[str, str]]) -> dict[str, Any]:
    """A review's first answers: the published ones, with every field that carries
    actions filled afresh from `actions` (an earlier review's updates are not carried)."""
    started = copy.deepcopy(dict(answers))
    for field in definition.fields():
        if field.kind.carries_actions:
            section, key = field.path.split(".", 1)
            started.setdefault(section, {}).pop(key, None)
            if (rows := field.kind.carried(field, actions)) is not None:
                started[section][key] = rows
            if not started[section]:
                del started[section]
    return started

