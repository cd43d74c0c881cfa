"""The people working on an assessment, from its task list: invite a co-author, remove
one, hand the lead to another author. The rules are ehria.co_authors'."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ehria import co_authors, jobs
from ehria.extensions import db
from ehria.models import Assessment, User
from ehria.route_access import signed_in
from ehria.views.pages import assessment_for_page, error_list
from ehria.workflow import WorkflowError
from forms.base import BaseForm
from forms.people import HandLeadForm, InviteForm

blueprint = Blueprint("people", __name__, url_prefix="/assessments")


def _done(assessment: Assessment, change: co_authors.Change, message: str):
    db.session.commit()
    jobs.after_commit("e-mail", None, change.messages)
    flash(message, "success")
    return redirect(url_for("officer.task_list", assessment_id=assessment.id) + "#people")


def _refusal_on(form, error: WorkflowError) -> None:
    """Put a refusal on the inputs it names (else on the first), for the error summary."""
    fields = error.details.get("fields") or {}
    named = [name for name in fields if name in form]
    if not named:
        first = next(name for name in form.data if name != "csrf_token")
        form[first].errors = [error.message]
    for name in named:
        form[name].errors = list(fields[name])


@blueprint.route("/<int:assessment_id>/people/invite", methods=["GET", "POST"])
@signed_in()
def invite(assessment_id: int):
    assessment = assessment_for_page(assessment_id, author=True)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            change = co_authors.invite(assessment, current_user, form.email.data)
        except WorkflowError as error:
            db.session.rollback()
            _refusal_on(form, error)
        else:
            return _done(assessment, change, f"{form.email.data.strip()} can now work on "
                                             "this assessment and has been told by e-mail")
    return render_template("people/invite.html", assessment=assessment, form=form,
                           errors=error_list(form)), 400 if form.errors else 200


@blueprint.post("/<int:assessment_id>/people/<int:user_id>/remove")
@signed_in()
def remove(assessment_id: int, user_id: int):
    assessment = assessment_for_page(assessment_id, author=True)
    if not BaseForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id)
    try:
        change = co_authors.remove(assessment, current_user, user)
    except WorkflowError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("officer.task_list", assessment_id=assessment.id) + "#people")
    if user is None:  # remove() refuses an unknown person before this
        abort(404)
    if user.id == current_user.id:  # they left it: it is no longer theirs to see
        db.session.commit()
        jobs.after_commit("e-mail", None, change.messages)
        flash("You no longer work on that assessment", "success")
        return redirect(url_for("home.index"))
    return _done(assessment, change, f"{user.name} no longer works on this assessment")


@blueprint.route("/<int:assessment_id>/people/lead", methods=["GET", "POST"])
@signed_in()
def hand_lead(assessment_id: int):
    assessment = assessment_for_page(assessment_id, author=True)
    form = HandLeadForm()
    lead = assessment.lead
    others = [user for user in assessment.authors if lead is None or user.id != lead.id]
    form.lead.choices = [(str(user.id), f"{user.name} ({user.email})") for user in others]
    if form.validate_on_submit():
        chosen = next((u for u in others if str(u.id) == form.lead.data), None)
        try:
            change = co_authors.hand_lead(assessment, current_user, chosen, form.job_title.data)
        except WorkflowError as error:
            db.session.rollback()
            _refusal_on(form, error)
        else:
            if chosen is None:  # hand_lead() refuses no one before this
                abort(400)
            return _done(assessment, change, f"{chosen.name} now leads this assessment")
    return render_template("people/lead.html", assessment=assessment, form=form, lead=lead,
                           others=others, errors=error_list(form)), 400 if form.errors else 200
