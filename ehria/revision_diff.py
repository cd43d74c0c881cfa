"""A readable difference between two revisions: which questions changed, old and new, in
words (the answers as people read them, not their stored codes)."""

from __future__ import annotations

from dataclasses import dataclass

from ehria.answers import changed_paths
from ehria.form import FormDefinition
from ehria.form.paths import get_path
from ehria.form.words import answer_words


@dataclass(frozen=True)
class Change:
    path: str
    label: str
    old: str  # in words
    new: str


def differences(old: dict, new: dict, definition: FormDefinition) -> list[Change]:
    return [
        Change(path, definition.label_for(path),
               answer_words(definition, path, get_path(old, path)),
               answer_words(definition, path, get_path(new, path)))
        for path in changed_paths(old, new)
    ]
