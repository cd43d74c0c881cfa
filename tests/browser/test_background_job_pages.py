"""The pages of the background queue, in Chromium with axe (issue 14): a DEG chair signs
off and is told the signed PDF is being prepared, until the link to it appears by itself
(without a reload; without JavaScript a "check again" link); an admin retries a failed
job."""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from ehria.extensions import db
from ehria.models import FailedJob, Notification
from tests.browser.conftest import (
    PASSWORD,
    LiveServer,
    SignedInPage,
    assert_accessible,
    serving,
    settle,
)
from tests.conftest import Factory
from tests.integration.workflow_helpers import create, submit

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def queued(app, tmp_path_factory) -> Iterator[LiveServer]:
    """The app with its jobs queued for a worker, as deployed, not run in the request."""
    folder = tmp_path_factory.mktemp("queue")
    with serving(app.config["SQLALCHEMY_DATABASE_URI"], TASKS_IMMEDIATE=False,
                 TASKS_URL=f"sqlite:///{folder / 'tasks.sqlite3'}",
                 TASKS_NAME=f"ehria-browser-{uuid.uuid4()}", TASKS_RETRY_AFTER=4) as live:
        yield live


@pytest.fixture(autouse=True)
def _queued_per_test(queued: LiveServer, database: None) -> Iterator[None]:
    queued.errors.clear()
    yield
    settle([queued])


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def test_a_chair_is_told_the_signed_pdf_is_being_prepared_until_it_is(
        queued: LiveServer, new_context, factory: Factory, api_as) -> None:
    officer = factory.user("officer@example.gov.uk", "lead_officer", name="Priya Chauhan")
    chair = factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor")
    number = create(api_as(officer))["id"]
    submit(api_as(officer), number)

    page = new_context().new_page()
    page.goto(f"{queued.url}/sign-in")
    page.get_by_label("Email address", exact=True).fill(chair.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{queued.url}/scrutiny/{number}/sign-off")
    page.get_by_role("button", name="Sign off revision 1").click()
    expect(heading(page)).to_have_text("Assessment signed off")
    expect(page.get_by_text("The signed PDF is being prepared")).to_be_visible()
    assert_accessible(page)

    waiting = page.context.new_page()  # signed in as the chair too
    waiting.goto(f"{queued.url}/assessments/{number}/document.pdf")
    expect(heading(waiting)).to_have_text("The signed PDF is being prepared")
    assert_accessible(waiting)
    waiting.close()

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = queued.app.extensions["ehria_tasks"].create_consumer(
        workers=1, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2,
        check_worker_health=False)
    consumer.start()
    try:  # no reload here: the page asks by itself
        expect(page.get_by_role("link", name="Download the signed PDF")).to_be_visible(
            timeout=60_000)
        expect(page.get_by_text("The signed PDF is being prepared")).to_be_hidden()
    finally:
        consumer.stop(graceful=True)
        for number_, handler in handlers.items():
            signal.signal(number_, handler)
    assert_accessible(page)
    page.reload()
    expect(page.get_by_text("being prepared")).to_have_count(0)
    expect(page.get_by_role("link", name="Download the signed PDF")).to_be_visible()


def test_an_admin_sees_a_failed_job_and_retries_it(
        signed_in_page: SignedInPage, factory: Factory) -> None:
    admin = factory.user("admin@example.gov.uk", "admin", department=None, name="Sam Admin")
    message = Notification(to_email="chair@example.gov.uk", subject="EHRIA-2026-0001 submitted",
                           body="Please scrutinise it.", error="Connection refused")
    db.session.add(message)
    db.session.flush()
    db.session.add(FailedJob(task="send_email", subject_id=message.id, attempts=6,
                             description="Send the e-mail \u201cEHRIA-2026-0001 submitted\u201d "
                             "to chair@example.gov.uk", error="[Errno 111] Connection refused"))
    db.session.commit()
    page = signed_in_page(admin)

    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Failed background jobs").click()
    expect(heading(page)).to_have_text("Failed background jobs")
    table = page.get_by_role("table", name="1 job waiting for you")
    expect(table.get_by_role("cell", name="[Errno 111] Connection refused")).to_be_visible()
    assert_accessible(page)

    table.get_by_role("button", name="Retry Send the e-mail").click()
    expect(page.get_by_text("Queued again: Send the e-mail")).to_be_visible()
    expect(page.get_by_text("No jobs have failed.")).to_be_visible()
    assert_accessible(page)
