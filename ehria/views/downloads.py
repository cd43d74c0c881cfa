"""PDF downloads and the redactions preview for signed-in users (the API has its own)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ehria.document_responses import document_response, may_prepare_publication
from ehria.documents import redactions_for, source_for
from ehria.permissions import signed_in
from ehria.views.pages import assessment_for_page

blueprint = Blueprint("downloads", __name__, url_prefix="/assessments")


@blueprint.get("/<int:assessment_id>/document.pdf")
@signed_in()
def full_pdf(assessment_id: int):
    """The full PDF of the current revision: DRAFT until signed off."""
    return document_response(assessment_for_page(assessment_id), depersonalised=False)


def _for_publication(assessment_id: int):
    assessment = assessment_for_page(assessment_id)
    if not may_prepare_publication(current_user, assessment):
        abort(403)
    return assessment


@blueprint.get("/<int:assessment_id>/published.pdf")
@signed_in()
def published_pdf(assessment_id: int):
    """The depersonalised PDF, for publication."""
    return document_response(_for_publication(assessment_id), depersonalised=True)


@blueprint.get("/<int:assessment_id>/redactions")
@signed_in()
def redactions(assessment_id: int):
    """What the depersonalised version removes, before anyone publishes it."""
    assessment = _for_publication(assessment_id)
    return render_template("publication/redactions.html", assessment=assessment,
                           redactions=redactions_for(source_for(assessment)))
