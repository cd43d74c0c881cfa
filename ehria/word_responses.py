"""Serving the Word documents to the API and the pages alike, from the same revision or
signed record as the PDF beside them (ehria.document_responses.record_for).

A Word document is rendered when asked for (0.13 to 0.2 s for the worked example with a
full report: python-docx writes XML, there is no layout to compute) rather than stored:
a signed revision's is made from the frozen answers and signatures, with its record's
hash, so it says what the stored PDF says. Its bytes depend on the source alone, so the
ETag (their SHA-256) lets a browser keep it; `private, no-cache` as the PDFs.
"""

from __future__ import annotations

from flask import Response, request

from ehria.document_responses import PDF_CACHE, record_for
from ehria.documents import sha256_of, source_for
from ehria.models import Assessment, Revision
from ehria.word_document import DOCX_MIMETYPE, render_docx


def word_response(assessment: Assessment, revision: Revision, *,
                  depersonalised: bool) -> Response:
    """The .docx of `revision` (as permissions.visible_revision or, during a review, the
    published revision: document_responses.revision_for_documents)."""
    record = record_for(assessment, revision, depersonalised=depersonalised)
    if record is not None:
        signed = next(r for r in assessment.revisions if r.number == record.revision)
        data = render_docx(source_for(assessment, revision=signed),
                           depersonalised=depersonalised, signed=True, sha256=record.sha256)
    else:
        signed = revision
        data = render_docx(source_for(assessment, revision=revision),
                           depersonalised=depersonalised)
    name = f"{assessment.reference}-r{signed.number}" + (
        "-published.docx" if depersonalised else ".docx")
    response = Response(data, mimetype=DOCX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = PDF_CACHE
    response.set_etag(sha256_of(data))
    return response.make_conditional(request)
