"""The DEG chair's pages: the queue, the read-only review with comments, return, sign off."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ehria import jobs, threads
from ehria.assessments import screening_outcome
from ehria.clock import today
from ehria.document_layout import assessment_name, lead_officer_name
from ehria.extensions import db
from ehria.form import load_definition
from ehria.models import Assessment, Event, Revision, Signature, Thread
from ehria.permissions import is_chair_of, reads_in_full, visible_revision
from ehria.programme_impacts import may_see_programmes
from ehria.progress import applicable_steps
from ehria.records import signed_record_of
from ehria.review_dates import default_review_date, review_date_parts
from ehria.roles import Role
from ehria.route_access import signed_in
from ehria.screening import screen
from ehria.signed_records import canonical_json, sha256_hex
from ehria.statuses import Status
from ehria.views.pages import assessment_for_page
from ehria.workflow import Action, Outcome, WorkflowError, allowed_actions, apply, refusal
from forms.base import BaseForm

blueprint = Blueprint("scrutiny", __name__, url_prefix="/scrutiny")
QUESTION_COMMENT = "question_comment:"


def _queue() -> list[tuple[Assessment, Revision]]:
    """Submitted assessments of the chair's department, oldest submission first."""
    rows = db.session.execute(
        select(Assessment, Revision)
        .join(Revision, (Revision.assessment_id == Assessment.id)
              & (Revision.number == Assessment.current_revision))
        .where(Assessment.status == Status.SUBMITTED,
               Assessment.department_id == current_user.department_id)
        .order_by(Revision.submitted_at, Assessment.id)
    ).all()
    return [(a, r) for a, r in rows]


def _signed_by_me() -> list[Assessment]:
    return list(db.session.scalars(
        select(Assessment).join(Signature, Signature.assessment_id == Assessment.id)
        .where(Signature.user_id == current_user.id, Signature.role == Role.DEG_CHAIR.value)
        .order_by(Signature.at.desc())
    ).unique())


@blueprint.get("/")
@signed_in(Role.DEG_CHAIR)
def queue():
    queued = _queue()
    outcomes = {a.id: screening_outcome(a) for a, _ in queued}
    return render_template("scrutiny/queue.html", queued=queued, outcomes=outcomes,
                           lead_officers={a.id: lead_officer_name(r) for a, r in queued},
                           signed=_signed_by_me())


def _for_chair(assessment_id: int) -> Assessment:
    assessment = assessment_for_page(assessment_id)
    if not is_chair_of(current_user, assessment) and not current_user.has_role(Role.ADMIN):
        abort(403)
    return assessment


def content_fingerprint(assessment: Assessment) -> str:
    """SHA-256 of what is being signed (answers and form version), shown before signing."""
    revision = assessment.revision
    return sha256_hex(canonical_json({"answers": revision.answers,
                                      "template_version": revision.template_version}))


@blueprint.get("/<int:assessment_id>")
@signed_in(Role.DEG_CHAIR, Role.ADMIN)
def review(assessment_id: int):
    assessment = assessment_for_page(assessment_id)
    if not reads_in_full(current_user, assessment):
        abort(403)  # a chair of another department who is also web team, say
    return _review_page(assessment)


def _review_page(assessment: Assessment, problem: WorkflowError | None = None,
                 typed: dict[str, str] | None = None, status: int = 200):
    """The read-only review; after a refused return, with the problem and what was typed
    (the chair's comments are never lost to an error)."""
    revision = visible_revision(current_user, assessment)
    definition = load_definition(revision.template_version)
    outcome = screen(revision.answers, definition)
    every = threads.threads_of(assessment)
    return render_template(
        "scrutiny/review.html", assessment=assessment, outcome=outcome, revision=revision,
        name=assessment_name(definition, revision.answers) or assessment.policy_name,
        definition=definition, answers=revision.answers,
        steps=applicable_steps(definition, revision.answers, outcome),
        threads=every, since_returned=since_returned(assessment, revision, every),
        may_resolve=threads.may_resolve(current_user, assessment), form=BaseForm(),
        record=signed_record_of(assessment, revision.number),
        actions=allowed_actions(current_user, assessment),
        sign_off_refused=_sign_off_refused(assessment),
        fingerprint=content_fingerprint(assessment),
        problems=_problem_list(problem), typed=typed or {},
        sees_programmes=may_see_programmes(current_user),
    ), status


def _touches(path: str, thread: Thread) -> bool:
    """Whether a changed answer path is the thread's question or within it (or holds it)."""
    return thread.path is not None and (
        path == thread.path or path.startswith(thread.path + ".")
        or thread.path.startswith(path + "."))


def since_returned(assessment: Assessment, revision: Revision,
                   every: list[Thread]) -> list[tuple[object, list[Thread]]] | None:
    """"What changed since you returned it": per changed question, the old and new answer
    in words and the threads beside it; None unless this is a resubmission."""
    from ehria.revision_diff import differences

    returned = db.session.scalar(
        select(Event.revision).where(Event.assessment_id == assessment.id,
                                     Event.action == "returned",
                                     Event.revision < revision.number)
        .order_by(Event.id.desc()).limit(1))
    if returned is None:
        return None
    old = next(r for r in assessment.revisions if r.number == returned)
    changes = differences(old.answers, revision.answers,
                          load_definition(revision.template_version))
    placed: set[int] = set()  # each thread beside the first change it is about, once
    result = []
    for change in changes:
        beside = [t for t in every if t.id not in placed and _touches(change.path, t)]
        placed.update(t.id for t in beside)
        result.append((change, beside))
    return result


def _sign_off_refused(assessment: Assessment) -> str | None:
    """Why this chair may not sign it off while it waits for scrutiny (they wrote it)."""
    error = refusal(current_user, assessment, Action.SIGN_OFF)
    return error.message if error is not None and assessment.is_submitted and is_chair_of(
        current_user, assessment) else None


def _problem_list(problem: WorkflowError | None) -> list[dict[str, str]]:
    """The error summary's items, each linking to the box it is about."""
    if problem is None:
        return []
    fields = problem.details.get("fields") or {"comment": [problem.message]}
    items = []
    for path, messages in fields.items():
        box = ("qc-" + path.removeprefix("question_comments.").replace(".", "-")
               if path.startswith("question_comments.") else "comment")
        items += [{"text": message, "href": f"#{box}"} for message in messages]
    return items


def _finish(outcome: Outcome, endpoint: str):
    db.session.commit()
    jobs.after_commit(outcome.event, outcome.assessment, outcome.notifications)
    return redirect(url_for(endpoint, assessment_id=outcome.assessment.id))


@blueprint.post("/<int:assessment_id>/return")
@signed_in(Role.DEG_CHAIR)
def return_to_officer(assessment_id: int):
    assessment = _for_chair(assessment_id)
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    question_comments = {
        key.removeprefix(QUESTION_COMMENT): value
        for key, value in request.form.items()
        if key.startswith(QUESTION_COMMENT) and value.strip()
    }
    comment = request.form.get("comment", "")
    try:
        outcome = apply(assessment, current_user, Action.RETURN, {
            "comment": comment, "question_comments": question_comments,
        })
    except WorkflowError as error:
        db.session.rollback()
        typed = {"comment": comment, **{QUESTION_COMMENT + path: text
                                        for path, text in question_comments.items()}}
        return _review_page(assessment, error, typed, 400)
    return _finish(outcome, "scrutiny.returned")


@blueprint.get("/<int:assessment_id>/returned")
@signed_in(Role.DEG_CHAIR)
def returned(assessment_id: int):
    return render_template("scrutiny/done.html", assessment=_for_chair(assessment_id),
                           title="Assessment returned to its authors", record=None)


@blueprint.route("/<int:assessment_id>/sign-off", methods=["GET", "POST"])
@signed_in(Role.DEG_CHAIR)
def sign_off(assessment_id: int):
    assessment = _for_chair(assessment_id)
    form = BaseForm()
    notice = _sign_off_refused(assessment)
    review = review_date_parts(request.form)
    if notice is None and form.validate_on_submit():
        try:
            outcome = apply(assessment, current_user, Action.SIGN_OFF,
                            {"review_date": review.iso})
        except WorkflowError as error:
            db.session.rollback()
            notice = error.message
        else:
            return _finish(outcome, "scrutiny.signed")
    may_sign = Action.SIGN_OFF in allowed_actions(current_user, assessment)
    return render_template("scrutiny/sign_off.html", assessment=assessment, form=form,
                           notice=notice, fingerprint=content_fingerprint(assessment),
                           definition=load_definition(
                               visible_revision(current_user, assessment).template_version),
                           may_sign=may_sign, review=review,
                           default_review=default_review_date(today())), (
        403 if notice and assessment.is_author(current_user) else 400 if notice else 200)


@blueprint.get("/<int:assessment_id>/signed")
@signed_in(Role.DEG_CHAIR)
def signed(assessment_id: int):
    assessment = _for_chair(assessment_id)
    record = signed_record_of(assessment)
    return render_template("scrutiny/done.html", assessment=assessment,
                           title="Assessment signed off", record=record,
                           pdfs_ready=record is not None and jobs.pdfs_ready(record))
