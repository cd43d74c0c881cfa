"""Field types holding one value: text, one line of text, a date, a department, a choice."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from wtforms import Form, FormField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ehria.form.conditions import Context
from ehria.form.problems import TemplateProblem
from ehria.form.types.base import AnyField, Checking, Errors, FieldType, Reading, add_error
from ehria.limits import TEXT_MAX_LENGTH

NOT_TEXT = "Must be text"
TOO_LONG = f"Must be {TEXT_MAX_LENGTH:,} characters or fewer"
NOT_ONE_LINE = "Must be one line, without line breaks"
BAD_DATE = "Enter a real date in the format YYYY-MM-DD"
UNKNOWN_DEPARTMENT = "Choose one of the configured departments"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Anything that ends a line: in an e-mail header it would start another header.
_LINE_BREAK = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def text_or_none(value: object) -> str | None:
    """What was typed, with Windows line ends made plain; None when blank."""
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n")
    return text if text.strip() else None


def date_in_words(value: object) -> str:
    """An ISO date as the council writes it, "2 February 2026"; other text as it is."""
    if isinstance(value, str) and _DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day} {day:%B %Y}"
    return "" if value is None else str(value)


def _text_error(value: object) -> str | None:
    if not isinstance(value, str):
        return NOT_TEXT
    if len(value) > TEXT_MAX_LENGTH:
        return TOO_LONG
    return None


class TextType(FieldType):
    """Prose of any length (up to the text limit), line breaks kept. `height` sets how many
    lines its box shows (6 unless the template says; 1 is a one-line box, as the
    improvement plan's cells have)."""

    name = "text"
    may_be_column = True
    accepts_options = ("height",)

    def read_options(self, data: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
        height = data.get("height", 6)
        if not isinstance(height, int) or isinstance(height, bool) or not 1 <= height <= 20:
            reading.problems.append(TemplateProblem(reading.place, "height must be a whole "
                                                    "number from 1 to 20", reading.line))
            height = 6
        return {"options": {"height": height}}

    def check(self, field: AnyField, value: object, path: str, errors: Errors,
              checking: Checking) -> None:
        if message := _text_error(value):
            add_error(errors, path, message)

    def form_field(self, field: AnyField) -> Any:
        if field.options.get("height", 6) == 1:
            return StringField(field.label)
        return TextAreaField(field.label)

    def clean(self, field: AnyField, posted: object) -> object:
        return text_or_none(posted)

    def options_dict(self, field: AnyField) -> dict[str, Any]:
        data: dict[str, Any] = {"max_length": TEXT_MAX_LENGTH}
        if "height" in self.accepts_options:
            data["height"] = field.options.get("height", 6)
        return data


class LineType(TextType):
    """One line of text: a name, a number, the policy's name (which goes into e-mail
    subjects, where a line break would start another header)."""

    name = "line"
    accepts_options = ()
    may_be_name = True

    def read_options(self, data: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
        return {}

    def check(self, field: AnyField, value: object, path: str, errors: Errors,
              checking: Checking) -> None:
        message = _text_error(value)
        if message is None and _LINE_BREAK.search(str(value)):
            message = NOT_ONE_LINE
        if message:
            add_error(errors, path, message)

    def form_field(self, field: AnyField) -> Any:
        return StringField(field.label)


class WhenType(TextType):
    """A date, or words when there is none yet ("Spring 2027", "Ongoing"): dates print
    in words like every other date."""

    name = "date_or_text"

    def text(self, field: AnyField, value: object) -> str:
        return date_in_words(super().text(field, value))

    def form_field(self, field: AnyField) -> Any:
        return StringField(field.label)


class DateParts(Form):
    """The GOV.UK date pattern: day, month and year in three boxes."""

    day = StringField("Day")
    month = StringField("Month")
    year = StringField("Year")


class DateType(FieldType):
    """A date, stored as YYYY-MM-DD, typed as day, month and year."""

    name = "date"

    def check(self, field: AnyField, value: object, path: str, errors: Errors,
              checking: Checking) -> None:
        if not isinstance(value, str) or not _DATE.match(value):
            add_error(errors, path, BAD_DATE)
            return
        try:
            date.fromisoformat(value)
        except ValueError:
            add_error(errors, path, BAD_DATE)

    def text(self, field: AnyField, value: object) -> str:
        return date_in_words(super().text(field, value))

    def form_field(self, field: AnyField) -> Any:
        return FormField(DateParts, label=field.label)

    def load(self, form_field: Any, field: AnyField, value: object) -> None:
        if isinstance(value, str) and len(value) == 10:
            year, month, day = value.split("-")
            form_field.form.day.data = day.lstrip("0")
            form_field.form.month.data = month.lstrip("0")
            form_field.form.year.data = year

    def read(self, form_field: Any, field: AnyField, context: Context
             ) -> tuple[object, Errors]:
        parts = form_field.data or {}
        day, month, year = (str(parts.get(k) or "").strip() for k in ("day", "month", "year"))
        if not (day or month or year):
            return None, {}
        try:
            value = date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            value = None
        if value is None or len(year) != 4:
            return None, {field.path: [f"{field.label} must be a real date"]}
        return value, {}


class DepartmentType(FieldType):
    """One of the council's configured departments: it routes the assessment."""

    name = "department"
    routes = True

    def check(self, field: AnyField, value: object, path: str, errors: Errors,
              checking: Checking) -> None:
        message = _text_error(value)
        if message is None and checking.departments is not None and value != "" and (
                value not in checking.departments):
            message = UNKNOWN_DEPARTMENT
        if message:
            add_error(errors, path, message)

    def form_field(self, field: AnyField) -> Any:
        return RadioField(field.label, choices=[], validate_choice=False)

    def prepare(self, form_field: Any, field: AnyField, departments: list[Any]) -> None:
        form_field.choices = departments

    def options_dict(self, field: AnyField) -> dict[str, Any]:
        return {"max_length": TEXT_MAX_LENGTH}


class ChoiceType(FieldType):
    """One of a choice list of the template. The type `choice` names its list with
    `choices:`; a type named after one of the template's lists (`type: yn` where the
    template has a list `yn`) is a choice of that list.
    Lists of up to three choices sit side by side on the page and print as one column
    per choice in the PDF's tables (`inline: false` in the template stacks them)."""

    name = "choice"
    word_layout = "marks"
    may_be_column = True
    accepts_options = ("choices", "inline")

    def read_options(self, data: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
        list_name = data.get("choices", data.get("type") if data.get("type") != "choice"
                             else None)
        if list_name is None:
            reading.problems.append(TemplateProblem(
                reading.place, "a choice needs `choices:` naming one of the choice lists",
                reading.line))
            return {}
        if list_name not in reading.choices:
            reading.problems.append(TemplateProblem(
                reading.place, f"refers to an unknown choice list {list_name!r}", reading.line))
            return {}
        choices = reading.choices[list_name]
        inline = data.get("inline", len(choices) <= 3)
        if not isinstance(inline, bool):
            reading.problems.append(TemplateProblem(reading.place, "inline must be true or "
                                                                   "false", reading.line))
            inline = len(choices) <= 3
        return {"choices": choices, "options": {"inline": inline, "list": list_name}}

    def inline(self, field: AnyField) -> bool:
        """Radios side by side on the page."""
        return bool(field.options.get("inline", len(field.choices) <= 3))

    def prints_as_marks(self, field: AnyField) -> bool:
        """In the PDF's tables, a column per choice with a tick (Yes/No); otherwise the
        chosen label as text."""
        return len(field.choices) <= 3

    def check(self, field: AnyField, value: object, path: str, errors: Errors,
              checking: Checking) -> None:
        if not any(value == choice.value and isinstance(value, str) for choice in field.choices):
            add_error(errors, path, "Choose one of: " + ", ".join(
                f'"{choice.value}"' for choice in field.choices))

    def text(self, field: AnyField, value: object) -> str:
        words = super().text(field, value)
        return (field.choice_label(value) or words) if words else ""

    def form_field(self, field: AnyField) -> Any:
        return RadioField(field.label, validate_choice=False, choices=[
            SelectChoice(c.value, c.label) for c in field.choices])

    def options_dict(self, field: AnyField) -> dict[str, Any]:
        return {"choices": [{"value": c.value, "label": c.label} for c in field.choices],
                "choice_list": field.options.get("list")}

    def pdf_block_key(self, field: AnyField) -> object | None:
        return ("grid", field.choices)
