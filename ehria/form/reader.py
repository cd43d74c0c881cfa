"""The reader's helpers for templates: each names the place and the line of a problem.

Parsing collects every problem instead of stopping at the first, so a council that writes
a template with five mistakes is told all five at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ehria.form.conditions import Condition, parse_condition
from ehria.form.problems import TemplateProblem, line_of

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Reader:
    """Collects problems while reading; each helper names the place and the line."""

    def __init__(self) -> None:
        self.problems: list[TemplateProblem] = []

    def problem(self, place: str, message: str, line: int | None) -> None:
        self.problems.append(TemplateProblem(place, message, line))

    def mapping(self, value: object, place: str, line: int | None) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.problem(place, f"must be a mapping of settings, not {value!r}", line)
            return None
        return value

    def known_keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], place: str) -> None:
        unknown = sorted(str(k) for k in data if k not in allowed)
        if unknown:
            self.problem(place, f"unknown setting{'s' if len(unknown) > 1 else ''} "
                                f"{', '.join(map(repr, unknown))} (allowed here: "
                                f"{', '.join(allowed)})", line_of(data))

    def text(self, data: Mapping[str, Any], key: str, place: str, *, optional: bool = False
             ) -> str | None:
        value = data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(place, f"needs a non-empty text {key!r}", line_of(data))
            return None
        return value

    def flag(self, data: Mapping[str, Any], key: str, place: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.problem(place, f"{key!r} must be true or false (write true, not "
                                f"{value!r})", line_of(data))
            return False
        return value

    def paragraphs(self, value: object, place: str, line: int | None) -> tuple[str, ...]:
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(p, str) for p in items):
            self.problem(place, "must be a paragraph of text or a list of them", line)
            return ()
        return tuple(items)

    def key(self, data: Mapping[str, Any], place: str, pattern: re.Pattern[str] = KEY
            ) -> str | None:
        key = data.get("key")
        if not isinstance(key, str) or not pattern.match(key):
            shape = ("lower-case words joined by hyphens" if pattern is SLUG
                     else "lower-case letters, digits and underscores, starting with a letter")
            self.problem(place, f"needs a key of {shape}, not {key!r}", line_of(data))
            return None
        return key

    def condition(self, data: Mapping[str, Any], key: str, place: str) -> Condition | None:
        if key not in data:
            return None
        return parse_condition(data[key], f"{place}, {key}", self.problems, line_of(data))

    def unique(self, keys: list[str], what: str, place: str, line: int | None) -> None:
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            self.problem(place, f"the {what} {key!r} is used twice", line)
