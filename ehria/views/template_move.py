"""Moving an assessment to the live form version, in the pages (issue 13): its authors (or
an admin) see what carries over and what does not before they confirm."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ehria.assessments import AssessmentError, version_tag
from ehria.extensions import db
from ehria.form import load_definition
from ehria.roles import Role
from ehria.route_access import signed_in
from ehria.template_moves import MoveRefused, move_to_version
from ehria.template_versions import live_version
from ehria.views.pages import assessment_for_page
from forms.base import BaseForm

blueprint = Blueprint("moves", __name__, url_prefix="/assessments")


@blueprint.route("/<int:assessment_id>/move-to-live-form", methods=["GET", "POST"])
@signed_in(Role.LEAD_OFFICER, Role.ADMIN)
def move(assessment_id: int):
    assessment = assessment_for_page(assessment_id)
    if not (assessment.is_author(current_user) or current_user.has_role(Role.ADMIN)):
        abort(403)
    form, version, notice = BaseForm(), live_version(), None
    old = load_definition(assessment.revision.template_version)
    try:
        carry = move_to_version(assessment, current_user, version, None, dry_run=True)
        if request.method == "POST" and form.validate_on_submit():
            move_to_version(assessment, current_user, version, request.form.get("tag"))
            db.session.commit()
            flash(f"This assessment is now on {version} of the form.", "success")
            return redirect(url_for("officer.task_list", assessment_id=assessment.id))
    except (MoveRefused, AssessmentError) as error:
        db.session.rollback()
        notice, carry = error.message, None
    new = load_definition(version)
    return render_template(
        "officer/move_to_live_form.html", assessment=assessment, form=form, version=version,
        notice=notice, tag=version_tag(assessment),
        carried=[new.label_for(p) for p in carry.carried] if carry else [],
        not_carried=[old.label_for(p) for p in carry.not_carried] if carry else [],
    ), 400 if notice else 200
