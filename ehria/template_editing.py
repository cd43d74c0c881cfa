"""Edits an admin makes to one step of a draft template in the pages (issue 13): its
wording, its questions (reworded, added, removed), its tables' rows (renamed, added,
removed, reordered). Pure: a template source and the posted values in, a new source out;
ehria.template_versions checks and stores it, so a bad edit is refused whole.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

import yaml


class EditProblem(ValueError):
    """An edit that cannot even be read (a condition that is not YAML), by its place."""

    def __init__(self, place: str, message: str) -> None:
        super().__init__(f"{place}: {message}")
        self.place = place
        self.message = message


# the types an added question may have (one answer each); tables come by YAML upload
ADDABLE_TYPES = ("text", "line", "date", "date_or_text")


def steps_of(source: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(section, step) for every step of a template source, in order."""
    for section in source.get("sections") or []:
        for step in section.get("steps") or []:
            yield section, step


def step_of(source: Mapping[str, Any], key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    for section, step in steps_of(source):
        if step.get("key") == key:
            return section, step
    raise KeyError(key)


def table_fields(question: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The fields of a question that have fixed rows, with their index."""
    return [(index, field) for index, field in enumerate(question.get("fields") or [])
            if "rows" in field or "row_groups" in field]


def rows_of(field: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A table's rows, each with its group title (None without groups)."""
    if "rows" in field:
        return [dict(row, group=None) for row in field["rows"]]
    return [dict(row, group=group.get("title")) for group in field["row_groups"]
            for row in group.get("rows") or []]


def _set_rows(field: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    plain = [{k: v for k, v in row.items() if k != "group" and v not in (None, "")}
             for row in rows]
    if "rows" in field:
        field["rows"] = plain
        return
    groups: list[dict[str, Any]] = []
    for row, item in zip(rows, plain, strict=True):
        if not groups or groups[-1]["title"] != row["group"]:
            groups.append({"title": row["group"], "rows": []})
        groups[-1]["rows"].append(item)
    field["row_groups"] = groups


def _text(form: Mapping[str, str], name: str) -> str | None:
    value = (form.get(name) or "").strip()
    return value or None


def _position(form: Mapping[str, str], name: str, default: int) -> float:
    try:
        return float(form.get(name) or default)
    except ValueError:
        return default


def paragraphs_text(value: object) -> str:
    """Paragraphs as a text box shows them: separated by a blank line."""
    if isinstance(value, list):
        return "\n\n".join(str(v) for v in value)
    return str(value or "")


def _paragraphs(form: Mapping[str, str], name: str) -> list[str]:
    text = (form.get(name) or "").replace("\r\n", "\n")
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def group_titles(field: Mapping[str, Any]) -> list[str]:
    return [group.get("title") or "" for group in field.get("row_groups") or []]


def _edit_rows(field: dict[str, Any], form: Mapping[str, str], prefix: str) -> None:
    titles = {old: _text(form, f"{prefix}_g{n}_title") or old
              for n, old in enumerate(group_titles(field))}
    rows = rows_of(field)
    for row in rows:
        row["group"] = titles.get(row["group"], row["group"])
    kept = []
    for number, row in enumerate(rows):
        name = f"{prefix}_r{number}"
        if form.get(f"{name}_remove"):
            continue
        row["label"] = _text(form, f"{name}_label") or row["label"]
        row["hint"] = _text(form, f"{name}_hint")
        kept.append((_position(form, f"{name}_position", number + 1), number, row))
    if (key := _text(form, f"{prefix}_new_key")) and (label := _text(form, f"{prefix}_new_label")):
        group = kept[-1][2]["group"] if kept else None
        kept.append((_position(form, f"{prefix}_new_position", len(rows) + 1), len(rows),
                     {"key": key, "label": label, "group": group}))
    _set_rows(field, [row for _, _, row in sorted(kept, key=lambda item: item[:2])])


def edit_step(source: Mapping[str, Any], step_key: str, form: Mapping[str, str]
              ) -> dict[str, Any]:
    """The source with the posted edits to one step applied (a copy: `source` is kept)."""
    edited = copy.deepcopy(dict(source))
    section, step = step_of(edited, step_key)
    section["title"] = _text(form, "section_title") or section["title"]
    section["task_title"] = _text(form, "section_task_title")
    step["title"] = _text(form, "step_title") or step["title"]
    step["heading"] = _text(form, "step_heading")
    for name in ("intro", "note"):
        step[name] = _paragraphs(form, f"step_{name}")
    questions = []
    for number, question in enumerate(step.get("questions") or []):
        name = f"q{number}"
        if form.get(f"{name}_remove"):
            continue
        question["label"] = _text(form, f"{name}_label") or question["label"]
        question["hint"] = _text(form, f"{name}_hint")
        question["note"] = _paragraphs(form, f"{name}_note")
        for index, field in enumerate(question.get("fields") or []):
            field["required"] = bool(form.get(f"{name}_f{index}_required"))
        for index, field in table_fields(question):
            _edit_rows(field, form, f"{name}_f{index}")
        questions.append(question)
    if label := _text(form, "new_label"):
        type_name = form.get("new_type") or "text"
        questions.append({"number": _text(form, "new_number"), "label": label, "fields": [
            {"key": _text(form, "new_key") or "", "type": type_name,
             "required": bool(form.get("new_required"))}]})
    step["questions"] = questions
    return edited


def edit_choices(source: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The source with the choice lists' labels as posted (values stay: answers use them)."""
    edited = copy.deepcopy(dict(source))
    for name, choices in (edited.get("choices") or {}).items():
        for number, choice in enumerate(choices):
            choice["label"] = _text(form, f"choice_{name}_{number}") or choice["label"]
    return edited


def rule_set(source: Mapping[str, Any]) -> Mapping[str, Any]:
    """The template's `screening:` block (its rules and problems), or an empty one."""
    return source.get("screening") or {}


def edit_rules(source: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The source with the screening rules' wording as posted (reasons, clauses, problem
    messages); a rule's condition as YAML text when an admin rewrites it."""
    edited = copy.deepcopy(dict(source))
    screening = edited.get("screening") or {}
    for number, rule in enumerate(screening.get("rules") or []):
        if (condition := _text(form, f"rule{number}_when")) is not None:
            try:
                rule["when"] = yaml.safe_load(condition)
            except yaml.YAMLError as error:
                raise EditProblem(f"screening rule {rule.get('id')!r}, when",
                                  f"the condition is not readable: {error}") from error
        elif f"rule{number}_when" in form:
            rule.pop("when", None)
        for value, case in (rule.get("cases") or {}).items():
            for what in ("reason", "clause"):
                if (text := _text(form, f"rule{number}_{value}_{what}")) is not None:
                    case[what] = text
    for number, problem in enumerate(screening.get("problems") or []):
        if (text := _text(form, f"problem{number}_message")) is not None:
            problem["message"] = text
    return edited
