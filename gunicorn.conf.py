"""gunicorn settings for production: `gunicorn wsgi:app` reads this file.

The master process applies the migrations once before the workers start, so several
workers never race to upgrade the schema. Settings come from the environment:

    EHRIA_BIND            address to listen on (127.0.0.1:8000); behind a proxy, keep it local
    EHRIA_WORKERS         worker processes (2 x cores + 1, at most 8)
    EHRIA_THREADS         threads per worker (1: sync workers; more: gthread workers)
    EHRIA_TIMEOUT         seconds before a silent worker is killed and replaced (60)
    EHRIA_PROXY_HOPS      trusted reverse proxies in front (0); also read by the app
    EHRIA_ACCESS_LOG      "1" for gunicorn's own access log besides the app's JSON lines
    EHRIA_LOG_LEVEL       gunicorn's log level (info)

Each request is logged by the app as one JSON line on stderr (ehria.security), so
gunicorn's access log, which would repeat it with the query string, is off by default.
Each worker keeps its own small pool of database connections (pool_pre_ping), so a
restart of the database never needs a restart of the workers; requests that meet it away
are held and run again (ehria/database_outage.py). Keep EHRIA_DATABASE_WAIT_SECONDS well
under EHRIA_TIMEOUT: a sync worker busy with one request for longer than the timeout is
killed, and its client's connection with it.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


bind = os.environ.get("EHRIA_BIND", "127.0.0.1:8000")
workers = _int("EHRIA_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = _int("EHRIA_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("EHRIA_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5  # seconds, for a reverse proxy that reuses connections
# Replace each worker now and then, staggered, so a slow leak can never build up.
max_requests = _int("EHRIA_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Requests larger than this are refused before they reach the app (it allows 2 MiB bodies).
limit_request_line = 8190
limit_request_field_size = 8190
# X-Forwarded-* are believed only from these addresses (the reverse proxy's).
forwarded_allow_ips = os.environ.get("EHRIA_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-" if os.environ.get("EHRIA_ACCESS_LOG") == "1" else None
errorlog = "-"
loglevel = os.environ.get("EHRIA_LOG_LEVEL", "info")
capture_output = False
proc_name = "ehria"
# gunicorn's control socket (one path per user, ~/.gunicorn/gunicorn.ctl) would be shared
# by every gunicorn of that user on the machine; nothing here uses it.
control_socket_disable = True


def on_starting(server) -> None:
    """Apply the migrations once, in the master, before any worker starts, then write what
    a migration cannot (insight's impacts of records signed before 0034: they need the
    template, ehria.signed_impacts)."""
    from flask_migrate import upgrade

    from ehria import create_app
    from ehria.extensions import db
    from ehria.signed_impacts import backfill

    app = create_app()
    with app.app_context():
        upgrade()
        backfill()
        # The workers are forked from this process: they must not inherit its connections.
        db.engine.dispose()
