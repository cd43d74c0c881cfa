"""When a signed-off assessment is due for review (issue 15): the DEG chair sets it at
sign-off, 12 months on unless they say otherwise, between 1 month and 3 years."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

DEFAULT_MONTHS, EARLIEST_MONTHS, LATEST_MONTHS = 12, 1, 36
DUE_SOON_DAYS = 60


class ReviewDateError(ValueError):
    """A review date that cannot be used; the message says why, in words."""


def months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_review_date(today: date) -> date:
    return months_after(today, DEFAULT_MONTHS)


def review_date_from(value: object, today: date) -> date:
    """The review date asked for (ISO text, a date, or nothing for the default)."""
    if value in (None, ""):
        return default_review_date(today)
    if isinstance(value, date):
        chosen = value
    else:
        try:
            chosen = date.fromisoformat(str(value))
        except ValueError as error:
            raise ReviewDateError("Enter the review date as a real date, such as "
                                  f"{default_review_date(today).isoformat()}.") from error
    earliest, latest = months_after(today, EARLIEST_MONTHS), months_after(today, LATEST_MONTHS)
    if not earliest <= chosen <= latest:
        raise ReviewDateError(
            f"The review date must be between {earliest:%-d %B %Y} and {latest:%-d %B %Y} "
            "(1 month to 3 years from today).")
    return chosen


@dataclass(frozen=True)
class DateParts:
    """A date as three boxes posted it (day, month, year), kept as typed."""

    day: str = ""
    month: str = ""
    year: str = ""

    @property
    def iso(self) -> str | None:
        """YYYY-MM-DD for what was typed, None if nothing was (the default applies); text
        that is no date is passed on as it is, to be refused with a message."""
        if not (self.day or self.month or self.year):
            return None
        if self.day.isdigit() and self.month.isdigit() and self.year.isdigit():
            return f"{int(self.year):04d}-{int(self.month):02d}-{int(self.day):02d}"
        return f"{self.year}-{self.month}-{self.day}"


def review_date_parts(form: Mapping[str, str]) -> DateParts:
    return DateParts(*(str(form.get(f"review_date-{part}", "")).strip()[:4]
                       for part in ("day", "month", "year")))


def review_state(review_date: date | None, today: date) -> str | None:
    """"overdue", "due" (within 60 days) or None."""
    if review_date is None:
        return None
    if review_date < today:
        return "overdue"
    return "due" if (review_date - today).days <= DUE_SOON_DAYS else None
