"""What running in production needs beyond the features: security headers on every
response, input no database can store refused up front, one JSON log line per request,
and a clean 503 (never a crash) while the database is unreachable.

`init_security(app)` is called once by `create_app`. The sign-in limit itself is in
`ehria.sign_in_limit`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import time
from datetime import UTC, datetime

from flask import Flask, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect as sa_inspect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from ehria.database_outage import RUN, mark_database_unavailable
from ehria.extensions import db

# GOV.UK Frontend's page template carries one fixed inline script, which marks the body
# `js-enabled govuk-frontend-supported` (without that class its components refuse to start).
# Its hash, as GOV.UK Frontend documents it, lets exactly that script run and no other.
GOVUK_TEMPLATE_SCRIPT = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype"
    " ? ' govuk-frontend-supported' : '');"
)
GOVUK_TEMPLATE_SCRIPT_HASH = "sha256-" + base64.b64encode(
    hashlib.sha256(GOVUK_TEMPLATE_SCRIPT.encode("utf-8")).digest()
).decode("ascii")

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    f"script-src 'self' '{GOVUK_TEMPLATE_SCRIPT_HASH}'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
])
# With the Content-Security-Policy of each app (content_security_policy).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Cross-Origin-Opener-Policy": "same-origin",
}
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

request_log = logging.getLogger("ehria.requests")

# Errors that mean the database cannot be reached (down, restarting, pool exhausted): the
# request is answered 503 with Retry-After, the pool reconnects on the next checkout
# (pool_pre_ping), and no worker needs restarting.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
RETRY_AFTER_SECONDS = "5"


def content_security_policy(app: Flask) -> str:
    """The policy, with the council's sign-in provider allowed as a form's destination
    when council sign-in is configured: signing out (a form) is redirected to the
    provider's end-session page, and browsers hold redirects of a form to form-action."""
    council = app.config.get("COUNCIL_SIGN_IN")
    if council is None:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {council.origin}")


def init_security(app: Flask) -> None:
    app.config["EHRIA_CONTENT_SECURITY_POLICY"] = content_security_policy(app)
    hops = int(app.config.get("EHRIA_PROXY_HOPS") or 0)
    if hops:
        # Behind a TLS-terminating proxy: the client's address and scheme come from it.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    if app.config.get("EHRIA_REQUEST_LOG", True):
        _configure_request_log(app)
        app.before_request(_start_timer)
        app.after_request(_log_request)
    app.before_request(_refuse_unstorable_input)
    app.after_request(_add_security_headers)
    app.teardown_appcontext(_release_session)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, _database_unavailable)
    app.register_error_handler(sa_exc.DBAPIError, _database_error)


# ---- headers -------------------------------------------------------------------------

def _add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy",
                                current_app.config["EHRIA_CONTENT_SECURITY_POLICY"])
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    # Pages and JSON carry personal data: never kept in a shared computer's cache. What
    # may be cached says so itself (static files, PDFs with their ETag).
    response.headers.setdefault("Cache-Control", "no-store")
    if current_app.config["EHRIA_ENV"] == "production":
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


# ---- input no database can store -----------------------------------------------------

# Deeper than any answer (answers.section.field.row.column) by a wide margin, and far
# shallower than Python's recursion limit, which deep merging and copying would hit.
MAX_JSON_DEPTH = 32
UNSTORABLE_TEXT = "Must not contain the NUL character or unpaired surrogates"


def _unstorable(text: str) -> bool:
    """NUL, which PostgreSQL text cannot hold, or a lone surrogate, which is not UTF-8."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_problem(data: object) -> tuple[str, str] | None:
    """(path, message) of the first unstorable key or text, or of too deep a nesting."""
    pending: list[tuple[object, str, int]] = [(data, "", 0)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            return path or "body", f"Must not be nested more than {MAX_JSON_DEPTH} deep"
        if isinstance(value, str):
            if _unstorable(value):
                return path or "body", UNSTORABLE_TEXT
        elif isinstance(value, dict):
            for key, child in value.items():
                child_path = f"{path}.{key}" if path else str(key)
                if _unstorable(key):
                    return child_path.encode("utf-8", "replace").decode(), UNSTORABLE_TEXT
                pending.append((child, child_path, depth + 1))
        elif isinstance(value, list):
            pending.extend((child, f"{path}.{i}" if path else str(i), depth + 1)
                           for i, child in enumerate(value))
    return None


def _refused_input(status: int, message: str, fields: dict | None = None):
    if request.path.startswith("/api/"):
        from ehria.api import error_response

        return error_response(status, message, fields)
    return render_template("errors/error.html", title="There is a problem with the request",
                           message=message), status


def _refuse_unstorable_input() -> ResponseReturnValue | None:
    """Text no database column can hold, and JSON nested deeper than any answer, are refused
    up front (400, or 422 naming the path in a JSON body) rather than failing later."""
    for source in (request.args, request.form):
        for key, values in source.lists():
            if _unstorable(key) or any(_unstorable(v) for v in values):
                return _refused_input(400, "The request contains characters that cannot "
                                      "be stored, such as the NUL character.")
    if not request.is_json:
        return None
    try:
        data = request.get_json(silent=True)  # malformed: left for the view to refuse
    except RecursionError:
        return _refused_input(400, "The JSON is nested too deeply.")
    problem = _json_problem(data)
    if problem is None:
        return None
    path, message = problem
    return _refused_input(422, "The request is not valid.", {path: [message]})


# ---- request logs --------------------------------------------------------------------

class _JsonLineHandler(logging.StreamHandler):
    """Writes each record's message, a JSON object, as one line (stderr, like gunicorn)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))


def _configure_request_log(app: Flask) -> None:
    request_log.setLevel(logging.INFO)
    if app.config["EHRIA_ENV"] == "testing":
        return  # tests read the records through pytest's caplog; nothing on stderr
    if not any(isinstance(h, _JsonLineHandler) for h in request_log.handlers):
        request_log.addHandler(_JsonLineHandler())
        request_log.propagate = False


def _start_timer() -> None:
    g.ehria_request_started = time.perf_counter()


def _user_id() -> int | None:
    """The user the request was made as, if already known. Read from the identity map, so
    never a query (an expired user would otherwise reload, and the database may be down)."""
    user = g.get("api_user") or g.get("_login_user")
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    identity = getattr(state, "identity", None)  # None for the anonymous user
    return identity[0] if identity else None


def _log_request(response: Response) -> Response:
    """One JSON line: never bodies, query strings, headers, cookies or tokens. A failure to
    log never fails the response."""
    try:
        _write_request_log(response)
    except Exception:  # logging must never turn an answer into a 500
        current_app.logger.exception("could not log the request")
    return response


def _write_request_log(response: Response) -> None:
    started = g.get("ehria_request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    request_log.info(json.dumps({
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "event": "request",
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(duration, 2) if duration is not None else None,
        "user_id": _user_id(),
        **({"run": run} if (run := request.environ.get(RUN, 1)) > 1 else {}),
    }, separators=(",", ":")))


# ---- the database being unreachable --------------------------------------------------

def _forget_session() -> None:
    """Roll back; if the connection is gone, throw it away (the pool makes a new one)."""
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:
        with contextlib.suppress(sa_exc.SQLAlchemyError):
            db.session().invalidate()  # (scoped_session does not proxy it)


def _release_session(exc: BaseException | None) -> None:
    """Runs before Flask-SQLAlchemy's own teardown: a connection that died during the
    request makes closing the session raise, which would turn a finished response into a
    500; invalidate it instead, so the next checkout reconnects."""
    try:
        db.session.remove()
    except sa_exc.SQLAlchemyError:
        with contextlib.suppress(sa_exc.SQLAlchemyError):
            db.session().invalidate()  # (scoped_session does not proxy it)
        with contextlib.suppress(sa_exc.SQLAlchemyError):
            db.session.remove()


def _database_unavailable(error: Exception) -> ResponseReturnValue:
    _forget_session()
    mark_database_unavailable()  # HoldWhileDatabaseIsAway may run the request again
    current_app.logger.warning("database unavailable: %s", type(error).__name__)
    headers = {"Retry-After": RETRY_AFTER_SECONDS, "Cache-Control": "no-store"}
    message = "The service is briefly unavailable. Try again in a moment."
    if request.path.startswith("/api/"):
        from ehria.api import error_response

        return error_response(503, message, headers=headers)
    try:
        body = render_template(
            "errors/error.html", title="Sorry, the service is unavailable",
            message="Try again in a moment. Nothing you saved has been lost.",
        )
    except Exception:  # the page itself may need the database (current_user)
        body = f"<!DOCTYPE html><title>Service unavailable</title><p>{message}</p>"
    return body, 503, headers


def _database_error(error: sa_exc.DBAPIError) -> ResponseReturnValue:
    """Other database errors: 503 when the connection was lost, otherwise a real error."""
    if error.connection_invalidated:
        return _database_unavailable(error)
    raise error
