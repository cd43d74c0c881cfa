"""A readable difference between two revisions: which questions changed, old and new."""

from __future__ import annotations

from dataclasses import dataclass

from ehria.answers import changed_paths
from ehria.form import FormDefinition
from ehria.form.paths import get_path


@dataclass(frozen=True)
class Change:
    path: str
    label: str
    old: object
    new: object


def describe(value: object) -> str:
    if value is None or value == "":
        return "Not answered"
    if isinstance(value, list):
        return f"{len(value)} row{'s' if len(value) != 1 else ''}"
    return str(value)


def differences(old: dict, new: dict, definition: FormDefinition) -> list[Change]:
    return [
        Change(path, definition.label_for(path), get_path(old, path), get_path(new, path))
        for path in changed_paths(old, new)
    ]
