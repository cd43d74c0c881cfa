"""The lifecycle of an assessment: states, transitions, who may make each, and what each
records. No view changes a status by itself; every change goes through `apply`.

    draft --submit--> submitted --sign off--> signed_off --publish--> published
      ^                   |                                               |
      +-----return--------+            (review: a new draft revision) ---+
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ehria import notifications
from ehria.assessments import record_event, screening_outcome
from ehria.clock import today
from ehria.extensions import db
from ehria.form import load_definition
from ehria.form.paths import get_path
from ehria.models import (
    Assessment,
    Comment,
    Notification,
    Revision,
    Signature,
    Thread,
    User,
    utcnow,
)
from ehria.permissions import is_chair_of
from ehria.records import signatures_of
from ehria.review_dates import ReviewDateError, review_date_from
from ehria.roles import Role
from ehria.signed_impacts import record_impacts
from ehria.signed_records import freeze
from ehria.statuses import EDITABLE, Status
from ehria.tracked_actions import answers_for_review, carried_actions, track_plan

MAX_COMMENT_LENGTH = 20_000
CHAIR_TITLE = "Chair, Departmental Equalities Group"


class Action(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    SIGN_OFF = "sign_off"
    PUBLISH = "publish"
    REVIEW = "review"


class WorkflowError(Exception):
    """A refused transition; nothing was changed. `status` is the HTTP status it maps to."""

    status = 409

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotAllowed(WorkflowError):
    status = 403


class WrongState(WorkflowError):
    status = 409


class NotReady(WorkflowError):
    status = 422


class Conflict(WorkflowError):
    status = 409


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status
    may: Callable[[User, Assessment], bool]
    who: str  # said in the refusal, e.g. "the DEG chair of its department"
    event: str


def _author(user: User, assessment: Assessment) -> bool:
    return assessment.is_author(user)


def _chair(user: User, assessment: Assessment) -> bool:
    return is_chair_of(user, assessment)


def _independent_chair(user: User, assessment: Assessment) -> bool:
    """Segregation of duties: a chair never signs off what they wrote or co-wrote."""
    return is_chair_of(user, assessment) and not assessment.is_author(user)


def _web_team(user: User, assessment: Assessment) -> bool:
    return user.has_role(Role.WEB_TEAM)


TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(
        EDITABLE, Status.SUBMITTED, _author,
        "its authors", "submitted"),
    Action.RETURN: Transition(
        frozenset({Status.SUBMITTED}), Status.RETURNED, _chair,
        "the DEG chair of its department", "returned"),
    Action.SIGN_OFF: Transition(
        frozenset({Status.SUBMITTED}), Status.SIGNED_OFF, _independent_chair,
        "a DEG chair of its department who is not one of its authors", "signed_off"),
    Action.PUBLISH: Transition(
        frozenset({Status.SIGNED_OFF}), Status.PUBLISHED, _web_team,
        "the web team", "published"),
    Action.REVIEW: Transition(
        frozenset({Status.PUBLISHED}), Status.DRAFT, _author,
        "its authors", "review_started"),
}


def allowed_actions(user: User, assessment: Assessment) -> list[Action]:
    """What `user` could do now: drives which buttons the pages show."""
    return [
        action for action, t in TRANSITIONS.items()
        if assessment.status in t.sources and t.may(user, assessment)
    ]


@dataclass
class Outcome:
    """What a transition did, for the caller to report."""

    assessment: Assessment
    event: str
    notifications: list[Notification] = field(default_factory=list)


AUTHOR_MAY_NOT_SIGN = ("You are an author of this assessment, so another DEG chair of the "
                       "department must sign it off.")


def refusal(user: User, assessment: Assessment, action: Action) -> WorkflowError | None:
    """Why `user` may not take `action` now (the error `apply` would raise), or None: the
    one place the pages and the API get the reason from."""
    transition = TRANSITIONS[action]
    if not transition.may(user, assessment):
        if action is Action.SIGN_OFF and assessment.is_author(user) and _chair(user, assessment):
            return NotAllowed(AUTHOR_MAY_NOT_SIGN)
        return NotAllowed(f"Only {transition.who} can {action.value.replace('_', ' ')} it.")
    if assessment.status not in transition.sources:
        return WrongState(
            f"An assessment that is {Status(assessment.status).label.lower()} cannot be "
            f"{transition.event.replace('_', ' ')}."
        )
    return None


def _check(action: Action, user: User, assessment: Assessment) -> Transition:
    error = refusal(user, assessment, action)
    if error is not None:
        raise error
    return TRANSITIONS[action]


def _text(value: object, name: str, required: bool, wanted: str = "a comment") -> str | None:
    """Checked text of a comment; `wanted` says what to enter when it is missing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise NotReady(f"Enter {wanted}.", fields={name: [f"Enter {wanted}"]})
        return None
    if not isinstance(value, str):
        raise NotReady(f"{name} must be text.", fields={name: ["Must be text"]})
    if len(value) > MAX_COMMENT_LENGTH:
        raise NotReady(f"{name} is too long.",
                       fields={name: ["Must be 20,000 characters or fewer"]})
    return value


def _signature(assessment: Assessment, user: User, role: Role, job_title: str) -> Signature:
    return Signature(
        assessment_id=assessment.id, revision=assessment.current_revision, role=role.value,
        user=user, user_id=user.id, name=user.name, job_title=job_title, at=utcnow(),
    )


def may_have_signatures(assessment: Assessment, revision: Revision | None = None) -> bool:
    """Signatures of a revision are made at its submission and its sign-off, and the
    submission stamps `submitted_at` in the same transaction: none before it."""
    return (revision or assessment.revision).submitted_at is not None


def may_have_signed_record(assessment: Assessment, revision: Revision | None = None) -> bool:
    """The signed record of a revision is written by `freeze`, which stamps `frozen_at`."""
    return (revision or assessment.revision).frozen_at is not None


def may_have_comments(assessment: Assessment) -> bool:
    """Comments are made on submitting (a reply) and on returning, both of a submitted
    revision; a later revision follows a submitted one. So a first revision never yet
    submitted (every new draft) has none."""
    return assessment.current_revision > 1 or assessment.revision.submitted_at is not None


def _submit(assessment: Assessment, user: User, body: dict) -> dict:
    if body.get("declaration") is not True:
        raise NotReady("Confirm the declaration to submit.",
                       fields={"declaration": ["Confirm the declaration to submit"]})
    reply = _text(body.get("comment"), "comment", required=False)
    outcome = screening_outcome(assessment)
    if outcome.missing or outcome.problems:
        data = outcome.to_dict()
        raise NotReady("The assessment is not ready to submit.",
                       missing=data["missing"], problems=data["problems"])
    revision = assessment.revision
    revision.submitted_at = revision.submitted_at or utcnow()
    if not any(s.role == Role.LEAD_OFFICER for s in signatures_of(assessment)):
        path = load_definition(revision.template_version).assessment.lead_officer_job_title
        job_title = get_path(revision.answers, path) if path else None
        db.session.add(_signature(assessment, user, Role.LEAD_OFFICER, job_title or ""))
    if reply:
        _overall_reply(assessment, user, reply)
    return {"reply": bool(reply)}


def _new_thread(assessment: Assessment, user: User, path: str | None, text: str) -> Thread:
    """A thread (ehria.threads) started by this comment, on the current revision."""
    thread = Thread(assessment_id=assessment.id, path=path,
                    revision=assessment.current_revision, started_by_id=user.id,
                    created_at=utcnow())
    thread.comments.append(Comment(assessment_id=assessment.id,
                                   revision=assessment.current_revision,
                                   author_id=user.id, path=path, text=text))
    db.session.add(thread)
    return thread


def _overall_reply(assessment: Assessment, user: User, text: str) -> None:
    """The reply typed on submitting answers the open comment on the whole assessment
    (the latest), or starts one when there is none."""
    open_overall = [t for t in db.session.scalars(
        select(Thread).where(Thread.assessment_id == assessment.id, Thread.path.is_(None),
                             Thread.resolved_at.is_(None)).order_by(Thread.id))]
    if not open_overall:
        _new_thread(assessment, user, None, text)
        return
    thread = open_overall[-1]
    comment = Comment(assessment_id=assessment.id, revision=assessment.current_revision,
                      author_id=user.id, path=None, text=text)
    thread.comments.append(comment)
    db.session.add(comment)


def _return(assessment: Assessment, user: User, body: dict) -> dict:
    general = _text(body.get("comment"), "comment", required=True,
                    wanted="a comment for the officer saying what must change")
    question_comments = body.get("question_comments") or {}
    if not isinstance(question_comments, dict):
        raise NotReady("question_comments must map answer paths to comments.",
                       fields={"question_comments": ["Must be an object"]})
    definition = load_definition(assessment.revision.template_version)
    comments: dict[str | None, str] = {None: general}
    for path, text in question_comments.items():
        if definition.label_for(path) == path:  # the form gives no label: not one of its paths
            raise NotReady("A comment names a question the form does not have.",
                           fields={f"question_comments.{path}": ["Unknown question"]})
        checked = _text(text, f"question_comments.{path}", required=False)
        if checked:
            comments[path] = checked
    # each comment starts a thread the authors answer and the chair later resolves
    for path, text in comments.items():
        _new_thread(assessment, user, path, text)
    return {"paths": sorted(path for path in comments if path)}


def _sign_off(assessment: Assessment, user: User, body: dict) -> dict:
    outcome = screening_outcome(assessment)
    if outcome.missing or outcome.problems:  # cannot happen after a valid submission
        raise NotReady("The assessment is not complete.", **outcome.to_dict())
    earlier = signatures_of(assessment)
    signature = _signature(assessment, user, Role.DEG_CHAIR, CHAIR_TITLE)
    db.session.add(signature)
    try:
        review_date = review_date_from(body.get("review_date"), today())
    except ReviewDateError as error:
        raise NotReady(str(error), fields={"review_date": [str(error)]}) from error
    record = freeze(assessment, [*earlier, signature], outcome.to_dict())
    assessment.review_date = review_date
    revision = assessment.revision
    definition = load_definition(revision.template_version)
    track_plan(assessment, definition, revision.answers)
    # what insight counts, from the answers just signed, in this same transaction
    record_impacts(assessment.id, revision.number, definition, revision.answers)
    # The record and its hash are sealed now; both PDFs are rendered by the background
    # worker once this commits (ehria.jobs.after_commit) and stored in the same row.
    db.session.add(record)
    return {"sha256": record.sha256, "review_date": review_date.isoformat()}


MAX_URL_LENGTH = 2_000
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _publish(assessment: Assessment, user: User, body: dict) -> dict:
    url = body.get("url")
    if url is not None:
        if isinstance(url, str) and len(url) > MAX_URL_LENGTH:
            raise NotReady("The web address is too long.", fields={"url": [
                f"Web address must be {MAX_URL_LENGTH:,} characters or fewer"]})
        if isinstance(url, str) and _CONTROL_CHARACTER.search(url):
            raise NotReady("The web address contains a line break or another control "
                           "character.", fields={"url": [
                               "Enter the web address without line breaks or tabs"]})
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise NotReady("Enter the web address where it was published, "
                           "like https://www.example.gov.uk/ehria/123.",
                           fields={"url": ["Enter a full web address starting https://"]})
    assessment.published_url = url
    return {"url": url}


def _review(assessment: Assessment, user: User, body: dict) -> dict:
    published = assessment.revision
    number = published.number + 1
    answers = answers_for_review(load_definition(published.template_version),
                                 published.answers,
                                 carried_actions(assessment, published.number))
    assessment.revisions.append(Revision(
        number=number, template_version=published.template_version,
        answers=answers, created_at=utcnow(),
    ))
    assessment.current_revision = number
    return {"from_revision": published.number}


PERFORM: dict[Action, Callable[[Assessment, User, dict], dict]] = {
    Action.SUBMIT: _submit,
    Action.RETURN: _return,
    Action.SIGN_OFF: _sign_off,
    Action.PUBLISH: _publish,
    Action.REVIEW: _review,
}


def apply(assessment: Assessment, user: User, action: Action, body: dict | None = None) -> Outcome:
    """Make one transition, or refuse it with a WorkflowError having changed nothing.

    The status change is an UPDATE guarded by the assessment's lock version, so of two
    people acting at once exactly one succeeds; the other gets a Conflict.
    """
    transition = _check(action, user, assessment)
    try:
        # Nothing is written until the one flush below, where the lock version is checked.
        with db.session.no_autoflush:
            detail = PERFORM[action](assessment, user, body or {})
            assessment.status = transition.target.value
            assessment.updated_at = utcnow()
            record_event(assessment, user, transition.event, detail=detail)
            messages = (
                notifications.queue(assessment, transition.event, user)
                if transition.event in notifications.MESSAGES else []
            )
        db.session.flush()
    except (StaleDataError, IntegrityError) as error:
        db.session.rollback()
        raise Conflict("Someone else changed this assessment at the same moment. "
                       "Reload it to see where it stands.") from error
    return Outcome(assessment, transition.event, messages)
