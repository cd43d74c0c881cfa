"""Insight across assessments over the API (issue 15): DEG chairs (their department) and
admins (all, or one department)."""

from __future__ import annotations

from flask import jsonify, request

from ehria.api import ApiError, api_blueprint, api_user, token_required
from ehria.clock import today
from ehria.insights import insight_for, period_from
from ehria.roles import Role


@api_blueprint.get("/insights")
@token_required(Role.DEG_CHAIR, Role.ADMIN)
def insights():
    period, problems = period_from(request.args)
    if problems:
        raise ApiError(422, "Dates are YYYY-MM-DD.",
                       {name: [text] for name, text in problems.items()})
    return jsonify(insight_for(api_user(), period, today()).to_dict())


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
