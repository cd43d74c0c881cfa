"""The answers object: checking it against the form, merging drafts and spotting changes.

These functions take and return plain data (what JSON gives), so the web form, the API
and import all apply exactly the same rules. Validation only reports; it never changes
or normalises what was sent, so every answer saved comes back exactly as it was given.
A draft may leave out any key, and `None` means "not answered".
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Container, Mapping
from datetime import date
from typing import Any

from ehria.form_definition import (
    ANSWERS_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Column,
    Field,
    FormDefinition,
)

ROOT_PATH = "answers"

UNKNOWN_FIELD = "Unknown field"
NOT_AN_OBJECT = "Must be an object"
NOT_A_LIST = "Must be a list"
NOT_TEXT = "Must be text"
TOO_LONG = f"Must be {TEXT_MAX_LENGTH:,} characters or fewer"
BAD_DATE = "Enter a real date in the format YYYY-MM-DD"
NOT_ONE_LINE = "Must be one line, without line breaks"
UNKNOWN_DEPARTMENT = "Choose one of the configured departments"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Anything that ends a line: in an e-mail header it would start another header.
_LINE_BREAK = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")

Errors = dict[str, list[str]]


def validate_answers(
    answers: object,
    definition: FormDefinition,
    departments: Container[str] | None = None,
) -> Errors:
    """Every problem with a (possibly partial) answers object, keyed by dotted path.

    `{}` means valid. `departments`, when given, are the names `key_details.department`
    may take.
    """
    errors: Errors = {}
    if not isinstance(answers, Mapping):
        _add(errors, ROOT_PATH, NOT_AN_OBJECT)
        return errors
    size = _json_length(answers)
    if size > ANSWERS_MAX_LENGTH:
        _add(errors, ROOT_PATH, f"The answers are {size:,} characters in all; they must be "
                                f"{ANSWERS_MAX_LENGTH:,} or fewer")
        return errors
    section_keys = {section.key for section in definition.sections}
    for section_key, section_answers in answers.items():
        if section_key not in section_keys:
            _add(errors, section_key, UNKNOWN_FIELD)
        elif section_answers is None:
            continue
        elif not isinstance(section_answers, Mapping):
            _add(errors, section_key, NOT_AN_OBJECT)
        else:
            _check_section(section_key, section_answers, definition, departments, errors)
    return errors


def _json_length(answers: Mapping[str, Any]) -> int:
    """How long the answers are as stored (JSON); what cannot be JSON counts as nothing
    here and is reported field by field."""
    try:
        return len(json.dumps(answers, ensure_ascii=False, allow_nan=True))
    except (TypeError, ValueError):
        return 0


def _add(errors: Errors, path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)


def _check_section(
    section_key: str,
    section_answers: Mapping[str, Any],
    definition: FormDefinition,
    departments: Container[str] | None,
    errors: Errors,
) -> None:
    for key, value in section_answers.items():
        path = f"{section_key}.{key}"
        try:
            found = definition.field(path)
        except KeyError:
            _add(errors, path, UNKNOWN_FIELD)
            continue
        if value is None:
            continue
        if found.is_keyed_table:
            _check_keyed_table(found, value, path, errors)
        elif found.is_list:
            _check_list(found, value, path, errors)
        else:
            _check_scalar(found.type, found.choices, value, path, errors, departments)


def _check_keyed_table(found: Field, value: object, path: str, errors: Errors) -> None:
    if not isinstance(value, Mapping):
        _add(errors, path, NOT_AN_OBJECT)
        return
    row_keys = {row.key for row in found.rows}
    for row_key, row in value.items():
        row_path = f"{path}.{row_key}"
        if row_key not in row_keys:
            _add(errors, row_path, UNKNOWN_FIELD)
        elif row is not None:
            _check_row(found.columns, row, row_path, errors)


def _check_list(found: Field, value: object, path: str, errors: Errors) -> None:
    if not isinstance(value, list):
        _add(errors, path, NOT_A_LIST)
        return
    if found.max_rows is not None and len(value) > found.max_rows:
        _add(errors, path, f"Must have {found.max_rows} rows or fewer, not {len(value):,}")
        return
    for index, row in enumerate(value):
        _check_row(found.columns, row, f"{path}.{index}", errors)


def _check_row(columns: tuple[Column, ...], row: object, path: str, errors: Errors) -> None:
    if not isinstance(row, Mapping):
        _add(errors, path, NOT_AN_OBJECT)
        return
    by_key = {column.key: column for column in columns}
    for key, value in row.items():
        cell_path = f"{path}.{key}"
        column = by_key.get(key)
        if column is None:
            _add(errors, cell_path, UNKNOWN_FIELD)
        elif value is not None:
            _check_scalar(column.type, column.choices, value, cell_path, errors)


def _check_scalar(
    type_: str,
    choices: tuple[Any, ...],
    value: object,
    path: str,
    errors: Errors,
    departments: Container[str] | None = None,
) -> None:
    message = None
    if choices:
        message = _choice_error(value, choices)
    elif type_ == "date":
        message = _date_error(value)
    else:
        message = _text_error(value)
        if message is None and type_ == "line" and _LINE_BREAK.search(value):
            message = NOT_ONE_LINE
        if message is None and type_ == "department":
            message = _department_error(value, departments)
    if message:
        _add(errors, path, message)


def _choice_error(value: object, choices: tuple[Any, ...]) -> str | None:
    if any(value == choice.value and isinstance(value, str) for choice in choices):
        return None
    return "Choose one of: " + ", ".join(f'"{choice.value}"' for choice in choices)


def _date_error(value: object) -> str | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return BAD_DATE
    try:
        date.fromisoformat(value)
    except ValueError:
        return BAD_DATE
    return None


def _text_error(value: object) -> str | None:
    if not isinstance(value, str):
        return NOT_TEXT
    if len(value) > TEXT_MAX_LENGTH:
        return TOO_LONG
    return None


def _department_error(value: object, departments: Container[str] | None) -> str | None:
    """An empty department is just unanswered; a named one must be a configured one."""
    if departments is None or value == "" or value in departments:
        return None
    return UNKNOWN_DEPARTMENT


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


# -- reading answers ---------------------------------------------------------------------


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
