"""Routes for machines rather than people: GOV.UK Frontend's assets and the health check."""

from flask import Blueprint, current_app, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ehria.extensions import db
from ehria.route_access import public

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
    """200 when the database answers, 503 (JSON) when it does not: for load balancers."""
    headers = {"Cache-Control": "no-store"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        try:
            db.session.rollback()
        except SQLAlchemyError:
            current_app.logger.debug("rollback after a failed health check failed too")
        current_app.logger.warning("healthz: database unreachable (%s)", type(error).__name__)
        headers["Retry-After"] = "5"
        return {"status": "unavailable", "database": "unreachable"}, 503, headers
    return {"status": "ok", "database": "ok"}, 200, headers
