"""Browser tests: the real app on a live server, driven by Debian's Chromium, checked by axe.

Why a live server rather than Flask's test client: the journeys of issues 4 and 6 must be
shown to work as a person uses them, with GOV.UK Frontend's JavaScript, real cookies and
CSRF tokens. The live app shares the database of the session `app` fixture in
tests/conftest.py (SQLite, or PostgreSQL with EHRIA_TEST_DATABASE_URL), so tests make
their users with the usual `factory` and check stored results with `db.session`; after
each test the tables are emptied by the usual `database` fixture.

What a test gets here:

- `page` (pytest-playwright): a fresh browser context whose relative URLs go to the live
  server, e.g. `page.goto("/sign-in")`.
- `signed_in_page(user)`: a new page in its own context, signed in through the sign-in form.
- `live_server`: the `LiveServer` (its `app`, `url`), for the rare test that needs them.
- `assert_accessible(page)`, `screenshot(page, name)`, `press_tab_until(page, locator)`:
  plain helpers, imported with `from tests.browser.conftest import ...`.

Chromium is Debian's (`scripts/install` installs it); Playwright's own browser downloads
are never used. Without /usr/bin/chromium every browser test is skipped, saying why.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask, got_request_exception
from playwright.sync_api import Locator, Page, expect
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ehria import PROJECT_ROOT, create_app
from ehria.extensions import db
from ehria.models import User

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in containers, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",  # no calls home: the machine may be offline
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The password tests/conftest.py's Factory gives every user it makes.
PASSWORD = "a-long-password"
# WCAG 2.2 A and AA as axe-core tags them. There is no wcag22a tag: axe has no rule for
# the two Level A criteria 2.2 added (consistent help, redundant entry).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS_FOLDER = PROJECT_ROOT / "docs" / "screenshots"
BROWSER_TESTS_FOLDER = Path(__file__).resolve().parent

_axe = Axe()


# --- Collection: mark, and skip only when there is no browser to drive -----------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark everything under tests/browser `browser`; skip it when Chromium is absent.

    This hook sees the whole session's items, so it only touches those in this folder.
    A missing browser is a machine not set up by scripts/install, not a failing app.
    """
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not found: run scripts/install (it installs Debian's chromium)"
    )
    for item in items:
        if BROWSER_TESTS_FOLDER not in item.path.resolve().parents:
            continue
        if item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists():
            item.add_marker(skip)


# --- The live server -------------------------------------------------------------------


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request: a page pulls a dozen assets; errors still show."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class _RequestCounter:
    """Counts requests in flight, so the tables are never emptied under a running request.

    Chromium may still be fetching (a font, a favicon) when a test ends; replacing the
    SQLite file or truncating PostgreSQL tables under that request could corrupt it or
    block. Flask builds its response before returning, so counting the call is enough.
    """

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app
        self.active = 0
        self.idle = threading.Condition()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        with self.idle:
            self.active += 1
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            with self.idle:
                self.active -= 1
                self.idle.notify_all()

    def wait_until_idle(self, timeout: float = 5.0) -> None:
        with self.idle:
            self.idle.wait_for(lambda: self.active == 0, timeout=timeout)


@dataclass
class LiveServer:
    """The app as Chromium sees it, at `url`; `errors` are exceptions raised in views."""

    app: Flask
    url: str
    requests: _RequestCounter
    errors: list[BaseException] = field(default_factory=list)


@contextmanager
def serving(database_url: str, **settings: object) -> Iterator[LiveServer]:
    """The real app with `settings`, served on 127.0.0.1 at a free port in a thread.

    A separate app object from the session `app` because that one turns CSRF off for the
    test client; here CSRF stays on, as in production, so the forms are tested with their
    tokens. It uses the same database, so both see the same rows.
    """
    live_app = create_app({
        "TESTING": True,
        # Show our own 500 page, as production does; the exception is recorded below.
        "PROPAGATE_EXCEPTIONS": False,
        "SECRET_KEY": "browser-test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": True,
        **settings,
    })
    counter = _RequestCounter(live_app.wsgi_app)
    live_app.wsgi_app = counter  # type: ignore[method-assign]
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, live_app, threaded=True, request_handler=_QuietRequestHandler
    )
    live = LiveServer(live_app, f"http://127.0.0.1:{server.server_port}", counter)

    def record(sender: Flask, exception: BaseException, **extra: object) -> None:
        live.errors.append(exception)

    got_request_exception.connect(record, live_app, weak=False)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with live_app.app_context():
            db.engine.dispose()


def settle(servers: Iterable[LiveServer]) -> None:
    """After a test: each server idle and disconnected before the tables are emptied,
    and the test failed if a view raised."""
    raised = []
    for live in servers:
        live.requests.wait_until_idle()
        with live.app.app_context():
            db.engine.dispose()
        raised += live.errors
        live.errors.clear()
    if raised:
        listed = "\n".join(f"- {error!r}" for error in raised)
        pytest.fail(f"The live server raised during the test (see the log):\n{listed}")


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The real app on a live server for the whole session (see `serving`)."""
    with serving(app.config["SQLALCHEMY_DATABASE_URI"]) as live:
        yield live


@pytest.fixture(autouse=True)
def _live_server_per_test(live_server: LiveServer, database: None) -> Iterator[None]:
    """Each browser test starts on empty tables and fails if a view raised an exception.

    Depending on `database` puts this teardown before the tables are emptied: by then
    the browser contexts are closed, the server is idle and its pooled connections are
    closed (between tests the SQLite file is overwritten, which an open connection's
    cache would not notice).
    """
    live_server.errors.clear()
    yield
    settle([live_server])


# --- pytest-playwright settings --------------------------------------------------------


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-playwright gives every context this base, so tests use paths like "/"."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium: `playwright install` cannot download browsers here."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """British English and London time, as the council's officers have them."""
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


# --- Signing in ------------------------------------------------------------------------


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form by its labels, as a person would, and check it worked."""
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    signed_in = page.get_by_role("button", name="Sign out")
    refused = page.locator(".govuk-error-summary")
    expect(signed_in.or_(refused)).to_be_visible()
    if refused.is_visible():
        raise AssertionError(f"Could not sign in as {email}: {refused.inner_text()}")


SignedInPage = Callable[..., Page]


@pytest.fixture
def signed_in_page(new_context: Callable) -> SignedInPage:
    """`signed_in_page(user)` gives a page signed in as `user`, on "Your assessments".

    Each call opens its own browser context (its own cookies), so a test can have, say,
    an officer and a DEG chair signed in side by side. Contexts close after the test.
    Users made by `factory` have the password PASSWORD; pass `password=` for others.
    """

    def open_page(user: User, password: str = PASSWORD) -> Page:
        page = new_context().new_page()
        sign_in(page, user.email, password)
        return page

    return open_page


# --- Checks and pictures ---------------------------------------------------------------


def assert_accessible(page: Page) -> None:
    """Fail, listing every problem, unless axe-core finds no WCAG 2.2 A/AA violation.

    Call it on each page of a journey, error pages included: a page that passes with
    valid input can still fail when it shows an error summary.
    """
    page.wait_for_load_state("load")
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"axe found {len(violations)} WCAG 2.2 A/AA violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary}")
    raise AssertionError("\n".join(lines))


def screenshot(page: Page, name: str) -> Path | None:
    """Save a full-page PNG as docs/screenshots/NAME.png, only when EHRIA_SCREENSHOTS=1.

    The README shows these pictures; regenerate them on purpose
    (`EHRIA_SCREENSHOTS=1 .venv/bin/pytest tests/browser`), never as a side effect of CI.
    """
    if os.environ.get("EHRIA_SCREENSHOTS") != "1":
        return None
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"Screenshot names are lower-case words with hyphens, not {name!r}")
    path = SCREENSHOTS_FOLDER / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")
    page.screenshot(path=path, full_page=True)
    return path


def press_tab_until(page: Page, target: Locator, max_presses: int = 30) -> None:
    """Press Tab until `target` has the keyboard focus, as a keyboard user would.

    Fails naming each element the focus passed through, so a missing or misplaced focus
    stop is easy to find.
    """
    passed: list[str] = []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
        passed.append(page.evaluate(
            "() => { const e = document.activeElement;"
            " return e ? `${e.tagName.toLowerCase()} \"${(e.innerText || e.name || e.id"
            " || '').trim().slice(0, 40)}\"` : 'nothing'; }"
        ))
    raise AssertionError(
        f"{target} did not get the focus after {max_presses} presses of Tab; the focus went "
        + " → ".join(passed)
    )
