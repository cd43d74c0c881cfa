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

from ehria.documents import render_pdf, source_for
from ehria.draft_documents import draft_pdf
from ehria.extensions import db
from ehria.models import Assessment, Revision, SignedRecord, User
from ehria.permissions import can_see, is_chair_of, reads_in_full, visible_revision
from ehria.publication_register import published_record
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


def revision_for_documents(user: User, assessment: Assessment) -> Revision | None:
    """The revision whose documents `user` is served; None: not found for them.

    Whoever may see the assessment reads `visible_revision`. While a review is drafted
    (or with the chair) the web team and the department's DEG chair may not see the new
    draft, but the revision last published stays published until the review is, so its
    documents stay theirs to download, as the public register keeps serving it.
    """
    if can_see(user, assessment):
        return visible_revision(user, assessment)
    if not may_prepare_publication(user, assessment):
        return None
    record = published_record(assessment)
    if record is None:
        return None
    return next(r for r in assessment.revisions if r.number == record.revision)


class DocumentRefused(Exception):
    """A document the user may not have: 404 when they may not even know of it (nor of
    its published revision), 403 when they see it but not this document."""

    def __init__(self, status: int) -> None:
        super().__init__(f"document refused with {status}")
        self.status = status


def documents_of(user: User, assessment_id: int, *, in_full: bool
                 ) -> tuple[Assessment, Revision]:
    """The assessment and the revision whose documents `user` is served, for the pages
    and the API alike: the full ones (`in_full`) or those for publication (the web team
    works from the depersonalised version only). DocumentRefused says why not."""
    assessment = db.session.get(Assessment, assessment_id)
    revision = revision_for_documents(user, assessment) if assessment else None
    if revision is None:
        raise DocumentRefused(404)
    allowed = reads_in_full if in_full else may_prepare_publication
    if not allowed(user, assessment):
        raise DocumentRefused(403)
    return assessment, revision


def latest_signed_record(assessment: Assessment) -> SignedRecord | None:
    """The newest frozen record: the published one stays served while a review is drafted."""
    return db.session.scalar(
        select(SignedRecord)
        .where(SignedRecord.assessment_id == assessment.id)
        .order_by(SignedRecord.revision.desc())
        .limit(1)
    )


def record_for(assessment: Assessment, revision: Revision, *, depersonalised: bool
               ) -> SignedRecord | None:
    """The signed record a document of `revision` is made from, or None for a draft: the
    depersonalised one is of the newest signed revision while there is one (the version
    for publication); the full one is of the revision read, perhaps a draft under review.
    The PDF and the Word document choose alike."""
    record = latest_signed_record(assessment)
    if record is not None and not depersonalised and record.revision != revision.number:
        return None
    return record


def document_response(assessment: Assessment, revision: Revision, *,
                      depersonalised: bool) -> Response:
    """The PDF of `revision` (the one the asker may read: permissions.visible_revision);
    the depersonalised one is of the newest signed revision while there is one, since
    the published version stays published while a review is drafted."""
    record = record_for(assessment, revision, depersonalised=depersonalised)
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


def with_history_response(assessment: Assessment, revision: Revision,
                          history: list) -> Response:
    """The full PDF of `revision` with its history as an appendix (`?history=1`),
    rendered afresh each time: the history grows, and it is never stored or published."""
    record = db.session.scalar(select(SignedRecord).where(
        SignedRecord.assessment_id == assessment.id, SignedRecord.revision == revision.number))
    data = render_pdf(source_for(assessment, revision=revision), depersonalised=False,
                      signed=record is not None, sha256=record.sha256 if record else None,
                      history=history)
    return pdf_response(data, f"{assessment.reference}-r{revision.number}-with-history.pdf",
                        "private, no-store")
