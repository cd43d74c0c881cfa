"""The pages of what happens after sign-off (issue 15): reviews due, and the improvement
plan's actions, one assessment's or a department's, updated with a note."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from ehria.clock import today
from ehria.extensions import db
from ehria.insights import RowCount
from ehria.models import Assessment
from ehria.models_actions import TrackedAction
from ehria.permissions import visible_assessments
from ehria.review_dates import review_state
from ehria.roles import Role
from ehria.route_access import signed_in
from ehria.spreadsheets import csv_text
from ehria.tracked_actions import (
    STATUSES,
    ActionRefused,
    Filters,
    is_overdue,
    listed,
    may_read,
    may_update,
    update_action,
    version_tag,
)
from ehria.views.pages import assessment_for_page, csv_download
from forms.base import BaseForm

blueprint = Blueprint("after", __name__)
READERS = (Role.LEAD_OFFICER, Role.DEG_CHAIR, Role.ADMIN)


@blueprint.get("/reviews")
@signed_in(*READERS)
def reviews():
    """Signed-off and published assessments due for review in 60 days, or overdue."""
    now = today()
    found = db.session.scalars(visible_assessments(current_user).where(
        Assessment.review_date.is_not(None)).order_by(Assessment.review_date)).all()
    rows = [(a, state) for a in found if (state := review_state(a.review_date, now))]
    return render_template("after/reviews.html", rows=rows, today=now)


@blueprint.get("/assessments/<int:assessment_id>/actions")
@signed_in(*READERS)
def assessment_actions(assessment_id: int):
    assessment = assessment_for_page(assessment_id)
    actions = db.session.scalars(db.select(TrackedAction).where(
        TrackedAction.assessment_id == assessment.id).order_by(TrackedAction.position)).all()
    visible = [a for a in actions if may_read(current_user, a)]
    if actions and not visible:
        abort(403)
    return render_template("after/assessment_actions.html", assessment=assessment,
                           actions=visible, statuses=STATUSES, today=today(),
                           is_overdue=is_overdue, may_update=may_update)


def _filters() -> Filters:
    status = request.args.get("status") or None
    return Filters(department=None, status=status if status in STATUSES else None,
                   overdue=bool(request.args.get("overdue")),
                   officer=(request.args.get("officer") or "").strip()[:200] or None)


@blueprint.get("/actions")
@signed_in(*READERS)
def actions():
    filters = _filters()
    found = [a for a in listed(current_user, filters, today()) if may_read(current_user, a)]
    return render_template("after/actions.html", actions=found, filters=filters,
                           statuses=STATUSES, today=today(), is_overdue=is_overdue)


@blueprint.get("/actions.csv")
@signed_in(*READERS)
def actions_csv():
    found = [a for a in listed(current_user, _filters(), today()) if may_read(current_user, a)]
    return csv_download(csv_text([[
        "Reference", "Policy", "Objective", "Action", "Target", "Officer", "Due", "Status",
        "Overdue", "Latest note"]] + [[
            a.assessment.reference, a.assessment.policy_name, a.objective, a.action,
            a.target, a.officer, a.due, STATUSES[a.status],
            "yes" if is_overdue(a, today()) else "no", a.notes[-1].text if a.notes else ""]
        for a in found]), "actions.csv")


@blueprint.route("/actions/<int:action_id>/update", methods=["GET", "POST"])
@signed_in(*READERS)
def update(action_id: int):
    action = db.session.get(TrackedAction, action_id)
    if action is None or not may_read(current_user, action):
        abort(404)
    if not may_update(current_user, action):
        abort(403)
    form = BaseForm()
    errors: list[dict[str, str]] = []
    status, note = request.form.get("status", action.status), request.form.get("note", "")
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            update_action(action, current_user, status, note, request.form.get("tag"))
        except ActionRefused as error:
            db.session.rollback()
            errors = [{"text": error.message, "href": f"#{error.field or 'status'}"}]
        else:
            db.session.commit()
            flash("The action is updated.", "success")
            return redirect(url_for("after.assessment_actions",
                                    assessment_id=action.assessment_id))
    return render_template("after/update_action.html", action=action, form=form,
                           errors=errors, statuses=STATUSES, status=status, note=note,
                           tag=request.form.get("tag") or version_tag(action)), (
        (412 if "Someone else" in errors[0]["text"] else 400) if errors else 200)


@blueprint.get("/insights")
@signed_in(Role.DEG_CHAIR, Role.ADMIN)
def insights():
    from ehria.accounts import department_names
    from ehria.insights import insight_for, period_from, programmes

    period, problems = period_from(request.args)
    errors = [{"text": text, "href": f"#{name}"} for name, text in problems.items()]
    found = insight_for(current_user, period, today())
    if request.args.get("format") == "csv":
        return _insight_csv(found)
    return render_template("after/insights.html", insight=found, period=period,
                           assessment_links=_links_to("scrutiny.review"),
                           errors=errors, departments=department_names(),
                           programmes=programmes(current_user),
                           admin=current_user.has_role(Role.ADMIN)), 400 if errors else 200


_ANY_ID = 2_147_483_647  # stands for an assessment's id in a URL built once


def _links_to(endpoint: str) -> Callable[[RowCount], Markup]:
    """A row's assessments as links to `endpoint`, each named by its id and (for screen
    readers) the row. Built here, not in the template: at 10,000 assessments a page has
    25,000 of them, and url_for and a Jinja loop for each took 0.6 s of its 0.8."""
    before, after = (str(escape(part)) for part in
                     url_for(endpoint, assessment_id=_ANY_ID).split(str(_ANY_ID)))

    def links(row: RowCount) -> Markup:
        label = escape(row.label)
        html = ", ".join(f'<a class="govuk-link" href="{before}{int(number)}{after}">'
                         f'{int(number)}<span class="govuk-visually-hidden"> ({label})'
                         '</span></a>' for number in row.assessments)
        # every part is escaped above and the ids are numbers (Markup.format, which
        # escapes each, took 0.4 s for 25,000 links)
        return Markup(html)  # noqa: S704  # nosec B704

    return links


def _insight_csv(found) -> Response:
    return csv_download(csv_text([["table", "row", "negative", "unknown", "assessments"]] + [
        [name, row.label, row.negative, row.unknown, " ".join(map(str, row.assessments))]
        for name, (_, rows) in found.tables.items() for row in rows]), "insights.csv")
