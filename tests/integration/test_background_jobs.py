"""The background queue on its real path: the app queues, a Huey consumer (threads of
this process, as `flask --app ehria worker` runs it) does the work from its SQLite queue.

Sign-off answers at once; its signed PDFs answer 202 until the worker has made them, then
200 with the real document. A job that keeps failing is retried with growing delays,
then listed for admins, whose "retry" runs it again.
"""

from __future__ import annotations

import io
import re
import signal
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pypdf
import pytest
from flask import Flask
from huey import signals
from sqlalchemy import select

from ehria import create_app, jobs
from ehria.extensions import db
from ehria.models import FailedJob, Notification, SignedRecord
from tests import mail_sink
from tests.conftest import ApiClient
from tests.integration.workflow_helpers import create, sign_off, submit

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def queued_app(app: Flask, database: None, tmp_path, request) -> Iterator[Flask]:
    """The app as deployed: jobs go to a queue on disk (or in Redis), not run in the
    request."""
    storage = getattr(request, "param", "sqlite")
    if storage == "redis" and not _redis_up():
        pytest.skip("no Redis server on 127.0.0.1:6379")
    config = {key: app.config[key] for key in (
        "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "PASSWORD_HASH_METHOD")}
    queued = create_app({**config, "TESTING": True, "TASKS_IMMEDIATE": False,
                         "TASKS_URL": REDIS_URL if storage == "redis"
                         else f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
                         "TASKS_NAME": f"ehria-test-{uuid.uuid4()}",
                         "TASKS_RETRIES": 2, "TASKS_RETRY_DELAY": 1.0})
    yield queued
    queued.extensions["ehria_tasks"].flush()
    with queued.app_context():
        db.engine.dispose()


@contextmanager
def worker(app: Flask) -> Iterator[None]:
    """A consumer with one worker thread, stopped (after its job) on leaving."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = app.extensions["ehria_tasks"].create_consumer(
        workers=1, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2,
        check_worker_health=False)
    consumer.start()
    try:
        yield
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)


def wait_for(condition: Callable[[], object], seconds: float = 60) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError("waited in vain")


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def apis(queued_app: Flask, factory, people) -> dict[str, ApiClient]:
    client = queued_app.test_client()
    return {name: ApiClient(client, factory.token(user)) for name, user in people.items()}


@pytest.mark.parametrize("queued_app", ["sqlite", "redis"], indirect=True)
def test_a_signed_pdf_is_202_until_the_worker_has_made_it_then_200(queued_app, apis):
    number = create(apis["officer"])["id"]
    submit(apis["officer"], number)
    signed = sign_off(apis["chair"], number)
    assert signed["status"] == "signed_off" and len(signed["sha256"]) == 64  # at once

    for path in (f"/assessments/{number}.pdf", f"/assessments/{number}/published.pdf"):
        waiting = apis["chair"].get(path)
        assert waiting.status_code == 202
        assert int(waiting.headers["Retry-After"]) > 0
        assert "being prepared" in waiting.get_json()["error"]
    assert apis["chair"].get(f"/assessments/{number}").get_json()["sha256"] == signed["sha256"]

    with worker(queued_app):
        wait_for(lambda: apis["chair"].get(f"/assessments/{number}.pdf").status_code == 200)
    full = apis["chair"].get(f"/assessments/{number}.pdf")
    published = apis["web"].get(f"/assessments/{number}/published.pdf")
    assert full.status_code == published.status_code == 200
    assert full.mimetype == published.mimetype == "application/pdf"
    full_text, published_text = pdf_text(full.data), pdf_text(published.data)
    assert signed["sha256"] in full_text and signed["sha256"] in published_text
    assert "DRAFT" not in full_text
    assert "PriyaChauhan" in full_text and "PriyaChauhan" not in published_text  # squashed


def test_the_pages_say_the_signed_pdf_is_being_prepared_until_it_is_there(
        queued_app, apis, people):
    number = create(apis["officer"])["id"]
    submit(apis["officer"], number)
    pages = queued_app.test_client()
    pages.post("/sign-in", data={"email": people["chair"].email, "password": "a-long-password"})
    assert pages.post(f"/scrutiny/{number}/sign-off").status_code == 302

    done = pages.get(f"/scrutiny/{number}/signed").get_data(as_text=True)
    assert "The signed PDF is being prepared" in done
    # the script asks the PDF's address; without it, the reader's own "check again"
    assert f'data-ehria-when-ready="/assessments/{number}/document.pdf"' in done
    assert f'href="/scrutiny/{number}/signed">check again</a>' in done
    waiting = pages.get(f"/assessments/{number}/document.pdf")
    assert waiting.status_code == 202 and waiting.mimetype == "text/html"
    assert int(waiting.headers["Retry-After"]) > 0
    text = waiting.get_data(as_text=True)
    assert "The signed PDF is being prepared" in text and "check again</a>" in text
    assert pages.head(f"/assessments/{number}/document.pdf").status_code == 202

    with worker(queued_app):
        wait_for(lambda: pages.get(f"/assessments/{number}/document.pdf").status_code == 200)
    assert pages.head(f"/assessments/{number}/document.pdf").status_code == 200
    done = pages.get(f"/scrutiny/{number}/signed").get_data(as_text=True)
    assert "being prepared" not in done and "data-ehria-when-ready" not in done
    assert "Download the signed PDF" in done


def test_work_lost_with_the_queue_is_found_again_and_done_once(queued_app, apis):
    """The queue forgot the jobs (a worker killed mid-job, a queue wiped): the sweep at
    the worker's start finds them in the database; running them twice does no harm."""
    with mail_sink.smtp_sink() as (port, received):
        queued_app.config.update(EHRIA_SMTP_HOST="127.0.0.1", EHRIA_SMTP_PORT=port)
        number = create(apis["officer"])["id"]
        submit(apis["officer"], number)
        sign_off(apis["chair"], number)
        queued_app.extensions["ehria_tasks"].flush()  # every queued job lost
        with queued_app.app_context():
            assert jobs.sweep() == 4  # the PDFs, the chair's e-mail, the officer's and web's
            assert jobs.sweep() == 4  # queued twice over
        with worker(queued_app):
            wait_for(lambda: db.session.scalar(select(SignedRecord)).published_pdf_sha256)
            wait_for(lambda: all(n.sent_at for n in db.session.scalars(select(Notification))))
            time.sleep(0.5)  # the second copy of each job runs too
    record = db.session.scalar(select(SignedRecord))
    assert record.full_pdf.startswith(b"%PDF") and record.published_pdf.startswith(b"%PDF")
    sent = sorted(re.search(rb"\r\nTo: (\S+)", m).group(1) for m in received)
    assert sent == [b"chair@example.gov.uk", b"officer@example.gov.uk", b"web@example.gov.uk"]
    with queued_app.app_context():
        assert jobs.render_signed_documents(record.id) is False  # stored already
        assert jobs.sweep() == 0


def test_a_failing_job_is_retried_with_back_off_then_listed_for_admins_who_retry_it(
        queued_app, apis, factory):
    queue = queued_app.extensions["ehria_tasks"]
    runs: list[float] = []
    queue.signal(signals.SIGNAL_EXECUTING)(
        lambda _signal, task: task.name == "send_email" and runs.append(time.monotonic()))
    queued_app.config.update(EHRIA_SMTP_HOST="127.0.0.1", EHRIA_SMTP_PORT=9)  # refused
    number = create(apis["officer"])["id"]
    submit(apis["officer"], number)  # one e-mail, to the chair

    with worker(queued_app):
        failed = wait_for(lambda: db.session.scalar(select(FailedJob)), seconds=30)
    assert len(runs) == 3  # the first try and TASKS_RETRIES = 2 more
    assert runs[1] - runs[0] >= 1.0 and runs[2] - runs[1] >= 2.0  # 1 s, then doubled
    assert failed.task == "send_email" and failed.attempts == 3 and failed.retried_at is None
    assert "Connection refused" in failed.error
    message = db.session.scalar(select(Notification))
    assert message.sent_at is None and "Connection refused" in message.error

    admin = factory.user("admin@example.gov.uk", "admin", department=None)
    pages = queued_app.test_client()
    pages.post("/sign-in", data={"email": admin.email, "password": "a-long-password"})
    listing = pages.get("/admin/jobs")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert "Send the e-mail" in text and "chair@example.gov.uk" in text
    assert f'action="/admin/jobs/{failed.id}/retry"' in text

    with mail_sink.smtp_sink() as (port, received):
        queued_app.config.update(EHRIA_SMTP_PORT=port)  # the mail server is back
        with worker(queued_app):
            assert pages.post(f"/admin/jobs/{failed.id}/retry").status_code == 302
            wait_for(lambda: db.session.scalar(select(Notification)).sent_at)
        assert len(received) == 1
    assert db.session.get(FailedJob, failed.id).retried_at is not None
    assert db.session.scalar(select(Notification)).error is None
    assert "No jobs have failed." in pages.get("/admin/jobs").get_data(as_text=True)


def test_the_public_register_says_a_pdf_published_before_it_was_made_is_being_prepared(
        queued_app, apis):
    queued_app.config["PUBLIC_REGISTER"] = True
    number = create(apis["officer"])["id"]
    submit(apis["officer"], number)
    sign_off(apis["chair"], number)
    assert apis["web"].post(f"/assessments/{number}/publish", {}).status_code == 200
    public = queued_app.test_client()
    waiting = public.get(f"/register/{number}.pdf")
    assert waiting.status_code == 202 and "Retry-After" in waiting.headers
    assert "The signed PDF is being prepared" in waiting.get_data(as_text=True)
    with worker(queued_app):
        wait_for(lambda: public.get(f"/register/{number}.pdf").status_code == 200)
    assert public.get(f"/register/{number}.pdf").data.startswith(b"%PDF")
