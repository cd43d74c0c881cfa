"""gunicorn settings for production: `gunicorn wsgi:app` reads this file.

The master process applies the migrations once before the workers start, so several
workers never race to upgrade the schema.
"""

import multiprocessing
import os

bind = os.environ.get("EHRIA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("EHRIA_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = 60
accesslog = "-"
errorlog = "-"


def on_starting(server) -> None:
    from flask_migrate import upgrade

    from ehria import create_app

    with create_app().app_context():
        upgrade()
