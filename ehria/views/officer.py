"""The lead officer's journey: start, task list, one page per step, screening result,
check answers, submit. Views stay thin: forms parse, domain modules decide."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ehria.accounts import department_names
from ehria.answers import changed_paths, deep_merge
from ehria.assessments import (
    InvalidAnswers,
    NotEditable,
    StaleVersion,
    create_assessment,
    screening_outcome,
    update_answers,
    version_tag,
)
from ehria.extensions import db
from ehria.form import FormDefinition, load_definition
from ehria.form.paths import get_path, is_answered
from ehria.models import Assessment, Comment
from ehria.permissions import reads_in_full, visible_revisions
from ehria.progress import (
    applicable_steps,
    next_step,
    previous_step,
    reveals,
    tasks,
)
from ehria.revision_diff import describe
from ehria.roles import Role
from ehria.route_access import signed_in
from ehria.views.pages import assessment_for_page, error_list
from ehria.workflow import Action, NotReady, WorkflowError, apply
from forms.assessments import StartAssessmentForm, SubmitForm
from forms.base import same_value_choices
from forms.step_forms import step_form_class

blueprint = Blueprint("officer", __name__, url_prefix="/assessments")


def _comments_by_path(assessment: Assessment) -> dict[str | None, list[Comment]]:
    """The DEG chair's comments from the latest return, by the answer path they are on."""
    comments = db.session.scalars(
        db.select(Comment).where(Comment.assessment_id == assessment.id).order_by(Comment.id)
    ).all()
    by_path: dict[str | None, list[Comment]] = {}
    for comment in comments:
        by_path.setdefault(comment.path, []).append(comment)
    return by_path


def _named(errors: dict[str, list[str]], version: str) -> dict[str, list[str]]:
    """Messages that name their question, as the error summary stands alone."""
    definition = load_definition(version)
    return {
        path: [f"{definition.label_for(path)} \N{EN DASH} {m[:1].lower()}{m[1:]}" for m in messages]
        for path, messages in errors.items()
    }


def _where_it_stands(assessment: Assessment):
    """The current revision, the form version it is on, and its screening outcome."""
    revision = assessment.revision
    return revision, load_definition(revision.template_version), screening_outcome(assessment)


def _step_form(template_version: str, step_key: str, **options):
    """A step's form (404 for a step the form does not have), with the department choices
    filled in where the step asks for the department."""
    try:
        form = step_form_class(template_version, step_key)(**options)
    except KeyError:
        abort(404)
    if "department" in form:
        form.department.choices = same_value_choices(department_names())
    return form


@blueprint.route("/new", methods=["GET", "POST"])
@signed_in(Role.LEAD_OFFICER)
def start():
    form = StartAssessmentForm()
    form.department.choices = same_value_choices(department_names())
    if request.method == "GET" and current_user.department:
        form.department.data = current_user.department.name
    if form.validate_on_submit():
        answers = {"key_details": {
            "policy_name": form.policy_name.data.strip(),
            "department": form.department.data,
            "lead_officer_name": current_user.name,
        }}
        try:
            assessment = create_assessment(current_user, answers)
        except InvalidAnswers as error:
            form.department.errors = [*form.department.errors, *error.fields.get(
                "key_details.department", [])]
        else:
            db.session.commit()
            return redirect(url_for("officer.task_list", assessment_id=assessment.id))
    status = 400 if form.errors else 200
    return render_template("officer/start.html", form=form, errors=error_list(form)), status


@blueprint.get("/<int:assessment_id>")
@signed_in()
def task_list(assessment_id: int):
    assessment = assessment_for_page(assessment_id, author=True)
    revision, definition, outcome = _where_it_stands(assessment)
    return render_template(
        "officer/task_list.html", assessment=assessment, outcome=outcome,
        tasks=tasks(definition, revision.answers, outcome),
        comments=_comments_by_path(assessment),
    )


def _answered_only(value):
    """A patch without its unanswered parts, so merging it keeps what is stored there."""
    if isinstance(value, dict):
        kept = {key: _answered_only(part) for key, part in value.items()}
        return {key: part for key, part in kept.items() if part is not None} or None
    return value


def _shown_value(definition: FormDefinition, path: str, value) -> str:
    """A stored answer in words: a choice by its label, text as it is."""
    resolved = definition.resolve(path)
    if resolved is not None and isinstance(value, str):
        found, rest = resolved
        column = (found.column(rest[1]) if len(rest) == 2 and found.columns
                  and rest[1] in {c.key for c in found.columns} else None)
        label = column.choice_label(value) if column else (
            found.choice_label(value) if not rest else None)
        if label:
            return label
    return describe(value)


def _merge_after_conflict(assessment: Assessment, patch: dict):
    """The answers to show after a save refused as stale, and those that clash.

    Nothing is lost: every box this officer filled keeps what they sent, every box they left
    blank shows what was saved meanwhile, and where both answered differently the saved
    answer is listed beside theirs, so they can choose before saving again.
    """
    latest = assessment.revision.answers
    definition = load_definition(assessment.revision.template_version)
    merged = deep_merge(latest, _answered_only(patch) or {})
    clashes = [
        (definition.label_for(path), _shown_value(definition, path, get_path(latest, path)))
        for path in changed_paths(latest, merged) if is_answered(get_path(latest, path))
    ]
    return merged, clashes


def _step_response(assessment, form, step_key, status=200, notice=None, clashes=()):
    revision, definition, outcome = _where_it_stands(assessment)
    return render_template(
        "officer/step.html", assessment=assessment, form=form, step=form.step,
        reveals=reveals(form.step),
        definition=definition, errors=error_list(form), notice=notice, clashes=clashes,
        section=definition.section(form.step.section_key),
        back=previous_step(definition, revision.answers, outcome, step_key),
        comments=_comments_by_path(assessment),
    ), status


STEP_ACTIONS = ("continue", "later", "add-row")


def _row_to_remove(action: str, rows: list | None) -> int:
    """The row a "Remove row N" button names; 400 for a button no page has."""
    number = action.removeprefix("remove-row-")
    if rows is None or not (number.isascii() and number.isdigit()):
        abort(400, description="There is no such row to remove. Go back, reload the page "
                               "and try again.")
    return int(number)


@blueprint.route("/<int:assessment_id>/steps/<step_key>", methods=["GET", "POST"])
@signed_in()
def step(assessment_id: int, step_key: str):
    assessment = assessment_for_page(assessment_id, author=True)
    revision = assessment.revision
    definition = load_definition(revision.template_version)
    form = _step_form(revision.template_version, step_key)
    if request.method == "GET":
        form.load_answers(revision.answers)
        form.version.data = version_tag(assessment)
        return _step_response(assessment, form, step_key)
    if assessment.status not in ("draft", "returned"):
        return redirect(url_for("officer.task_list", assessment_id=assessment.id))

    action = request.form.get("action", "continue")
    patch, parse_errors = form.to_answers()
    plan = patch.get("report", {}).get("improvement_plan")
    if action.startswith("remove-row-"):
        index = _row_to_remove(action, plan)
        patch["report"]["improvement_plan"] = [
            row for i, row in enumerate(plan) if i != index] or None
    elif action not in STEP_ACTIONS:
        abort(400, description="The page was sent with a button it does not have. Go back, "
                               "reload the page and try again.")
    if parse_errors:
        form.add_errors(parse_errors)  # already worded with the field label
        return _step_response(assessment, form, step_key, 400)
    try:
        update_answers(assessment, current_user, patch, form.version.data or "")
    except InvalidAnswers as error:
        db.session.rollback()
        unplaced = form.add_errors(_named(error.fields, revision.template_version))
        return _step_response(assessment, form, step_key, 400,
                              notice=" ".join(unplaced) or None)
    except StaleVersion as error:
        db.session.rollback()
        db.session.refresh(assessment)
        merged, clashes = _merge_after_conflict(assessment, patch)
        form = _step_form(revision.template_version, step_key, formdata=None)
        form.load_answers(merged)
        form.version.data = version_tag(assessment)  # saving again now is a knowing choice
        return _step_response(assessment, form, step_key, 409, clashes=clashes, notice=(
            error.message + " Your answers on this page are shown below and have not been "
            "saved yet; boxes you left blank show what was saved meanwhile. Check them, "
            "then save again."))
    except NotEditable:
        db.session.rollback()
        return redirect(url_for("officer.task_list", assessment_id=assessment.id))
    db.session.commit()

    if action == "add-row" or action.startswith("remove-row-"):
        form = _step_form(revision.template_version, step_key, formdata=None)
        form.load_answers(assessment.revision.answers)
        form.version.data = version_tag(assessment)
        if action == "add-row":
            plan = definition.field("report.improvement_plan")
            if len(form.improvement_plan.entries) >= (plan.max_rows or 0):
                return _step_response(assessment, form, step_key, 400, notice=(
                    f"The {plan.label.lower()} can have at most {plan.max_rows} rows. "
                    "Your answers have been saved."))
            form.improvement_plan.append_entry({})
        return _step_response(assessment, form, step_key)
    if action == "later":
        return redirect(url_for("officer.task_list", assessment_id=assessment.id))
    outcome = screening_outcome(assessment)
    answers = assessment.revision.answers
    if step_key == "decision":
        return redirect(url_for("officer.screening_result", assessment_id=assessment.id))
    following = next_step(definition, answers, outcome, step_key)
    if following is None:
        return redirect(url_for("officer.task_list", assessment_id=assessment.id))
    return redirect(url_for("officer.step", assessment_id=assessment.id, step_key=following))


@blueprint.post("/<int:assessment_id>/steps/<step_key>/autosave")
@signed_in()
def autosave(assessment_id: int, step_key: str):
    """Called by static/js/autosave.js a few seconds after typing stops: same rules as
    "Save and come back later", answered in JSON so the page can say what happened."""
    assessment = assessment_for_page(assessment_id, author=True)
    revision = assessment.revision
    form = _step_form(revision.template_version, step_key)
    patch, parse_errors = form.to_answers()
    if parse_errors:
        return {"saved": False, "errors": parse_errors}, 400
    try:
        update_answers(assessment, current_user, patch, form.version.data or "")
    except InvalidAnswers as error:
        db.session.rollback()
        return {"saved": False, "errors": _named(error.fields, revision.template_version)}, 400
    except StaleVersion as error:
        db.session.rollback()
        return {"saved": False, "conflict": True, "message": error.message}, 409
    except NotEditable as error:
        db.session.rollback()
        return {"saved": False, "message": error.message}, 409
    db.session.commit()
    updated_at = assessment.updated_at
    if updated_at.tzinfo is None:  # SQLite gives stored UTC times back without their zone
        updated_at = updated_at.replace(tzinfo=UTC)
    # "saved_at" is UTC; the page shows "saved_at_utc" in the officer's own time.
    return {"saved": True, "version": version_tag(assessment),
            "saved_at": updated_at.strftime("%H:%M:%S"),
            "saved_at_utc": updated_at.isoformat()}


@blueprint.get("/<int:assessment_id>/screening-result")
@signed_in()
def screening_result(assessment_id: int):
    assessment = assessment_for_page(assessment_id, author=True)
    definition = load_definition(assessment.revision.template_version)
    return render_template("officer/screening_result.html", assessment=assessment,
                           outcome=screening_outcome(assessment), definition=definition)


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
        returned=assessment.status == "returned",
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
