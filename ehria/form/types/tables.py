"""Field types holding a table: fixed rows with columns (the protected characteristics,
the Human Rights Act articles), and repeating rows (the improvement plan)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from wtforms import FieldList, Form, FormField

from ehria.form.conditions import CellIs, Context, holds
from ehria.form.model import Column, Field, Row
from ehria.form.problems import TemplateProblem, line_of
from ehria.form.types.base import AnyField, Checking, Errors, FieldType, Reading, add_error
from ehria.form.types.scalars import text_or_none

UNKNOWN_FIELD = "Unknown field"
NOT_AN_OBJECT = "Must be an object"
NOT_A_LIST = "Must be a list"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def check_cells(columns: tuple[Column, ...], row: object, path: str, errors: Errors,
                checking: Checking) -> None:
    if not isinstance(row, Mapping):
        add_error(errors, path, NOT_AN_OBJECT)
        return
    by_key = {column.key: column for column in columns}
    for key, value in row.items():
        cell_path = f"{path}.{key}"
        column = by_key.get(key)
        if column is None:
            add_error(errors, cell_path, UNKNOWN_FIELD)
        elif value is not None:
            column.kind.check(column, value, cell_path, errors, checking)


def column_shown(column: Column, context: Context) -> bool:
    return holds(column.shown_when, context)


def cell_needed(column: Column, context: Context) -> bool:
    """Whether a cell must be answered: required always, or when its condition holds."""
    return column.required or (column.required_when is not None
                               and holds(column.required_when, context))


@cache
def row_form(columns: tuple[Column, ...]) -> type[Form]:
    """The WTForms form of one row: a field per column, made by the column's type."""
    return type("RowForm", (Form,), {c.key: c.kind.form_field(c) for c in columns})


def read_columns(data: Mapping[str, Any], reading: Reading) -> tuple[Column, ...]:
    from ehria.form.parsing import read_column

    items = data.get("columns")
    if not isinstance(items, list) or not items:
        reading.problems.append(TemplateProblem(reading.place, "a table needs columns",
                                                reading.line))
        return ()
    columns = tuple(c for item in items
                    if (c := read_column(item, reading)) is not None)
    keys = [c.key for c in columns]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        reading.problems.append(TemplateProblem(reading.place, f"the column key {key!r} is "
                                                               "used twice", reading.line))
    return columns


class KeyedTableType(FieldType):
    """A table of fixed rows (given as `rows`, or as titled `row_groups`) and columns; the
    answer is an object keyed by row, each row an object keyed by column. Columns declare
    when they are shown and required (`shown_when`, `required_when`: conditions on the
    same row). `keep_empty_rows: true` stores every row, an empty one as empty text in its
    first column, as the paper form prints every row."""

    name = "table"
    word_layout = "table"
    has_rows = True
    accepts_options = ("columns", "rows", "row_groups", "keep_empty_rows")

    def read_options(self, data: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
        columns = read_columns(data, reading)
        rows = self._rows(data, reading)
        keys = [r.key for r in rows]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            reading.problems.append(TemplateProblem(reading.place, f"the row key {key!r} is "
                                                                   "used twice", reading.line))
        keep = data.get("keep_empty_rows", False)
        if not isinstance(keep, bool):
            reading.problems.append(TemplateProblem(reading.place, "keep_empty_rows must be "
                                                                   "true or false", reading.line))
            keep = False
        return {"columns": columns, "rows": rows, "options": {"keep_empty_rows": keep}}

    @staticmethod
    def _rows(data: Mapping[str, Any], reading: Reading) -> tuple[Row, ...]:
        from ehria.form.parsing import read_row

        if ("rows" in data) == ("row_groups" in data):
            reading.problems.append(TemplateProblem(reading.place, "a table needs either "
                                                    "rows or row_groups", reading.line))
            return ()
        groups = ([{"title": None, "rows": data["rows"]}] if "rows" in data
                  else data["row_groups"])
        if not isinstance(groups, list):
            reading.problems.append(TemplateProblem(reading.place, "row_groups must be a list",
                                                    reading.line))
            return ()
        rows: list[Row] = []
        for group in groups:
            if not isinstance(group, Mapping) or not isinstance(group.get("rows"), list):
                reading.problems.append(TemplateProblem(
                    reading.place, "each row group needs a title and rows",
                    line_of(group) or reading.line))
                continue
            title = group.get("title")
            for item in group["rows"]:
                if (row := read_row(item, title, reading)) is not None:
                    rows.append(row)
        if not rows:
            reading.problems.append(TemplateProblem(reading.place, "a table needs rows",
                                                    reading.line))
        return tuple(rows)

    def options_dict(self, field: AnyField) -> dict[str, Any]:
        from ehria.form.serialise import column_dict

        return {"rows": [{"key": r.key, "label": r.label, "hint": r.hint, "group": r.group}
                         for r in field.rows],
                "columns": [column_dict(c) for c in field.columns]}

    def check(self, field: AnyField, value: object, path: str, errors: Errors,
              checking: Checking) -> None:
        if not isinstance(value, Mapping):
            add_error(errors, path, NOT_AN_OBJECT)
            return
        row_keys = {row.key for row in field.rows}
        for row_key, row in value.items():
            row_path = f"{path}.{row_key}"
            if row_key not in row_keys:
                add_error(errors, row_path, UNKNOWN_FIELD)
            elif row is not None:
                check_cells(field.columns, row, row_path, errors, checking)

    def missing(self, field: Field, answers: Mapping[str, Any], context: Context,
                required: bool) -> list[str]:
        from ehria.form.paths import get_path, is_answered

        found = []
        for row in field.rows:
            row_path = f"{field.path}.{row.key}"
            cells = get_path(answers, row_path)
            row_context = Context(answers, (row.key, cells if isinstance(cells, Mapping)
                                            else {}), context.report_required)
            for column in field.columns:
                path = f"{row_path}.{column.key}"
                if cell_needed(column, row_context) and not is_answered(get_path(answers, path)):
                    found.append(path)
        return found

    def text(self, field: AnyField, value: object) -> str:
        if not isinstance(value, Mapping):
            return ""
        lines = []
        for row in field.rows:
            cells = value.get(row.key)
            if not isinstance(cells, Mapping):
                continue
            said = [f"{_lower_first(c.label)} {c.kind.text(c, cells.get(c.key))}"
                    for c in field.columns if c.kind.text(c, cells.get(c.key))]
            if said:
                lines.append(f"{row.label}: {'; '.join(said)}")
        return "\n".join(lines)

    def answered_any(self, field: Field, value: object) -> bool:
        return bool(self.text(field, value))

    def cell_label(self, field: Field, numbered: str | None, rest: list[str]) -> str | None:
        """A row reads "Q10 Disability", one of its cells "Q10 Disability: kind of impact"."""
        try:
            row = field.row(rest[0])
        except KeyError:
            return None
        prefix = f"{numbered} {row.label}" if numbered else f"{field.label}: {row.label}"
        if len(rest) == 1:
            return prefix
        column = self.column_at(field, rest)
        return f"{prefix}: {_lower_first(column.label)}" if column else None

    def column_at(self, field: Field, rest: list[str]) -> Column | None:
        if len(rest) != 2 or rest[0] not in {r.key for r in field.rows}:
            return None
        return next((c for c in field.columns if c.key == rest[1]), None)

    # -- the step page --------------------------------------------------------------------

    @staticmethod
    def revealed_columns(field: Field) -> dict[str, tuple[str, str]]:
        """Columns shown on a row only once another of its cells has a value (the kind
        of impact, once the row is affected): {column: (the cell it waits on, the value)}.
        The page reveals them under that cell's choice."""
        found = {}
        for column in field.columns:
            condition = column.shown_when
            if isinstance(condition, CellIs) and not condition.negate and len(
                    condition.values) == 1:
                found[column.key] = (condition.column, condition.values[0])
        return found

    def form_field(self, field: AnyField) -> Any:
        cells = row_form(field.columns)
        table = type("TableForm", (Form,), {r.key: FormField(cells, label=r.label)
                                             for r in field.rows})
        return FormField(table, label=field.label)

    def load(self, form_field: Any, field: AnyField, value: object) -> None:
        for row in field.rows:
            cells = (value or {}).get(row.key) or {} if isinstance(value, Mapping) else {}
            for column in field.columns:
                column.kind.load(form_field.form[row.key].form[column.key], column,
                                 cells.get(column.key))

    def read(self, form_field: Any, field: AnyField, context: Context
             ) -> tuple[object, Errors]:
        data = form_field.data or {}
        table: dict[str, Any] = {}
        keep = field.options.get("keep_empty_rows", False)
        for row in field.rows:
            posted = data.get(row.key) or {}
            if keep:
                # every row stays, an empty one as an empty first cell (not answered)
                first = field.columns[0]
                table[row.key] = {first.key: text_or_none(posted.get(first.key)) or ""}
                continue
            cells = {c.key: c.kind.clean(c, posted.get(c.key)) for c in field.columns}
            row_context = Context(context.answers, (row.key, cells), context.report_required)
            for column in field.columns:
                if not column_shown(column, row_context):
                    cells[column.key] = None  # only asked when its condition holds
            table[row.key] = {k: v for k, v in cells.items() if v is not None} or None
        return table, {}


class RowsType(FieldType):
    """Repeating rows, as many as the officer writes up to `max_rows` (the improvement
    plan); the answer is a list of row objects, and every required cell of every row is
    needed, with at least one row when the field is required."""

    name = "rows"
    word_layout = "rows"
    repeats = True
    rows_by_officer = True
    accepts_options = ("columns", "max_rows")

    def read_options(self, data: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
        from ehria.limits import DEFAULT_MAX_ROWS

        max_rows = data.get("max_rows", DEFAULT_MAX_ROWS)
        if not isinstance(max_rows, int) or isinstance(max_rows, bool) or max_rows < 1:
            reading.problems.append(TemplateProblem(
                reading.place, "max_rows must be a whole number of 1 or more", reading.line))
            max_rows = DEFAULT_MAX_ROWS
        return {"columns": read_columns(data, reading), "max_rows": max_rows}

    def options_dict(self, field: AnyField) -> dict[str, Any]:
        from ehria.form.serialise import column_dict

        return {"columns": [column_dict(c) for c in field.columns],
                "max_rows": field.max_rows}

    def check(self, field: AnyField, value: object, path: str, errors: Errors,
              checking: Checking) -> None:
        if not isinstance(value, list):
            add_error(errors, path, NOT_A_LIST)
            return
        if field.max_rows is not None and len(value) > field.max_rows:
            add_error(errors, path, f"Must have {field.max_rows} rows or fewer, not "
                                    f"{len(value):,}")
            return
        for index, row in enumerate(value):
            check_cells(field.columns, row, f"{path}.{index}", errors, checking)

    def missing(self, field: Field, answers: Mapping[str, Any], context: Context,
                required: bool) -> list[str]:
        from ehria.form.paths import get_path, is_answered

        rows = get_path(answers, field.path)
        if not isinstance(rows, list) or not rows:
            return [field.path] if required else []
        return [
            f"{field.path}.{index}.{column.key}"
            for index, row in enumerate(rows)
            for column in field.columns
            if column.required and not is_answered(get_path(row, column.key))
        ]

    def text(self, field: AnyField, value: object) -> str:
        if not isinstance(value, list):
            return ""
        lines = []
        for index, row in enumerate(value, start=1):
            cells = row if isinstance(row, Mapping) else {}
            said = [f"{c.label}: {c.kind.text(c, cells.get(c.key))}" for c in field.columns
                    if c.kind.text(c, cells.get(c.key))]
            lines.append(f"Row {index}: {'; '.join(said) if said else 'empty'}")
        return "\n".join(lines)

    def cell_label(self, field: Field, numbered: str | None, rest: list[str]) -> str | None:
        """A row reads "Improvement plan row 1", a cell "Improvement plan row 1: Target"."""
        if not rest[0].isdigit():
            return None
        prefix = f"{field.label} row {int(rest[0]) + 1}"
        if len(rest) == 1:
            return prefix
        column = self.column_at(field, rest)
        return f"{prefix}: {column.label}" if column else None

    def column_at(self, field: Field, rest: list[str]) -> Column | None:
        if len(rest) != 2 or not rest[0].isdigit():
            return None
        return next((c for c in field.columns if c.key == rest[1]), None)

    # -- the step page --------------------------------------------------------------------

    def form_field(self, field: AnyField) -> Any:
        return FieldList(FormField(row_form(field.columns)), label=field.label)

    def load(self, form_field: Any, field: AnyField, value: object) -> None:
        rows = value if isinstance(value, list) else []
        while len(form_field.entries):
            form_field.pop_entry()
        for row in rows or [{}]:  # an empty plan shows one row to fill in
            form_field.append_entry(row if isinstance(row, dict) else {})

    def read(self, form_field: Any, field: AnyField, context: Context
             ) -> tuple[object, Errors]:
        rows = [{k: text_or_none(v) for k, v in row.items() if text_or_none(v)}
                for row in form_field.data or []]
        return [row for row in rows if row] or None, {}
