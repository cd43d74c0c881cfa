"""PDF downloads and the redactions preview for signed-in users (the API has its own)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField

from ehria.document_responses import (
    DocumentPending,
    document_response,
    may_prepare_publication,
)
from ehria.documents import redactions_for, source_for
from ehria.extensions import db
from ehria.permissions import is_chair_of, reads_in_full, visible_revision
from ehria.redaction_phrases import PhraseRefused, add_phrase
from ehria.route_access import signed_in
from ehria.views.pages import assessment_for_page, error_list
from forms.base import BaseForm

blueprint = Blueprint("downloads", __name__, url_prefix="/assessments")


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
    """The full PDF of the revision the user reads: DRAFT until signed off. The web team
    works from the depersonalised one only."""
    assessment = assessment_for_page(assessment_id)
    if not reads_in_full(current_user, assessment):
        abort(403)
    return document_response(assessment, visible_revision(current_user, assessment),
                             depersonalised=False)


def _for_publication(assessment_id: int):
    assessment = assessment_for_page(assessment_id)
    if not may_prepare_publication(current_user, assessment):
        abort(403)
    return assessment


@blueprint.get("/<int:assessment_id>/published.pdf")
@signed_in()
def published_pdf(assessment_id: int):
    """The depersonalised PDF, for publication."""
    assessment = _for_publication(assessment_id)
    return document_response(assessment, visible_revision(current_user, assessment),
                             depersonalised=True)


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
