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
    spec.path("/assessments/{assessment_id}/authors/{email}", operations={"delete": {
        "summary": "Remove an author (authors); the last author, or the lead until they "
                   "hand the lead on, cannot be removed: 409",
        "parameters": [assessment_id, {"name": "email", "in": "path", "required": True,
                                       "schema": {"type": "string"}}],
        "responses": _responses(200, "Assessment", 403, 404, 409)}})
    _thread_paths(spec, assessment_id)
    spec.path("/assessments/{assessment_id}/history", operations={"get": {
        "summary": "Audit events, oldest first (authors, DEG chairs, admins; web team 403)",
        "parameters": [assessment_id],
        "responses": _responses(200, {"type": "array", "items": {"type": "object"}},
                                403, 404)}})
    _documents(spec, assessment_id)
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
    _template_paths(spec)
    _action_paths(spec)
    document = spec.to_dict()
    document["security"] = [{"bearer": []}]
    return document


def _template_paths(spec) -> None:
    """The form builder's endpoints (issue 13)."""
    version = {"name": "version", "in": "path", "required": True, "schema": {"type": "string"}}
    array = {"type": "array", "items": {"type": "object"}}
    definition_body = {"content": {
        "application/json": {"schema": {"type": "object", "properties": {
            "from": {"type": "string"}, "definition": {"type": "object"}}}},
        "application/yaml": {"schema": {"type": "string"}}}}
    spec.path("/templates", operations={
        "get": {"summary": "Template versions (drafts: admins only)",
                "responses": _responses(200, array)},
        "post": {"summary": "A new draft: copied (from), or a whole definition (JSON or YAML)",
                 "requestBody": definition_body,
                 "responses": _responses(201, {"type": "object"}, 400, 403, 404, 422)},
    })
    spec.path("/templates/{version}", operations={
        "get": {"summary": "A version's definition, in the shape of GET /template; ETag",
                "parameters": [version], "responses": _responses(200, {"type": "object"}, 404)},
        "put": {"summary": "Replace a draft's definition (admins; If-Match)",
                "parameters": [version, {"name": "If-Match", "in": "header",
                                         "required": True, "schema": {"type": "string"}}],
                "requestBody": definition_body,
                "responses": _responses(200, {"type": "object"}, 400, 403, 404, 409, 412, 422,
                                        428)},
    })
    spec.path("/templates/{version}/publish", operations={"post": {
        "summary": "Publish a draft: it becomes live, the live one retired (admins)",
        "parameters": [version], "responses": _responses(200, {"type": "object"}, 403, 404,
                                                         409, 422)}})
    spec.path("/templates/{a}/changes/{b}", operations={"get": {
        "summary": "What changed from version a to version b, in words",
        "parameters": [dict(version, name="a"), dict(version, name="b")],
        "responses": _responses(200, array, 404)}})
    spec.path("/assessments/{assessment_id}/move-to-template", operations={"post": {
        "summary": "Move a draft or returned assessment to the live version (authors, "
                   "admins); ?dry_run=1 reports what would carry",
        "parameters": [{"name": "assessment_id", "in": "path", "required": True,
                        "schema": {"type": "integer"}},
                       {"name": "If-Match", "in": "header", "required": False,
                        "schema": {"type": "string"}},
                       {"name": "dry_run", "in": "query", "required": False,
                        "schema": {"type": "string"}}],
        "requestBody": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"version": {"type": "string"}}}}}},
        "responses": _responses(200, {"type": "object", "properties": {
            "carried": {"type": "array"}, "not_carried": {"type": "array"}}},
            403, 404, 409, 412, 422, 428)}})


def _action_paths(spec) -> None:
    """Tracked improvement-plan actions (issue 15)."""
    action_id = {"name": "action_id", "in": "path", "required": True,
                 "schema": {"type": "integer"}}
    spec.path("/actions", operations={"get": {
        "summary": "Tracked actions the caller may read (web team 403); filters department, "
                   "status, overdue=true",
        "parameters": [{"name": name, "in": "query", "required": False,
                        "schema": {"type": "string"}}
                       for name in ("department", "status", "overdue")],
        "responses": _responses(200, {"type": "array", "items": {"type": "object"}},
                                403, 422)}})
    spec.path("/insights", operations={"get": {
        "summary": "Counts across assessments (DEG chairs: their department; admins)",
        "parameters": [{"name": name, "in": "query", "required": False,
                        "schema": {"type": "string"}}
                       for name in ("from", "to", "department", "programme")],
        "responses": _responses(200, {"type": "object"}, 403, 422)}})
    spec.path("/assessments/{assessment_id}/programme", operations={"post": {
        "summary": "Name the programme it is part of (authors, its DEG chair, admins); "
                   "null takes it out",
        "parameters": [{"name": "assessment_id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}],
        "requestBody": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"programme": {"type": "string",
                                                           "nullable": True}}}}}},
        "responses": _responses(200, "Assessment", 403, 404, 422)}})
    spec.path("/actions/{action_id}", operations={
        "get": {"summary": "One tracked action, with its notes; ETag",
                "parameters": [action_id],
                "responses": _responses(200, {"type": "object"}, 403, 404)},
        "patch": {"summary": "A new status and a note (If-Match); dropped needs a note",
                  "parameters": [action_id, {"name": "If-Match", "in": "header",
                                             "required": True, "schema": {"type": "string"}}],
                  "requestBody": {"content": {"application/json": {"schema": {
                      "type": "object", "properties": {"status": {"type": "string"},
                                                       "note": {"type": "string"}}}}}},
                  "responses": _responses(200, {"type": "object"}, 400, 403, 404, 412, 422,
                                          428)},
    })


DOCUMENT_TYPES = {
    "pdf": ("A PDF", "application/pdf"),
    "docx": ("A Word document", "application/vnd.openxmlformats-officedocument."
                                "wordprocessingml.document"),
}
DURING_A_REVIEW = ("During a review the web team and the department's DEG chair, who may "
                   "not see the new draft, are served the revision last published until "
                   "the reviewed one is published in its place.")


def _documents(spec: APISpec, assessment_id: dict) -> None:
    """The full and depersonalised documents, as PDF and Word: same access, same
    revision, same redactions."""
    refusals = {k: v for k, v in _responses(200, None, 403, 404).items() if k != "200"}
    for extension, (description, mimetype) in DOCUMENT_TYPES.items():
        ok = {"200": {"description": description, "content": {mimetype: {
            "schema": {"type": "string", "format": "binary"}}}},
            "304": {"description": "Not modified (If-None-Match gave its ETag)"}}
        if extension == "pdf":
            ok["202"] = {"description": "Signed off, and its PDF is still being made by the "
                         "background worker: ask again after Retry-After seconds",
                         "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
        for path, summary in (
            (f"/assessments/{{assessment_id}}.{extension}",
             f"The full {extension.upper()} of the revision the caller reads (web team 403)"),
            (f"/assessments/{{assessment_id}}/published.{extension}",
             f"The depersonalised {extension.upper()}, of the newest signed revision once "
             "there is one (authors, DEG chair, web team)"),
        ):
            history = [{"name": "history", "in": "query", "required": False,
                        "description": "1: the history (who changed what and when) as an "
                                       "appendix; never in the depersonalised PDF",
                        "schema": {"type": "integer", "enum": [1]}}] if path.endswith(
                "}.pdf") else []
            spec.path(path, operations={"get": {
                "summary": summary, "description": DURING_A_REVIEW,
                "parameters": [assessment_id, *history], "responses": {**ok, **refusals}}})


THREAD = {"type": "object", "properties": {
    "id": {"type": "integer"}, "path": {"type": "string", "nullable": True},
    "resolved": {"type": "boolean"},
    "comments": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "author": {"type": "string"},
        "at": {"type": "string", "format": "date-time"}, "text": {"type": "string"}}}}}}


def _thread_paths(spec: APISpec, assessment_id: dict) -> None:
    """Comment threads (ehria.threads): read, start or reply, resolve, reopen."""
    spec.path("/assessments/{assessment_id}/threads", operations={
        "get": {"summary": "Comment threads, oldest first (authors, the department's DEG "
                           "chairs, admins; web team 403); `path` null for the overall "
                           "comment; a return's comments appear as new threads",
                "parameters": [assessment_id],
                "responses": _responses(200, {"type": "array", "items": THREAD}, 403, 404)},
        "post": {"summary": "Start a thread ({path, text}; path null for the whole "
                            "assessment, else a question of its template) or reply "
                            "({reply_to, text}) (authors, the department's DEG chair)",
                 "parameters": [assessment_id],
                 "requestBody": {"content": {"application/json": {"schema": {
                     "type": "object", "properties": {
                         "path": {"type": "string", "nullable": True},
                         "reply_to": {"type": "integer"}, "text": {"type": "string"}}}}}},
                 "responses": _responses(201, THREAD, 403, 404, 422)},
    })
    thread_id = {"name": "thread_id", "in": "path", "required": True,
                 "schema": {"type": "integer"}}
    for action, words in (("resolve", "Mark a thread resolved"), ("reopen", "Reopen a thread")):
        spec.path(f"/assessments/{{assessment_id}}/threads/{{thread_id}}/{action}",
                  operations={"post": {
                      "summary": f"{words} (the department's DEG chair; authors 403)",
                      "parameters": [assessment_id, thread_id],
                      "responses": _responses(200, THREAD, 403, 404)}})


@api_blueprint.get("/openapi.json")
@public
def openapi_document():
    return jsonify(build_spec())
