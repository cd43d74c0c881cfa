"""Marshmallow schemas: the shapes of the JSON API's requests and responses.

The answers object itself is checked against the form definition by `ehria.answers`,
which knows every key of the form; these schemas check the envelope around it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import RAISE, Schema, fields, validate

from ehria.statuses import Status

STATUSES = tuple(status.value for status in Status)


class UtcDateTime(fields.DateTime):
    """ISO 8601 in UTC; SQLite hands back naive datetimes that are UTC already."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class AnswersBodySchema(StrictSchema):
    """Body of POST /assessments and PATCH /assessments/<id>."""

    answers = fields.Dict(keys=fields.String(), required=True)


class ListQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    department = fields.String()
    q = fields.String(validate=validate.Length(max=200))
    # bounded so the offset fits a BIGINT (beyond it the database would fail, not answer 400)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class DepartmentSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class PersonSchema(Schema):
    name = fields.String()
    email = fields.String()


class ReasonSchema(Schema):
    rule = fields.String()
    paths = fields.List(fields.String())
    message = fields.String()


class ProblemSchema(Schema):
    code = fields.String()
    paths = fields.List(fields.String())
    message = fields.String()


class ScreeningOutcomeSchema(Schema):
    report_required = fields.Boolean()
    reasons = fields.List(fields.Nested(ReasonSchema))
    problems = fields.List(fields.Nested(ProblemSchema))
    missing = fields.List(fields.String())


class SignatureSchema(Schema):
    role = fields.String()
    name = fields.String()
    at = UtcDateTime()


class CommentSchema(Schema):
    revision = fields.Integer()
    author = fields.String()
    at = UtcDateTime()
    path = fields.String(allow_none=True)
    text = fields.String()


class AssessmentSummarySchema(Schema):
    """One row of the list: enough to choose, without the answers."""

    id = fields.Integer()
    reference = fields.String()
    policy_name = fields.String()
    status = fields.String()
    revision = fields.Integer(attribute="current_revision")
    department = fields.Function(lambda a: a.department.name)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class AssessmentSchema(Schema):
    """The assessment as GET /assessments/<id> returns it (design/API.md)."""

    id = fields.Integer()
    reference = fields.String()
    status = fields.String()
    revision = fields.Integer()
    version = fields.String()
    template_version = fields.String()
    department = fields.String()
    authors = fields.List(fields.Nested(PersonSchema))
    answers = fields.Dict()
    screening_outcome = fields.Nested(ScreeningOutcomeSchema)
    signatures = fields.List(fields.Nested(SignatureSchema))
    comments = fields.List(fields.Nested(CommentSchema))
    published_url = fields.String(allow_none=True)
    sha256 = fields.String(allow_none=True)
    review_date = fields.Date(allow_none=True)
    programme = fields.String(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    depersonalised = fields.Boolean()


class AssessmentPageSchema(Schema):
    items = fields.List(fields.Nested(AssessmentSummarySchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class ErrorSchema(Schema):
    error = fields.String()
    fields_ = fields.Dict(
        data_key="fields", keys=fields.String(), values=fields.List(fields.String())
    )
