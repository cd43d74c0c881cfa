"""How long the documents of example 02 take: rendering (cold process and warm) and the
download of a stored signed PDF through the API.

Goals (issue 5): warm render under 1.0 s; stored download under 10 ms.

    .venv/bin/python benchmarks/render_pdf.py [--runs N]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

EXAMPLE = "02-short-breaks-full-report"
COLD_SCRIPT = f"""
from ehria.demo import load_examples
from ehria.documents import DocumentSource, render_pdf
answers = load_examples()[{EXAMPLE!r}]["answers"]
render_pdf(DocumentSource("EHRIA-2026-0002", 1, answers))
"""


def example_source():
    from ehria.demo import load_examples
    from ehria.documents import DocumentSource

    answers = load_examples()[EXAMPLE]["answers"]
    return DocumentSource("EHRIA-2026-0002", 1, answers, known_names=["Sam Okafor"])


def cold_process_seconds() -> float:
    """A new Python process that imports everything and renders the full PDF once."""
    started = time.perf_counter()
    command = [sys.executable, "-c", COLD_SCRIPT]  # our own constant script
    subprocess.run(command, check=True, cwd=PROJECT_ROOT)  # noqa: S603
    return time.perf_counter() - started


def warm_seconds(runs: int, **options: bool) -> list[float]:
    from ehria.documents import render_pdf

    source = example_source()
    render_pdf(source, **options)  # warm up: fonts, templates, form definition
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render_pdf(source, **options)
        times.append(time.perf_counter() - started)
    return times


def stored_download_seconds(runs: int) -> list[float]:
    """GET /api/v1/assessments/<id>.pdf of a signed-off revision whose PDF is stored."""
    from flask_migrate import upgrade

    from ehria import create_app
    from ehria.accounts import create_department, create_token, create_user
    from ehria.assessments import create_assessment
    from ehria.documents import render_documents_for_signing, sha256_of
    from ehria.extensions import db
    from ehria.models import SignedRecord

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/benchmark.sqlite3",
        })
        with app.app_context():
            upgrade()
            quieten_logs()
            create_department("Children and Family Services")
            officer = create_user("officer@example.gov.uk", "Priya Chauhan", "a-long-password",
                                  ["lead_officer"], "Children and Family Services")
            assessment = create_assessment(officer, example_source().answers)
            assessment.status = "signed_off"
            documents = render_documents_for_signing(example_source(), "0" * 64)
            db.session.add(SignedRecord(
                assessment_id=assessment.id, revision=1, canonical_json="{}", sha256="0" * 64,
                full_pdf=documents.full_pdf, full_pdf_sha256=sha256_of(documents.full_pdf),
            ))
            token = create_token(officer)
            db.session.commit()
            path, assessment_id = "/api/v1/assessments/{}.pdf", assessment.id
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        times = []
        for _ in range(runs + 1):
            started = time.perf_counter()
            response = client.get(path.format(assessment_id), headers=headers)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200 and response.data == documents.full_pdf
        return times[1:]


def quieten_logs() -> None:
    """The migration and request logs would bury the figures."""
    for name in ("alembic", "ehria.requests"):
        logging.getLogger(name).setLevel(logging.WARNING)


def report(label: str, times: list[float]) -> None:
    print(
        f"{label:<44} median {statistics.median(times) * 1000:8.1f} ms   "
        f"min {min(times) * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms   (n={len(times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    runs = parser.parse_args().runs

    import io

    from pypdf import PdfReader

    from ehria.documents import render_pdf

    pages = len(PdfReader(io.BytesIO(render_pdf(example_source()))).pages)
    print(f"Example 02, full PDF: {pages} pages, A4, tagged (PDF/UA-1)")
    report("full PDF, cold process (start, import, render)",
           [cold_process_seconds() for _ in range(max(1, runs // 2))])
    report("full PDF, warm", warm_seconds(runs))
    report("depersonalised PDF, warm", warm_seconds(runs, depersonalised=True))
    report("stored signed PDF, API download", stored_download_seconds(runs * 10))


if __name__ == "__main__":
    main()
