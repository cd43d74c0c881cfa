"""Fixtures of the council sign-in tests: the providers on 127.0.0.1 (tests/council_provider)
and apps configured to sign in with them, on the tests' database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ehria import create_app
from ehria.extensions import db
from tests.council_provider import (
    ForgingProvider,
    MockProvider,
    council_config,
    forging_provider,
    mock_provider,
)

MakeApp = Callable[..., Flask]


@pytest.fixture(scope="session")
def provider() -> Iterator[MockProvider]:
    """oidc-provider-mock, a real OpenID Connect provider, for the whole session."""
    with mock_provider() as running:
        yield running


@pytest.fixture(scope="session")
def _forging_provider() -> Iterator[ForgingProvider]:
    with forging_provider() as running:
        yield running


@pytest.fixture
def forger(_forging_provider: ForgingProvider) -> ForgingProvider:
    """The forging provider, honest until a test sets `forge`."""
    _forging_provider.forge = None
    _forging_provider.claims = {}
    _forging_provider.end_session_endpoint = None
    _forging_provider.token_requests.clear()
    return _forging_provider


@pytest.fixture
def make_app(app: Flask, database: None, provider: MockProvider) -> Iterator[MakeApp]:
    """`make_app(issuer=None, **settings)`: an app signing in with the provider at
    `issuer` (the mock's by default), on the tests' database, CSRF off as for `client`."""
    made: list[Flask] = []

    def make(issuer: str | None = None, **settings: object) -> Flask:
        council_app = create_app({
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            **council_config(issuer or provider.issuer, **settings),
        })
        made.append(council_app)
        return council_app

    yield make
    for council_app in made:  # before the tables are emptied
        with council_app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def council(make_app: MakeApp) -> FlaskClient:
    """A browser of an app that signs in with the mock provider."""
    return make_app().test_client()
