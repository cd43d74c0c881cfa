"""PDF and Word downloads and the redactions preview for signed-in users (the API has
its own)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField

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
from ehria.permissions import is_chair_of, visible_revision
from ehria.redaction_phrases import PhraseRefused, add_phrase
from ehria.route_access import signed_in
from ehria.views.pages import assessment_for_page, error_list
from ehria.word_responses import word_response
from forms.base import BaseForm

blueprint = Blueprint("downloads", __name__, url_prefix="/assessments")


def _documents(assessment_id: int, *, in_full: bool) -> tuple[Assessment, Revision]:
    try:
        return documents_of(current_user, assessment_id, in_full=in_full)
    except DocumentRefused as refused:
        abort(refused.status)


@blueprint.errorhandler(DocumentPending)
def being_prepared(error: DocumentPending):
    """Until the worker has made the signed PDF: a page saying so, whose link to it
    appears by itself once it is there (static/js/when-ready.js), or on "check again"."""
    seconds = error.retry_after
    page = render_template("documents/being_prepared.html", assessment=error.assessment,
                           revision=error.revision, refresh_seconds=seconds)
    return page, 202, {"Retry-After": str(seconds), "Cache-Control": "no-store"}


@blueprint.get("/<int:assessment_id>/document.pdf")
@signed_in()
def full_pdf(assessment_id: int):
    """The full PDF of the revision the user reads: DRAFT until signed off."""
    assessment, revision = _documents(assessment_id, in_full=True)
    if request.args.get("history") == "1":
        return with_history_response(assessment, revision,
                                     history_of(assessment, revision.number))
    return document_response(assessment, revision, depersonalised=False)


@blueprint.get("/<int:assessment_id>/published.pdf")
@signed_in()
def published_pdf(assessment_id: int):
    """The depersonalised PDF, for publication."""
    assessment, revision = _documents(assessment_id, in_full=False)
    return document_response(assessment, revision, depersonalised=True)


@blueprint.get("/<int:assessment_id>/document.docx")
@signed_in()
def full_docx(assessment_id: int):
    """The full document in Word, of the same revision as the full PDF."""
    assessment, revision = _documents(assessment_id, in_full=True)
    return word_response(assessment, revision, depersonalised=False)


@blueprint.get("/<int:assessment_id>/published.docx")
@signed_in()
def published_docx(assessment_id: int):
    """The depersonalised document in Word, as the depersonalised PDF."""
    assessment, revision = _documents(assessment_id, in_full=False)
    return word_response(assessment, revision, depersonalised=True)


def _for_publication(assessment_id: int):
    assessment = assessment_for_page(assessment_id)
    if not may_prepare_publication(current_user, assessment):
        abort(403)
    return assessment


class PhraseForm(BaseForm):
    phrase = StringField("Phrase to redact", widget=GovTextInput())


@blueprint.route("/<int:assessment_id>/redactions", methods=["GET", "POST"])
@signed_in()
def redactions(assessment_id: int):
    """What the depersonalised version removes, and further phrases to remove."""
    assessment = _for_publication(assessment_id)
    form = PhraseForm()
    if form.validate_on_submit():
        try:
            add_phrase(assessment, current_user, form.phrase.data)
        except PhraseRefused as error:
            db.session.rollback()
            form.phrase.errors = [*form.phrase.errors, error.message]
        else:
            db.session.commit()
            return redirect(url_for("downloads.redactions", assessment_id=assessment.id))
    may_add = not assessment.is_signed and (
        assessment.is_author(current_user) or is_chair_of(current_user, assessment))
    return render_template("publication/redactions.html", assessment=assessment, form=form,
                           errors=error_list(form), may_add=may_add,
                           redactions=redactions_for(source_for(
                               assessment, revision=visible_revision(current_user, assessment)))
                           ), 400 if form.errors else 200
