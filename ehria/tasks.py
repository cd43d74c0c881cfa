"""The background queue: Huey, chosen because it is small, well kept and needs no server.

Its SQLite storage in `instance/` serves one machine; with TASKS_URL naming Redis every
app machine shares one queue. `TASKS_IMMEDIATE` (on when TESTING) runs each job at once,
in the process that queues it, for tests and scripts. The jobs themselves are in
ehria.jobs; here they are registered on the app's own Huey, each run in an app context
with its retries and back-off, and a job that fails on its last retry is recorded for
the admins. `flask --app ehria worker` runs the consumer (`run_worker`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from ehria import jobs

log = logging.getLogger(__name__)

SWEEP = "sweep"
REMINDERS = "reminders"
# The periodic sweep leaves alone work younger than this, which is still in the queue or
# in its back-off; at a worker's start it queues everything left (see ehria.jobs).
SWEEP_AFTER = timedelta(minutes=10)


class QueueConfigurationError(RuntimeError):
    """TASKS_URL names no storage Huey knows."""


def make_queue(config: dict) -> Huey:
    """The app's Huey, from TASKS_URL (sqlite:///path, redis://..., or memory://)."""
    url, name = str(config["TASKS_URL"]), str(config.get("TASKS_NAME", "ehria"))
    immediate = bool(config["TASKS_IMMEDIATE"])
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, immediate=immediate, results=False)
    if url.startswith("sqlite:///"):
        return SqliteHuey(name, filename=url.removeprefix("sqlite:///"),
                          immediate=immediate, results=False)
    if url == "memory://":
        return MemoryHuey(name, immediate=immediate, results=False)
    raise QueueConfigurationError(
        f"TASKS_URL must be sqlite:///path, redis://host:port/db or memory://, not {url!r}")


def _in_app_context(app: Flask, function: Callable) -> Callable:
    """A job runs in an app context of its own (its own database session), even when
    immediate mode runs it inside a request."""

    @wraps(function)
    def run(*args, **kwargs):
        from ehria.extensions import db

        with app.app_context():
            try:
                return function(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def send_reminders() -> int:
    """Today's reminders into the outbox, then their e-mails to the queue."""
    from ehria.clock import today
    from ehria.reminders import send_due_reminders

    written = send_due_reminders(today())
    jobs.after_commit("reminders", None, written)
    return len(written)


def init_tasks(app: Flask) -> None:
    queue = make_queue(app.config)
    options = {"retries": int(app.config["TASKS_RETRIES"]),
               "retry_delay": float(app.config["TASKS_RETRY_DELAY"]), "retry_backoff": 2}
    app.extensions["ehria_tasks"] = queue
    app.extensions["ehria_jobs"] = {
        name: queue.task(name=name, **options)(_in_app_context(app, function))
        for name, function in jobs.JOBS.items()
    }
    app.extensions["ehria_jobs"][jobs.FOLLOW_UP] = queue.task(name=jobs.FOLLOW_UP, **options)(
        _in_app_context(app, jobs.follow_up))

    @queue.periodic_task(crontab(minute="*/5"), name=SWEEP)
    @wraps(jobs.sweep)
    def periodic_sweep() -> int:
        return _in_app_context(app, jobs.sweep)(SWEEP_AFTER)

    @queue.periodic_task(crontab(hour="7", minute="0"), name=REMINDERS)
    def daily_reminders() -> int:
        """Reminders of reviews and of scrutiny waiting (ehria.reminders), once a day."""
        return _in_app_context(app, send_reminders)()

    @queue.post_execute()
    def record_last_failure(task, value, exception) -> None:
        """After the last retry (`retries` is 0 then), the failure is kept for admins."""
        if exception is None or task.retries or task.name not in jobs.JOBS:
            return
        try:
            _in_app_context(app, jobs.record_failure)(
                task.name, int(task.args[0]), exception, options["retries"] + 1)
        except Exception:
            log.exception("Could not record the failure of %s %s", task.name, task.args)


def run_worker(app: Flask, workers: int = 2) -> None:
    """The consumer, in threads of this process; stops on SIGINT (after the jobs under
    way) or SIGTERM (at once: whatever was cut short is found again by the sweep)."""
    queue: Huey = app.extensions["ehria_tasks"]
    if queue.immediate:
        raise QueueConfigurationError("TASKS_IMMEDIATE is on: jobs run in the app, "
                                      "there is nothing for a worker to do.")
    with app.app_context():
        queued = jobs.sweep()
    log.info("worker: %d jobs left over from before were queued again", queued)
    consumer = queue.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                     initial_delay=0.05, backoff=1.5, max_delay=1.0,
                                     check_worker_health=True)
    consumer.run()
