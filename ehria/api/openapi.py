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
from ehria.permissions import public

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
        "get": {"summary": "One assessment", "parameters": [assessment_id],
                "responses": _responses(200, "Assessment", 404)},
        "patch": {
            "summary": "Merge answers (authors; needs If-Match)",
            "parameters": [assessment_id, {"name": "If-Match", "in": "header",
                                           "required": True, "schema": {"type": "string"}}],
            "requestBody": body,
            "responses": _responses(200, "Assessment", 400, 403, 404, 409, 412, 422, 428),
        },
    })
    document = spec.to_dict()
    document["security"] = [{"bearer": []}]
    return document


@api_blueprint.get("/openapi.json")
@public
def openapi_document():
    return jsonify(build_spec())
