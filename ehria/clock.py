"""Today's date for the council (UK time): what review dates, reminders and overdue
actions are counted from. `TODAY` in the configuration fixes it, so tests (and a demo)
drive the clock instead of waiting for it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

COUNCIL_ZONE = ZoneInfo("Europe/London")


def today() -> date:
    fixed = current_app.config.get("TODAY") if has_app_context() else None
    if isinstance(fixed, date):
        return fixed
    if isinstance(fixed, str) and fixed:
        return date.fromisoformat(fixed)
    return datetime.now(COUNCIL_ZONE).date()
