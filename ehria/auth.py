"""Sessions for people using the pages (Flask-Login); the API uses tokens instead."""

from __future__ import annotations

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers

from ehria.extensions import db, login_manager
from ehria.models import User
from ehria.roles import ROLE_LABELS, Role


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    WTFormsHelpers(app)
    app.config.setdefault("COUNCIL_NAME", "Leicestershire County Council")
    app.add_template_filter(lambda role: ROLE_LABELS[Role(role)], "role_label")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None
