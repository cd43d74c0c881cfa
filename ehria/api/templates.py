"""The form builder over the API (issue 13): template versions, their changes, publishing,
and moving an assessment to the live version. Reads need any token; writes an admin's."""

from __future__ import annotations

from flask import jsonify, request

from ehria.api import ApiError, api_blueprint, api_user, token_required
from ehria.api.assessments import if_match_version, load_visible, parse_if_match, refusal
from ehria.assessments import AssessmentError, version_tag
from ehria.extensions import db
from ehria.form.problems import TemplateProblem
from ehria.permissions import can_edit_answers
from ehria.roles import Role
from ehria.template_changes import changes_between
from ehria.template_moves import MoveRefused, move_to_version
from ehria.template_versions import (
    DRAFT,
    TemplateRefused,
    create_draft,
    definition_of,
    find,
    publish,
    summaries,
    update_draft,
)
from ehria.template_versions import version_tag as template_tag

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")


def problem_fields(problems: list[TemplateProblem]) -> dict[str, list[str]]:
    """Every problem by its place, each message with its line when it has one."""
    fields: dict[str, list[str]] = {}
    for problem in problems:
        where = f"line {problem.line}: " if problem.line else ""
        fields.setdefault(problem.place or "the template", []).append(
            where + problem.message)
    return fields


def refused(error: TemplateRefused) -> ApiError:
    return ApiError(error.status, error.message, problem_fields(error.problems) or None)


def _template(version: str):
    """The version; a draft only for admins (to others it does not exist yet)."""
    template = find(version)
    if template is None or (template.status == DRAFT and Role.ADMIN not in api_user().roles):
        raise ApiError(404, f"There is no template version {version!r}.")
    return template


def _body() -> tuple[object, str | None]:
    """The definition sent: a YAML body, or JSON `{"definition": {...}}`."""
    if request.mimetype in YAML_TYPES:
        return None, request.get_data(as_text=True)
    data = request.get_json()
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return data, None


@api_blueprint.get("/templates")
@token_required()
def list_templates():
    admin = Role.ADMIN in api_user().roles
    return jsonify([summary.to_dict() for summary in summaries()
                    if admin or summary.status != DRAFT])


@api_blueprint.get("/templates/<version>")
@token_required()
def get_template(version: str):
    template = _template(version)
    response = jsonify(definition_of(template).to_dict())
    response.headers["ETag"] = f'"{template_tag(template)}"'
    return response


@api_blueprint.post("/templates")
@token_required(Role.ADMIN)
def create_template():
    data, yaml_text = _body()
    try:
        if yaml_text is not None:
            template = create_draft(api_user(), yaml_text=yaml_text)
        elif "from" in data:
            template = create_draft(api_user(), from_version=str(data["from"]))
        elif "definition" in data:
            template = create_draft(api_user(), source=data["definition"])
        else:
            raise ApiError(422, "Send {\"from\": \"<version>\"} or {\"definition\": {...}}.",
                           {"body": ["Give from or definition."]})
    except TemplateRefused as error:
        db.session.rollback()
        raise refused(error) from error
    response = jsonify({"version": template.version, "status": template.status})
    response.status_code = 201
    response.headers["ETag"] = f'"{template_tag(template)}"'
    response.headers["Location"] = f"/api/v1/templates/{template.version}"
    return response


@api_blueprint.put("/templates/<version>")
@token_required(Role.ADMIN)
def put_template(version: str):
    template = _template(version)
    data, yaml_text = _body()
    if yaml_text is None and "definition" not in data:
        raise ApiError(422, "Send {\"definition\": {...}} in the shape GET returns.",
                       {"definition": ["Missing."]})
    try:
        header = request.headers.get("If-Match")
        update_draft(template, api_user(), parse_if_match(header) if header else None,
                     source=data.get("definition") if data else None, yaml_text=yaml_text)
    except TemplateRefused as error:
        db.session.rollback()
        raise refused(error) from error
    response = jsonify({"version": template.version, "status": template.status})
    response.headers["ETag"] = f'"{template_tag(template)}"'
    return response


@api_blueprint.post("/templates/<version>/publish")
@token_required(Role.ADMIN)
def publish_template(version: str):
    template = _template(version)
    try:
        publish(template, api_user())
    except TemplateRefused as error:
        db.session.rollback()
        raise refused(error) from error
    return jsonify({"version": template.version, "status": template.status})


@api_blueprint.get("/templates/<a>/changes/<b>")
@token_required()
def template_changes(a: str, b: str):
    old, new = definition_of(_template(a)), definition_of(_template(b))
    return jsonify([change.to_dict() for change in changes_between(old, new)])


@api_blueprint.post("/assessments/<int:assessment_id>/move-to-template")
@token_required(Role.LEAD_OFFICER, Role.ADMIN)
def move_assessment(assessment_id: int):
    user = api_user()
    assessment = load_visible(assessment_id)
    if not (can_edit_answers(user, assessment) or Role.ADMIN in user.roles):
        raise ApiError(403, "Only its authors or an admin may move an assessment.")
    data = request.get_json(silent=True)
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str):
        raise ApiError(422, "Say which version to move to.", {"version": ["Missing."]})
    dry_run = request.args.get("dry_run") in ("1", "true")
    try:
        carry = move_to_version(assessment, user, version,
                                None if dry_run else if_match_version(), dry_run=dry_run)
    except MoveRefused as error:
        db.session.rollback()
        raise ApiError(error.status, error.message) from error
    except AssessmentError as error:
        db.session.rollback()
        raise refusal(error) from error
    if not dry_run:
        db.session.commit()
    response = jsonify(carry.to_dict())
    response.headers["ETag"] = f'"{version_tag(assessment)}"'
    return response
