#!/usr/bin/env python3
"""EHRIA's API under gunicorn on PostgreSQL, measured (issue 7). Run by hand, not in CI:

    .venv/bin/python benchmarks/api_bench.py            # about 2 minutes

It empties its own database (`ehria_prod_bench` unless --database-url says otherwise),
applies the migrations, seeds users and tokens with the domain functions, starts gunicorn
with gunicorn.conf.py on a free port of 127.0.0.1, and prints a table and a JSON document:

- PATCH of one answer (each client its own assessment, sending If-Match and reading the
  new ETag) at 1, 10 and 50 concurrent clients: p50, p95 and requests per second, once
  answered with the whole document (the default) and once with `Prefer: return=minimal`
  ("PATCH min"); beside the same figures for GET /healthz of the same server (one
  database round trip), the floor;
- GET /api/v1/assessments, first page, with 100, 1,000 and 10,000 assessments in the
  database: SQL statements per request (counted in-process with a SQLAlchemy event
  listener, the same database) and the time over HTTP for several kinds of user;
- GET /api/v1/assessments/<id>.pdf when the documents routes exist.

The load generator runs on the same machine (threads and http.client), so it takes CPU
from the server: its own CPU use is printed beside the figures. Loopback only.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import http.client
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgresql+psycopg://ehria:ehria@127.0.0.1:5432/ehria_prod_bench"
DEPARTMENTS = ("Children and Family Services", "Adults and Communities")
PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway benchmark database
PATCH_FIELD = ("policy", "what_is_changing")
APPLICATION_NAME = "ehria-bench"  # how the server's PostgreSQL backends are found
GOALS = {
    "patch_p95_ms_at_10_clients": 25.0,
    "patch_throughput_share_of_floor_at_10_clients": 0.5,
    "list_first_page_ms": 100.0,
}


# ---- the database and the app in this process -----------------------------------------

def make_app(database_url: str):
    from ehria import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "benchmark-only",
        "EHRIA_ENV": "development",
        "EHRIA_REQUEST_LOG": False,
    })


def reset_database(app, allow_any: bool) -> None:
    from sqlalchemy import text

    from ehria.extensions import db

    name = db.engine.url.database or ""
    if not (allow_any or name.startswith("ehria_prod_bench")):
        raise SystemExit(f"Refusing to empty {name!r}: use a database of the benchmark's own "
                         "(ehria_prod_bench...) or pass --i-own-this-database.")
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def ready_answers(policy_name: str, department: str) -> dict:
    from ehria.examples import load_examples

    answers = copy.deepcopy(load_examples()["02-short-breaks-full-report"]["answers"])
    answers["key_details"]["policy_name"] = policy_name
    answers["key_details"]["department"] = department
    return answers


def seed_people(app, officers: int) -> dict:
    """Departments, officers, a chair, the web team and an admin, each with an API token."""
    from flask_migrate import upgrade

    from ehria.accounts import create_department, create_token, create_user
    from ehria.extensions import db

    with app.app_context():
        upgrade()
        for name in DEPARTMENTS:
            create_department(name)
        people: dict[str, list[dict]] = {"officers": []}
        for i in range(officers):
            user = create_user(f"officer{i}@bench.example.gov.uk", f"Officer {i}", PASSWORD,
                               ["lead_officer"], DEPARTMENTS[i % 2])
            people["officers"].append({"id": user.id, "token": create_token(user)})
        for key, roles, department in (("chair", ["deg_chair"], DEPARTMENTS[0]),
                                       ("web", ["web_team"], None), ("admin", ["admin"], None)):
            user = create_user(f"{key}@bench.example.gov.uk", key.title(), PASSWORD, roles,
                               department)
            people[key] = [{"id": user.id, "token": create_token(user)}]
        db.session.commit()
        db.engine.dispose()
    return people


def seed_assessments(app, people: dict, total: int, batch: int = 500) -> float:
    """Create assessments with the domain function until there are `total`; then spread
    them over the states (directly: the list only reads the status). Returns seconds."""
    from sqlalchemy import func, select, text

    from ehria.assessments import create_assessment
    from ehria.extensions import db
    from ehria.models import Assessment, User

    started = time.perf_counter()
    with app.app_context():
        have = db.session.scalar(select(func.count()).select_from(Assessment))
        officers = [db.session.get(User, o["id"]) for o in people["officers"]]
        for n in range(have, total):
            officer = officers[n % len(officers)]
            create_assessment(officer, ready_answers(
                f"Benchmark policy {n:05d}", officer.department.name))
            if n % batch == batch - 1:
                db.session.commit()
        db.session.commit()
        # 40% draft, 20% submitted, 20% signed off, 20% published, by id; the PATCH
        # clients' own assessments (the first ones) stay drafts.
        db.session.execute(text("""
            UPDATE assessments SET status = CASE
              WHEN id <= :keep OR id % 5 IN (0, 1) THEN 'draft'
              WHEN id % 5 = 2 THEN 'submitted'
              WHEN id % 5 = 3 THEN 'signed_off' ELSE 'published' END
        """), {"keep": len(people["officers"]) + 60})
        db.session.commit()
        db.engine.dispose()
    return time.perf_counter() - started


def count_list_queries(app, token: str, query: str = "") -> tuple[int, int]:
    """SQL statements for one GET of the list's first page, in-process; and its total."""
    from sqlalchemy import event

    from ehria.extensions import db

    with app.app_context():
        engine = db.engine  # each request below has its own app context and session
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    client.get(f"/api/v1/assessments{query}", headers=headers)  # warm the pool and caches
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/api/v1/assessments{query}", headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.get_data(as_text=True)
    total = response.get_json()["total"]
    engine.dispose()
    return len(statements), total


# ---- gunicorn ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_application_name(database_url: str, name: str) -> str:
    from sqlalchemy import make_url

    return make_url(database_url).update_query_dict({"application_name": name}).render_as_string(
        hide_password=False)


def start_gunicorn(database_url: str, port: int, workers: int, threads: int, log: Path):
    env = dict(os.environ)
    env.update({
        "EHRIA_DATABASE_URL": with_application_name(database_url, APPLICATION_NAME),
        "EHRIA_SECRET_KEY": "benchmark-only-" + "x" * 32,
        "EHRIA_ENV": "production",
        "EHRIA_BIND": f"127.0.0.1:{port}",
        "EHRIA_WORKERS": str(workers),
        "EHRIA_THREADS": str(threads),
    })
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        time.sleep(0.2)
    stop_gunicorn(process)
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s; see {log}")


def stop_gunicorn(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---- load ------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


class Meter:
    """CPU seconds used by our own processes only: the gunicorn workers, the PostgreSQL
    backends serving them (found by application_name), and this load generator. Other
    people's work on a shared machine does not count, so the per-request costs hold."""

    def __init__(self, master_pid: int, database_url: str, application_name: str) -> None:
        from sqlalchemy import create_engine

        self.master_pid, self.application_name = master_pid, application_name
        self.engine = create_engine(database_url, pool_size=1)

    def _backends(self) -> list[int]:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            return list(connection.scalars(text(
                "SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                {"name": self.application_name}))

    def sample(self) -> dict[str, dict[int, float]]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "app": {pid: process_cpu_seconds(pid) for pid in children_of(self.master_pid)},
            "db": {pid: process_cpu_seconds(pid) for pid in self._backends()},
            "generator": {0: usage.ru_utime + usage.ru_stime},
        }

    @staticmethod
    def used(before: dict, after: dict) -> dict[str, float]:
        return {kind: sum(after[kind][pid] - before[kind].get(pid, 0.0)
                          for pid in after[kind]) for kind in after}


def cpu_busy_seconds() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [float(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class Worker(threading.Thread):
    """One client: its own connection, one request after another until `stop_at`."""

    def __init__(self, port: int, request, start: threading.Barrier, warm_until_ref: list,
                 stop_at_ref: list) -> None:
        super().__init__(daemon=True)
        self.port, self.request, self.start_barrier = port, request, start
        self.warm_until_ref, self.stop_at_ref = warm_until_ref, stop_at_ref
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.start_barrier.wait()
        while (now := time.perf_counter()) < self.stop_at_ref[0]:
            try:
                status = self.request(connection)
            except (OSError, http.client.HTTPException):
                connection.close()
                status = "connection error"
            took = time.perf_counter() - now
            if now >= self.warm_until_ref[0]:
                self.latencies.append(took)
                self.statuses[status] += 1
        connection.close()


def run_load(port: int, make_request, clients: int, seconds: float, warmup: float,
             meter: Meter) -> dict:
    barrier = threading.Barrier(clients + 1)
    warm_until, stop_at = [0.0], [0.0]
    workers = [Worker(port, make_request(i), barrier, warm_until, stop_at)
               for i in range(clients)]
    for worker in workers:
        worker.start()
    warm_until[0] = time.perf_counter() + 3600
    stop_at[0] = warm_until[0]
    barrier.wait()
    begun = time.perf_counter()
    warm_until[0] = begun + warmup
    stop_at[0] = begun + warmup + seconds
    time.sleep(warmup)
    busy_before, total_before = cpu_busy_seconds()
    cpu_before = meter.sample()
    for worker in workers:
        worker.join()
    cpu_after = meter.sample()
    busy_after, total_after = cpu_busy_seconds()
    cpu = Meter.used(cpu_before, cpu_after)
    latencies = sorted(x for w in workers for x in w.latencies)
    statuses: Counter = Counter()
    for worker in workers:
        statuses.update(worker.statuses)
    count = max(len(latencies), 1)
    return {
        "clients": clients,
        "requests": len(latencies),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "req_per_s": round(len(latencies) / seconds, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        # the whole machine, other people's work included
        "machine_cpu_busy_pct": round(100 * (busy_after - busy_before)
                                      / max(total_after - total_before, 1), 1),
        # ours only, per request: gunicorn workers, their PostgreSQL backends, the client
        "app_cpu_ms_per_request": round(cpu["app"] * 1000 / count, 2),
        "db_cpu_ms_per_request": round(cpu["db"] * 1000 / count, 2),
        "generator_cpu_ms_per_request": round(cpu["generator"] * 1000 / count, 2),
    }


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(pct / 100 * len(values) + 0.5) - 1))
    return values[index]


def healthz_request(_client: int):
    def request(connection) -> int:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        return response.status
    return request


def patch_request_factory(assessments: list[dict], minimal: bool = False):
    """Each client edits its own assessment: PATCH with If-Match, then the new ETag.
    With `minimal`, it sends `Prefer: return=minimal` (only the version and screening
    outcome come back) as an editor saving while the officer types would."""

    def make(client: int):
        mine = assessments[client]
        headers = {"Authorization": f"Bearer {mine['token']}",
                   "Content-Type": "application/json"}
        if minimal:
            headers["Prefer"] = "return=minimal"
        path = f"/api/v1/assessments/{mine['id']}"
        state = {"version": mine["version"], "n": 0}

        def request(connection) -> int:
            state["n"] += 1
            section, key = PATCH_FIELD
            body = json.dumps({"answers": {section: {
                key: f"Opening hours change, saved by client {client}, edit {state['n']}."}}})
            connection.request("PATCH", path, body=body,
                               headers={**headers, "If-Match": state["version"]})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                state["version"] = response.getheader("ETag").strip('"')
            elif response.status == 412:  # cannot happen with one client per assessment
                connection.request("GET", path, headers=headers)
                reread = connection.getresponse()
                state["version"] = json.loads(reread.read())["version"]
            return response.status

        return request

    return make


def http_get_timings(port: int, path: str, token: str, repeat: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    status = None
    for i in range(repeat + 2):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
        if i >= 2:  # two warm-up requests
            timings.append(time.perf_counter() - started)
    connection.close()
    timings.sort()
    return {"status": status, "p50_ms": round(percentile(timings, 50) * 1000, 2),
            "p95_ms": round(percentile(timings, 95) * 1000, 2), "requests": len(timings)}


# ---- report ------------------------------------------------------------------------------

def machine() -> dict:
    def run(*command: str) -> str:
        found = shutil.which(command[0])
        if not found:
            return ""
        return subprocess.run([found, *command[1:]], capture_output=True, text=True,  # noqa: S603
                              check=False).stdout.strip()

    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo
                      if line.startswith("model name")), "")
    return {
        "nproc": run("nproc"), "cpu": model, "free_h": run("free", "-h"),
        "python": platform.python_version(), "postgresql": run("psql", "--version"),
        "loadavg_at_start": os.getloadavg(),
    }


def print_table(report: dict) -> None:
    print()
    print("PATCH one answer vs GET /healthz (the floor), "
          f"{report['config']['workers']} gunicorn workers x {report['config']['threads']} "
          f"thread(s), {report['config']['seconds']} s per row")
    print("(CPU ms per request: ours only; 'busy %': the whole machine, others included)")
    print(f"{'endpoint':<10}{'clients':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'req/s':>9}{'app cpu':>9}{'db cpu':>8}{'gen cpu':>9}{'busy %':>8}  statuses")
    for row in report["load"]:
        print(f"{row['endpoint']:<10}{row['clients']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}"
              f"{row['p99_ms']:>9}{row['req_per_s']:>9}{row['app_cpu_ms_per_request']:>9}"
              f"{row['db_cpu_ms_per_request']:>8}{row['generator_cpu_ms_per_request']:>9}"
              f"{row['machine_cpu_busy_pct']:>8}  {row['statuses']}")
    print()
    print("GET /api/v1/assessments, first page (20 items)")
    print(f"{'assessments':>12}{'user':>8}{'visible':>9}{'queries':>9}{'p50 ms':>10}{'p95 ms':>10}")
    for row in report["list"]:
        print(f"{row['assessments']:>12}{row['user']:>8}{row['visible']:>9}{row['queries']:>9}"
              f"{row.get('p50_ms', ''):>10}{row.get('p95_ms', ''):>10}")
    if report.get("pdf"):
        pdf = report["pdf"]
        print()
        print(f"GET /api/v1/assessments/<id>.pdf, one client: p50 {pdf['p50_ms']} ms, "
              f"p95 {pdf['p95_ms']} ms over {pdf['requests']} requests (status {pdf['status']})")
    print()
    print("Goals:", json.dumps(report["goals"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("EHRIA_BENCH_DATABASE_URL",
                                                                 DEFAULT_DATABASE_URL))
    parser.add_argument("--i-own-this-database", action="store_true",
                        help="allow emptying a database not named ehria_prod_bench*")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--list-sizes", default="100,1000,10000")
    parser.add_argument("--json-out", type=Path, default=None)
    parser.add_argument("--log", type=Path, default=Path("/tmp/ehria-bench-gunicorn.log"))  # noqa: S108
    args = parser.parse_args()

    os.chdir(ROOT)
    levels = [int(x) for x in args.clients.split(",")]
    sizes = [int(x) for x in args.list_sizes.split(",")]
    workers = args.workers or min((os.cpu_count() or 1) * 2 + 1, 8)
    app = make_app(args.database_url)
    with app.app_context():
        reset_database(app, args.i_own_this_database)
    print(f"Seeding {max(levels)} officers' assessments in {args.database_url.rsplit('/', 1)[1]}")
    people = seed_people(app, officers=max(levels))
    seed_assessments(app, people, total=len(people["officers"]))
    clients = [{"id": i + 1, "token": o["token"], "version": "1"}
               for i, o in enumerate(people["officers"])]

    report: dict = {"machine": machine(), "goals": {}, "load": [], "list": [],
                    "config": {"workers": workers, "threads": args.threads,
                               "seconds": args.seconds, "warmup": args.warmup}}
    port = free_port()
    server = start_gunicorn(args.database_url, port, workers, args.threads, args.log)
    meter = Meter(server.pid, args.database_url, APPLICATION_NAME)
    try:
        for level in levels:
            for name, factory in (("healthz", healthz_request),
                                  ("PATCH", patch_request_factory(clients)),
                                  ("PATCH min", patch_request_factory(clients, True))):
                row = run_load(port, factory, level, args.seconds, args.warmup, meter)
                row["endpoint"] = name
                report["load"].append(row)
                print(f"  {name:<9} {level:>3} clients: p50 {row['p50_ms']} ms, "
                      f"p95 {row['p95_ms']} ms, {row['req_per_s']} req/s {row['statuses']}, "
                      f"CPU ms/request app {row['app_cpu_ms_per_request']} "
                      f"db {row['db_cpu_ms_per_request']}", flush=True)

        for size in sizes:
            took = seed_assessments(app, people, total=size)
            print(f"  {size} assessments in the database (seeded in {took:.1f} s)", flush=True)
            for user in ("admin", "officer", "chair", "web"):
                token = (people["officers"][0] if user == "officer" else people[user][0])["token"]
                queries, visible = count_list_queries(app, token)
                row = {"assessments": size, "user": user, "visible": visible,
                       "queries": queries}
                if size == sizes[-1]:
                    row.update(http_get_timings(port, "/api/v1/assessments", token, 30))
                report["list"].append(row)
            queries, visible = count_list_queries(app, people["admin"][0]["token"], "?q=0042")
            report["list"].append({"assessments": size, "user": "admin q", "visible": visible,
                                   "queries": queries,
                                   **(http_get_timings(port, "/api/v1/assessments?q=0042",
                                                       people["admin"][0]["token"], 30)
                                      if size == sizes[-1] else {})})

        if any(r.rule.endswith(".pdf") for r in app.url_map.iter_rules()):
            report["pdf"] = http_get_timings(port, f"/api/v1/assessments/{clients[0]['id']}.pdf",
                                             clients[0]["token"], 5)
    finally:
        stop_gunicorn(server)
        meter.engine.dispose()

    report["machine"]["loadavg_at_end"] = os.getloadavg()
    by = {(r["endpoint"], r["clients"]): r for r in report["load"]}
    for endpoint, prefix in (("PATCH", "patch"), ("PATCH min", "patch_minimal")):
        if (endpoint, 10) not in by or ("healthz", 10) not in by:
            continue
        patch, floor = by[(endpoint, 10)], by[("healthz", 10)]
        report["goals"][f"{prefix}_p95_ms_at_10_clients"] = {
            "value": patch["p95_ms"], "goal": f"< {GOALS['patch_p95_ms_at_10_clients']}",
            "met": patch["p95_ms"] < GOALS["patch_p95_ms_at_10_clients"]}
        share = round(patch["req_per_s"] / floor["req_per_s"], 2)
        report["goals"][f"{prefix}_throughput_share_of_floor_at_10_clients"] = {
            "value": share, "goal": ">= 0.5",
            "met": share >= GOALS["patch_throughput_share_of_floor_at_10_clients"]}
    largest = [r for r in report["list"] if r["assessments"] == sizes[-1] and "p95_ms" in r]
    if largest:
        worst = max(r["p95_ms"] for r in largest)
        report["goals"]["list_first_page_ms"] = {
            "value": worst, "goal": "< 100 (p95, worst user)", "met": worst < 100}
        per_user = {}
        for row in report["list"]:
            if row["visible"] >= 20:  # a full first page; an empty one skips a query
                per_user.setdefault(row["user"], set()).add(row["queries"])
        report["goals"]["list_queries_constant"] = {
            "value": {u: sorted(q) for u, q in per_user.items()},
            "met": all(len(q) == 1 for q in per_user.values())}
    print_table(report)
    print()
    print(json.dumps(report, indent=2, default=str))
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
