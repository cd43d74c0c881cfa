"""The history page: who changed what and when, answers in words, transitions and
signatures, filterable by question (for authors, the department's DEG chairs, admins)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ehria.form import load_definition
from ehria.history import history_of, questions
from ehria.permissions import reads_in_full, visible_revision
from ehria.route_access import signed_in
from ehria.views.pages import assessment_for_page

blueprint = Blueprint("history", __name__, url_prefix="/assessments")


@blueprint.get("/<int:assessment_id>/history")
@signed_in()
def page(assessment_id: int):
    assessment = assessment_for_page(assessment_id)
    if not reads_in_full(current_user, assessment):
        abort(403)
    revision = visible_revision(current_user, assessment)
    definition = load_definition(revision.template_version)
    options = questions(definition)
    asked = request.args.get("question") or None
    chosen = next((q for q in options if q.key == asked), None)
    errors = []
    if asked is not None and chosen is None:
        errors = [{"text": "Choose a question from the list", "href": "#question"}]
    entries = history_of(assessment, revision.number, chosen.paths if chosen else None)
    return render_template("history/page.html", assessment=assessment, entries=entries,
                           options=options, chosen=chosen, errors=errors), 400 if errors else 200
