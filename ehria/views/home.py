"""The first page after sign-in: the assessments the user can see, searchable by policy
name or reference and filterable by state (an officer's own; a chair's department's)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import or_

from ehria.extensions import db
from ehria.models import Assessment
from ehria.permissions import visible_assessments
from ehria.route_access import signed_in
from ehria.statuses import Status

blueprint = Blueprint("home", __name__)
MAX_SEARCH = 200
SHOWN = 50


def _filters() -> tuple[str, Status | None, list[dict[str, str]]]:
    """The search words and state asked for, and the error summary's items if either is
    not one we can use (then nothing is filtered by it)."""
    errors = []
    words = (request.args.get("q") or "").strip()
    if len(words) > MAX_SEARCH:
        errors.append({"text": f"Search must be {MAX_SEARCH} characters or fewer",
                       "href": "#q"})
        words = ""
    asked = request.args.get("status") or ""
    status = next((s for s in Status if s.value == asked), None)
    if asked and status is None:
        errors.append({"text": "Choose a state from the list", "href": "#status"})
    return words, status, errors


@blueprint.get("/")
@signed_in()
def index():
    words, status, errors = _filters()
    statement = visible_assessments(current_user)
    if words:
        statement = statement.where(or_(
            Assessment.policy_name.icontains(words, autoescape=True),
            Assessment.reference.icontains(words, autoescape=True)))
    if status is not None:
        statement = statement.where(Assessment.status == status)
    assessments = db.session.scalars(
        statement.order_by(Assessment.updated_at.desc()).limit(SHOWN)).all()
    return render_template("home/index.html", assessments=assessments, words=words,
                           status=status, statuses=list(Status), errors=errors,
                           filtered=bool(words or status)), 400 if errors else 200
