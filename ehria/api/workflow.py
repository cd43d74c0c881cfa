"""Transitions, co-authors and the audit history over the JSON API."""

from __future__ import annotations

from flask import request
from sqlalchemy import select

from ehria import co_authors, jobs
from ehria.accounts import find_user
from ehria.api import ApiError, api_blueprint, api_user, token_required
from ehria.api.assessments import (
    assessment_response,
    load_in_full,
    load_visible,
    parse_if_match,
)
from ehria.api.schemas import UtcDateTime
from ehria.extensions import db
from ehria.models import Event
from ehria.permissions import visible_revision
from ehria.workflow import Action, WorkflowError, apply


def json_object() -> dict:
    if not request.get_data():
        return {}
    body = request.get_json()
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return body


def refused(error: WorkflowError) -> ApiError:
    return ApiError(error.status, error.message, error.details.get("fields"))  # type: ignore[arg-type]


def _transition(assessment_id: int, action: Action):
    assessment = load_visible(assessment_id)
    body = json_object()
    expected = request.headers.get("If-Match")
    if expected is not None and parse_if_match(expected) != str(assessment.lock_version):
        raise ApiError(412, "This assessment changed since you loaded it.")
    try:
        outcome = apply(assessment, api_user(), action, body)
    except WorkflowError as error:
        db.session.rollback()
        extra = {k: v for k, v in error.details.items() if k in ("missing", "problems")}
        if extra:
            return {"error": error.message, **extra}, error.status
        raise refused(error) from error
    db.session.commit()
    jobs.after_commit(outcome.event, assessment, outcome.notifications)
    return assessment_response(assessment)


@api_blueprint.post("/assessments/<int:assessment_id>/submit")
@token_required()
def submit(assessment_id: int):
    return _transition(assessment_id, Action.SUBMIT)


@api_blueprint.post("/assessments/<int:assessment_id>/return")
@token_required()
def return_to_authors(assessment_id: int):
    return _transition(assessment_id, Action.RETURN)


@api_blueprint.post("/assessments/<int:assessment_id>/sign-off")
@token_required()
def sign_off(assessment_id: int):
    return _transition(assessment_id, Action.SIGN_OFF)


@api_blueprint.post("/assessments/<int:assessment_id>/publish")
@token_required()
def publish(assessment_id: int):
    return _transition(assessment_id, Action.PUBLISH)


@api_blueprint.post("/assessments/<int:assessment_id>/review")
@token_required()
def review(assessment_id: int):
    return _transition(assessment_id, Action.REVIEW)


def committed(change):
    """Make a change (of the authors, of a thread), commit it and queue its e-mails; or
    refuse it with its status, changing nothing. Returns what the change returned."""
    try:
        done = change()
        db.session.flush()
    except WorkflowError as error:
        db.session.rollback()
        raise refused(error) from error
    db.session.commit()
    jobs.after_commit("e-mail", None, done.messages)
    return done


def _change_authors(assessment, change):
    committed(change)
    return assessment_response(assessment)


@api_blueprint.post("/assessments/<int:assessment_id>/authors")
@token_required()
def add_author(assessment_id: int):
    assessment = load_visible(assessment_id)
    email = json_object().get("email")
    return _change_authors(assessment, lambda: co_authors.invite(
        assessment, api_user(), email, already_ok=True))


@api_blueprint.delete("/assessments/<int:assessment_id>/authors/<email>")
@token_required()
def remove_author(assessment_id: int, email: str):
    """An author takes an author off (themselves included); the last one stays (409)."""
    assessment = load_visible(assessment_id)
    if not assessment.is_author(api_user()):
        raise ApiError(403, "Only its authors can change who works on it.")
    user = find_user(email)
    if user is None or not assessment.is_author(user):
        raise ApiError(404, f"{email} is not an author of this assessment.")
    return _change_authors(assessment, lambda: co_authors.remove(assessment, api_user(), user))


@api_blueprint.get("/assessments/<int:assessment_id>/history")
@token_required()
def history(assessment_id: int):
    """The audit trail, for those who read it in full; a chair's ends at the revision
    they may read (an officer's changes after a return show once submitted)."""
    assessment = load_in_full(assessment_id)
    last = visible_revision(api_user(), assessment).number
    events = db.session.scalars(
        select(Event).where(Event.assessment_id == assessment.id, Event.revision <= last)
        .order_by(Event.id)
    )
    at = UtcDateTime()
    return [
        {
            "at": at.serialize("at", event),
            "actor": event.actor.name if event.actor else None,
            "action": event.action,
            "revision": event.revision,
            "changes": event.changes,
            "detail": event.detail,
        }
        for event in events
    ]
