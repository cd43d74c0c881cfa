"""Sessions for people using the pages (Flask-Login); the API uses tokens instead.

A signed-in browser holds a session token (ehria.sessions) beside Flask-Login's user id in
its cookie; the user is loaded only while that token's server-side row lives.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, session
from flask_login import login_user, logout_user
from govuk_frontend_wtf.main import WTFormsHelpers

from ehria.extensions import db, login_manager
from ehria.models import User
from ehria.roles import ROLE_LABELS, Role
from ehria.sessions import end_session, forget_expired_sessions, start_session, user_for_session

SESSION_COOKIE_KEY = "session_token"
# How this browser signed in ("password" or "council"): signing out of a council-account
# session also ends it at the provider, when the provider offers that.
SIGN_IN_METHOD_KEY = "sign_in_method"


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    WTFormsHelpers(app)
    app.config.setdefault("COUNCIL_NAME", "Leicestershire County Council")
    app.add_template_filter(lambda role: ROLE_LABELS[Role(role)], "role_label")


def session_max_age() -> timedelta:
    """How long a session may last from sign-in, however busy (EHRIA_SESSION_MAX_HOURS)."""
    return current_app.config["SESSION_MAX_AGE"]


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        number = int(user_id)
    except ValueError:
        return None
    return user_for_session(number, session.get(SESSION_COOKIE_KEY), session_max_age())


def begin_session(user: User, method: str = "password") -> None:
    """Sign `user` in to a fresh session: a new cookie (no fixation) and a new server row.
    `method` is how they signed in ("password" or "council").

    Commits, so the session exists before the response that carries its cookie.
    """
    forget_expired_sessions(session_max_age())
    token = start_session(user)
    db.session.commit()
    session.clear()
    session.permanent = True  # the cookie lapses EHRIA_SESSION_HOURS after the last request
    session[SESSION_COOKIE_KEY] = token
    session[SIGN_IN_METHOD_KEY] = method
    login_user(user)


def signed_in_with() -> str | None:
    """How this browser's session was signed in ("password" or "council")."""
    return session.get(SIGN_IN_METHOD_KEY)


def finish_session() -> None:
    """Sign this browser out: its server row goes, so every copy of the cookie stops working."""
    end_session(session.get(SESSION_COOKIE_KEY))
    db.session.commit()
    logout_user()
    session.clear()
