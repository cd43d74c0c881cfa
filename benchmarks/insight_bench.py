#!/usr/bin/env python3
"""Insight across assessments with many of them (issue 15), measured. Run by hand:

    .venv/bin/python benchmarks/insight_bench.py                 # 10,000 assessments
    .venv/bin/python benchmarks/insight_bench.py --count 1000    # and the query count
                                                                 # compared at each size
    .venv/bin/python benchmarks/insight_bench.py --database-url "$(scripts/start-postgres ib)"

Seeds a SQLite database in a temporary folder, or the PostgreSQL database given (its schema
dropped first), migrated as in production, with COUNT assessments of one department, a
third signed off (each with a signed record whose answers are example 02's, impacts varied,
and the impact rows sign-off writes for it, by the same rule:
ehria.signed_impacts.impact_rows), and times the insight page and GET /api/v1/insights as
a DEG chair: time to the first byte (Flask's test client, in-process) and the number of SQL
statements, which must not grow with the data. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import event, insert, text

from ehria import create_app
from ehria.accounts import create_department, create_token, create_user
from ehria.examples import load_examples
from ehria.extensions import db
from ehria.form import load_definition
from ehria.models import Assessment, Revision, SignedRecord, utcnow
from ehria.models_insight import SignedImpact
from ehria.signed_impacts import impact_rows
from ehria.signed_records import canonical_json, sha256_hex

DEPARTMENT = "Children and Family Services"
IMPACTS = ("negative", "unknown", "positive", "neutral")


def seed(count: int) -> tuple[str, int]:
    """COUNT assessments, a third signed off; returns the chair's API token."""
    department = create_department(DEPARTMENT)
    officer = create_user("officer@example.gov.uk", "Officer", "a-long-password",
                          ["lead_officer"], DEPARTMENT)
    create_user("chair@example.gov.uk", "Chair", "a-long-password", ["deg_chair"], DEPARTMENT)
    chair = db.session.query(type(officer)).filter_by(email="chair@example.gov.uk").one()
    token = create_token(chair)
    db.session.commit()
    answers = load_examples()["02-short-breaks-full-report"]["answers"]
    definition = load_definition("lcc-ehria-v1")
    now = utcnow()
    assessments, revisions, records, impacts = [], [], [], []
    for number in range(1, count + 1):
        signed = number % 3 == 0
        assessments.append({"id": number, "reference": f"EHRIA-B-{number:05d}",
                            "policy_name": f"Policy {number}", "department_id": department.id,
                            "status": "signed_off" if signed else "draft",
                            "current_revision": 1, "lock_version": 1, "created_at": now,
                            "updated_at": now, "lead_id": officer.id,
                            "created_by_id": officer.id})
        revisions.append({"assessment_id": number, "number": 1,
                          "template_version": "lcc-ehria-v1", "answers": {},
                          "created_at": now, "updated_at": now,
                          "submitted_at": now if signed else None})
        if signed:
            varied = copy.deepcopy(answers)
            for index, row in enumerate(varied["screening"]["protected_characteristics"]
                                        .values()):
                row["impact"] = IMPACTS[(number + index) % len(IMPACTS)]
            text = canonical_json({"answers": varied, "template_version": "lcc-ehria-v1"})
            records.append({"assessment_id": number, "revision": 1, "canonical_json": text,
                            "sha256": sha256_hex(text), "signed_at": now})
            impacts += [{"assessment_id": number, "revision": 1, "table_name": row.table_name,
                         "row_key": row.row_key, "impact": row.impact}
                        for row in impact_rows(number, 1, definition, varied)]
    db.session.execute(insert(Assessment), assessments)
    db.session.execute(insert(Revision), revisions)
    db.session.execute(insert(SignedRecord), records)
    db.session.execute(insert(SignedImpact), impacts)
    db.session.commit()
    return token


def measure(client, path: str, headers: dict, runs: int) -> dict:
    statements = []

    def count(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement.split()[0] + " " + statement.split(" FROM ")[1][:40]
                          if " FROM " in statement else statement[:40])

    event.listen(db.engine, "before_cursor_execute", count)
    times = []
    try:
        for _ in range(runs):
            statements.clear()
            started = time.perf_counter()
            response = client.get(path, headers=headers, buffered=False)
            next(iter(response.response))  # the first byte
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            response.close()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    cold, warm = times[0], sorted(times[1:]) or times  # a process's first: Jinja compiles
    return {"first_byte_cold_ms": round(cold, 1),
            "first_byte_p50_ms": round(statistics.median(warm), 1),
            "first_byte_p95_ms": round(warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))],
                                       1),
            "first_byte_max_ms": round(max(warm), 1), "statements": len(statements),
            "statement_tables": statements}


def run(count: int, runs: int, database_url: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url
                          or f"sqlite:///{folder}/bench.db",
                          "SECRET_KEY": "bench", "TASKS_IMMEDIATE": True,
                          "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
        with app.app_context():
            if database_url:  # a PostgreSQL database of the benchmark's own, made afresh
                with db.engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA public CASCADE"))
                    connection.execute(text("CREATE SCHEMA public"))
            upgrade()
            token = seed(count)
            if database_url:  # the planner's statistics, as autovacuum would soon have them
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            client = app.test_client()
            client.post("/sign-in", data={"email": "chair@example.gov.uk",
                                          "password": "a-long-password"})
            return {
                "assessments": count,
                "page": measure(client, "/insights", {}, runs),
                "api": measure(client, "/api/v1/insights",
                               {"Authorization": f"Bearer {token}"}, runs),
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=11,
                        help="requests per path: the first (cold) apart, then the rest")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to use (its "
                        "schema is dropped first), e.g. from scripts/start-postgres NAME")
    args = parser.parse_args()
    small = run(max(args.count // 10, 30), args.runs, args.database_url)
    large = run(args.count, args.runs, args.database_url)
    print(json.dumps({"database": "postgresql" if args.database_url else "sqlite",
                      "small": small, "large": large,
                      "statements_grow": large["api"]["statements"] > small["api"]["statements"]
                      or large["page"]["statements"] > small["page"]["statements"],
                      "goal_first_byte_ms": 200}, indent=2))


if __name__ == "__main__":
    main()
