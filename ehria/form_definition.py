"""The council's EHRIA form as data: one versioned YAML definition, loaded and checked here.

Everything that shows, checks or prints the form (web pages, API, PDF, screening) reads
its sections, steps, questions and fields from a `FormDefinition`, so the wording and the
keys live in one place. An assessment keeps the version it was started on, and a version
file never changes once used, so old records always render with their own questions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CURRENT_VERSION = "lcc-ehria-v1"
DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
TEXT_MAX_LENGTH = 20_000
# All of one revision's answers, as JSON: far beyond any real assessment (the worked
# examples are about 10,000), and small enough that its PDF renders in seconds.
ANSWERS_MAX_LENGTH = 200_000
DEFAULT_MAX_ROWS = 100

CHOICE_TYPES = frozenset({"yn", "ynu", "impact", "likely_impact"})
TEXT_TYPES = frozenset({"text", "line"})  # prose of any length; one line of text
SCALAR_TYPES = TEXT_TYPES | frozenset({"date", "department"}) | CHOICE_TYPES
KEYED_TABLE_TYPES = frozenset({"characteristic_table", "article_table", "comment_table"})
LIST_TYPES = frozenset({"rows"})
FIELD_TYPES = SCALAR_TYPES | KEYED_TABLE_TYPES | LIST_TYPES

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VERSION = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class DefinitionError(ValueError):
    """The form definition itself is broken: a bug in the YAML, caught when it loads."""


class UnknownTemplateVersion(LookupError):
    """No form definition has that version (e.g. an assessment names a retired file)."""


Paragraphs = tuple[str, ...]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Column:
    """One cell of every row of a table field (a keyed table or the improvement plan)."""

    key: str
    label: str
    type: str
    hint: str | None
    required: bool
    choices: tuple[Choice, ...] = ()

    def choice_label(self, value: object) -> str | None:
        return _choice_label(self.choices, value)


@dataclass(frozen=True)
class Row:
    """One fixed row of a keyed table (a protected characteristic or an article)."""

    key: str
    label: str
    hint: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Field:
    """One answer key. `path` is the full dotted path, e.g. `screening.consulted_needs`."""

    path: str
    key: str
    label: str
    type: str
    hint: str | None
    required: bool
    choices: tuple[Choice, ...] = ()
    rows: tuple[Row, ...] = ()
    columns: tuple[Column, ...] = ()
    max_rows: int | None = None  # repeating rows only: at most this many

    @property
    def is_keyed_table(self) -> bool:
        return self.type in KEYED_TABLE_TYPES

    @property
    def is_list(self) -> bool:
        return self.type in LIST_TYPES

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(f"{self.path} has no row {key!r}")

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"{self.path} has no column {key!r}")

    def choice_label(self, value: object) -> str | None:
        return _choice_label(self.choices, value)


@dataclass(frozen=True)
class Question:
    number: str | None
    label: str
    hint: str | None
    fields: tuple[Field, ...]
    intro: Paragraphs = ()
    note: Paragraphs = ()


@dataclass(frozen=True)
class Step:
    """One page of the web form; its key is a URL slug unique across the form."""

    key: str
    title: str
    heading: str | None
    questions: tuple[Question, ...]
    section_key: str
    intro: Paragraphs = ()
    note: Paragraphs = ()

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for question in self.questions for f in question.fields)


@dataclass(frozen=True)
class Section:
    """A top-level key of the answers (`key_details`, `policy`, `screening`, `report`)."""

    key: str
    title: str
    intro: Paragraphs
    steps: tuple[Step, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for step in self.steps for f in step.fields)


@dataclass(frozen=True)
class FormDefinition:
    version: str
    title: str
    introduction: Paragraphs
    choices: Mapping[str, tuple[Choice, ...]]
    sections: tuple[Section, ...]
    _fields: dict[str, Field] = dataclass_field(init=False, repr=False, compare=False)
    _questions: dict[str, Question] = dataclass_field(init=False, repr=False, compare=False)
    _steps: dict[str, Step] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps: dict[str, Step] = {}
        fields: dict[str, Field] = {}
        questions: dict[str, Question] = {}
        for step in (s for section in self.sections for s in section.steps):
            if step.key in steps:
                raise DefinitionError(f"Step key {step.key!r} is used twice")
            steps[step.key] = step
            for question in step.questions:
                for f in question.fields:
                    if f.path in fields:
                        raise DefinitionError(f"Field path {f.path!r} is used twice")
                    fields[f.path] = f
                    questions[f.path] = question
        object.__setattr__(self, "_steps", steps)
        object.__setattr__(self, "_fields", fields)
        object.__setattr__(self, "_questions", questions)

    @classmethod
    def from_dict(cls, data: object) -> FormDefinition:
        """Build and check a definition from parsed YAML; raises DefinitionError."""
        return _parse_definition(data)

    # -- lookups -------------------------------------------------------------------------

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(self._steps.values())

    def step(self, key: str) -> Step:
        return self._steps[key]

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def field(self, path: str) -> Field:
        """The field at exactly this path (e.g. `screening.human_rights`); KeyError if none."""
        return self._fields[path]

    def fields(self) -> list[Field]:
        """Every field in form order."""
        return list(self._fields.values())

    def question(self, field_path: str) -> Question:
        return self._questions[field_path]

    # -- any answer path, including table cells and list rows ----------------------------

    def resolve(self, path: str) -> tuple[Field, list[str]] | None:
        """The field an answer path falls under and the rest of the path, or None."""
        parts = path.split(".")
        found = self._fields.get(".".join(parts[:2]))
        return (found, parts[2:]) if found else None

    def question_number_for(self, path: str) -> str | None:
        """The question number of any answer path; None if unnumbered or not in the form."""
        resolved = self.resolve(path)
        return self._questions[resolved[0].path].number if resolved else None

    def step_for(self, path: str) -> Step | None:
        """The step (web page) where any answer path is answered; None if not in the form."""
        resolved = self.resolve(path)
        if resolved is None:
            return None
        return next(s for s in self.steps if resolved[0] in s.fields)

    def label_for(self, path: str) -> str:
        """A human label for any answer path, e.g. "Q10 Disability: kind of impact".

        Falls back to the path itself for paths the form does not know (such as an
        unknown key being reported as an error), so callers can always show something.
        """
        section = next((s for s in self.sections if s.key == path), None)
        if section is not None:
            return section.title
        resolved = self.resolve(path)
        if resolved is None:
            return path
        found, rest = resolved
        number = self._questions[found.path].number
        label = _cell_label(found, number, rest)
        return label if label is not None else path

    # -- serialisation -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the whole form (served at GET /api/v1/template)."""
        return {
            "version": self.version,
            "title": self.title,
            "introduction": list(self.introduction),
            "choices": {
                name: [_choice_dict(c) for c in choices] for name, choices in self.choices.items()
            },
            "sections": [_section_dict(s) for s in self.sections],
        }


# -- labels ------------------------------------------------------------------------------


def _choice_label(choices: tuple[Choice, ...], value: object) -> str | None:
    return next((c.label for c in choices if c.value == value), None)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _cell_label(found: Field, number: str | None, rest: list[str]) -> str | None:
    own = f"Q{number} {found.label}" if number else found.label
    if not rest:
        return own
    if found.is_keyed_table:
        return _keyed_cell_label(found, number, rest)
    if found.is_list:
        return _list_cell_label(found, rest)
    return None


def _keyed_cell_label(found: Field, number: str | None, rest: list[str]) -> str | None:
    """A row reads "Q10 Disability", one of its cells "Q10 Disability: kind of impact"."""
    try:
        row = found.row(rest[0])
    except KeyError:
        return None
    prefix = f"Q{number} {row.label}" if number else f"{found.label}: {row.label}"
    if len(rest) == 1:
        return prefix
    try:
        column = found.column(rest[1])
    except KeyError:
        return None
    return f"{prefix}: {_lower_first(column.label)}" if len(rest) == 2 else None


def _list_cell_label(found: Field, rest: list[str]) -> str | None:
    """A row reads "Improvement plan row 1", a cell "Improvement plan row 1: Target"."""
    if not rest[0].isdigit():
        return None
    prefix = f"{found.label} row {int(rest[0]) + 1}"
    if len(rest) == 1:
        return prefix
    try:
        column = found.column(rest[1])
    except KeyError:
        return None
    return f"{prefix}: {column.label}" if len(rest) == 2 else None


# -- to_dict helpers ---------------------------------------------------------------------


def _choice_dict(choice: Choice) -> dict[str, str]:
    return {"value": choice.value, "label": choice.label}


def _column_dict(column: Column) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": column.key,
        "label": column.label,
        "type": column.type,
        "hint": column.hint,
        "required": column.required,
    }
    if column.choices:
        data["choices"] = [_choice_dict(c) for c in column.choices]
    if column.type in TEXT_TYPES:
        data["max_length"] = TEXT_MAX_LENGTH
    return data


def _field_dict(f: Field) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": f.key,
        "path": f.path,
        "label": f.label,
        "type": f.type,
        "hint": f.hint,
        "required": f.required,
    }
    if f.choices:
        data["choices"] = [_choice_dict(c) for c in f.choices]
    if f.type in TEXT_TYPES | {"department"}:
        data["max_length"] = TEXT_MAX_LENGTH
    if f.rows:
        data["rows"] = [
            {"key": r.key, "label": r.label, "hint": r.hint, "group": r.group} for r in f.rows
        ]
    if f.columns:
        data["columns"] = [_column_dict(c) for c in f.columns]
    if f.max_rows is not None:
        data["max_rows"] = f.max_rows
    return data


def _question_dict(q: Question) -> dict[str, Any]:
    return {
        "number": q.number,
        "label": q.label,
        "hint": q.hint,
        "intro": list(q.intro),
        "note": list(q.note),
        "fields": [_field_dict(f) for f in q.fields],
    }


def _step_dict(step: Step) -> dict[str, Any]:
    return {
        "key": step.key,
        "title": step.title,
        "heading": step.heading,
        "intro": list(step.intro),
        "note": list(step.note),
        "questions": [_question_dict(q) for q in step.questions],
    }


def _section_dict(section: Section) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title,
        "intro": list(section.intro),
        "steps": [_step_dict(s) for s in section.steps],
    }


# -- parsing and checking ----------------------------------------------------------------


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DefinitionError(f"{where} must be a mapping")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise DefinitionError(f"{where} must be a list")
    return value


def _text(data: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"{where} needs a non-empty text {key!r}")
    return value


def _flag(data: Mapping[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise DefinitionError(f"{where}: {key!r} must be true or false")
    return value


def _paragraphs(value: object, where: str) -> Paragraphs:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    items = _list(value, where)
    if not all(isinstance(p, str) for p in items):
        raise DefinitionError(f"{where} must be text paragraphs")
    return tuple(items)


def _key(data: Mapping[str, Any], where: str, pattern: re.Pattern[str] = _KEY) -> str:
    key = data.get("key")
    if not isinstance(key, str) or not pattern.match(key):
        raise DefinitionError(f"{where} has a missing or malformed key: {key!r}")
    return key


def _parse_choices(data: object) -> dict[str, tuple[Choice, ...]]:
    choices: dict[str, tuple[Choice, ...]] = {}
    for name, items in _mapping(data, "choices").items():
        where = f"choice list {name!r}"
        parsed = []
        for item in _list(items, where):
            item = _mapping(item, where)
            value = item.get("value")
            if not isinstance(value, str):
                raise DefinitionError(f"{where} has a value that is not text: {value!r}")
            parsed.append(Choice(value, _text(item, "label", where)))
        if not parsed or len({c.value for c in parsed}) != len(parsed):
            raise DefinitionError(f"{where} must have distinct values")
        choices[name] = tuple(parsed)
    return choices


def _choices_for(
    data: Mapping[str, Any], type_: str, choices: Mapping[str, tuple[Choice, ...]], where: str
) -> tuple[Choice, ...]:
    """A choice type uses the list of its own name unless it names another with `choices`."""
    name = data.get("choices", type_ if type_ in CHOICE_TYPES else None)
    if name is None:
        return ()
    if name not in choices:
        raise DefinitionError(f"{where} refers to an unknown choice list {name!r}")
    return choices[name]


def _parse_column(data: object, choices: Mapping[str, tuple[Choice, ...]], where: str) -> Column:
    data = _mapping(data, where)
    key = _key(data, where)
    where = f"{where} {key!r}"
    type_ = data.get("type")
    if type_ not in SCALAR_TYPES:
        raise DefinitionError(f"{where} has an unknown column type {type_!r}")
    return Column(
        key=key,
        label=_text(data, "label", where),
        type=type_,
        hint=_text(data, "hint", where, optional=True),
        required=_flag(data, "required", where),
        choices=_choices_for(data, type_, choices, where),
    )


def _parse_rows(data: Mapping[str, Any], where: str) -> tuple[Row, ...]:
    """Rows come either as `rows` or as titled `row_groups` (the Q11/Q20 Parts 1 and 2)."""
    groups = [{"title": None, "rows": data["rows"]}] if "rows" in data else data.get("row_groups")
    rows: list[Row] = []
    for group in _list(groups, f"{where} rows"):
        group = _mapping(group, f"{where} row group")
        title = _text(group, "title", where, optional=True)
        for item in _list(group.get("rows"), f"{where} rows"):
            item = _mapping(item, f"{where} row")
            rows.append(
                Row(
                    key=_key(item, f"{where} row"),
                    label=_text(item, "label", f"{where} row"),
                    hint=_text(item, "hint", f"{where} row", optional=True),
                    group=title,
                )
            )
    if not rows:
        raise DefinitionError(f"{where} needs rows")
    return tuple(rows)


def _unique(keys: list[str], where: str) -> None:
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise DefinitionError(f"{where} repeats {', '.join(duplicates)}")


def _parse_field(
    data: object,
    section_key: str,
    question_label: str,
    choices: Mapping[str, tuple[Choice, ...]],
    where: str,
) -> Field:
    data = _mapping(data, where)
    key = _key(data, where)
    path = f"{section_key}.{key}"
    where = f"field {path!r}"
    type_ = data.get("type")
    if type_ not in FIELD_TYPES:
        raise DefinitionError(f"{where} has an unknown type {type_!r}")
    rows: tuple[Row, ...] = ()
    columns: tuple[Column, ...] = ()
    if type_ in KEYED_TABLE_TYPES | LIST_TYPES:
        columns = tuple(
            _parse_column(c, choices, f"{where} column")
            for c in _list(data.get("columns"), f"{where} columns")
        )
        if not columns:
            raise DefinitionError(f"{where} needs columns")
        _unique([c.key for c in columns], f"{where} columns")
    if type_ in KEYED_TABLE_TYPES:
        rows = _parse_rows(data, where)
        _unique([r.key for r in rows], f"{where} rows")
    max_rows = None
    if type_ in LIST_TYPES:
        max_rows = data.get("max_rows", DEFAULT_MAX_ROWS)
        if not isinstance(max_rows, int) or isinstance(max_rows, bool) or max_rows < 1:
            raise DefinitionError(f"{where}: max_rows must be a whole number of 1 or more")
    return Field(
        path=path,
        key=key,
        # A question with one answer needs no second label: the question is its label.
        label=_text(data, "label", where, optional=True) or question_label,
        type=type_,
        hint=_text(data, "hint", where, optional=True),
        required=_flag(data, "required", where),
        choices=_choices_for(data, type_, choices, where),
        rows=rows,
        columns=columns,
        max_rows=max_rows,
    )


def _parse_question(
    data: object, section_key: str, choices: Mapping[str, tuple[Choice, ...]], where: str
) -> Question:
    data = _mapping(data, where)
    number = data.get("number")
    if number is not None and not isinstance(number, str):
        raise DefinitionError(f"{where}: number must be quoted text or null, not {number!r}")
    where = f"question {number}" if number else where
    label = _text(data, "label", where)
    fields = tuple(
        _parse_field(f, section_key, label, choices, f"{where} field")
        for f in _list(data.get("fields"), f"{where} fields")
    )
    if not fields:
        raise DefinitionError(f"{where} has no fields")
    return Question(
        number=number,
        label=label,
        hint=_text(data, "hint", where, optional=True),
        fields=fields,
        intro=_paragraphs(data.get("intro"), f"{where} intro"),
        note=_paragraphs(data.get("note"), f"{where} note"),
    )


def _parse_step(data: object, section_key: str, choices: Mapping[str, tuple[Choice, ...]]) -> Step:
    data = _mapping(data, f"a step of {section_key}")
    key = _key(data, f"a step of {section_key}", _SLUG)
    where = f"step {key!r}"
    return Step(
        key=key,
        title=_text(data, "title", where),
        heading=_text(data, "heading", where, optional=True),
        questions=tuple(
            _parse_question(q, section_key, choices, f"a question of {where}")
            for q in _list(data.get("questions"), f"{where} questions")
        ),
        section_key=section_key,
        intro=_paragraphs(data.get("intro"), f"{where} intro"),
        note=_paragraphs(data.get("note"), f"{where} note"),
    )


def _parse_section(data: object, choices: Mapping[str, tuple[Choice, ...]]) -> Section:
    data = _mapping(data, "a section")
    key = _key(data, "a section")
    where = f"section {key!r}"
    steps = tuple(_parse_step(s, key, choices) for s in _list(data.get("steps"), where))
    if not steps:
        raise DefinitionError(f"{where} has no steps")
    return Section(
        key=key,
        title=_text(data, "title", where),
        intro=_paragraphs(data.get("intro"), f"{where} intro"),
        steps=steps,
    )


def _parse_definition(data: object) -> FormDefinition:
    data = _mapping(data, "The definition")
    choices = _parse_choices(data.get("choices"))
    sections = tuple(_parse_section(s, choices) for s in _list(data.get("sections"), "sections"))
    _unique([s.key for s in sections], "sections")
    return FormDefinition(
        version=_text(data, "version", "The definition"),
        title=_text(data, "title", "The definition"),
        introduction=_paragraphs(data.get("introduction"), "introduction"),
        choices=choices,
        sections=sections,
    )


# -- loading -----------------------------------------------------------------------------


def available_versions() -> list[str]:
    return sorted(p.stem for p in DEFINITIONS_DIR.glob("*.yaml"))


@cache
def load_definition(version: str = CURRENT_VERSION) -> FormDefinition:
    """The definition of that version, read once per process and checked as it loads."""
    if not isinstance(version, str) or not _VERSION.match(version):
        raise UnknownTemplateVersion(f"Unknown form version: {version!r}")
    file = DEFINITIONS_DIR / f"{version}.yaml"
    if not file.is_file():
        raise UnknownTemplateVersion(f"Unknown form version: {version!r}")
    definition = FormDefinition.from_dict(yaml.safe_load(file.read_text(encoding="utf-8")))
    if definition.version != version:
        raise DefinitionError(f"{file.name} says it is version {definition.version!r}")
    return definition
