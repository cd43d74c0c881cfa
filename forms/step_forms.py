"""WTForms forms made from the form definition: one class per step, built once.

Nobody writes the ~150 fields by hand: each definition field type maps to a WTForms field
here, and `StepForm` converts between the posted form and the answers object. Values are
checked by `ehria.answers` (the one place that knows the rules); this module only parses
what the browser sent (dates typed as day, month and year) and keeps what was typed.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from ehria.answers import get_path
from ehria.form_definition import Column, Field, FormDefinition, Step, load_definition
from forms.base import BaseForm

EMPTY_PLAN_ROWS = 1


class DateParts(Form):
    """The GOV.UK date pattern: day, month and year in three boxes."""

    day = StringField("Day")
    month = StringField("Month")
    year = StringField("Year")


def _radio(label: str, choices) -> RadioField:
    return RadioField(label, choices=[SelectChoice(c.value, c.label) for c in choices],
                      validate_choice=False)


def _column_field(column: Column):
    if column.type in ("yn", "ynu", "impact", "likely_impact"):
        return _radio(column.label, column.choices)
    if column.type == "date":
        return StringField(column.label)
    return TextAreaField(column.label) if column.key == "comments" else StringField(column.label)


@cache
def _row_form(columns: tuple[Column, ...]) -> type[Form]:
    return type("RowForm", (Form,), {c.key: _column_field(c) for c in columns})


def _wtforms_field(field: Field):
    if field.type in ("yn", "ynu", "impact", "likely_impact"):
        return _radio(field.label, field.choices)
    if field.type == "department":
        return RadioField(field.label, choices=[], validate_choice=False)
    if field.type == "date":
        return FormField(DateParts, label=field.label)
    if field.is_keyed_table:
        row_form = _row_form(field.columns)
        table = type("TableForm", (Form,), {r.key: FormField(row_form, label=r.label)
                                             for r in field.rows})
        return FormField(table, label=field.label)
    if field.is_list:
        return FieldList(FormField(_row_form(field.columns)), label=field.label)
    if field.type == "line":
        return StringField(field.label)
    return TextAreaField(field.label)


def _text_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n")
    return text if text.strip() else None


def _date_answer(parts: dict) -> tuple[str | None, bool]:
    """'YYYY-MM-DD' (or None when blank) and whether the typed date was real."""
    day, month, year = (str(parts.get(k) or "").strip() for k in ("day", "month", "year"))
    if not (day or month or year):
        return None, True
    try:
        return date(int(year), int(month), int(day)).isoformat(), len(year) == 4
    except ValueError:
        return None, False


class StepForm(BaseForm):
    """One step's questions; subclasses are made by `step_form_class`."""

    version = HiddenField()
    step: Step

    def load_answers(self, answers: dict) -> None:
        """Fill the fields from stored answers (when the page is first shown)."""
        for field in self.step.fields:
            value = get_path(answers, field.path)
            form_field = self[field.key]
            if field.type == "date":
                if isinstance(value, str) and len(value) == 10:
                    year, month, day = value.split("-")
                    form_field.form.day.data = day.lstrip("0")
                    form_field.form.month.data = month.lstrip("0")
                    form_field.form.year.data = year
            elif field.is_keyed_table:
                for row in field.rows:
                    row_value = (value or {}).get(row.key) or {}
                    for column in field.columns:
                        form_field.form[row.key].form[column.key].data = row_value.get(column.key)
            elif field.is_list:
                rows = value if isinstance(value, list) else []
                while len(form_field.entries):
                    form_field.pop_entry()
                for row_value in rows or [{}] * EMPTY_PLAN_ROWS:
                    form_field.append_entry(row_value if isinstance(row_value, dict) else {})
            else:
                form_field.data = value

    def to_answers(self) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The step's answers as a patch for `deep_merge`, and errors found while parsing.

        Blank boxes become None, so clearing a box clears the stored answer.
        """
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for field in self.step.fields:
            form_field = self[field.key]
            if field.type == "date":
                value, real = _date_answer(form_field.data or {})
                if not real:
                    errors[field.path] = [f"{field.label} must be a real date"]
            elif field.is_keyed_table:
                value = self._table_answer(field, form_field.data or {})
            elif field.is_list:
                value = [
                    {k: _text_or_none(v) for k, v in row.items() if _text_or_none(v)}
                    for row in form_field.data or []
                ]
                value = [row for row in value if row] or None
            elif field.type in ("text", "line"):
                value = _text_or_none(form_field.data)
            else:
                value = form_field.data or None
            values[field.key] = value
        return {self.step.section_key: values}, errors

    @staticmethod
    def _table_answer(field: Field, data: dict) -> dict[str, Any]:
        answer_column = field.columns[0].key  # affected / engaged / comments
        table: dict[str, Any] = {}
        for row in field.rows:
            row_data = data.get(row.key) or {}
            if field.type == "comment_table":
                # Q19/Q20 print every row, as the paper form does; a row left empty is
                # kept as an empty comment (not answered), like the worked examples.
                table[row.key] = {"comments": _text_or_none(row_data.get("comments")) or ""}
                continue
            cells = {c.key: (_text_or_none(row_data.get(c.key)) if c.type == "text"
                             else row_data.get(c.key) or None) for c in field.columns}
            if "impact" in cells and cells.get(answer_column) != "yes":
                cells["impact"] = None  # only asked when the row is affected or engaged
            table[row.key] = {k: v for k, v in cells.items() if v is not None} or None
        return table

    def add_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """Show errors found by `ehria.answers` beside the fields they name; returns those
        about no single box (a list with too many rows), for the page to say at the top."""
        unplaced: list[str] = []
        for path, messages in errors.items():
            target = self.field_for_path(path)
            if isinstance(target, FormField) and "day" in target.form:
                target = target.form.day  # a date's message is shown once, for the date
            if target is not None and not isinstance(target, FormField | FieldList):
                target.errors = [*list(target.errors or []), *messages]
            else:
                unplaced += messages
        return unplaced

    def field_for_path(self, path: str):
        section, _, rest = path.partition(".")
        if section != self.step.section_key or not rest:
            return None
        parts = rest.split(".")
        current = self._fields.get(parts[0])
        for part in parts[1:]:
            if current is None:
                return None
            if isinstance(current, FieldList):
                index = int(part) if part.isdigit() else -1
                current = current.entries[index] if 0 <= index < len(current.entries) else None
            elif isinstance(current, FormField):
                current = current.form._fields.get(part)
            else:
                return current  # a date's error belongs to the whole date
        return current


@cache
def step_form_class(version: str, step_key: str) -> type[StepForm]:
    """The form class of one step of one definition version (built once, then reused)."""
    definition: FormDefinition = load_definition(version)
    step = definition.step(step_key)
    attributes: dict[str, Any] = {"step": step}
    for field in step.fields:
        attributes[field.key] = _wtforms_field(field)
    return type(f"StepForm_{step_key.replace('-', '_')}", (StepForm,), attributes)
