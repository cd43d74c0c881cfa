"""The assessment's documents over the API: the full PDF, the one for publication (each
also in Word), and what the published one removes (design/API.md). Serving rules:
ehria.document_responses and ehria.word_responses.
"""

from __future__ import annotations

from flask import request

from ehria.api import ApiError, api_blueprint, api_user, error_response, token_required
from ehria.api.assessments import load_visible
from ehria.document_responses import (
    DocumentPending,
    DocumentRefused,
    document_response,
    documents_of,
    may_prepare_publication,
    with_history_response,
)
from ehria.documents import redactions_for, source_for
from ehria.extensions import db
from ehria.history import history_of
from ehria.models import Assessment, Revision
from ehria.permissions import visible_revision
from ehria.redaction_phrases import PhraseRefused, add_phrase
from ehria.word_responses import word_response


def load_documents(assessment_id: int, *, in_full: bool) -> tuple[Assessment, Revision]:
    """As the pages' downloads (ehria.document_responses.documents_of), refused in JSON."""
    try:
        return documents_of(api_user(), assessment_id, in_full=in_full)
    except DocumentRefused as refused:
        if refused.status == 404:
            raise ApiError(404, "No assessment with that id is visible to you.") from None
        raise ApiError(403, PUBLICATION_REFUSED if not in_full else (
            "The web team works from the depersonalised version: the full assessment and "
            "its history are for its department.")) from None


@api_blueprint.errorhandler(DocumentPending)
def _document_pending(error: DocumentPending):
    """A signed PDF the worker has not made yet: 202, and when to ask again."""
    return error_response(202, "The signed PDF is being prepared. Ask again shortly.",
                          headers={"Retry-After": str(error.retry_after)})


@api_blueprint.get("/assessments/<int:assessment_id>.pdf")
@token_required()
def full_pdf(assessment_id: int):
    """The full PDF; with `?history=1` its history as an appendix."""
    assessment, revision = load_documents(assessment_id, in_full=True)
    if request.args.get("history") == "1":
        return with_history_response(assessment, revision,
                                     history_of(assessment, revision.number))
    return document_response(assessment, revision, depersonalised=False)


@api_blueprint.get("/assessments/<int:assessment_id>/published.pdf")
@token_required()
def published_pdf(assessment_id: int):
    assessment, revision = load_documents(assessment_id, in_full=False)
    return document_response(assessment, revision, depersonalised=True)

PUBLICATION_REFUSED = ("Only its authors, the DEG chair of its department and the web team "
                       "can see the version for publication.")


@api_blueprint.get("/assessments/<int:assessment_id>.docx")
@token_required()
def full_docx(assessment_id: int):
    assessment, revision = load_documents(assessment_id, in_full=True)
    return word_response(assessment, revision, depersonalised=False)


@api_blueprint.get("/assessments/<int:assessment_id>/published.docx")
@token_required()
def published_docx(assessment_id: int):
    assessment, revision = load_documents(assessment_id, in_full=False)
    return word_response(assessment, revision, depersonalised=True)


@api_blueprint.get("/assessments/<int:assessment_id>/redactions")
@token_required()
def redactions(assessment_id: int):
    assessment = load_for_publication(assessment_id)
    return redactions_for(source_for(assessment,
                                     revision=visible_revision(api_user(), assessment)))


@api_blueprint.post("/assessments/<int:assessment_id>/redactions")
@token_required()
def add_redaction(assessment_id: int):
    """Body `{"phrase": "..."}`: a further phrase to remove from the published PDF."""
    assessment = load_visible(assessment_id)
    body = request.get_json()
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.")
    try:
        add_phrase(assessment, api_user(), body.get("phrase"))
    except PhraseRefused as error:
        db.session.rollback()
        fields = {"phrase": [error.message]} if error.status == 422 else None
        raise ApiError(error.status, error.message, fields) from error
    db.session.commit()
    return redactions_for(source_for(assessment,
                                     revision=visible_revision(api_user(), assessment))), 201


def load_for_publication(assessment_id: int) -> Assessment:
    assessment = load_visible(assessment_id)
    if not may_prepare_publication(api_user(), assessment):
        raise ApiError(403, PUBLICATION_REFUSED)
    return assessment
