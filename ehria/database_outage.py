"""Riding out a short database outage (a restart, a fail-over) without answering 5xx.

When a request meets the database away, `ehria.security` answers it 503 and marks the
WSGI environ. This middleware, wrapped around the Flask app, sees that mark, throws the
503 away, waits until the database answers again (up to `EHRIA_DATABASE_WAIT_SECONDS`
from when it was first found away) and runs the request once more from the start, with
the same body. The user sees a slow
answer instead of an error; if the database stays away longer, the 503 (with Retry-After)
goes out after all.

Running a request twice is only safe when its first run changed nothing, or when running
it again cannot do the change twice. So a request is run again only when:
- no COMMIT had been sent to the database before the failure (the transaction died with
  the connection, so nothing was written), or
- it is a read (GET, HEAD, OPTIONS), or
- it carries `If-Match`: if the first run's commit did land, the version has moved on and
  the second run is refused 412 instead of writing again.
A write whose commit may have landed and that has no version to guard it (creating an
assessment, an HTML form post) keeps its 503: only the client can tell whether to retry.
Every response of a request that was run again carries `EHRIA-Replayed: <runs - 1>`, so a
client can tell that a 412 may be its own write having landed the first time.

The health check is never held: it answers for itself, 503 while the database is away.
"""

from __future__ import annotations

import io
import itertools
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ehria.extensions import db

log = logging.getLogger("ehria.database_outage")

# Keys in the WSGI environ, set during a run and read here after it.
UNAVAILABLE = "ehria.database_unavailable"
COMMIT_SENT = "ehria.commit_sent"
RUN = "ehria.run"  # 1, then 2, ... for a request run again (the request log shows it)
REPLAYED_HEADER = "EHRIA-Replayed"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PROBE_INTERVALS = (0.1, 0.2, 0.3, 0.5)  # then every 0.5 s until the deadline

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict, StartResponse], Iterable[bytes]]


def mark_database_unavailable() -> None:
    """Called by the 503 handler: this run failed because the database was away."""
    if has_request_context():
        request.environ[UNAVAILABLE] = True


@event.listens_for(Engine, "commit")
def _note_commit_sent(connection: Any) -> None:
    """From here on, a failure may come after the write landed: the run is in doubt."""
    if has_request_context():
        request.environ[COMMIT_SENT] = True


class HoldWhileDatabaseIsAway:
    """WSGI middleware: hold a request that met the database away, then run it again."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        wait = float(self.app.config.get("EHRIA_DATABASE_WAIT_SECONDS") or 0)
        if wait <= 0:
            return self.wsgi_app(environ, start_response)
        body = _buffered_body(environ, self.app.config.get("MAX_CONTENT_LENGTH"))
        if body is None:
            return self.wsgi_app(environ, start_response)
        deadline: float | None = None  # counted from when the database was first away
        runs = 0
        while True:
            runs += 1
            run_environ = dict(environ)
            run_environ["wsgi.input"] = io.BytesIO(body)
            run_environ[RUN] = runs
            captured: list[tuple] = []

            def capture(status: str, headers: list, exc_info: Any = None,
                        _captured: list = captured) -> Callable[[bytes], None]:
                _captured[:] = [(status, headers, exc_info)]
                return _refuse_write

            result = self.wsgi_app(run_environ, capture)
            if run_environ.get(UNAVAILABLE) and _may_run_again(run_environ):
                deadline = deadline or time.monotonic() + wait
                if self._wait_for_database(deadline):
                    _close(result)
                    continue
            status, headers, exc_info = captured[0]
            if runs > 1:
                headers = [*headers, (REPLAYED_HEADER, str(runs - 1))]
                log.warning("request held through a database outage answered %s after %d "
                            "runs", status.split(" ", 1)[0], runs)
            start_response(status, headers, exc_info)
            return result

    def _wait_for_database(self, deadline: float) -> bool:
        """True once the database answers; False if it has not by the deadline."""
        pauses = itertools.chain(PROBE_INTERVALS, itertools.repeat(PROBE_INTERVALS[-1]))
        for pause in pauses:
            if time.monotonic() + pause >= deadline:
                return False
            time.sleep(pause)
            if self._database_answers():
                return True
        return False  # (never reached: the pauses go on until the deadline)

    def _database_answers(self) -> bool:
        with self.app.app_context():
            try:
                with db.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return True
            except SQLAlchemyError:
                return False


def _may_run_again(environ: dict) -> bool:
    return (not environ.get(COMMIT_SENT) or environ.get("REQUEST_METHOD") in SAFE_METHODS
            or bool(environ.get("HTTP_IF_MATCH")))


def _buffered_body(environ: dict, limit: int | None) -> bytes | None:
    """The whole body, so it can be read again; None when it cannot be held (no length
    given, or over the limit the app would refuse anyway): such requests are not held."""
    length_header = environ.get("CONTENT_LENGTH") or ""
    if not length_header:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        return None if chunked else b""
    try:
        length = int(length_header)
    except ValueError:
        return None
    if length < 0 or (limit is not None and length > limit):
        return None
    return environ["wsgi.input"].read(length) if length else b""


def _refuse_write(data: bytes) -> None:
    raise RuntimeError("EHRIA's views return their bodies; write() is not supported")


def _close(result: Iterable[bytes]) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


def init_database_outage(app: Flask) -> None:
    """Wrap the app; `EHRIA_DATABASE_WAIT_SECONDS` = 0 turns holding off."""
    app.wsgi_app = HoldWhileDatabaseIsAway(app, app.wsgi_app)  # type: ignore[method-assign]
