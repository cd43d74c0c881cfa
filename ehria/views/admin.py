"""Pages for administrators."""

from flask import Blueprint, render_template
from sqlalchemy import select

from ehria.extensions import db
from ehria.models import Notification
from ehria.permissions import signed_in
from ehria.roles import Role

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.get("/outbox")
@signed_in(Role.ADMIN)
def outbox():
    """The e-mails the service has written, newest first, with whether each was sent."""
    messages = db.session.scalars(
        select(Notification).order_by(Notification.id.desc()).limit(200)
    ).all()
    return render_template("admin/outbox.html", messages=messages)
