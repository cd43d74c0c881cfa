"""Security checks of issue 7: headers, CSRF on every form route, session fixation and
expiry, no secret stored in plain text, sign-in rate limiting, the HTML routes refusing
those who may not see an assessment, request logs, and /healthz with the database down."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask, g
from sqlalchemy import MetaData, inspect, select, text, update

from ehria import create_app
from ehria.extensions import db
from ehria.models import Assessment, Event, utcnow
from ehria.models_security import SignInAttempt
from ehria.security import CONTENT_SECURITY_POLICY
from tests.integration.workflow_helpers import create

PASSWORD = "a-long-password"  # the factory's
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def sign_in(client, email="officer@example.gov.uk", password=PASSWORD, **options):
    return client.post("/sign-in", data={"email": email, "password": password}, **options)


def csrf_token_of(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def csrf_app(app: Flask, database: None) -> Iterator[Flask]:
    """An app as in production as far as forms go: CSRF on, on the tests' database."""
    made = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": True,
    })
    yield made
    with made.app_context():
        db.session.remove()
        db.engine.dispose()


def form_routes(flask_app: Flask) -> list[tuple[str, str]]:
    """(method, url) of every state-changing route outside the API, with made-up ids."""
    routes = []
    for rule in flask_app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)
        url = re.sub(r"<[^>]+>", "x", url)
        routes += [(method, url) for method in sorted(rule.methods & STATE_CHANGING)]
    return routes


# ---- headers -------------------------------------------------------------------------

def test_every_response_carries_the_security_headers(client, officer, api_as):
    for response in (client.get("/sign-in"), client.get("/healthz"),
                     api_as(officer).get("/assessments"), client.get("/no-such-page")):
        headers = response.headers
        policy = headers["Content-Security-Policy"]
        for directive in ("script-src 'self'", "style-src 'self'", "img-src 'self' data:",
                          "font-src 'self'", "frame-ancestors 'none'", "form-action 'self'",
                          "base-uri 'self'"):
            assert directive in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # not in development or tests


def test_hsts_is_sent_in_production(tmp_path):
    production = create_app({"EHRIA_ENV": "production", "SECRET_KEY": "k",
                             "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    response = production.test_client().get("/sign-in")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_only_inline_script_is_the_one_the_policy_names_by_hash(client, officer):
    """GOV.UK Frontend's template has one fixed inline script; the CSP allows its hash and
    nothing else, and the pages carry no inline styles or event handlers."""
    sign_in(client)
    for page in (client.get("/sign-in").get_data(as_text=True),
                 client.get("/").get_data(as_text=True)):
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page, re.S)
        for script in inline:
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in CONTENT_SECURITY_POLICY
        assert not re.search(r"\sstyle=", page)
        assert not re.search(r"\son[a-z]+=", page)


# ---- CSRF ----------------------------------------------------------------------------

def test_there_are_form_routes_to_check(csrf_app):
    assert ("POST", "/sign-in") in form_routes(csrf_app)
    assert ("POST", "/sign-out") in form_routes(csrf_app)


@pytest.mark.parametrize("signed_in_first", [False, True], ids=["anonymous", "signed_in"])
def test_every_state_changing_form_route_refuses_a_post_without_a_csrf_token(
    csrf_app, factory, signed_in_first
):
    officer = factory.user("officer@example.gov.uk", "lead_officer")
    client = csrf_app.test_client()
    if signed_in_first:
        token = csrf_token_of(client.get("/sign-in").get_data(as_text=True))
        response = client.post("/sign-in", data={
            "email": officer.email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302  # the token is what makes the difference
        assert client.get("/").status_code == 200
    events_before = db.session.scalar(select(db.func.count()).select_from(Event))

    for method, url in form_routes(csrf_app):
        response = client.open(url, method=method, data={"anything": "at all"})
        assert response.status_code == 400, (method, url, response.status_code)
        assert "Your session has expired" in response.get_data(as_text=True), (method, url)
        # a wrong token is no better than none
        response = client.open(url, method=method, data={"csrf_token": "forged"})
        assert response.status_code == 400, (method, url)

    assert db.session.scalar(select(db.func.count()).select_from(Event)) == events_before
    if signed_in_first:
        assert client.get("/").status_code == 200  # the refused sign-out did nothing


# ---- sessions ------------------------------------------------------------------------

def forget_loaded_user() -> None:
    """The tests' app context outlives each request, and Flask-Login keeps the signed-in
    user in `g` (the API its token's user); drop them so the next request knows only what
    it carries itself."""
    g.pop("_login_user", None)
    g.pop("api_user", None)


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_signing_in_starts_a_new_session_and_the_old_one_stays_signed_out(client, officer):
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = session_cookie(client)
    assert before

    assert sign_in(client).status_code == 302
    after = session_cookie(client)
    assert after and after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == str(officer.id)

    replayed = client.application.test_client()
    replayed.set_cookie("session", before)
    forget_loaded_user()
    assert replayed.get("/").status_code == 302  # the pre-sign-in cookie is not signed in
    signed_in = client.application.test_client()
    signed_in.set_cookie("session", after)
    forget_loaded_user()
    assert signed_in.get("/").status_code == 200  # (the test can tell the two apart)


def test_sessions_expire(app, client, officer, monkeypatch):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=8)
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(seconds=1))
    sign_in(client)
    assert client.get("/").status_code == 200
    time.sleep(2.2)
    forget_loaded_user()
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_session_lifetime_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("EHRIA_SESSION_HOURS", "1.5")
    monkeypatch.setenv("EHRIA_SECRET_KEY", "k")
    monkeypatch.setenv("EHRIA_DATABASE_URL", f"sqlite:///{tmp_path / 'e.db'}")
    assert create_app().config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=1.5)


# ---- secrets at rest -----------------------------------------------------------------

def every_stored_value() -> str:
    """Every row of every table in the database (not only the models'), as text."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    assert set(inspect(db.engine).get_table_names()) >= set(db.metadata.tables)
    parts = []
    with db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("latin-1")
                    elif isinstance(value, dict | list):
                        value = json.dumps(value)
                    parts.append(str(value))
    return "\n".join(parts)


def test_no_password_or_token_is_stored_in_plain_text(client, factory, api_as, officer):
    chair = factory.user("chair@example.gov.uk", "deg_chair")
    api = api_as(officer)
    token = api.headers["Authorization"].removeprefix("Bearer ")
    assert api.get("/assessments").status_code == 200
    create(api)
    chair_token = factory.token(chair)
    typed_in_the_wrong_box = "correct-horse-battery-staple"
    sign_in(client, email=typed_in_the_wrong_box, password="whatever-was-typed")
    sign_in(client, password="a-wrong-password-typed")
    sign_in(client)

    stored = every_stored_value()
    assert "scrypt:" in stored  # the dump reached the users table
    for secret in (PASSWORD, token, chair_token, typed_in_the_wrong_box, "whatever-was-typed",
                   "a-wrong-password-typed", token.removeprefix("ehria_")):
        assert secret not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored  # kept as its hash only


# ---- sign-in rate limiting -----------------------------------------------------------

def test_sign_in_is_refused_after_ten_failures_for_an_email(client, officer):
    for _ in range(10):
        assert sign_in(client, password="wrong-password").status_code == 400
    response = sign_in(client)  # even the right password
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Too many attempts" in html
    assert "govuk-error-summary" in html
    assert client.get("/").status_code == 302

    # from another computer too: the limit is on the e-mail address
    other = client.application.test_client()
    assert sign_in(other, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 429

    # failures older than the window no longer count
    db.session.execute(update(SignInAttempt).values(at=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    assert sign_in(client).status_code == 302


def test_sign_in_is_refused_after_ten_failures_from_an_address(client, officer):
    attacker = {"REMOTE_ADDR": "192.0.2.7"}
    for n in range(10):
        sign_in(client, email=f"guess{n}@example.gov.uk", password="x-wrong-pass",
                environ_base=attacker)
    assert sign_in(client, environ_base=attacker).status_code == 429
    other = client.application.test_client()
    assert sign_in(other, environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 302


def test_thirty_wrong_passwords_at_once_get_exactly_ten_checked(app, client, officer):
    """Checking the limit and counting the attempt are one step: however many arrive at
    the same moment, the eleventh and later are refused without a password check."""
    attempts = 30
    ready = threading.Barrier(attempts)
    statuses: list[int] = []

    def attempt() -> None:
        browser = app.test_client()
        ready.wait()
        response = sign_in(browser, password="wrong-password",
                           environ_base={"REMOTE_ADDR": "198.51.100.4"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [400] * 10 + [429] * 20
    assert db.session.scalar(select(db.func.count()).select_from(SignInAttempt)) == 10


def test_a_successful_sign_in_clears_that_emails_failures(client, officer):
    for _ in range(9):
        sign_in(client, password="wrong-password", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert sign_in(client, environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 302
    client.post("/sign-out")
    for _ in range(9):
        sign_in(client, password="wrong-password", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert sign_in(client, environ_base={"REMOTE_ADDR": "10.0.0.3"}).status_code == 302


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(tmp_path):
    database = f"sqlite:///{tmp_path / 'proxy.db'}"
    direct = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": database})
    proxied = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": database,
                          "EHRIA_PROXY_HOPS": 1})
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    for flask_app, address, scheme in ((direct, "127.0.0.1", "http"),
                                       (proxied, "203.0.113.9", "https")):
        seen = {}

        @flask_app.get("/_peek")
        def peek(seen=seen):
            from flask import request

            seen.update(address=request.remote_addr, scheme=request.scheme)
            return ""

        flask_app.test_client().get("/_peek", headers=headers)
        assert seen == {"address": address, "scheme": scheme}


# ---- the HTML routes refuse those who may not see an assessment ----------------------

def assessment_routes(flask_app: Flask) -> list[tuple[str, str]]:
    routes = []
    for rule in flask_app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or "assessment_id" not in rule.arguments:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            routes.append((method, rule.rule))
    return routes


def test_html_routes_of_an_assessment_refuse_those_who_may_not_see_it(app, factory, api_as):
    """The workflow's visibility rule over the pages: anonymous people are sent to sign in
    (or refused, on a public route for published work);
    an officer of another department, a chair before submission and the web team before
    sign-off get 403 or 404 on every page of a draft, and nothing changes."""
    author = factory.user("author@example.gov.uk", "lead_officer")
    number = create(api_as(author))["id"]
    lookers = {
        "outsider": factory.user("out@example.gov.uk", "lead_officer",
                                 department="Adults and Communities"),
        "chair": factory.user("chair@example.gov.uk", "deg_chair"),
        "web": factory.user("web@example.gov.uk", "web_team", department=None),
    }
    routes = assessment_routes(app)
    if not routes:
        pytest.skip("no HTML route takes an assessment id yet")

    def state():
        db.session.expire_all()
        assessment = db.session.get(Assessment, number)
        events = db.session.scalar(select(db.func.count()).select_from(Event))
        return assessment.lock_version, assessment.status, events

    clients = {}
    for name, user in lookers.items():
        clients[name] = app.test_client()
        forget_loaded_user()
        assert sign_in(clients[name], email=user.email).status_code == 302
    before = state()
    anonymous = app.test_client()
    for method, rule in routes:
        url = rule.replace("<int:assessment_id>", str(number))
        url = re.sub(r"<[^>]+>", "key-details", url)
        forget_loaded_user()
        response = anonymous.open(url, method=method, data={"declaration": "y"})
        # sent to sign in, or (a public route such as the register) refused outright
        assert response.status_code in (302, 401, 403, 404), (method, url, response.status_code)
        if response.status_code == 302:
            assert "/sign-in" in response.headers["Location"], (method, url)
        for name, client in clients.items():
            forget_loaded_user()
            response = client.open(url, method=method, data={"declaration": "y"})
            assert response.status_code in (403, 404), (name, method, url, response.status_code)
    assert state() == before


# ---- request logs --------------------------------------------------------------------

class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_each_request_is_one_json_log_line_without_secrets(client, officer, api_as):
    api = api_as(officer)
    token = api.headers["Authorization"].removeprefix("Bearer ")
    collect = Collect()
    logger = logging.getLogger("ehria.requests")
    logger.addHandler(collect)
    try:
        api.get("/assessments?q=private+words")
        forget_loaded_user()
        sign_in(client, password="a-wrong-password-typed")
    finally:
        logger.removeHandler(collect)
    lines = collect.lines
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["method"] == "GET" and first["path"] == "/api/v1/assessments"
    assert first["status"] == 200 and first["user_id"] == officer.id
    assert isinstance(first["duration_ms"], float)
    assert second["path"] == "/sign-in" and second["status"] == 400
    assert second["user_id"] is None
    everything = "\n".join(lines)
    for secret in (token, "private", "a-wrong-password-typed", officer.email):
        assert secret not in everything


# ---- health check and the database going away ----------------------------------------

def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"


UNREACHABLE = {
    # a folder that does not exist: SQLite cannot open the file
    "sqlite": "sqlite:////nonexistent-ehria-folder/none.sqlite3",
    # nothing listens on port 1 of the loopback: the connection is refused at once
    "postgresql": "postgresql+psycopg://ehria:ehria@127.0.0.1:1/none?connect_timeout=2",
}


@pytest.mark.parametrize("dialect", sorted(UNREACHABLE))
def test_with_the_database_down_the_app_answers_503_not_500(dialect):
    down = create_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": UNREACHABLE[dialect],
                       # held 0.3 s for the database to come back, then answered
                       "EHRIA_DATABASE_WAIT_SECONDS": 0.3})
    client = down.test_client()

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "unavailable", "database": "unreachable"}

    api = client.get("/api/v1/assessments", headers={"Authorization": "Bearer ehria_x"})
    assert api.status_code == 503 and "error" in api.get_json()
    assert api.headers["Retry-After"] == "5"

    page = client.post("/sign-in", data={"email": "a@example.gov.uk", "password": "pw"})
    assert page.status_code == 503
    assert "unavailable" in page.get_data(as_text=True)
    with down.app_context():
        db.engine.dispose()


def test_the_sign_in_attempts_table_is_in_the_database(database):
    assert db.session.scalar(text("SELECT count(*) FROM sign_in_attempts")) == 0
