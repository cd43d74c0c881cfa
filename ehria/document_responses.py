"""Serving the PDFs to the API and the pages alike.

Signed-off revisions are served from the bytes stored with their frozen record, with an
ETag (the SHA-256 of those bytes) and long private caching; anything else is rendered on
request and never cached, since a draft changes.
"""

from __future__ import annotations

from flask import Response, request
from sqlalchemy import select

from ehria.documents import render_pdf, source_for
from ehria.extensions import db
from ehria.models import Assessment, SignedRecord, User
from ehria.permissions import is_chair_of
from ehria.roles import Role

STORED_CACHE = "private, max-age=31536000, immutable"  # a signed record never changes
RENDERED_CACHE = "private, no-cache"


def may_prepare_publication(user: User, assessment: Assessment) -> bool:
    """Its authors, its department's DEG chair and the web team see the published version."""
    return (
        assessment.is_author(user)
        or is_chair_of(user, assessment)
        or user.has_role(Role.WEB_TEAM)
    )


def latest_signed_record(assessment: Assessment) -> SignedRecord | None:
    """The newest frozen record: the published one stays served while a review is drafted."""
    return db.session.scalar(
        select(SignedRecord)
        .where(SignedRecord.assessment_id == assessment.id)
        .order_by(SignedRecord.revision.desc())
        .limit(1)
    )


def document_response(assessment: Assessment, *, depersonalised: bool) -> Response:
    record = latest_signed_record(assessment)
    if record is not None and not depersonalised and record.revision != assessment.current_revision:
        record = None  # the full PDF is of the current revision, a draft under review
    revision = record.revision if record is not None else assessment.current_revision
    name = f"{assessment.reference}-r{revision}" + (
        "-published.pdf" if depersonalised else ".pdf")
    if record is not None:
        data, digest = ((record.published_pdf, record.published_pdf_sha256) if depersonalised
                        else (record.full_pdf, record.full_pdf_sha256))
        if data and digest:
            response = pdf_response(data, name, STORED_CACHE)
            response.set_etag(digest)
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
