"""The answers object: checking it against the form, merging drafts and spotting changes.

These functions take and return plain data (what JSON gives), so the web form, the API
and import all apply exactly the same rules. Validation only reports; it never changes
or normalises what was sent, so every answer saved comes back exactly as it was given.
A draft may leave out any key, and `None` means "not answered".
"""

from __future__ import annotations

import copy
import json
from collections.abc import Container, Mapping
from typing import Any

from ehria.form import FormDefinition
from ehria.form.types import Checking
from ehria.form.types.base import Errors, add_error
from ehria.form.types.tables import NOT_AN_OBJECT, UNKNOWN_FIELD
from ehria.limits import ANSWERS_MAX_LENGTH

ROOT_PATH = "answers"


def validate_answers(
    answers: object,
    definition: FormDefinition,
    departments: Container[str] | None = None,
) -> Errors:
    """Every problem with a (possibly partial) answers object, keyed by dotted path.

    `{}` means valid. `departments`, when given, are the names a department answer may
    take. Each answer is checked by its field's type (ehria.form.types).
    """
    errors: Errors = {}
    if not isinstance(answers, Mapping):
        add_error(errors, ROOT_PATH, NOT_AN_OBJECT)
        return errors
    size = _json_length(answers)
    if size > ANSWERS_MAX_LENGTH:
        add_error(errors, ROOT_PATH, f"The answers are {size:,} characters in all; they must "
                                     f"be {ANSWERS_MAX_LENGTH:,} or fewer")
        return errors
    checking = Checking(departments)
    section_keys = {section.key for section in definition.sections}
    for section_key, section_answers in answers.items():
        if section_key not in section_keys:
            add_error(errors, section_key, UNKNOWN_FIELD)
        elif section_answers is None:
            continue
        elif not isinstance(section_answers, Mapping):
            add_error(errors, section_key, NOT_AN_OBJECT)
        else:
            for key, value in section_answers.items():
                path = f"{section_key}.{key}"
                try:
                    found = definition.field(path)
                except KeyError:
                    add_error(errors, path, UNKNOWN_FIELD)
                    continue
                if value is not None:
                    found.kind.check(found, value, path, errors, checking)
    return errors


def _json_length(answers: Mapping[str, Any]) -> int:
    """How long the answers are as stored (JSON); what cannot be JSON counts as nothing
    here and is reported field by field."""
    try:
        return len(json.dumps(answers, ensure_ascii=False, allow_nan=True))
    except (TypeError, ValueError):
        return 0


# -- merging and comparing ---------------------------------------------------------------


def deep_merge(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `patch` laid over it, as a new dict; neither input is changed.

    Objects merge key by key, a `None` in the patch removes that key, and anything else
    (lists included) replaces the old value whole. An object emptied by the patch stays
    as `{}`.
    """
    merged = _copy(dict(base))
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping):
            old = merged.get(key)
            merged[key] = deep_merge(old if isinstance(old, Mapping) else {}, value)
        else:
            merged[key] = _copy(value)
    return merged


_ATOMS = (str, int, float, bool, type(None))


def _copy(value: Any) -> Any:
    """`copy.deepcopy` for what JSON gives (dicts, lists, text, numbers), several times
    faster, since every save copies the whole answers; anything else goes to deepcopy."""
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if kind in _ATOMS:
        return value
    return copy.deepcopy(value)


def changed_paths(
    old: Mapping[str, Any], new: Mapping[str, Any], within: Mapping[str, Any] | None = None
) -> list[str]:
    """The sorted leaf paths whose values differ between two answers objects.

    Lists are compared whole and reported by their own path. A missing key and `None`
    both mean unanswered, so they count as the same. When `new` is `deep_merge(old,
    within)`, passing the patch as `within` gives the same paths while comparing only
    the keys the patch touches (nothing else can differ), not the whole answers.
    """
    if within is None:
        return sorted(_changes(old, new, ""))
    return sorted(_changes_within(old, new, within, ""))


def _changes_within(old: object, new: object, patch: Mapping[str, Any], path: str) -> list[str]:
    old_map = old if isinstance(old, Mapping) else {}
    new_map = new if isinstance(new, Mapping) else {}
    if not (_is_object_or_absent(old) and _is_object_or_absent(new)):
        return _changes(old, new, path)
    found: list[str] = []
    for key, value in patch.items():
        child = f"{path}.{key}" if path else str(key)
        if isinstance(value, Mapping):
            found += _changes_within(old_map.get(key), new_map.get(key), value, child)
        else:
            found += _changes(old_map.get(key), new_map.get(key), child)
    return found


def _changes(old: object, new: object, path: str) -> list[str]:
    one_is_object = isinstance(old, Mapping) or isinstance(new, Mapping)
    if one_is_object and _is_object_or_absent(old) and _is_object_or_absent(new):
        old_map = old if isinstance(old, Mapping) else {}
        new_map = new if isinstance(new, Mapping) else {}
        found: list[str] = []
        for key in [*old_map, *(k for k in new_map if k not in old_map)]:
            child = f"{path}.{key}" if path else str(key)
            found += _changes(old_map.get(key), new_map.get(key), child)
        return found
    return [] if old == new else [path]


def _is_object_or_absent(value: object) -> bool:
    return value is None or isinstance(value, Mapping)
