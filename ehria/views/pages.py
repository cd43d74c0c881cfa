"""Helpers shared by the HTML views: loading an assessment the signed-in user may see,
and the GOV.UK error summary of a form."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort
from flask_login import current_user
from wtforms import Field, FieldList, FormField

from ehria.extensions import db
from ehria.models import Assessment
from ehria.permissions import can_see


def assessment_for_page(assessment_id: int, *, author: bool = False) -> Assessment:
    """The assessment, or 404 if the user may not see it (403 if they may see, not edit)."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not can_see(current_user, assessment):
        abort(404)
    if author and not assessment.is_author(current_user):
        abort(403)
    return assessment


def leaf_fields(form) -> Iterator[Field]:
    """Every input of a form, through nested forms and lists, in page order."""
    for field in form:
        if isinstance(field, FormField):
            yield from leaf_fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from leaf_fields(entry.form)
                else:
                    yield entry
        else:
            yield field


def error_list(form) -> list[dict]:
    """The error summary's items, each linking to the input it is about."""
    return [
        {"text": message, "href": f"#{field.id}"}
        for field in leaf_fields(form)
        for message in field.errors or []
        if isinstance(message, str)
    ]


def csv_download(text: str, filename: str) -> Response:
    """A CSV (ehria.publication_register.csv_text) as a file to save."""
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
