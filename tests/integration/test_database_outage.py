"""A request that meets the database away is held until it is back, then run again
(ehria/database_outage.py), so a short outage costs time, not errors.

The outage is real: the app is pointed at a database that is not there yet (SQLite: a
folder that does not exist; PostgreSQL: a database name that does not exist), so every
connection really fails. After a moment a ready database, migrated and holding a user, a
token and a draft, is moved into place (a folder renamed; ALTER DATABASE ... RENAME), and
connections succeed again. The load-and-faults test does the same with a real restart of
the PostgreSQL server under gunicorn.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from ehria import create_app
from ehria.accounts import create_department, create_token, create_user
from ehria.assessments import create_assessment
from ehria.database_outage import REPLAYED_HEADER, _may_run_again
from ehria.extensions import db

DEPARTMENT = "Children and Family Services"
COMES_BACK_AFTER = 1.0  # seconds
NEW_TEXT = "Changed while the database was restarting"


class AwayDatabase:
    """A database that is away until `arrive()` moves a ready one into its place."""

    def __init__(self, tmp_path: Path) -> None:
        self.base = os.environ.get("EHRIA_TEST_DATABASE_URL")
        if self.base:
            name = f"{make_url(self.base).database}_outage_{os.getpid()}"
            self.staging_name, self.name = f"{name}_staging", name
            self.admin = create_engine(make_url(self.base).set(database="postgres"),
                                       isolation_level="AUTOCOMMIT")
            self._drop()
            with self.admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.staging_name}"'))
            self.staging_url = self._url(self.staging_name)
            self.url = self._url(self.name)
        else:
            self.staging_dir, self.final_dir = tmp_path / "staging", tmp_path / "away"
            self.staging_dir.mkdir()
            self.staging_url = f"sqlite:///{self.staging_dir / 'ehria.sqlite3'}"
            self.url = f"sqlite:///{self.final_dir / 'ehria.sqlite3'}"

    def _url(self, name: str) -> str:
        return make_url(self.base).set(database=name).render_as_string(hide_password=False)

    def arrive(self) -> None:
        if self.base:
            with self.admin.connect() as connection:
                connection.execute(text(
                    f'ALTER DATABASE "{self.staging_name}" RENAME TO "{self.name}"'))
        else:
            self.staging_dir.rename(self.final_dir)

    def _drop(self) -> None:
        with self.admin.connect() as connection:
            for name in (self.staging_name, self.name):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        if self.base:
            self._drop()
            self.admin.dispose()


def _settings(url: str, wait: float) -> dict:
    return {"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": url,
            "EHRIA_DATABASE_WAIT_SECONDS": wait}


@pytest.fixture
def away(tmp_path: Path) -> Iterator[tuple[AwayDatabase, dict]]:
    """The database, away, and what is in it once it arrives: a token and a draft."""
    database = AwayDatabase(tmp_path)
    staging = create_app(_settings(database.staging_url, 0))
    with staging.app_context():
        upgrade()
        create_department(DEPARTMENT)
        officer = create_user("officer@example.gov.uk", "Officer", "a-long-password",
                              ["lead_officer"], DEPARTMENT)
        token = create_token(officer)
        draft = create_assessment(officer, {"key_details": {
            "policy_name": "Short breaks", "department": DEPARTMENT}})
        db.session.commit()
        seeded = {"token": token, "id": draft.id, "version": str(draft.lock_version)}
        db.session.remove()
        db.engine.dispose()  # nothing may hold the staging database open when it moves
    try:
        yield database, seeded
    finally:
        database.close()


def _app(url: str, wait: float) -> Flask:
    return create_app(_settings(url, wait))


def _returning(database: AwayDatabase) -> threading.Timer:
    timer = threading.Timer(COMES_BACK_AFTER, database.arrive)
    timer.start()
    return timer


@pytest.fixture
def patient_app(away) -> Iterator[Flask]:
    """The app on the away database, holding requests up to 15 s for it to return."""
    app = _app(away[0].url, wait=15)
    yield app
    with app.app_context():
        db.engine.dispose()


def _auth(seeded: dict) -> dict:
    return {"Authorization": f"Bearer {seeded['token']}"}


def test_a_save_made_while_the_database_is_away_is_held_and_stored_when_it_returns(
    away, patient_app
):
    database, seeded = away
    client, auth = patient_app.test_client(), _auth(seeded)
    timer = _returning(database)
    started = time.monotonic()
    response = client.patch(f"/api/v1/assessments/{seeded['id']}",
                            json={"answers": {"policy": {"what_is_changing": NEW_TEXT}}},
                            headers={**auth, "If-Match": seeded["version"]})
    took = time.monotonic() - started
    timer.join()

    assert response.status_code == 200, response.get_data(as_text=True)
    assert int(response.headers[REPLAYED_HEADER]) >= 1
    assert took >= COMES_BACK_AFTER * 0.9
    assert response.get_json()["version"] == str(int(seeded["version"]) + 1)
    stored = client.get(f"/api/v1/assessments/{seeded['id']}", headers=auth).get_json()
    assert stored["answers"]["policy"]["what_is_changing"] == NEW_TEXT
    assert stored["version"] == response.get_json()["version"]


def test_a_new_assessment_started_during_the_outage_is_made_exactly_once(away, patient_app):
    database, seeded = away
    client, auth = patient_app.test_client(), _auth(seeded)
    timer = _returning(database)
    response = client.post("/api/v1/assessments", headers=auth, json={"answers": {
        "key_details": {"policy_name": "Started in an outage", "department": DEPARTMENT}}})
    timer.join()

    assert response.status_code == 201, response.get_data(as_text=True)
    assert REPLAYED_HEADER in response.headers
    listed = client.get("/api/v1/assessments?q=Started in an outage", headers=auth).get_json()
    assert [a["id"] for a in listed["items"]] == [response.get_json()["id"]]


def test_a_page_asked_for_during_the_outage_is_shown_when_the_database_returns(
    away, patient_app
):
    timer = _returning(away[0])
    response = patient_app.test_client().get("/sign-in")
    timer.join()
    assert response.status_code == 200
    assert "Sign in" in response.get_data(as_text=True)


def test_a_request_held_longer_than_the_wait_is_answered_503_with_retry_after(away):
    database, seeded = away
    app = _app(database.url, wait=0.6)
    started = time.monotonic()
    response = app.test_client().get("/api/v1/assessments", headers=_auth(seeded))
    took = time.monotonic() - started

    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert REPLAYED_HEADER not in response.headers
    assert 0.3 <= took < 5


def test_the_health_check_is_never_held_so_load_balancers_learn_at_once(patient_app):
    started = time.monotonic()
    response = patient_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(("method", "commit_sent", "if_match", "runs_again"), [
    ("PATCH", False, None, True),    # nothing was written: running it again is safe
    ("POST", True, None, False),     # it may have been written, nothing guards a repeat
    ("POST", True, "7", True),       # a repeat of a landed write is refused 412
    ("GET", True, None, True),       # a read is always safe to repeat
])
def test_a_request_runs_again_only_when_a_repeat_cannot_write_twice(
    method, commit_sent, if_match, runs_again
):
    environ = {"REQUEST_METHOD": method}
    if commit_sent:
        environ["ehria.commit_sent"] = True
    if if_match:
        environ["HTTP_IF_MATCH"] = if_match
    assert _may_run_again(environ) is runs_again
