"""Reading answers by path: the helpers every part of the form uses.

Answers are what JSON gives (objects, lists, text); a path is dotted, list rows by index:
`report.improvement_plan.0.target`. Kept apart from validation so that the field types,
conditions and rules can read answers without importing the checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def is_answered(value: object) -> bool:
    """Whether a value counts as an answer: None, blank text, [] and {} do not."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if type(value) in (list, dict) or isinstance(value, list | Mapping):
        return bool(value)
    return True


def get_path(answers: object, path: str, default: Any = None) -> Any:
    """The value at a dotted path (list rows by index), or `default` if there is none."""
    value: Any = answers
    for part in path.split(".") if path else []:
        # a plain dict first: isinstance against the Mapping ABC is several times slower,
        # and screening reads a couple of hundred paths on every save
        if type(value) is dict or isinstance(value, Mapping):
            if part not in value:
                return default
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return default
    return value
