"""Assessments over the JSON API: create, list, read and change answers."""

from __future__ import annotations

from flask import request, url_for
from marshmallow import Schema, ValidationError
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, lazyload

from ehria.api import ApiError, api_blueprint, api_user, token_required
from ehria.api.schemas import (
    AnswersBodySchema,
    AssessmentPageSchema,
    AssessmentSchema,
    ListQuerySchema,
    ScreeningOutcomeSchema,
)
from ehria.assessments import (
    AssessmentError,
    InvalidAnswers,
    NotEditable,
    StaleVersion,
    create_assessment,
    screening_outcome,
    update_answers,
    version_tag,
)
from ehria.config import live_version
from ehria.documents import depersonalise, source_for
from ehria.extensions import db
from ehria.form import load_definition
from ehria.models import Assessment, AssessmentAuthor, Department, User
from ehria.permissions import (
    can_edit_answers,
    can_see,
    reads_in_full,
    visible_assessments,
    visible_revision,
)
from ehria.records import comments_of, signatures_of, signed_record_of
from ehria.roles import Role
from ehria.screening import screen


def flatten_messages(messages: dict | list, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages as {"dotted.path": [message, ...]}."""
    if isinstance(messages, list):
        return {prefix or "body": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        flat.update(flatten_messages(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def load_body(schema: Schema) -> dict:
    data = request.get_json()  # malformed JSON: 400; not JSON at all: 415
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.")
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ApiError(
            422, "The request is not valid.", flatten_messages(error.messages)
        ) from error


# One instance each: a marshmallow schema copies all its fields when it is made.
ASSESSMENT_SCHEMA = AssessmentSchema()
SCREENING_OUTCOME_SCHEMA = ScreeningOutcomeSchema()


def assessment_json(assessment: Assessment, viewer: User) -> dict:
    """The assessment as design/API.md shows it, as `viewer` may read it.

    The revision is the one the viewer reads (permissions.visible_revision: a chair never
    sees an officer's unsubmitted changes). Those who do not read it in full (the web
    team) get the depersonalised version: answers and signatures as the published PDF
    prints them, no authors and no scrutiny comments; `depersonalised` says which.
    The signatures, signed record and comments are only queried when the workflow can
    have made them (see the `may_have_*` rules), which spares a draft three statements.
    """
    from ehria.workflow import may_have_comments, may_have_signatures, may_have_signed_record

    revision = visible_revision(viewer, assessment)
    in_full = reads_in_full(viewer, assessment)
    record = (signed_record_of(assessment, revision.number)
              if may_have_signed_record(assessment, revision) else None)
    signatures = (signatures_of(assessment, revision.number)
                  if may_have_signatures(assessment, revision) else [])
    comments = (comments_of(assessment, revision.number)
                if in_full and may_have_comments(assessment) else [])
    answers: dict = revision.answers
    signed: list = list(signatures)
    if not in_full:
        redacted = depersonalise(source_for(assessment, signatures, revision))
        answers, signed = redacted.answers, redacted.signatures
    document = {
        "id": assessment.id,
        "reference": assessment.reference,
        "status": assessment.status,
        "revision": revision.number,
        "version": version_tag(assessment),
        "template_version": revision.template_version,
        "department": assessment.department.name,
        "authors": ([{"name": u.name, "email": u.email} for u in assessment.authors]
                    if in_full else []),
        "answers": answers,
        "screening_outcome": screen(
            revision.answers, load_definition(revision.template_version)).to_dict(),
        "signatures": signed,
        "comments": [
            {"author": c.author.name, "at": c.at, "path": c.path, "text": c.text,
             "revision": c.revision}
            for c in comments
        ],
        "published_url": assessment.published_url,
        "sha256": record.sha256 if record else None,
        "review_date": assessment.review_date,
        "programme": assessment.programme,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "depersonalised": not in_full,
    }
    return ASSESSMENT_SCHEMA.dump(document)


def minimal_json(assessment: Assessment) -> dict:
    """What a PATCH sent with `Prefer: return=minimal` answers: enough to carry on editing
    (the version for the next If-Match) and the screening outcome the answers lead to."""
    return {
        "id": assessment.id,
        "revision": assessment.current_revision,
        "version": version_tag(assessment),
        "screening_outcome": SCREENING_OUTCOME_SCHEMA.dump(
            screening_outcome(assessment).to_dict()
        ),
    }


def prefers_minimal() -> bool:
    """Whether the request says `Prefer: return=minimal` (RFC 7240: preferences are
    comma-separated, their names case-insensitive, parameters after a semicolon)."""
    for header in request.headers.getlist("Prefer"):
        for preference in header.split(","):
            name, _, value = preference.split(";", 1)[0].partition("=")
            if (name.strip().lower() == "return"
                    and value.strip().strip('"').lower() == "minimal"):
                return True
    return False


def assessment_response(assessment: Assessment, status: int = 200):
    body = assessment_json(assessment, api_user())
    return body, status, {"ETag": f'"{body["version"]}"'}


# The assessment, its department, its authors (without their roles: only their ids,
# names and e-mails are read) and its revisions, in one statement, built once (building
# it afresh on every request costs about as much CPU as running it).
WHOLE_ASSESSMENT = (
    select(Assessment)
    .where(Assessment.id == bindparam("assessment_id"))
    .options(
        joinedload(Assessment.author_rows).joinedload(AssessmentAuthor.user)
        .lazyload(User.role_rows),
        joinedload(Assessment.revisions),
    )
)


def load_in_full(assessment_id: int) -> Assessment:
    """As `load_visible`, for what only those who read it in full may have (403 for the
    web team: the full PDF, the audit history)."""
    assessment = load_visible(assessment_id)
    if not reads_in_full(api_user(), assessment):
        raise ApiError(403, "The web team works from the depersonalised version: the full "
                            "assessment and its history are for its department.")
    return assessment


def load_visible(assessment_id: int) -> Assessment:
    """The assessment, or 404 for one that does not exist or the caller may not see."""
    assessment = db.session.scalars(
        WHOLE_ASSESSMENT, {"assessment_id": assessment_id}
    ).unique().one_or_none()
    if assessment is None or not can_see(api_user(), assessment):
        raise ApiError(404, "No assessment with that id is visible to you.")
    return assessment


def parse_if_match(header: str) -> str:
    """The version in an If-Match header, bare or as an (optionally weak) ETag."""
    return header.strip().removeprefix("W/").strip('"')


def if_match_version() -> str:
    header = request.headers.get("If-Match")
    if not header:
        raise ApiError(
            428, "Send If-Match with the version you last read, so no one's work is lost."
        )
    return parse_if_match(header)


def refusal(error: AssessmentError) -> ApiError:
    status = {InvalidAnswers: 422, StaleVersion: 412, NotEditable: 409}[type(error)]
    return ApiError(status, error.message, error.fields or None)


@api_blueprint.post("/assessments")
@token_required(Role.LEAD_OFFICER)
def create():
    body = load_body(AnswersBodySchema())
    try:
        assessment = create_assessment(api_user(), body["answers"], live_version())
    except AssessmentError as error:
        db.session.rollback()
        raise refusal(error) from error
    db.session.commit()
    body, status, headers = assessment_response(assessment, 201)
    headers["Location"] = url_for("api.read", assessment_id=assessment.id)
    return body, status, headers


@api_blueprint.get("/assessments")
@token_required()
def list_assessments():
    try:
        query = ListQuerySchema().load(request.args.to_dict())
    except ValidationError as error:
        raise ApiError(
            400, "The query is not valid.", flatten_messages(error.messages)
        ) from error
    statement = visible_assessments(api_user())
    if status := query.get("status"):
        statement = statement.where(Assessment.status == status)
    if department := query.get("department"):
        statement = statement.join(Assessment.department).where(Department.name == department)
    if text := query.get("q"):
        statement = statement.where(
            Assessment.policy_name.icontains(text, autoescape=True)
        )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    page, per_page = query["page"], query["per_page"]
    items = db.session.scalars(
        statement.order_by(Assessment.updated_at.desc(), Assessment.id.desc())
        # the summaries show no authors: skip their eager load (two queries a page)
        .options(lazyload(Assessment.author_rows))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return AssessmentPageSchema().dump(
        {"items": items, "page": page, "per_page": per_page, "total": total}
    )


@api_blueprint.get("/assessments/<int:assessment_id>")
@token_required()
def read(assessment_id: int):
    return assessment_response(load_visible(assessment_id))


@api_blueprint.patch("/assessments/<int:assessment_id>")
@token_required()
def patch(assessment_id: int):
    assessment = load_visible(assessment_id)
    if not can_edit_answers(api_user(), assessment):
        raise ApiError(403, "Only the authors of an assessment can change its answers.")
    expected = if_match_version()
    body = load_body(AnswersBodySchema())
    try:
        update_answers(assessment, api_user(), body["answers"], expected)
    except AssessmentError as error:
        db.session.rollback()
        raise refusal(error) from error
    # The answer is made before the commit, which would expire the assessment and cost
    # three statements to load it again; the flush has already set the new version.
    if prefers_minimal():
        body, headers = minimal_json(assessment), {"Preference-Applied": "return=minimal"}
    else:
        body, headers = assessment_json(assessment, api_user()), {}
    db.session.commit()
    return body, 200, {"ETag": f'"{body["version"]}"', **headers}
