"""Programmes in the pages (issue 15): naming an assessment's programme, the programmes a
chair or admin reads, and one programme's cumulative impact. The rules are
ehria.programmes' and ehria.programme_impacts'."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ehria.clock import today
from ehria.extensions import db
from ehria.insights import programmes as programme_counts
from ehria.models import Assessment
from ehria.programme_impacts import csv_rows, programme_impacts
from ehria.programmes import ProgrammeRefused, may_set_programme, set_programme
from ehria.roles import Role
from ehria.route_access import signed_in
from ehria.spreadsheets import csv_text
from ehria.views.pages import assessment_for_page, csv_download, error_list
from forms.programmes import ProgrammeForm

blueprint = Blueprint("programmes", __name__)
READERS = (Role.DEG_CHAIR, Role.ADMIN)  # ehria.programme_impacts.may_see_programmes


def assessment_page(assessment: Assessment) -> str:
    """Where the assessment's details are: its task list for its authors, the review
    page for its chair and admins."""
    if assessment.is_author(current_user):
        return url_for("officer.task_list", assessment_id=assessment.id)
    return url_for("scrutiny.review", assessment_id=assessment.id)


@blueprint.route("/assessments/<int:assessment_id>/programme", methods=["GET", "POST"])
@signed_in()
def name_programme(assessment_id: int):
    """Its authors, its department's DEG chair and admins name it; anyone else who may
    see it gets 403, the rest 404. Empty takes it out of its programme."""
    assessment = assessment_for_page(assessment_id)
    if not may_set_programme(current_user, assessment):
        abort(403)
    form = ProgrammeForm()
    if request.method == "GET":
        form.programme.data = assessment.programme or ""
    elif form.validate_on_submit():  # CSRFProtect has refused a post without its token
        try:
            named = set_programme(assessment, current_user, form.programme.data)
        except ProgrammeRefused as error:
            db.session.rollback()
            form.programme.errors = [error.message]
        else:
            db.session.commit()
            flash(f"It is now part of the programme {named}" if named
                  else "It is no longer part of a programme", "success")
            return redirect(assessment_page(assessment))
    return render_template(
        "programmes/name.html", assessment=assessment, form=form, errors=error_list(form),
        known=[name for name, _ in programme_counts(current_user)],
        back=assessment_page(assessment)), 400 if form.errors else 200


@blueprint.get("/programmes")
@signed_in(*READERS)
def index():
    return render_template("programmes/index.html",
                           programmes=programme_counts(current_user),
                           admin=current_user.has_role(Role.ADMIN))


@blueprint.get("/programme")
@signed_in(*READERS)
def programme():
    """One programme, named by `?name=` (a name may hold slashes, dots, anything); 404
    when it holds none of the reader's assessments. `format=csv` for a spreadsheet."""
    found = programme_impacts(current_user, (request.args.get("name") or "").strip(),
                              today())
    if found is None:
        abort(404, "No programme of that name holds any of the assessments you can see.")
    if request.args.get("format") == "csv":
        return csv_download(csv_text(csv_rows(found)), "programme.csv")
    return render_template("programmes/programme.html", programme=found,
                           assessment_page=assessment_page,
                           admin=current_user.has_role(Role.ADMIN))
