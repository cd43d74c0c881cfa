"""The first page after sign-in: the assessments the user can see."""

from flask import Blueprint, render_template
from flask_login import current_user

from ehria.extensions import db
from ehria.models import Assessment
from ehria.permissions import visible_assessments
from ehria.route_access import signed_in

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
@signed_in()
def index():
    assessments = db.session.scalars(
        visible_assessments(current_user).order_by(Assessment.updated_at.desc()).limit(50)
    ).all()
    return render_template("home/index.html", assessments=assessments)
