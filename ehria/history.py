"""The readable history of an assessment: who changed what and when, the answers in words
(old and new), its transitions and signatures, for the history page and the full PDF's
appendix. Built from the audit events and the signatures; nothing new is stored here.

It is for those who read the assessment in full (ehria.permissions.reads_in_full) and ends
at the revision they may read: never printed in the depersonalised PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ehria.extensions import db
from ehria.form import FormDefinition, load_definition
from ehria.form.words import answer_words
from ehria.models import Assessment, Event, Signature, User
from ehria.roles import ROLE_LABELS, Role

COUNCIL_TIME_ZONE = ZoneInfo("Europe/London")  # as the pages show times
NOT_RECORDED = "(not recorded: changed before the history kept answers)"

WORDS = {
    "created": "Started the assessment",
    "answers_changed": "Changed answers",
    "submitted": "Submitted it for scrutiny",
    "returned": "Returned it to its authors with comments",
    "signed_off": "Signed it off",
    "published": "Marked it as published",
    "review_started": "Started a review: a new revision",
    "co_author_added": "Added {email} as a co-author",
    "co_author_removed": "Removed {email} from its authors",
    "lead_handed_over": "Handed the lead to {to} ({job_title})",
    "thread_started": "Started a comment thread",
    "thread_reply": "Replied to a comment",
    "thread_resolved": "Marked a comment resolved",
    "thread_reopened": "Reopened a comment",
}


@dataclass(frozen=True)
class AnswerChange:
    path: str
    label: str
    old: str  # in words
    new: str


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    what: str
    revision: int
    changes: list[AnswerChange] = field(default_factory=list)

    @property
    def when(self) -> str:
        """ "1 December 2026, 19:40" on the council's clock, for the PDF."""
        moment = _aware(self.at).astimezone(COUNCIL_TIME_ZONE)
        return f"{moment.day} {moment:%B %Y}, {moment:%H:%M}"


def _what(event: Event) -> str:
    template = WORDS.get(event.action, event.action.replace("_", " ").capitalize())
    try:
        return template.format(**{k: v for k, v in event.detail.items() if v is not None})
    except (KeyError, IndexError, AttributeError):
        return template.split(" {")[0]


def _changes(event: Event, definition: FormDefinition) -> list[AnswerChange]:
    if event.action != "answers_changed":
        return []
    values = (event.detail or {}).get("values") or {}
    changes = []
    for path in event.changes:
        if path in values:
            old, new = values[path]
            changes.append(AnswerChange(path, definition.label_for(path),
                                        answer_words(definition, path, old),
                                        answer_words(definition, path, new)))
        else:
            changes.append(AnswerChange(path, definition.label_for(path), NOT_RECORDED,
                                        NOT_RECORDED))
    return changes


def _signature_entry(signature: Signature) -> Entry:
    role = ROLE_LABELS.get(Role(signature.role), signature.role)
    title = f", {signature.job_title}" if signature.job_title else ""
    return Entry(signature.at, signature.name, f"Signed as {role.lower()}{title}",
                 signature.revision)


def _touches(path: str, question: list[str]) -> bool:
    return any(path == p or path.startswith(p + ".") for p in question)


def history_of(assessment: Assessment, up_to_revision: int,
               question: list[str] | None = None) -> list[Entry]:
    """Oldest first. With `question` (the answer paths of one question of the template),
    only the answer changes within it."""
    definitions = {r.number: load_definition(r.template_version) for r in assessment.revisions}
    fallback = load_definition(assessment.revision.template_version)
    events = db.session.scalars(
        select(Event).where(Event.assessment_id == assessment.id,
                            Event.revision <= up_to_revision)
        .options(joinedload(Event.actor).lazyload(User.role_rows)).order_by(Event.id))
    entries = []
    for event in events:
        changes = _changes(event, definitions.get(event.revision, fallback))
        if question is not None:
            changes = [c for c in changes if _touches(c.path, question)]
            if not changes:
                continue
        entries.append(Entry(event.at, event.actor.name if event.actor else "EHRIA",
                             _what(event), event.revision, changes))
    if question is None:
        signatures = db.session.scalars(select(Signature).where(
            Signature.assessment_id == assessment.id, Signature.revision <= up_to_revision))
        entries += [_signature_entry(s) for s in signatures]
    return sorted(entries, key=lambda entry: _aware(entry.at))


def _aware(at: datetime) -> datetime:
    """SQLite gives stored UTC times back without a zone."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Question:
    key: str  # the path of its first answer, as the filter's value
    label: str
    paths: list[str]


def questions(definition: FormDefinition) -> list[Question]:
    """The template's questions, for the history's filter."""
    return [Question(q.fields[0].path, _question_label(definition, q),
                     [f.path for f in q.fields])
            for step in definition.steps for q in step.questions if q.fields]


def _question_label(definition: FormDefinition, question) -> str:
    number = f"{definition.question_prefix}{question.number} " if getattr(
        question, "number", None) else ""
    return number + (question.label or definition.label_for(question.fields[0].path))
