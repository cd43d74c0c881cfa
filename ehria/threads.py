"""Comment threads: the DEG chair's comments on return each start one (on a question, or
on the whole assessment); its authors reply; the chair resolves a thread when re-reviewing,
or reopens it. Threads belong to the assessment, not a revision, so they carry over.

Each change is an audit event; a reply is e-mailed (through the outbox) to the others in
the thread, and to the authors when the chair writes. Refusals are WorkflowErrors that
changed nothing, so the pages and the API refuse alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ehria import notifications
from ehria.assessments import record_event
from ehria.extensions import db
from ehria.form import load_definition
from ehria.models import Assessment, Comment, Notification, Thread, User, utcnow
from ehria.permissions import is_chair_of
from ehria.workflow import MAX_COMMENT_LENGTH, NotAllowed, NotReady

MAX_PATH_LENGTH = 200


@dataclass
class Change:
    """What a change did: the thread, and the e-mails to send once it is committed."""

    thread: Thread
    messages: list[Notification] = field(default_factory=list)


def threads_of(assessment: Assessment) -> list[Thread]:
    """Every thread of the assessment, oldest first, with its comments (one statement
    each)."""
    return list(db.session.scalars(
        select(Thread).where(Thread.assessment_id == assessment.id).order_by(Thread.id)))


def by_path(threads: list[Thread]) -> dict[str | None, list[Thread]]:
    """The threads by the answer path they are on (None: about the whole assessment)."""
    grouped: dict[str | None, list[Thread]] = {}
    for thread in threads:
        grouped.setdefault(thread.path, []).append(thread)
    return grouped


def open_threads(threads: list[Thread]) -> list[Thread]:
    return [thread for thread in threads if not thread.resolved]


def may_write(user: User, assessment: Assessment) -> bool:
    """Its authors and its department's DEG chairs take part in its threads."""
    return assessment.is_author(user) or is_chair_of(user, assessment)


def may_resolve(user: User, assessment: Assessment) -> bool:
    """Only the department's DEG chair says a comment has been dealt with, and never on
    what they co-wrote (as with signing off): authors answer comments, they do not close
    them."""
    return is_chair_of(user, assessment) and not assessment.is_author(user)


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise NotReady("Enter your comment.", fields={"text": ["Enter your comment"]})
    if len(value) > MAX_COMMENT_LENGTH:
        raise NotReady("The comment is too long.",
                       fields={"text": ["Comment must be 20,000 characters or fewer"]})
    return value.strip()


def checked_path(assessment: Assessment, path: object) -> str | None:
    """A question path of the assessment's own template, or None for the whole of it;
    anything else is refused naming `path`."""
    if path is None:
        return None
    definition = load_definition(assessment.revision.template_version)
    if (not isinstance(path, str) or len(path) > MAX_PATH_LENGTH
            or definition.label_for(path) == path):
        shown = path if isinstance(path, str) else repr(path)
        message = f"{shown[:MAX_PATH_LENGTH]} is not a question of this assessment's form"
        raise NotReady(message, fields={"path": [message]})
    return path


def _thread(assessment: Assessment, thread_id: object) -> Thread:
    thread = db.session.get(Thread, thread_id) if isinstance(thread_id, int) else None
    if thread is None or thread.assessment_id != assessment.id:
        raise NotReady("There is no such comment thread on this assessment.",
                       fields={"reply_to": ["No such thread on this assessment"]})
    return thread


def _comment(assessment: Assessment, user: User, thread: Thread, text: str) -> Comment:
    comment = Comment(assessment_id=assessment.id, revision=assessment.current_revision,
                      author_id=user.id, author=user, path=thread.path, text=text,
                      at=utcnow())
    thread.comments.append(comment)
    db.session.add(comment)
    return comment


def start(assessment: Assessment, user: User, path: object, text: object) -> Change:
    """Start a thread on a question (or, path None, on the whole assessment)."""
    if not may_write(user, assessment):
        raise NotAllowed("Only its authors and the DEG chair of its department can comment.")
    checked, words = checked_path(assessment, path), _text(text)
    thread = Thread(assessment_id=assessment.id, path=checked,
                    revision=assessment.current_revision, started_by_id=user.id,
                    created_at=utcnow())
    db.session.add(thread)
    _comment(assessment, user, thread, words)
    db.session.flush()
    record_event(assessment, user, "thread_started", detail={"thread": thread.id,
                                                             "path": checked})
    return Change(thread)


def reply(assessment: Assessment, user: User, thread_id: object, text: object) -> Change:
    """Answer a thread; the others in it (and the authors, when the chair writes) are told."""
    if not may_write(user, assessment):
        raise NotAllowed("Only its authors and the DEG chair of its department can reply.")
    thread, words = _thread(assessment, thread_id), _text(text)
    before = {comment.author_id: comment.author for comment in thread.comments}
    _comment(assessment, user, thread, words)
    record_event(assessment, user, "thread_reply", detail={"thread": thread.id,
                                                           "path": thread.path})
    told = dict(before)
    if not assessment.is_author(user):
        told.update({author.id: author for author in assessment.authors})
    messages = [message for person in told.values()
                for message in notifications.queue_to(assessment, person, "thread_reply",
                                                      user, detail=words[:500])]
    return Change(thread, messages)


def _set_resolved(assessment: Assessment, user: User, thread_id: object,
                  resolved: bool) -> Change:
    if not may_resolve(user, assessment):
        raise NotAllowed("Only the DEG chair of its department can resolve or reopen a "
                         "comment.")
    thread = _thread(assessment, thread_id)
    if thread.resolved != resolved:
        thread.resolved_at = utcnow() if resolved else None
        thread.resolved_by_id = user.id if resolved else None
        record_event(assessment, user, "thread_resolved" if resolved else "thread_reopened",
                     detail={"thread": thread.id, "path": thread.path})
    return Change(thread)


def resolve(assessment: Assessment, user: User, thread_id: object) -> Change:
    return _set_resolved(assessment, user, thread_id, True)


def reopen(assessment: Assessment, user: User, thread_id: object) -> Change:
    return _set_resolved(assessment, user, thread_id, False)
