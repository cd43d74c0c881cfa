"""Settings from the environment and `instance/config.py`, chosen when the app is made.

Nothing here runs at import time: `load_config` is called by `create_app`, so tests and
scripts can build apps with different settings in one process.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from ehria.council_settings import CouncilSettingsError, parse_boolean, settings_from_config
from ehria.form import CURRENT_VERSION, UnknownTemplateVersion, add_definition_folder
from ehria.form import load_definition as _load_definition

ENVIRONMENTS = ("production", "development", "testing")


class ConfigurationError(RuntimeError):
    """The app cannot start safely with the settings it was given."""


def _environment_settings() -> dict[str, object]:
    settings: dict[str, object] = {}
    if url := os.environ.get("EHRIA_DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if key := os.environ.get("EHRIA_SECRET_KEY"):
        settings["SECRET_KEY"] = key
    if env := os.environ.get("EHRIA_ENV"):
        settings["EHRIA_ENV"] = env
    for name in ("EHRIA_SMTP_HOST", "EHRIA_SMTP_PORT", "EHRIA_MAIL_FROM", "COUNCIL_NAME",
                 "EHRIA_NOTIFY_API_KEY", "EHRIA_NOTIFY_TEMPLATE_ID", "EHRIA_NOTIFY_BASE_URL"):
        if value := os.environ.get(name):
            settings[name] = value
    # What the service's own pages say of the council (ehria.service_info).
    for key in ("COUNCIL_CONTACT_EMAIL", "COUNCIL_DATA_PROTECTION_EMAIL",
                "COUNCIL_ACCESSIBILITY_EMAIL", "COUNCIL_RETENTION", "ACCESSIBILITY_TESTED_ON"):
        if value := os.environ.get(f"EHRIA_{key}"):
            settings[key] = value
    if hours := os.environ.get("EHRIA_SESSION_HOURS"):
        hours_number = _number(hours, "EHRIA_SESSION_HOURS")
        settings["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=hours_number)
    if hours := os.environ.get("EHRIA_SESSION_MAX_HOURS"):
        settings["SESSION_MAX_AGE"] = timedelta(
            hours=_number(hours, "EHRIA_SESSION_MAX_HOURS"))
    if url := os.environ.get("EHRIA_TASKS_URL"):
        settings["TASKS_URL"] = url
    if name := os.environ.get("EHRIA_TASKS_NAME"):
        settings["TASKS_NAME"] = name
    if value := os.environ.get("EHRIA_TASKS_IMMEDIATE"):
        try:
            settings["TASKS_IMMEDIATE"] = parse_boolean(value, "EHRIA_TASKS_IMMEDIATE")
        except CouncilSettingsError as error:
            raise ConfigurationError(str(error)) from None
    # how long a render may wait for a busy machine, and what busy is (ehria.render_pacing)
    for key in ("RENDER_GIVE_WAY_SECONDS", "RENDER_GIVE_WAY_PRESSURE"):
        if value := os.environ.get(f"EHRIA_{key}"):
            settings[key] = _number(value, f"EHRIA_{key}")
    if version := os.environ.get("EHRIA_FORM_VERSION"):
        settings["FORM_LIVE_VERSION"] = version
    if folders := os.environ.get("EHRIA_FORM_FOLDERS"):
        settings["FORM_FOLDERS"] = [f for f in folders.split(os.pathsep) if f]
    if days := os.environ.get("EHRIA_SCRUTINY_REMINDER_DAYS"):
        settings["SCRUTINY_REMINDER_DAYS"] = int(_number(days, "EHRIA_SCRUTINY_REMINDER_DAYS"))
    if wait := os.environ.get("EHRIA_DATABASE_WAIT_SECONDS"):
        settings["EHRIA_DATABASE_WAIT_SECONDS"] = _number(wait, "EHRIA_DATABASE_WAIT_SECONDS")
    if hops := os.environ.get("EHRIA_PROXY_HOPS"):
        settings["EHRIA_PROXY_HOPS"] = int(_number(hops, "EHRIA_PROXY_HOPS"))
    # Signing in with the council's account (ehria.council_settings checks them).
    for key in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ALLOWED_DOMAINS",
                "OIDC_ROLE_CLAIM", "OIDC_ROLE_MAP", "OIDC_DEPARTMENT_CLAIM"):
        if value := os.environ.get(f"EHRIA_{key}"):
            settings[key] = value
    if value := os.environ.get("EHRIA_PASSWORD_SIGN_IN"):
        try:
            settings["PASSWORD_SIGN_IN"] = parse_boolean(value, "EHRIA_PASSWORD_SIGN_IN")
        except CouncilSettingsError as error:
            raise ConfigurationError(str(error)) from None
    return settings


def _number(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ConfigurationError(f"{name} must be a number of 0 or more, not {value!r}.")
    return number


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the common way (`postgresql://`)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret_key(instance_path: Path) -> str:
    """A random key kept in the instance folder, so local sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(app: Flask, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then the environment, then `test_config`."""
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        EHRIA_ENV="production",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance_path / 'ehria.sqlite3'}",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        API_PAGE_SIZE=20,
        API_MAX_PAGE_SIZE=100,
        PUBLIC_REGISTER=False,
        # Session cookies signed longer ago than this are refused (EHRIA_SESSION_HOURS);
        # with session.permanent set at sign-in, counted from the last request.
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # However busy, a session ends this long after sign-in (EHRIA_SESSION_MAX_HOURS), so
        # a stolen cookie that is kept in use still lapses.
        SESSION_MAX_AGE=timedelta(hours=12),
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        EHRIA_PROXY_HOPS=0,
        # Failed sign-ins allowed per e-mail address and per client address in the window.
        SIGN_IN_MAX_FAILURES=10,
        SIGN_IN_WINDOW=timedelta(minutes=15),
        EHRIA_REQUEST_LOG=True,
        # How long a request that meets the database away is held for it to come back
        # before the 503 goes out (ehria/database_outage.py); 0 answers 503 at once. Keep
        # it well under gunicorn's worker timeout (EHRIA_TIMEOUT, 60 s).
        EHRIA_DATABASE_WAIT_SECONDS=20.0,
        # Signing in with a password (EHRIA_PASSWORD_SIGN_IN=false removes the form and
        # the password pages, when council sign-in is configured).
        PASSWORD_SIGN_IN=True,
        # The form template new assessments start on, and folders of template files
        # beside the shipped ones (ehria/form/store.py).
        FORM_LIVE_VERSION=None,  # pinned by EHRIA_FORM_VERSION; else the published one
        FORM_FOLDERS=[],
        # The background queue (ehria/tasks.py): SQLite in the instance folder unless
        # TASKS_URL (EHRIA_TASKS_URL) names a Redis server, e.g. redis://127.0.0.1:6379/0,
        # shared by every app machine. A failing job is retried TASKS_RETRIES times,
        # TASKS_RETRY_DELAY seconds after the first failure, doubling each time.
        TASKS_URL=f"sqlite:///{instance_path / 'tasks.sqlite3'}",
        TASKS_NAME="ehria",  # the queue's name: two services sharing one Redis differ
        TASKS_RETRIES=5,
        TASKS_RETRY_DELAY=2.0,
        # How long the API asks a client to wait before asking again for a signed PDF.
        TASKS_RETRY_AFTER=2,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(_environment_settings())
    else:
        app.config.update(test_config)
        app.config.setdefault("EHRIA_ENV", "testing")
    if test_config is not None and test_config.get("TESTING"):
        app.config["EHRIA_ENV"] = test_config.get("EHRIA_ENV", "testing")

    # Jobs run at once, in the request, for tests and scripts unless told otherwise.
    app.config.setdefault("TASKS_IMMEDIATE", bool(app.config.get("TESTING")))
    # Renders give way to busy machines, but not in the tests' own workers, which run
    # beside two test processes and would wait out their allowance (ehria.render_pacing)
    app.config.setdefault("RENDER_GIVE_WAY_SECONDS", 0 if app.config.get("TESTING") else 60)

    env = app.config["EHRIA_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigurationError(f"EHRIA_ENV must be one of {', '.join(ENVIRONMENTS)}")
    if not app.config.get("SECRET_KEY"):
        if env == "production":
            raise ConfigurationError("Set EHRIA_SECRET_KEY: production never invents a key.")
        app.config["SECRET_KEY"] = _development_secret_key(instance_path)
    _load_council_sign_in(app)
    # Cookies travel only over HTTPS outside development and tests.
    secure = env == "production"
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure


def _load_council_sign_in(app: Flask) -> None:
    """Check the council sign-in settings now, so a mistake stops the start; the checked
    settings (or None) go in COUNCIL_SIGN_IN."""
    try:
        council = settings_from_config(app.config, app.config["EHRIA_ENV"] == "production")
    except CouncilSettingsError as error:
        raise ConfigurationError(str(error)) from None
    app.config["COUNCIL_SIGN_IN"] = council
    if council is None and not app.config["PASSWORD_SIGN_IN"]:
        raise ConfigurationError(
            "EHRIA_PASSWORD_SIGN_IN=false leaves nobody a way to sign in: set up signing in "
            "with the council's account too (EHRIA_OIDC_ISSUER, EHRIA_OIDC_CLIENT_ID, "
            "EHRIA_OIDC_CLIENT_SECRET, EHRIA_OIDC_ALLOWED_DOMAINS).")


def load_form_templates(app: Flask) -> None:
    """Add the configured template folders and check the live template loads, so that a
    broken or missing template stops the app at start-up, not an officer mid-form."""
    from ehria.form.store import add_definition_loader
    from ehria.template_versions import stored_definition

    for folder in app.config.get("FORM_FOLDERS") or []:
        add_definition_folder(Path(folder))
    add_definition_loader(stored_definition)
    try:
        _load_definition(app.config["FORM_LIVE_VERSION"] or CURRENT_VERSION)
    except UnknownTemplateVersion as error:
        raise ConfigurationError(f"FORM_LIVE_VERSION names no template: {error}") from error


def live_version() -> str:
    """The template version new assessments start on: FORM_LIVE_VERSION when the
    environment pins one, else the version published in the form builder."""
    from ehria.template_versions import live_version as published_live_version

    return published_live_version()
