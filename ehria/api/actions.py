"""Tracked improvement-plan actions over the API (issue 15)."""

from __future__ import annotations

from flask import jsonify, request

from ehria.api import ApiError, api_blueprint, api_user, token_required
from ehria.api.assessments import parse_if_match
from ehria.clock import today
from ehria.extensions import db
from ehria.models_actions import TrackedAction
from ehria.roles import Role
from ehria.tracked_actions import (
    STATUSES,
    ActionRefused,
    Filters,
    action_dict,
    listed,
    may_read,
    update_action,
    version_tag,
)

READERS = (Role.LEAD_OFFICER, Role.DEG_CHAIR, Role.ADMIN)


def _action(action_id: int) -> TrackedAction:
    action = db.session.get(TrackedAction, action_id)
    if action is None or not may_read(api_user(), action):
        raise ApiError(404, "No action with that id is visible to you.")
    return action


@api_blueprint.get("/actions")
@token_required(*READERS)
def list_actions():
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise ApiError(422, "Unknown status.", {"status": [
            f"Must be one of {', '.join(STATUSES)}."]})
    overdue = request.args.get("overdue", "").lower() in ("1", "true", "yes")
    filters = Filters(department=request.args.get("department") or None, status=status,
                      overdue=overdue)
    return jsonify([action_dict(a) for a in listed(api_user(), filters, today())
                    if may_read(api_user(), a)])


@api_blueprint.get("/actions/<int:action_id>")
@token_required(*READERS)
def get_action(action_id: int):
    action = _action(action_id)
    response = jsonify(action_dict(action))
    response.headers["ETag"] = f'"{version_tag(action)}"'
    return response


@api_blueprint.patch("/actions/<int:action_id>")
@token_required(*READERS)
def patch_action(action_id: int):
    action = _action(action_id)
    body = request.get_json()
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.")
    header = request.headers.get("If-Match")
    try:
        update_action(action, api_user(), body.get("status", action.status), body.get("note"),
                      parse_if_match(header) if header else None)
    except ActionRefused as error:
        db.session.rollback()
        raise ApiError(error.status, error.message,
                       {error.field: [error.message]} if error.field else None) from error
    db.session.commit()
    response = jsonify(action_dict(action))
    response.headers["ETag"] = f'"{version_tag(action)}"'
    return response
