"""The assessment's documents over the API: the full PDF, the one for publication, and
what the published one removes (design/API.md).

Signed-off revisions are served from the bytes stored with their frozen record, with an
ETag (the SHA-256 of those bytes) and long private caching; anything else is rendered
on request and never cached, since a draft changes.
"""

from __future__ import annotations

from flask import Response, request

from ehria.api import ApiError, api_blueprint, api_user, token_required
from ehria.api.assessments import load_visible
from ehria.documents import (
    redactions_for,
    render_pdf,
    signed_record_for,
    source_for,
)
from ehria.models import Assessment
from ehria.permissions import is_chair_of
from ehria.roles import Role

SIGNED_STATUSES = ("signed_off", "published")
STORED_CACHE = "private, max-age=31536000, immutable"  # a signed record never changes
RENDERED_CACHE = "private, no-cache"


@api_blueprint.get("/assessments/<int:assessment_id>.pdf")
@token_required()
def full_pdf(assessment_id: int):
    assessment = load_visible(assessment_id)
    return _document(assessment, depersonalised=False)


@api_blueprint.get("/assessments/<int:assessment_id>/published.pdf")
@token_required()
def published_pdf(assessment_id: int):
    assessment = load_for_publication(assessment_id)
    return _document(assessment, depersonalised=True)


@api_blueprint.get("/assessments/<int:assessment_id>/redactions")
@token_required()
def redactions(assessment_id: int):
    assessment = load_for_publication(assessment_id)
    return redactions_for(source_for(assessment))


def load_for_publication(assessment_id: int) -> Assessment:
    """Its authors, its department's DEG chair and the web team prepare the publication."""
    assessment = load_visible(assessment_id)
    user = api_user()
    if not (
        assessment.is_author(user)
        or is_chair_of(user, assessment)
        or user.has_role(Role.WEB_TEAM)
    ):
        raise ApiError(
            403,
            "Only its authors, the DEG chair of its department and the web team can see "
            "the version for publication.",
        )
    return assessment


def _document(assessment: Assessment, *, depersonalised: bool) -> Response:
    record = signed_record_for(assessment) if assessment.status in SIGNED_STATUSES else None
    name = f"{assessment.reference}-r{assessment.current_revision}"
    name += "-published.pdf" if depersonalised else ".pdf"
    stored = None
    if record is not None:
        stored = (
            (record.published_pdf, record.published_pdf_sha256)
            if depersonalised
            else (record.full_pdf, record.full_pdf_sha256)
        )
    if stored and stored[0] and stored[1]:
        response = pdf_response(stored[0], name, STORED_CACHE)
        response.set_etag(stored[1])
        return response.make_conditional(request)
    data = render_pdf(
        source_for(assessment),
        depersonalised=depersonalised,
        signed=record is not None,
        sha256=record.sha256 if record is not None else None,
    )
    return pdf_response(data, name, RENDERED_CACHE)


def pdf_response(data: bytes, filename: str, cache_control: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = cache_control
    return response
