"""Every route declares who may use it with one of these decorators, and a test walks the
URL map to make sure none is left undeclared. The rules themselves are ehria.permissions'.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user

from ehria.roles import Role

View = TypeVar("View", bound=Callable)


def declare_access(view: Callable, access: str) -> None:
    view.access = access  # type: ignore[attr-defined]


def public(view: View) -> View:
    """Anyone, signed in or not (sign-in page, health check, static files)."""
    declare_access(view, "public")
    return view


def signed_in(*roles: Role) -> Callable[[View], View]:
    """A signed-in user holding any of `roles` (any role at all when none are named)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                from ehria.extensions import login_manager

                return login_manager.unauthorized()
            if roles and not current_user.roles & set(roles):
                abort(403)
            return view(*args, **kwargs)

        declare_access(wrapper, "signed_in:" + ",".join(roles))
        return wrapper  # type: ignore[return-value]

    return decorate
