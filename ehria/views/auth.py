"""Sign in and sign out."""

import re
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ehria.accounts import AccountError, authenticate, change_password, has_password
from ehria.auth import begin_session, finish_session, signed_in_with
from ehria.council_auth import logout_url
from ehria.extensions import db
from ehria.route_access import public, signed_in
from ehria.sign_in_limit import clear_failures, reserve_attempt
from forms.auth import ChangePasswordForm, SignInForm

blueprint = Blueprint("auth", __name__)

TOO_MANY_ATTEMPTS = (
    "Too many attempts to sign in with this email address or from this computer. "
    "Wait 15 minutes, then try again"
)


# Control characters would break the Location header (CR/LF splitting it); a backslash
# is read by browsers as a slash, so "/\evil.example" would leave the site.
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x1f\x7f\\]")


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the sign-in page cannot be used to send people elsewhere."""
    if (target and target.startswith("/") and not target.startswith("//")
            and not _UNSAFE_IN_NEXT.search(target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


def password_sign_in() -> bool:
    """Whether passwords sign people in here (EHRIA_PASSWORD_SIGN_IN, on by default)."""
    return bool(current_app.config["PASSWORD_SIGN_IN"])


@blueprint.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    """The sign-in page: the council account's button when configured, and the password
    form unless EHRIA_PASSWORD_SIGN_IN=false (then a posted password is a 404)."""
    next_path = request.args.get("next")
    if not password_sign_in():
        if request.method == "POST":
            abort(404)
        return render_template("auth/sign_in.html", form=None, next_path=next_path)
    form = SignInForm()
    if form.validate_on_submit():
        address = request.remote_addr
        if not reserve_attempt(form.email.data, address):
            form.email.errors.append(TOO_MANY_ATTEMPTS)
            return render_template("auth/sign_in.html", form=form), 429
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            clear_failures(form.email.data)
            next_url = _safe_next(request.args.get("next"))
            begin_session(user)
            return redirect(next_url)
        form.email.errors.append("Enter a correct email address and password")
    status = 400 if form.errors else 200
    return render_template("auth/sign_in.html", form=form, next_path=next_path), status


@blueprint.post("/sign-out")
@public
def sign_out():
    """End this session; after a council-account sign-in, also at the provider when it
    offers RP-initiated logout (it then sends the browser back to the sign-in page)."""
    council = signed_in_with() == "council"
    finish_session()
    flash("You have signed out.", "success")
    if council and (url := logout_url(url_for("auth.sign_in", _external=True))):
        return redirect(url)
    return redirect(url_for("auth.sign_in"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@signed_in()
def change_own_password():
    """Every other session of the user ends; this browser gets a fresh one. Gone (404)
    with EHRIA_PASSWORD_SIGN_IN=false, and for those who have no password here."""
    if not password_sign_in() or not has_password(current_user):
        abort(404)
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except AccountError as error:
            db.session.rollback()
            target = getattr(form, error.field) if error.field else form.new_password
            target.errors = [*target.errors, str(error)]
        else:
            begin_session(current_user, signed_in_with() or "password")
            flash("Your password has been changed. You have been signed out everywhere "
                  "else.", "success")
            return redirect(url_for("home.index"))
    status = 400 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status
