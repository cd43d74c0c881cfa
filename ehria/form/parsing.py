"""Reading a template (parsed YAML or JSON) into a FormDefinition, checking every part.

Every problem is collected with its line and place (ehria.form.problems), so a template
with five mistakes is refused once, naming all five. After the parts are read, the
references between them are checked (ehria.form.checks): conditions naming answers that
exist, with values their choices have; rules; where each step continues.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ehria.form.model import Choice, Column, Field, FormDefinition, Question, Row, Section, Step
from ehria.form.problems import DefinitionError, TemplateProblem, line_of
from ehria.form.reader import SLUG, Reader
from ehria.form.template_blocks import (
    read_assessment_fields,
    read_choices,
    read_insight,
    read_question_prefix,
    read_sign_off,
)
from ehria.form.types import REGISTRY, kind_of, type_names
from ehria.form.types.base import Reading

VERSION = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PERSONAL_KINDS = ("name", "telephone", "people")

COMMON_FIELD_KEYS = ("key", "label", "type", "hint", "required", "required_when",
                     "shown_when", "personal")
QUESTION_KEYS = ("number", "label", "hint", "fields", "intro", "note", "shown_when",
                 "note_shown_when", "link")
STEP_KEYS = ("key", "title", "heading", "questions", "intro", "note", "shown_when", "then")
SECTION_KEYS = ("key", "title", "intro", "steps", "task_title", "shown_when", "starts_after",
                "cannot_start", "not_needed", "layout", "prints_outcome")
TOP_KEYS = ("version", "title", "introduction", "question_prefix", "choices", "sections",
            "assessment", "screening", "sign_off", "insight")


def _reading(reader: Reader, choices: Mapping[str, tuple[Choice, ...]], place: str,
             line: int | None) -> Reading:
    return Reading(choices=choices, place=place, problems=reader.problems, line=line)


def _type_options(data: Mapping[str, Any], reading: Reading, *, column: bool) -> tuple[
        str | None, dict[str, Any]]:
    type_name = data.get("type")
    allowed = type_names(columns=column)
    if type_name not in allowed and type_name not in reading.choices:
        lists = f"; or a choice list's name: {', '.join(reading.choices)}" if (
            reading.choices) else ""
        reading.problems.append(TemplateProblem(
            reading.place, f"unknown {'column ' if column else ''}type {type_name!r} "
                           f"(types: {', '.join(allowed)}{lists})", reading.line))
        return None, {}
    return type_name, kind_of(type_name).read_options(data, reading)


def _options_of(type_name: str | None) -> tuple[str, ...]:
    """The settings a field of that type may have beyond the common ones; for an unknown
    type (already a problem), any type's, so that one mistake is not reported twice."""
    if type_name is None:
        return tuple(dict.fromkeys(o for kind in REGISTRY.values() for o in kind.accepts_options))
    return kind_of(type_name).accepts_options


def _personal(reader: Reader, data: Mapping[str, Any], place: str) -> str | None:
    personal = data.get("personal")
    if personal is not None and personal not in PERSONAL_KINDS:
        reader.problem(place, f"personal must be one of {', '.join(PERSONAL_KINDS)}, not "
                              f"{personal!r}", line_of(data))
        return None
    return personal


def read_column(item: object, reading: Reading) -> Column | None:
    reader = Reader()
    reader.problems = reading.problems
    data = reader.mapping(item, f"{reading.place}, a column", reading.line)
    if data is None:
        return None
    key = reader.key(data, f"{reading.place}, a column")
    place = f"{reading.place}, column {key!r}"
    type_name, options = _type_options(data, _reading(reader, reading.choices, place,
                                                      line_of(data)), column=True)
    reader.known_keys(data, COMMON_FIELD_KEYS + _options_of(type_name), place)
    label = reader.text(data, "label", place)
    if key is None or type_name is None or label is None:
        return None
    return Column(
        key=key, label=label, type=type_name, hint=reader.text(data, "hint", place,
                                                               optional=True),
        required=reader.flag(data, "required", place),
        shown_when=reader.condition(data, "shown_when", place),
        required_when=reader.condition(data, "required_when", place),
        personal=_personal(reader, data, place), line=line_of(data), **options,
    )


def read_row(item: object, group: object, reading: Reading) -> Row | None:
    reader = Reader()
    reader.problems = reading.problems
    data = reader.mapping(item, f"{reading.place}, a row", reading.line)
    if data is None:
        return None
    key = reader.key(data, f"{reading.place}, a row")
    place = f"{reading.place}, row {key!r}"
    reader.known_keys(data, ("key", "label", "hint"), place)
    label = reader.text(data, "label", place)
    if group is not None and not isinstance(group, str):
        reader.problem(place, "a row group's title must be text", line_of(data))
        group = None
    if key is None or label is None:
        return None
    return Row(key=key, label=label, hint=reader.text(data, "hint", place, optional=True),
               group=group)


def _field(reader: Reader, item: object, section_key: str, question_label: str,
           choices: Mapping[str, tuple[Choice, ...]], place: str) -> Field | None:
    data = reader.mapping(item, f"{place}, a field", None)
    if data is None:
        return None
    key = reader.key(data, f"{place}, a field")
    path = f"{section_key}.{key}"
    place = f"{place}, field {path!r}"
    type_name, options = _type_options(data, _reading(reader, choices, place, line_of(data)),
                                       column=False)
    reader.known_keys(data, COMMON_FIELD_KEYS + _options_of(type_name), place)
    if key is None or type_name is None:
        return None
    return Field(
        path=path, key=key,
        # a question with one answer needs no second label: the question is its label
        label=reader.text(data, "label", place, optional=True) or question_label,
        type=type_name, hint=reader.text(data, "hint", place, optional=True),
        required=reader.flag(data, "required", place),
        shown_when=reader.condition(data, "shown_when", place),
        required_when=reader.condition(data, "required_when", place),
        personal=_personal(reader, data, place), line=line_of(data), **options,
    )


def _question(reader: Reader, item: object, section_key: str,
              choices: Mapping[str, tuple[Choice, ...]], place: str) -> Question | None:
    data = reader.mapping(item, f"{place}, a question", None)
    if data is None:
        return None
    number = data.get("number")
    if number is not None and not isinstance(number, str):
        reader.problem(place, f"a question number must be quoted text or null, not "
                              f"{number!r}", line_of(data))
        number = None
    label = reader.text(data, "label", f"{place}, a question")
    place = f"{place}, question {number}" if number else (
        f"{place}, question {label[:40]!r}" if label else f"{place}, a question")
    reader.known_keys(data, QUESTION_KEYS, place)
    items = data.get("fields")
    if not isinstance(items, list) or not items:
        reader.problem(place, "a question needs fields", line_of(data))
        return None
    fields = [f for item in items
              if (f := _field(reader, item, section_key, label or "", choices, place))]
    link = data.get("link")
    if link is not None and not (isinstance(link, Mapping) and isinstance(link.get("text"), str)
                                 and isinstance(link.get("href"), str)
                                 and link["href"].startswith("https://")):
        reader.problem(place, "a link needs text and an https:// href", line_of(data))
        link = None
    if label is None or len(fields) != len(items):
        return None
    return Question(
        number=number, label=label, hint=reader.text(data, "hint", place, optional=True),
        fields=tuple(fields),
        intro=reader.paragraphs(data.get("intro"), f"{place}, intro", line_of(data)),
        note=reader.paragraphs(data.get("note"), f"{place}, note", line_of(data)),
        shown_when=reader.condition(data, "shown_when", place),
        note_shown_when=reader.condition(data, "note_shown_when", place),
        link=dict(link) if link else None, line=line_of(data),
    )


def _step(reader: Reader, item: object, section_key: str,
          choices: Mapping[str, tuple[Choice, ...]]) -> Step | None:
    data = reader.mapping(item, f"section {section_key!r}, a step", None)
    if data is None:
        return None
    key = reader.key(data, f"section {section_key!r}, a step", SLUG)
    place = f"step {key!r}"
    reader.known_keys(data, STEP_KEYS, place)
    title = reader.text(data, "title", place)
    items = data.get("questions")
    if not isinstance(items, list) or not items:
        reader.problem(place, "a step needs questions", line_of(data))
        return None
    questions = [q for item in items if (q := _question(reader, item, section_key, choices,
                                                        place))]
    then = data.get("then")
    if then is not None and not isinstance(then, str):
        reader.problem(place, "then must name a step or screening_result", line_of(data))
        then = None
    if key is None or title is None or len(questions) != len(items):
        return None
    return Step(
        key=key, title=title, heading=reader.text(data, "heading", place, optional=True),
        questions=tuple(questions), section_key=section_key,
        intro=reader.paragraphs(data.get("intro"), f"{place}, intro", line_of(data)),
        note=reader.paragraphs(data.get("note"), f"{place}, note", line_of(data)),
        shown_when=reader.condition(data, "shown_when", place), then=then,
        line=line_of(data),
    )


def _section(reader: Reader, item: object, choices: Mapping[str, tuple[Choice, ...]]
             ) -> Section | None:
    data = reader.mapping(item, "a section", None)
    if data is None:
        return None
    key = reader.key(data, "a section")
    place = f"section {key!r}"
    reader.known_keys(data, SECTION_KEYS, place)
    title = reader.text(data, "title", place)
    items = data.get("steps")
    if not isinstance(items, list) or not items:
        reader.problem(place, "a section needs steps", line_of(data))
        return None
    if key is None:
        return None
    steps = [s for item in items if (s := _step(reader, item, key, choices))]
    layout = data.get("layout")
    if layout not in (None, "table"):
        reader.problem(place, f"layout must be table or left out, not {layout!r}",
                       line_of(data))
    if title is None or len(steps) != len(items):
        return None
    optional = {name: reader.text(data, name, place, optional=True)
                for name in ("task_title", "starts_after", "cannot_start", "not_needed")}
    return Section(
        key=key, title=title, steps=tuple(steps),
        intro=reader.paragraphs(data.get("intro"), f"{place}, intro", line_of(data)),
        shown_when=reader.condition(data, "shown_when", place),
        layout=layout if layout == "table" else None,
        prints_outcome=reader.flag(data, "prints_outcome", place), line=line_of(data),
        **optional,
    )


def _no_repeats(reader: Reader, items: list[tuple[str, str, int | None]], what: str) -> None:
    """A key used twice is named where it is used again, with the line of its first use."""
    first: dict[str, int | None] = {}
    for key, place, line in items:
        if key in first:
            also = f" (first on line {first[key]})" if first[key] else ""
            reader.problem(place, f"the {what} {key!r} is used twice{also}", line)
        else:
            first[key] = line


def parse_definition(data: object, source: str = "the template") -> FormDefinition:
    """The template as a FormDefinition; DefinitionError listing every problem."""
    from ehria.form.checks import check_references
    from ehria.form.rules import parse_rules

    reader = Reader()
    top = reader.mapping(data, "the template", line_of(data))
    if top is None:
        raise DefinitionError(reader.problems, source)
    reader.known_keys(top, TOP_KEYS, "the template")
    version = reader.text(top, "version", "the template")
    if version is not None and not VERSION.match(version):
        reader.problem("the template", f"the version must be lower-case letters, digits and "
                                       f"hyphens, not {version!r}", line_of(top))
    title = reader.text(top, "title", "the template")
    choices = read_choices(reader, top.get("choices"))
    items = top.get("sections")
    sections = []
    if not isinstance(items, list) or not items:
        reader.problem("the template", "needs sections", line_of(top))
    else:
        sections = [s for item in items if (s := _section(reader, item, choices))]
    rules = parse_rules(top.get("screening"), reader.problems)
    assessment = read_assessment_fields(reader, top.get("assessment"))
    sign_off = read_sign_off(reader, top.get("sign_off"))
    _no_repeats(reader, [(s.key, f"section {s.key!r}", s.line) for s in sections],
                "section key")
    steps = [step for section in sections for step in section.steps]
    _no_repeats(reader, [(s.key, f"step {s.key!r}", s.line) for s in steps], "step key")
    _no_repeats(reader, [(f.path, f"step {s.key!r}, field {f.path!r}", f.line)
                         for s in steps for f in s.fields], "field key")
    if reader.problems:
        raise DefinitionError(reader.problems, source)
    definition = FormDefinition(
        version=version or "", title=title or "",
        introduction=reader.paragraphs(top.get("introduction"), "introduction", line_of(top)),
        choices=choices, sections=tuple(sections), rules=rules, sign_off=sign_off,
        assessment=assessment,  # type: ignore[arg-type]  (None only with problems)
        question_prefix=read_question_prefix(reader, top),
        insight=read_insight(reader, top.get("insight")),
    )
    problems = check_references(definition)
    if problems:
        raise DefinitionError(problems, source)
    return definition
