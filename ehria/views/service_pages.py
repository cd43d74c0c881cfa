"""The service's own pages, linked from every page's footer: accessibility statement,
privacy notice, cookies, and help (from the template's introduction and guidance).
Public: someone who cannot sign in must still be able to read them."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ehria.config import live_version
from ehria.form import load_definition
from ehria.route_access import public
from ehria.service_info import service_info

blueprint = Blueprint("service", __name__)


def _page(template: str, **context: object):
    return render_template(template, info=service_info(current_app.config), **context)


@blueprint.get("/accessibility")
@public
def accessibility():
    return _page("service/accessibility.html")


@blueprint.get("/privacy")
@public
def privacy():
    return _page("service/privacy.html")


@blueprint.get("/cookies")
@public
def cookies():
    config = current_app.config
    return _page("service/cookies.html", cookie=config.get("SESSION_COOKIE_NAME", "session"),
                 idle_hours=int(config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 3600),
                 max_hours=int(config["SESSION_MAX_AGE"].total_seconds() // 3600))


@blueprint.get("/help")
@public
def help_page():
    """How to complete an EHRIA: the live form's own introduction and guidance."""
    return _page("service/help.html", definition=load_definition(live_version()))
