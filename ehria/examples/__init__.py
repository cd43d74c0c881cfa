"""The worked assessments of shared/examples: test fixtures and demo data (see README.md)."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLES_FOLDER = Path(__file__).resolve().parent


def load_examples() -> dict[str, dict]:
    """The examples by file stem, e.g. '02-short-breaks-full-report'."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(EXAMPLES_FOLDER.glob("*.json"))
    }
