"""Comment threads over the JSON API: read them, start one, reply, resolve, reopen. The
rules are ehria.threads', the same as the pages'."""

from __future__ import annotations

from collections.abc import Callable

from ehria import threads
from ehria.api import ApiError, api_blueprint, api_user, token_required
from ehria.api.assessments import load_in_full
from ehria.api.schemas import UtcDateTime
from ehria.api.workflow import committed, json_object
from ehria.extensions import db
from ehria.models import Assessment, Thread


def thread_json(thread: Thread) -> dict:
    at = UtcDateTime()
    return {
        "id": thread.id,
        "path": thread.path,
        "resolved": thread.resolved,
        "comments": [
            {"id": c.id, "author": c.author.name, "at": at.serialize("at", c), "text": c.text}
            for c in thread.comments
        ],
    }


@api_blueprint.get("/assessments/<int:assessment_id>/threads")
@token_required()
def list_threads(assessment_id: int):
    """Its threads, oldest first (authors, its DEG chairs, admins; the web team 403)."""
    return [thread_json(t) for t in threads.threads_of(load_in_full(assessment_id))]


def _change(assessment: Assessment, change: Callable[[], threads.Change], status: int):
    return thread_json(committed(change).thread), status


@api_blueprint.post("/assessments/<int:assessment_id>/threads")
@token_required()
def post_thread(assessment_id: int):
    """`{"path", "text"}` starts a thread, `{"reply_to", "text"}` replies to one."""
    assessment = load_in_full(assessment_id)
    body = json_object()
    if "reply_to" in body and "path" in body:
        raise ApiError(422, "Send either path (to start a thread) or reply_to, not both.",
                       {"reply_to": ["Send either path or reply_to"]})
    if "reply_to" in body:
        return _change(assessment, lambda: threads.reply(
            assessment, api_user(), body["reply_to"], body.get("text")), 201)
    return _change(assessment, lambda: threads.start(
        assessment, api_user(), body.get("path"), body.get("text")), 201)


def _own_thread(assessment: Assessment, thread_id: int) -> int:
    thread = db.session.get(Thread, thread_id)
    if thread is None or thread.assessment_id != assessment.id:
        raise ApiError(404, "No comment thread with that id on this assessment.")
    return thread_id


@api_blueprint.post("/assessments/<int:assessment_id>/threads/<int:thread_id>/resolve")
@token_required()
def resolve_thread(assessment_id: int, thread_id: int):
    assessment = load_in_full(assessment_id)
    return _change(assessment, lambda: threads.resolve(
        assessment, api_user(), _own_thread(assessment, thread_id)), 200)


@api_blueprint.post("/assessments/<int:assessment_id>/threads/<int:thread_id>/reopen")
@token_required()
def reopen_thread(assessment_id: int, thread_id: int):
    assessment = load_in_full(assessment_id)
    return _change(assessment, lambda: threads.reopen(
        assessment, api_user(), _own_thread(assessment, thread_id)), 200)
