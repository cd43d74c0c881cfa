"""Starting a review of a published assessment from the pages (the API has its own):
a confirmation, then the new draft's task list. The workflow decides; this only asks."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ehria.extensions import db
from ehria.route_access import signed_in
from ehria.views.pages import assessment_for_page
from ehria.workflow import Action, WorkflowError, apply, refusal
from forms.base import BaseForm

blueprint = Blueprint("reviews", __name__, url_prefix="/assessments")


class StartReviewForm(BaseForm):
    """Only the button: the CSRF token is the form."""


@blueprint.route("/<int:assessment_id>/start-review", methods=["GET", "POST"])
@signed_in()
def start_review(assessment_id: int):
    """Its authors confirm, and a new draft revision starts from the published answers;
    the published revision stays published until the review is (ehria.document_responses).
    Others who may see it get 403, those who may not 404 (assessment_for_page)."""
    assessment = assessment_for_page(assessment_id, author=True)
    form = StartReviewForm()
    problem = refusal(current_user, assessment, Action.REVIEW)
    if problem is None and form.validate_on_submit():
        try:
            apply(assessment, current_user, Action.REVIEW)
        except WorkflowError as error:  # someone else started it at the same moment
            db.session.rollback()
            problem = error
        else:
            db.session.commit()
            return redirect(url_for("officer.task_list", assessment_id=assessment.id))
    return render_template(
        "reviews/start.html", assessment=assessment, form=form,
        notice=problem.message if problem else None,
        next_revision=assessment.current_revision + 1,
    ), problem.status if problem else 200
