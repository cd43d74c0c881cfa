"""The JSON API under /api/v1 (design/API.md): bearer tokens, JSON errors everywhere."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ehria.accounts import TokenHolder, record_token_use, user_for_token
from ehria.extensions import db
from ehria.models import User
from ehria.roles import Role
from ehria.route_access import declare_access

api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

View = TypeVar("View", bound=Callable)


class ApiError(Exception):
    """An error answered as `{"error": ..., "fields": ...}` with its status code."""

    def __init__(
        self, status: int, message: str, fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields
        self.headers = headers or {}


def error_response(status: int, message: str, fields: dict | None = None, headers=None):
    body: dict = {"error": message}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@api_blueprint.errorhandler(ApiError)
def _api_error(error: ApiError):
    return error_response(error.status, error.message, error.fields, error.headers)


@api_blueprint.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    messages = {
        400: "The request could not be read: send a JSON object.",
        404: "Not found.",
        405: "This method is not allowed here.",
        413: "The request body is too large.",
        415: "Send the body as application/json.",
    }
    message = messages.get(error.code or 500, error.description or "Error")
    return error_response(error.code or 500, message)


def api_user() -> User:
    return g.api_user


def _note_token_use(holder: TokenHolder) -> None:
    """Best effort, after the view's own commit: a failure here never fails the answer."""
    try:
        record_token_use(holder)
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("could not record the use of API token %s", holder.token_id)


def token_required(*roles: Role) -> Callable[[View], View]:
    """A bearer token of an active user; with `roles`, the user must hold one of them."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            holder = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
            if holder is None:
                raise ApiError(
                    401, "Send a valid API token: Authorization: Bearer <token>.",
                    headers={"WWW-Authenticate": 'Bearer realm="ehria"'},
                )
            user = holder.user
            if roles and not user.roles & set(roles):
                raise ApiError(403, "Your roles do not allow this.")
            g.api_user = user
            response = view(*args, **kwargs)
            _note_token_use(holder)
            return response

        declare_access(wrapper, "token:" + ",".join(roles))
        return wrapper  # type: ignore[return-value]

    return decorate


from ehria.api import assessments, documents, openapi, reference, workflow  # noqa: E402,F401  (registers routes)

