"""CSV downloads: the one way the service writes a CSV (the register, actions, insight,
programmes), every cell made safe for the spreadsheet programs councils open them in."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable


def spreadsheet_safe(text: str) -> str:
    """Stop spreadsheet programs running a cell that starts like a formula (every cell:
    a department's name or a web address is typed by someone too)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else text


def csv_text(lines: Iterable[Iterable[object]]) -> str:
    """Lines of cells as CSV, every cell in words and made safe."""
    out = io.StringIO()
    csv.writer(out).writerows([spreadsheet_safe(str(cell)) for cell in line]
                              for line in lines)
    return out.getvalue()
