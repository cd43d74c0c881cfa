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


def _worker_database(base: str, worker: str) -> str:
    """A PostgreSQL database of this xdist worker's own (made afresh), beside `base`."""
    from sqlalchemy import create_engine, make_url

    url = make_url(base)
    name = f"{url.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker gets its own PostgreSQL database (SQLite files are
    per worker already), named in EHRIA_TEST_DATABASE_URL for everything that reads it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = os.environ.get("EHRIA_TEST_DATABASE_URL", "")
    if worker and base.startswith("postgresql"):
        os.environ["EHRIA_TEST_DATABASE_URL"] = _worker_database(base, worker)
        config.ehria_base_database_url = base  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    base = getattr(config, "ehria_base_database_url", None)
    if base is None:
        return
    from sqlalchemy import create_engine, make_url

    own = make_url(os.environ["EHRIA_TEST_DATABASE_URL"]).database
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
    admin.dispose()
    os.environ["EHRIA_TEST_DATABASE_URL"] = base


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
    cannot simply be deleted: PostgreSQL deletes with those triggers switched off for the
    moment, SQLite gets its freshly migrated file back.
    """
    if db.engine.dialect.name == "postgresql":
        # DELETE from the tables a test wrote to, children first, with the immutability
        # triggers off meanwhile (the tables are the test role's own), then every
        # sequence back to 1: a few milliseconds, where TRUNCATE of the sixteen took 130.
        names = [table.name for table in db.metadata.sorted_tables]
        with db.engine.begin() as connection:
            used = set(connection.execute(text(" UNION ALL ".join(
                f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in names
            ))).scalars())
            for name in (n for n in reversed(names) if n in used):
                connection.execute(text(f"ALTER TABLE {name} DISABLE TRIGGER USER"))
                connection.execute(text(f"DELETE FROM {name}"))
                connection.execute(text(f"ALTER TABLE {name} ENABLE TRIGGER USER"))
            for sequence in connection.execute(text(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
                    " AND last_value IS NOT NULL")).scalars():
                connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
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

    def delete(self, path: str, **options):
        return self.client.delete("/api/v1" + path, headers=self.headers, **options)

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
