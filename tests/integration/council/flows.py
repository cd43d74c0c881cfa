"""What a browser does to sign in with a council account, step by step."""

from __future__ import annotations

import html
from urllib.parse import urlencode

import requests
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from ehria.extensions import db
from ehria.models import User
from ehria.models_security import UserSession
from tests.council_provider import ForgingProvider, MockProvider

REFUSED = "You have not been signed in"


def start(client: FlaskClient, next_path: str | None = None) -> str:
    """Press "Sign in with your council account": the provider's authorize URL."""
    query = "?" + urlencode({"next": next_path}) if next_path else ""
    response = client.get("/sign-in/council" + query)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sign_in_as(client: FlaskClient, provider: MockProvider, sub: str,
               next_path: str | None = None) -> TestResponse:
    """The whole journey through the mock provider, as `sub`; the callback's response."""
    callback = provider.authorize(start(client, next_path), sub)
    return client.get(callback)


def forged_sign_in(client: FlaskClient, forger: ForgingProvider,
                   authorize_url: str | None = None) -> TestResponse:
    """The journey through the forging provider (it redirects back at once), from
    `authorize_url` when the test has already started it."""
    location = authorize_url or start(client)
    assert location.startswith(forger.issuer)
    response = requests.get(location, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    return client.get(response.headers["Location"])


def text(response: TestResponse) -> str:
    """The page's HTML with its white space collapsed and entities read, as a reader
    sees the words."""
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def session_count() -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession)) or 0


def user_named(email: str) -> User | None:
    db.session.expire_all()  # rows the app changed in its own requests
    return db.session.scalar(select(User).where(User.email == email))


def assert_refused(response: TestResponse, status: int, message: str) -> None:
    """The refusal page, with its message, and no session cookie of a signed-in user."""
    page = text(response)
    assert response.status_code == status, page
    assert REFUSED in page
    assert message in page, page
    assert session_count() == 0
