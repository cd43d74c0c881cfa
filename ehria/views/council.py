"""Signing in with the council's account: off to the provider, and back.

Both routes are GETs. The start is a link, not a form: a form posted here and redirected
to the provider would be stopped by the Content-Security-Policy's `form-action 'self'`,
and starting a sign-in changes nothing worth forging. The return carries `state`, which
is its CSRF defence (checked, once only, by ehria.council_auth).
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ehria import jobs
from ehria.auth import begin_session
from ehria.council_auth import (
    ProviderUnavailable,
    claims_from_callback,
    council_settings,
    provider_error,
    redirect_to_provider,
)
from ehria.council_sign_in import SignInRefused, identity_from_claims, sign_in_identity
from ehria.extensions import db
from ehria.route_access import public
from ehria.sign_in_limit import reserve_callback_attempt, settle_callback_attempt
from ehria.views.auth import TOO_MANY_ATTEMPTS, _safe_next

blueprint = Blueprint("council", __name__)
log = logging.getLogger(__name__)

NEXT_KEY = "council_sign_in_next"
UNAVAILABLE = ("The council's sign-in service cannot be reached at the moment, so you have "
               "not been signed in. Try again in a few minutes.")


def _refused(message: str, status: int):
    return render_template("auth/council_refused.html", message=message), status


@blueprint.get("/sign-in/council")
@public
def start():
    """Send the browser to the council's sign-in page (Entra ID)."""
    if council_settings() is None:
        abort(404)
    session[NEXT_KEY] = _safe_next(request.args.get("next"))
    try:
        return redirect_to_provider(url_for("council.callback", _external=True))
    except ProviderUnavailable as error:
        db.session.rollback()
        log.warning("council sign-in: the provider is unavailable (%s)", error)
        return _refused(UNAVAILABLE, 503)


@blueprint.get("/sign-in/council/callback")
@public
def callback():
    """The provider's return: the code is exchanged and its ID token checked; the person
    is signed in to a fresh session, or refused with no session at all.

    Counted like a password attempt (by client address), before anything is checked, so
    repeated forged returns meet the sign-in limit as wrong passwords do.
    """
    settings = council_settings()
    if settings is None:
        abort(404)
    attempt = reserve_callback_attempt(request.remote_addr)
    if attempt is None:
        return _refused(TOO_MANY_ATTEMPTS + ".", 429)
    try:
        if "error" in request.args:
            raise provider_error(request.args.get("error"))
        identity = identity_from_claims(claims_from_callback(), settings)
        outcome = sign_in_identity(identity, settings)
    except SignInRefused as refusal:
        db.session.rollback()
        settle_callback_attempt(attempt, refusal.email, succeeded=False)
        log.warning("council sign-in refused: %s", refusal.reason)
        return _refused(refusal.message, refusal.status)
    except ProviderUnavailable as error:
        db.session.rollback()
        settle_callback_attempt(attempt, None, succeeded=True)  # not the person's doing
        log.warning("council sign-in: the provider is unavailable (%s)", error)
        return _refused(UNAVAILABLE, 503)
    db.session.commit()
    _tell_admins(outcome.notifications)
    next_url = _safe_next(session.pop(NEXT_KEY, None))
    settle_callback_attempt(attempt, outcome.user.email, succeeded=True)
    begin_session(outcome.user, "council")
    log.info("council sign-in: user %s signed in%s", outcome.user.id,
             " (account made)" if outcome.created else "")
    return redirect(next_url)


def _tell_admins(messages: list) -> None:
    """Queue the e-mails to admins (they are committed with the new user); a failure is
    recorded on the message (or logged), never allowed to fail the sign-in."""
    if not messages:
        return
    try:
        jobs.after_commit("council_user", None, messages)
    except Exception:  # the outbox keeps the message; the person still signs in
        db.session.rollback()
        log.exception("council sign-in: could not send the e-mails to administrators")

