"""The OpenAPI 3 description of the API, made by apispec from the marshmallow schemas."""

from __future__ import annotations

from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify

from ehria.api import api_blueprint
from ehria.api.schemas import (
    AnswersBodySchema,
    AssessmentPageSchema,
    AssessmentSchema,
    DepartmentSchema,
    ErrorSchema,
)
from ehria.route_access import public

ERROR = {"content": {"application/json": {"schema": "Error"}}}


def _responses(ok: int, schema: str | dict | None, *errors: int) -> dict:
    responses: dict = {str(ok): {"description": "Success"}}
    if schema is not None:
        responses[str(ok)]["content"] = {"application/json": {"schema": schema}}
    descriptions = {
        400: "Malformed request", 401: "No valid token", 403: "Not allowed",
        404: "Not found or not visible", 409: "Not editable in this state",
        412: "Version is stale", 422: "Invalid answers (fields names each path)",
        428: "If-Match is required",
    }
    for code in (401, *errors):
        responses[str(code)] = {"description": descriptions[code], **ERROR}
    return responses


# What a PATCH answers with `Prefer: return=minimal` (ehria.api.assessments.minimal_json).
MINIMAL_ASSESSMENT = {
    "type": "object",
    "required": ["id", "revision", "version", "screening_outcome"],
    "properties": {
        "id": {"type": "integer"}, "revision": {"type": "integer"},
        "version": {"type": "string"}, "screening_outcome": {"type": "object"},
    },
}


@cache
def build_spec() -> dict:
    spec = APISpec(
        title="EHRIA API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Equality and Human Rights Impact Assessments (design/API.md)"},
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name, schema in {
        "Error": ErrorSchema, "Assessment": AssessmentSchema,
        "AssessmentPage": AssessmentPageSchema, "Department": DepartmentSchema,
        "AnswersBody": AnswersBodySchema,
    }.items():
        spec.components.schema(name, schema=schema)
    body = {"required": True, "content": {"application/json": {"schema": "AnswersBody"}}}
    assessment_id = {"name": "assessment_id", "in": "path", "required": True,
                     "schema": {"type": "integer"}}
    spec.path("/template", operations={"get": {
        "summary": "The form template", "responses": _responses(200, {"type": "object"})}})
    spec.path("/departments", operations={"get": {
        "summary": "The configured departments",
        "responses": _responses(200, {"type": "array", "items": "Department"})}})
    spec.path("/assessments", operations={
        "get": {
            "summary": "Assessments the caller may see",
            "parameters": [
                {"name": n, "in": "query", "schema": {"type": t}}
                for n, t in (("status", "string"), ("department", "string"), ("q", "string"),
                             ("page", "integer"), ("per_page", "integer"))
            ],
            "responses": _responses(200, "AssessmentPage", 400),
        },
        "post": {
            "summary": "Start an assessment (lead officers)", "requestBody": body,
            "responses": _responses(201, "Assessment", 400, 403, 422),
        },
    })
    spec.path("/assessments/{assessment_id}", operations={
        "get": {"summary": "One assessment, as the caller reads it",
                "description": "Authors read the working revision, the department's DEG "
                               "chairs the latest submitted one, the web team the "
                               "depersonalised version (`depersonalised: true`: redacted "
                               "answers and signatures, no authors or comments).",
                "parameters": [assessment_id],
                "responses": _responses(200, "Assessment", 404)},
        "patch": {
            "summary": "Merge answers (authors; needs If-Match)",
            "description": "With `Prefer: return=minimal` (RFC 7240) the answer is only "
                           "the id, revision, version and screening outcome, and says "
                           "`Preference-Applied: return=minimal`; otherwise the whole "
                           "assessment, as GET gives it.",
            "parameters": [
                assessment_id,
                {"name": "If-Match", "in": "header", "required": True,
                 "schema": {"type": "string"}},
                {"name": "Prefer", "in": "header", "required": False,
                 "schema": {"type": "string", "example": "return=minimal"}},
            ],
            "requestBody": body,
            "responses": _responses(
                200, {"oneOf": ["Assessment", MINIMAL_ASSESSMENT]},
                400, 403, 404, 409, 412, 422, 428),
        },
    })
    for action, summary, fields in (
        ("submit", "Submit with the first signature (authors); 422 lists missing and problems",
         {"declaration": {"type": "boolean"}, "comment": {"type": "string"}}),
        ("return", "Return to the authors with comments (the department's DEG chair)",
         {"comment": {"type": "string"},
          "question_comments": {"type": "object", "additionalProperties": {"type": "string"}}}),
        ("sign-off", "Sign off and freeze the revision (a DEG chair who is not an author)", {}),
        ("publish", "Mark as published (web team)", {"url": {"type": "string"}}),
        ("review", "Start a new draft revision from the published one (authors)", {}),
        ("authors", "Add a co-author by e-mail (authors)", {"email": {"type": "string"}}),
    ):
        spec.path(f"/assessments/{{assessment_id}}/{action}", operations={"post": {
            "summary": summary, "parameters": [assessment_id],
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": fields}}}},
            "responses": _responses(200, "Assessment", 400, 403, 404, 409, 422),
        }})
    spec.path("/assessments/{assessment_id}/history", operations={"get": {
        "summary": "Audit events, oldest first (authors, DEG chairs, admins; web team 403)",
        "parameters": [assessment_id],
        "responses": _responses(200, {"type": "array", "items": {"type": "object"}},
                                403, 404)}})
    pdf = {"200": {"description": "A PDF", "content": {"application/pdf": {
        "schema": {"type": "string", "format": "binary"}}}},
        "202": {"description": "Signed off, and its PDF is still being made by the "
                "background worker: ask again after Retry-After seconds",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}}}}
    for path, summary in (
        ("/assessments/{assessment_id}.pdf",
         "The full PDF of the revision the caller reads (web team 403)"),
        ("/assessments/{assessment_id}/published.pdf", "The depersonalised PDF"),
    ):
        spec.path(path, operations={"get": {
            "summary": summary, "parameters": [assessment_id],
            "responses": {**pdf, **{k: v for k, v in _responses(200, None, 403, 404).items()
                                    if k != "200"}}}})
    spec.path("/assessments/{assessment_id}/redactions", operations={
        "get": {"summary": "What the depersonalised version removes",
                "parameters": [assessment_id],
                "responses": _responses(200, {"type": "array", "items": {"type": "object"}},
                                        403, 404)},
        "post": {"summary": "Add a phrase to redact (authors, DEG chair; before sign-off)",
                 "parameters": [assessment_id],
                 "requestBody": {"content": {"application/json": {"schema": {
                     "type": "object", "properties": {"phrase": {"type": "string"}}}}}},
                 "responses": _responses(201, {"type": "array", "items": {"type": "object"}},
                                         403, 404, 409, 422)},
    })
    document = spec.to_dict()
    document["security"] = [{"bearer": []}]
    return document


@api_blueprint.get("/openapi.json")
@public
def openapi_document():
    return jsonify(build_spec())
