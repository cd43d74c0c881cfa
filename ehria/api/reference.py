"""Read-only reference data: the form template and the departments."""

from flask import jsonify
from sqlalchemy import select

from ehria.api import api_blueprint, token_required
from ehria.api.schemas import DepartmentSchema
from ehria.config import live_version
from ehria.extensions import db
from ehria.form import load_definition
from ehria.models import Department


@api_blueprint.get("/template")
@token_required()
def template():
    return jsonify(load_definition(live_version()).to_dict())


@api_blueprint.get("/departments")
@token_required()
def departments():
    rows = db.session.scalars(select(Department).order_by(Department.name))
    return jsonify(DepartmentSchema(many=True).dump(rows))
