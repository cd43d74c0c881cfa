"""Serving the PDFs to the API and the pages alike.

Signed-off revisions are served from the bytes stored with their frozen record, once the
background worker has made them (until then `DocumentPending`: the API answers 202 with
Retry-After, the pages a "being prepared" page that refreshes itself); drafts
from their last rendering while nothing printed on it has changed (ehria.draft_documents).
Each carries an ETag (the SHA-256 of its bytes) and `private, no-cache`: a browser asks
again before showing one, which costs a 304 at most.
"""

from __future__ import annotations

from flask import Response, current_app, request
from sqlalchemy import select

from ehria.documents import source_for
from ehria.draft_documents import draft_pdf
from ehria.extensions import db
from ehria.models import Assessment, Revision, SignedRecord, User
from ehria.permissions import is_chair_of
from ehria.roles import Role

# A browser may keep a PDF but must ask again before showing it (the ETag makes that
# cheap), so after signing out a shared computer shows nothing from its cache.
PDF_CACHE = "private, no-cache"


class DocumentPending(Exception):
    """The signed PDF asked for is still being made by the background worker."""

    def __init__(self, assessment: Assessment, revision: int) -> None:
        super().__init__(f"The signed PDF of {assessment.reference} is being prepared")
        self.assessment = assessment
        self.revision = revision

    @property
    def retry_after(self) -> int:
        """Seconds to wait before asking again (TASKS_RETRY_AFTER)."""
        return int(current_app.config["TASKS_RETRY_AFTER"])


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


def document_response(assessment: Assessment, revision: Revision, *,
                      depersonalised: bool) -> Response:
    """The PDF of `revision` (the one the asker may read: permissions.visible_revision);
    the depersonalised one is of the newest signed revision while there is one, since
    the published version stays published while a review is drafted."""
    record = latest_signed_record(assessment)
    if record is not None and not depersonalised and record.revision != revision.number:
        record = None  # the full PDF is of the revision read, a draft under review
    number = record.revision if record is not None else revision.number
    name = f"{assessment.reference}-r{number}" + (
        "-published.pdf" if depersonalised else ".pdf")
    data: bytes | None = None
    digest: str | None = None
    if record is not None:
        data, digest = ((record.published_pdf, record.published_pdf_sha256) if depersonalised
                        else (record.full_pdf, record.full_pdf_sha256))
        if not (data and digest):  # the worker has not stored them yet (ehria.jobs)
            raise DocumentPending(assessment, record.revision)
    else:
        data, digest = draft_pdf(assessment.id, source_for(assessment, revision=revision),
                                 depersonalised=depersonalised)
    response = pdf_response(data, name, PDF_CACHE)
    response.set_etag(digest)
    return response.make_conditional(request)


def pdf_response(data: bytes, filename: str, cache_control: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = cache_control
    return response
