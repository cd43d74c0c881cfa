"""The lead officer's journey: start, task list, one page per step, screening result,
check answers, submit. Views stay thin: forms parse, domain modules decide."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ehria import threads
from ehria.accounts import department_names
from ehria.assessments import (
    InvalidAnswers,
    create_assessment,
    screening_outcome,
    starting_answers,
)
from ehria.config import live_version
from ehria.extensions import db
from ehria.form import load_definition
from ehria.models import Assessment, Thread
from ehria.permissions import reads_in_full, visible_revisions
from ehria.programme_impacts import may_see_programmes
from ehria.progress import (
    CHECK_AND_SUBMIT,
    after_screening_result,
    applicable_steps,
    reveals,
    tasks,
)
from ehria.publication_register import published_record
from ehria.roles import Role
from ehria.route_access import signed_in
from ehria.views.pages import assessment_for_page, error_list
from ehria.workflow import Action, NotReady, WorkflowError, allowed_actions, apply
from forms.assessments import StartAssessmentForm, SubmitForm
from forms.base import same_value_choices
from forms.step_runner import BadButton, Destination, StepPage, StepRunner, UnknownStep

blueprint = Blueprint("officer", __name__, url_prefix="/assessments")


def _comments_by_path(assessment: Assessment) -> dict[str | None, list[Thread]]:
    """The comment threads, by the answer path they are on (shown beside it when open)."""
    return threads.by_path(threads.threads_of(assessment))


def _where_it_stands(assessment: Assessment):
    """The current revision, the form version it is on, and its screening outcome."""
    revision = assessment.revision
    return revision, load_definition(revision.template_version), screening_outcome(assessment)


@blueprint.route("/new", methods=["GET", "POST"])
@signed_in(Role.LEAD_OFFICER)
def start():
    definition = load_definition(live_version())
    form = StartAssessmentForm()
    form.label_from(definition)
    form.department.choices = same_value_choices(department_names())
    if request.method == "GET" and current_user.department:
        form.department.data = current_user.department.name
    if form.validate_on_submit():
        answers = starting_answers(definition, form.name.data.strip(), form.department.data,
                                   current_user.name)
        try:
            assessment = create_assessment(current_user, answers, definition.version)
        except InvalidAnswers as error:
            form.department.errors = [*form.department.errors, *error.fields.get(
                definition.assessment.department, [])]
        else:
            db.session.commit()
            return redirect(url_for("officer.task_list", assessment_id=assessment.id))
    status = 400 if form.errors else 200
    return render_template("officer/start.html", form=form, errors=error_list(form),
                           introduction=definition.introduction), status


@blueprint.get("/<int:assessment_id>")
@signed_in()
def task_list(assessment_id: int):
    assessment = assessment_for_page(assessment_id, author=True)
    revision, definition, outcome = _where_it_stands(assessment)
    return render_template(
        "officer/task_list.html", assessment=assessment, outcome=outcome,
        definition=definition,
        tasks=tasks(definition, revision.answers, outcome), check_task=CHECK_AND_SUBMIT,
        comments=_comments_by_path(assessment),
        newer_form=(live_version() if assessment.is_editable
                    and revision.template_version != live_version() else None),
        may_review=Action.REVIEW in allowed_actions(current_user, assessment),
        published=published_record(assessment),
        open_threads=threads.open_threads(threads.threads_of(assessment)),
        sees_programmes=may_see_programmes(current_user),
    )


def _runner(assessment: Assessment, step_key: str) -> StepRunner:
    try:
        return StepRunner(assessment, step_key, department_names())
    except UnknownStep:
        abort(404)


def _step_page(runner: StepRunner, page: StepPage):
    assessment, definition = runner.assessment, runner.definition
    return render_template(
        "officer/step.html", assessment=assessment, form=page.form, step=runner.step,
        reveals=reveals(runner.step), definition=definition, errors=error_list(page.form),
        notice=page.notice, clashes=page.clashes, section=definition.section_of(runner.step),
        back=runner.back, comments=_comments_by_path(assessment),
        first_of_section=definition.section_of(runner.step).steps[0] == runner.step,
    ), page.status


def _go(assessment: Assessment, destination: Destination):
    if destination.kind == "step":
        return redirect(url_for("officer.step", assessment_id=assessment.id,
                                step_key=destination.step_key))
    if destination.kind == "screening_result":
        return redirect(url_for("officer.screening_result", assessment_id=assessment.id))
    return redirect(url_for("officer.task_list", assessment_id=assessment.id))


@blueprint.route("/<int:assessment_id>/steps/<step_key>", methods=["GET", "POST"])
@signed_in()
def step(assessment_id: int, step_key: str):
    """One page of the form: the step runner does the work (forms/step_runner.py)."""
    assessment = assessment_for_page(assessment_id, author=True)
    runner = _runner(assessment, step_key)
    if request.method == "GET":
        return _step_page(runner, runner.show())
    try:
        result = runner.post(current_user, request.form)
    except BadButton:
        abort(400, description="The page was sent with a button it does not have. Go back, "
                               "reload the page and try again.")
    return _step_page(runner, result) if isinstance(result, StepPage) else _go(
        assessment, result)


@blueprint.post("/<int:assessment_id>/steps/<step_key>/autosave")
@signed_in()
def autosave(assessment_id: int, step_key: str):
    """Called by static/js/autosave.js a few seconds after typing stops."""
    assessment = assessment_for_page(assessment_id, author=True)
    answer, status = _runner(assessment, step_key).autosave(current_user, request.form)
    if answer.get("saved"):
        updated_at = assessment.updated_at
        if updated_at.tzinfo is None:  # SQLite gives stored UTC times back without a zone
            updated_at = updated_at.replace(tzinfo=UTC)
        # "saved_at" is UTC; the page shows "saved_at_utc" in the officer's own time.
        answer.update(saved_at=updated_at.strftime("%H:%M:%S"),
                      saved_at_utc=updated_at.isoformat())
    return answer, status


@blueprint.get("/<int:assessment_id>/screening-result")
@signed_in()
def screening_result(assessment_id: int):
    assessment = assessment_for_page(assessment_id, author=True)
    revision, definition, outcome = _where_it_stands(assessment)
    following = after_screening_result(definition, revision.answers, outcome)
    return render_template("officer/screening_result.html", assessment=assessment,
                           outcome=outcome, definition=definition, following=following,
                           following_section=definition.section_of(
                               definition.step(following)) if following else None)


@blueprint.route("/<int:assessment_id>/check", methods=["GET", "POST"])
@signed_in()
def check_answers(assessment_id: int):
    assessment = assessment_for_page(assessment_id, author=True)
    revision, definition, outcome = _where_it_stands(assessment)
    form = SubmitForm()
    notice = None
    if form.validate_on_submit():
        try:
            apply(assessment, current_user, Action.SUBMIT,
                  {"declaration": True, "comment": form.comment.data})
        except NotReady as error:
            db.session.rollback()
            notice = error.message
        except WorkflowError as error:
            db.session.rollback()
            notice = error.message
        else:
            db.session.commit()
            return redirect(url_for("officer.submitted", assessment_id=assessment.id))
    status = 400 if form.errors or notice else 200
    return render_template(
        "officer/check_answers.html", assessment=assessment, form=form, outcome=outcome,
        definition=definition, steps=applicable_steps(definition, revision.answers, outcome),
        answers=revision.answers, errors=error_list(form), notice=notice,
        returned=assessment.is_returned,
    ), status


@blueprint.get("/<int:assessment_id>/submitted")
@signed_in()
def submitted(assessment_id: int):
    assessment = assessment_for_page(assessment_id, author=True)
    return render_template("officer/submitted.html", assessment=assessment)


@blueprint.get("/<int:assessment_id>/revisions")
@signed_in()
def revisions(assessment_id: int):
    """Each revision beside the one before it: the questions that changed, old and new."""
    from ehria.revision_diff import differences

    assessment = assessment_for_page(assessment_id)
    if not reads_in_full(current_user, assessment):
        abort(403)
    history = []
    previous: dict = {}
    for revision in visible_revisions(current_user, assessment):
        definition = load_definition(revision.template_version)
        history.append((revision, differences(previous, revision.answers, definition)
                        if revision.number > 1 else []))
        previous = revision.answers
    return render_template("officer/revisions.html", assessment=assessment,
                           history=list(reversed(history)))
