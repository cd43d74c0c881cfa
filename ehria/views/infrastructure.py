"""Routes for machines rather than people: GOV.UK Frontend's assets and the health check."""

from flask import Blueprint, current_app, send_from_directory
from sqlalchemy import text

from ehria.extensions import db
from ehria.permissions import public

blueprint = Blueprint("infrastructure", __name__)


@blueprint.get("/assets/<path:filename>")
@public
def govuk_assets(filename: str):
    """GOV.UK Frontend's CSS refers to its fonts and images under /assets."""
    folder = f"{current_app.static_folder}/govuk/assets"
    return send_from_directory(folder, filename, max_age=3600)


@blueprint.get("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
