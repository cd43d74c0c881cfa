"""Small Jinja filters the page templates share."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup, escape

from ehria.form.paths import get_path


def choice_pairs(choices) -> list[tuple[str, str]]:
    """Definition choices (or WTForms choices) as (value, label) pairs for the radios macro."""
    return [(c.value, c.label) if hasattr(c, "value") else tuple(c) for c in choices]


def long_date(value: str | date) -> str:
    """A date in words, "1 December 2027", from a date or its ISO text."""
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    try:
        return f"{date.fromisoformat(value):%-d %B %Y}"
    except (TypeError, ValueError):
        return str(value)


COUNCIL_TIME_ZONE = ZoneInfo("Europe/London")


def local_time(moment: datetime) -> datetime:
    """A stored UTC time as the council's clock shows it (SQLite returns it without zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(COUNCIL_TIME_ZONE)


def datetime_words(moment: datetime) -> str:
    """ "1 December 2026, 19:40": a moment as the council's pages write it."""
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M}"


def lines(text: str) -> Markup:
    """Text with its line breaks shown (each line escaped)."""
    return Markup("<br>").join(escape(line) for line in str(text).split("\n"))


def lower_first(text: str) -> str:
    """ "A full EHRIA report" in a sentence: "a full EHRIA report" (not "ehria")."""
    return text[:1].lower() + text[1:]


def register(app: Flask) -> None:
    app.add_template_filter(lower_first, "lower_first")
    app.add_template_filter(datetime_words, "datetime_words")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(choice_pairs, "choice_pairs")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(lines, "lines")
    app.add_template_filter(lambda answers, path: get_path(answers, path), "answer_at")
