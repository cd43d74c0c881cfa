"""The comments page: every thread of an assessment with its replies; authors (and the
department's DEG chair) reply there, the chair resolves or reopens. Rules: ehria.threads."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ehria import jobs, threads
from ehria.extensions import db
from ehria.form import load_definition
from ehria.models import Assessment
from ehria.permissions import reads_in_full, visible_revision
from ehria.roles import Role
from ehria.route_access import signed_in
from ehria.views.pages import assessment_for_page
from ehria.workflow import WorkflowError
from forms.base import BaseForm

blueprint = Blueprint("threads", __name__, url_prefix="/assessments")


def _in_full(assessment_id: int) -> Assessment:
    assessment = assessment_for_page(assessment_id)
    if not reads_in_full(current_user, assessment):
        abort(403)
    return assessment


def render_page(assessment: Assessment, problem: dict | None = None, status: int = 200):
    """All its threads, open ones first; after a refused reply, the error beside its box
    and what was typed."""
    definition = load_definition(visible_revision(current_user, assessment).template_version)
    every = threads.threads_of(assessment)
    return render_template(
        "threads/page.html", assessment=assessment, definition=definition,
        open_threads=threads.open_threads(every),
        resolved=[t for t in every if t.resolved], form=BaseForm(),
        may_write=threads.may_write(current_user, assessment),
        may_resolve=threads.may_resolve(current_user, assessment),
        problem=problem, errors=[{"text": problem["text"], "href": "#" + problem["box"]}]
        if problem else [],
    ), status


@blueprint.get("/<int:assessment_id>/comments")
@signed_in()
def page(assessment_id: int):
    return render_page(_in_full(assessment_id))


def _csrf_checked() -> None:
    if not BaseForm().validate_on_submit():
        abort(400)


@blueprint.post("/<int:assessment_id>/comments/<int:thread_id>/reply")
@signed_in()
def reply(assessment_id: int, thread_id: int):
    assessment = _in_full(assessment_id)
    if not threads.may_write(current_user, assessment):
        abort(403)
    _csrf_checked()
    text = request.form.get("text", "")
    try:
        change = threads.reply(assessment, current_user, thread_id, text)
        db.session.flush()
    except WorkflowError as error:
        db.session.rollback()
        message = (error.details.get("fields") or {}).get("text", [error.message])[0]
        return render_page(assessment, {"thread": thread_id, "box": f"reply-{thread_id}",
                                        "text": message, "typed": text}, 400)
    db.session.commit()
    jobs.after_commit("e-mail", None, change.messages)
    flash("Your reply has been added", "success")
    return redirect(url_for("threads.page", assessment_id=assessment.id)
                    + f"#thread-{thread_id}")


def _resolution(assessment_id: int, thread_id: int, resolved: bool):
    assessment = _in_full(assessment_id)
    if not threads.may_resolve(current_user, assessment):
        abort(403)
    _csrf_checked()
    try:
        change = (threads.resolve if resolved else threads.reopen)(
            assessment, current_user, thread_id)
    except WorkflowError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash("Comment marked as resolved" if resolved else "Comment reopened", "success")
    back = request.form.get("back")
    if back == "review":
        return redirect(url_for("scrutiny.review", assessment_id=assessment.id)
                        + f"#thread-{change.thread.id}")
    return redirect(url_for("threads.page", assessment_id=assessment.id)
                    + f"#thread-{change.thread.id}")


@blueprint.post("/<int:assessment_id>/comments/<int:thread_id>/resolve")
@signed_in(Role.DEG_CHAIR)
def resolve(assessment_id: int, thread_id: int):
    return _resolution(assessment_id, thread_id, True)


@blueprint.post("/<int:assessment_id>/comments/<int:thread_id>/reopen")
@signed_in(Role.DEG_CHAIR)
def reopen(assessment_id: int, thread_id: int):
    return _resolution(assessment_id, thread_id, False)
