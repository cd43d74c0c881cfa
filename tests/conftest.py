"""Fixtures shared by the integration tests: an app on a real database, users, API clients.

The database is SQLite in a temporary folder, or the PostgreSQL server named by
EHRIA_TEST_DATABASE_URL (scripts/test runs the suite once on each). The schema is made by
the Alembic migrations, exactly as in production; each test starts with empty tables.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from ehria import create_app
from ehria.accounts import create_department, create_token, create_user
from ehria.extensions import db
from ehria.models import User


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if url := os.environ.get("EHRIA_TEST_DATABASE_URL"):
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _reset_postgres_schema(app: Flask) -> None:
    """Start from an empty database so the migrations are applied from the first one."""
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = _database_url(tmp_path_factory)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            # scrypt at 1/32 of its production cost: every test makes users and signs in
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _reset_postgres_schema(app)
        upgrade()
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            db.engine.dispose()
            database_file = Path(db.engine.url.database)
            shutil.copy(database_file, database_file.with_suffix(".empty"))
    yield app


def _empty_the_database() -> None:
    """Back to freshly migrated, empty tables.

    The migrations make audit events and signed records immutable with triggers, so rows
    cannot simply be deleted: PostgreSQL truncates (row triggers do not fire), SQLite
    gets its freshly migrated file back.
    """
    if db.engine.dialect.name == "postgresql":
        tables = ", ".join(table.name for table in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        db.engine.dispose()
        database_file = Path(db.engine.url.database)
        shutil.copy(database_file.with_suffix(".empty"), database_file)


@pytest.fixture
def database(app: Flask) -> Iterator[None]:
    """An app context on empty tables, emptied again after the test."""
    with app.app_context():
        yield
        db.session.remove()
        _empty_the_database()


@pytest.fixture
def client(app: Flask, database: None) -> FlaskClient:
    return app.test_client()


class Factory:
    """Makes departments, users and API tokens for a test, committed like real ones."""

    def __init__(self) -> None:
        self.departments: set[str] = set()

    def department(self, name: str) -> str:
        if name not in self.departments:
            create_department(name)
            self.departments.add(name)
        return name

    def user(
        self, email: str, *roles: str, department: str | None = "Children and Family Services",
        name: str | None = None,
    ) -> User:
        if department:
            self.department(department)
        user = create_user(
            email, name or email.split("@")[0].title(), "a-long-password", roles, department
        )
        db.session.commit()
        return user

    def token(self, user: User) -> str:
        token = create_token(user)
        db.session.commit()
        return token


@pytest.fixture
def factory(database: None) -> Factory:
    made = Factory()
    for name in ("Children and Family Services", "Adults and Communities"):
        made.department(name)
    db.session.commit()
    return made


class ApiClient:
    """The JSON API as one user sees it."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **options):
        return self.client.get("/api/v1" + path, headers=self.headers, **options)

    def post(self, path: str, body: object = None, **options):
        return self.client.post("/api/v1" + path, json=body, headers=self.headers, **options)

    def patch(self, path: str, body: object, version: str | None, **options):
        headers = dict(self.headers)
        if version is not None:
            headers["If-Match"] = version
        return self.client.patch("/api/v1" + path, json=body, headers=headers, **options)


@pytest.fixture
def api_as(client: FlaskClient, factory: Factory):
    """`api_as(user)` gives an ApiClient holding a fresh token of that user."""

    def make(user: User | None) -> ApiClient:
        return ApiClient(client, factory.token(user) if user else None)

    return make


@pytest.fixture
def officer(factory: Factory) -> User:
    return factory.user("officer@example.gov.uk", "lead_officer", name="Priya Chauhan")


@pytest.fixture
def people(factory: Factory) -> dict[str, User]:
    """A lead officer and a DEG chair of Children and Family Services, and the web team."""
    return {
        "officer": factory.user("officer@example.gov.uk", "lead_officer", name="Priya Chauhan"),
        "chair": factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor"),
        "web": factory.user("web@example.gov.uk", "web_team", department=None,
                            name="Alex Morgan"),
    }
