"""Insight across assessments over the API (issue 15): DEG chairs (their department) and
admins (all, or one department)."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request

from ehria.api import ApiError, api_blueprint, api_user, token_required
from ehria.clock import today
from ehria.insights import Period, insight_for
from ehria.roles import Role


def period_from(args) -> Period:
    """The period asked for; a date that is not one is refused naming the parameter."""
    dates = {}
    for name in ("from", "to"):
        value = args.get(name) or None
        try:
            dates[name] = date.fromisoformat(value) if value else None
        except ValueError as error:
            raise ApiError(422, "Dates are YYYY-MM-DD.", {name: [
                "Must be a date, YYYY-MM-DD."]}) from error
    return Period(dates["from"], dates["to"], args.get("department") or None,
                  args.get("programme") or None)


@api_blueprint.get("/insights")
@token_required(Role.DEG_CHAIR, Role.ADMIN)
def insights():
    return jsonify(insight_for(api_user(), period_from(request.args), today()).to_dict())


@api_blueprint.post("/assessments/<int:assessment_id>/programme")
@token_required()
def put_in_programme(assessment_id: int):
    """Name the programme an assessment is part of (`{"programme": null}` takes it out)."""
    from ehria.api.assessments import assessment_response, load_visible
    from ehria.extensions import db
    from ehria.programmes import ProgrammeRefused, set_programme

    assessment = load_visible(assessment_id)
    body = request.get_json()
    if not isinstance(body, dict) or "programme" not in body:
        raise ApiError(422, "Say which programme.", {"programme": ["Missing."]})
    try:
        set_programme(assessment, api_user(), body["programme"])
    except ProgrammeRefused as error:
        db.session.rollback()
        raise ApiError(error.status, error.message,
                       {"programme": [error.message]} if error.status == 422 else None
                       ) from error
    db.session.commit()
    return assessment_response(assessment)
