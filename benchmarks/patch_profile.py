#!/usr/bin/env python3
"""One PATCH of one answer, in-process: SQL statements, CPU and (optionally) a profile.

    .venv/bin/python benchmarks/patch_profile.py                      # SQLite, in a temp folder
    .venv/bin/python benchmarks/patch_profile.py --database-url postgresql+psycopg://...
    .venv/bin/python benchmarks/patch_profile.py --minimal --profile /tmp/patch.prof

The HTTP benchmark (api_bench.py) says how fast a PATCH is under load; this one says where
its CPU goes, without gunicorn or a load generator in the way. It seeds one lead officer
with an API token and one draft of worked example 02 (a full report), then sends PATCHes
of one text answer through Flask's test client, each with If-Match from the last ETag,
and prints the statements of one PATCH and the process CPU time per PATCH (median and
mean over --repeat after --warmup). A PostgreSQL database is emptied first, so the same
name rule as api_bench.py applies (ehria_prod_bench*, or --i-own-this-database).
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_bench import make_app  # noqa: E402  (after the path is set)

DEPARTMENT = "Children and Family Services"


def seed(app, allow_any: bool) -> tuple[str, int]:
    """An empty, migrated database with one officer, their token and one draft."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from ehria.accounts import create_department, create_token, create_user
    from ehria.assessments import create_assessment
    from ehria.examples import load_examples
    from ehria.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            name = db.engine.url.database or ""
            if not (allow_any or name.startswith("ehria_prod_bench")):
                raise SystemExit(f"Refusing to empty {name!r} (see --i-own-this-database).")
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        create_department(DEPARTMENT)
        user = create_user("officer@bench.example.gov.uk", "Officer", "bench-password-x",
                           ["lead_officer"], DEPARTMENT)
        token = create_token(user)
        answers = copy.deepcopy(load_examples()["02-short-breaks-full-report"]["answers"])
        answers["key_details"]["department"] = DEPARTMENT
        assessment = create_assessment(user, answers)
        db.session.commit()
        assessment_id = assessment.id
        db.session.remove()
    return token, assessment_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--i-own-this-database", action="store_true")
    parser.add_argument("--minimal", action="store_true", help="send Prefer: return=minimal")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--profile", type=Path, default=None,
                        help="write cProfile stats of the measured PATCHes here")
    parser.add_argument("--show-sql", action="store_true", help="print one PATCH's statements")
    args = parser.parse_args()

    from sqlalchemy import event

    from ehria.extensions import db

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/patch-profile.sqlite3"
    app = make_app(url)
    token, assessment_id = seed(app, args.i_own_this_database)
    client = app.test_client()
    path = f"/api/v1/assessments/{assessment_id}"
    headers = {"Authorization": f"Bearer {token}"}
    if args.minimal:
        headers["Prefer"] = "return=minimal"
    version = client.get(path, headers=headers).headers["ETag"].strip('"')

    def patch(n: int) -> None:
        nonlocal version
        body = {"answers": {"policy": {"what_is_changing": f"Opening hours, edit {n}."}}}
        response = client.patch(path, json=body, headers={**headers, "If-Match": version})
        assert response.status_code == 200, response.get_data(as_text=True)
        version = response.headers["ETag"].strip('"')

    for n in range(args.warmup):
        patch(n)

    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, *rest) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    patch(-1)
    event.remove(engine, "before_cursor_execute", count)

    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not wall
    times: list[float] = []
    for n in range(args.repeat):
        started = time.process_time()
        if profiler:
            profiler.enable()
        patch(n)
        if profiler:
            profiler.disable()
        times.append(time.process_time() - started)

    report = {
        "database": engine.dialect.name,
        "prefer_minimal": args.minimal,
        "statements_per_patch": len(statements),
        # the fastest tenth: least disturbed by other work on a shared machine
        "cpu_ms_p10": round(sorted(times)[len(times) // 10] * 1000, 2),
        "cpu_ms_median": round(statistics.median(times) * 1000, 2),
        "cpu_ms_mean": round(statistics.fmean(times) * 1000, 2),
        "patches": args.repeat,
    }
    if args.show_sql:
        for statement in statements:
            print(" ".join(statement.split())[:160])
    print(json.dumps(report))
    if profiler and args.profile:
        profiler.dump_stats(str(args.profile))
        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
