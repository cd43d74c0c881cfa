"""The actions of the last signed plan, carried into a review (issue 15: "a review starts
from what happened"): a row per tracked action, its facts as the tracking left them, and
what the officer writes about each.

The rows are filled when the review starts (ehria.workflow, from
ehria.tracked_actions.carried_actions); the step page shows the facts as text and asks only
the officer's columns, so a posted page can neither change a fact nor add or drop a row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ehria.form.conditions import Context
from ehria.form.paths import get_path
from ehria.form.problems import TemplateProblem
from ehria.form.types.base import AnyField, Reading
from ehria.form.types.tables import RowsType, read_columns

# what the tracking knows of each action: a column with one of these keys shows it
FACTS = ("objective", "action", "target", "officer", "due", "status", "outcome")


def is_fact(key: str) -> bool:
    return key in FACTS


class PreviousActionsType(RowsType):
    """Rows carried from the tracked actions: a column keyed `objective`, `action`,
    `target`, `officer`, `due`, `status` or `outcome` shows that fact; every other column
    is the officer's answer for the action (an update, say)."""

    name = "previous_actions"
    word_layout = "rows"
    carries_actions = True
    rows_by_officer = False  # the rows are the tracked actions: none added or removed
    accepts_options = ("columns",)

    def read_options(self, data: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
        from ehria.limits import DEFAULT_MAX_ROWS

        columns = read_columns(data, reading)
        if columns and all(is_fact(c.key) for c in columns):
            reading.problems.append(TemplateProblem(
                reading.place, "previous_actions needs a column for the officer to answer "
                f"(a key other than {', '.join(FACTS)})", reading.line))
        if columns and not any(is_fact(c.key) for c in columns):
            reading.problems.append(TemplateProblem(
                reading.place, "previous_actions needs a column showing the action (one of "
                f"{', '.join(FACTS)})", reading.line))
        return {"columns": columns, "max_rows": DEFAULT_MAX_ROWS}

    def options_dict(self, field: AnyField) -> dict[str, Any]:
        from ehria.form.serialise import column_dict

        return {"columns": [column_dict(c) for c in field.columns]}

    def carried(self, field: AnyField, actions: Sequence[Mapping[str, str]]
                ) -> list[dict[str, str]] | None:
        """The answer a review starts with: each action's facts this field shows."""
        rows = [{c.key: str(action.get(c.key) or "") for c in field.columns
                 if is_fact(c.key) and action.get(c.key)} for action in actions]
        return [row for row in rows if row] or None

    def load(self, form_field: Any, field: AnyField, value: object) -> None:
        """A row per action carried; none when there were none (nothing to ask)."""
        while len(form_field.entries):
            form_field.pop_entry()
        for row in value if isinstance(value, list) else []:
            form_field.append_entry(row if isinstance(row, dict) else {})

    def changed_facts(self, field: AnyField, before: object, after: object
                      ) -> dict[str, list[str]]:
        """Over the API too, the rows stay the tracked actions: the same number, their
        facts as carried; only the officer's columns may change."""
        old = before if isinstance(before, list) else []
        new = after if isinstance(after, list) else []
        if len(new) != len(old):
            return {field.path: [
                f"Keep the {len(old)} actions of the last plan, one row each, as carried; "
                "write only what came of each" if old else
                "Only a review carries the actions of the last plan"]}
        errors: dict[str, list[str]] = {}
        for index, (was, now) in enumerate(zip(old, new, strict=True)):
            was = was if isinstance(was, Mapping) else {}
            now = now if isinstance(now, Mapping) else {}
            for column in field.columns:
                if is_fact(column.key) and was.get(column.key) != now.get(column.key):
                    errors[f"{field.path}.{index}.{column.key}"] = [
                        "Shows what the action's tracking recorded: it cannot be changed "
                        "here (update the action itself)"]
        return errors

    @staticmethod
    def asked(field: AnyField) -> list[Any]:
        """The columns the officer answers, as the page asks them."""
        return [c for c in field.columns if not is_fact(c.key)]

    def read(self, form_field: Any, field: AnyField, context: Context
             ) -> tuple[object, dict[str, list[str]]]:
        stored = get_path(context.answers, field.path)
        if not isinstance(stored, list):
            return stored, {}
        posted = form_field.data or []
        rows = []
        for index, row in enumerate(stored):
            cells = {k: v for k, v in (row if isinstance(row, Mapping) else {}).items()
                     if is_fact(k)}
            sent = posted[index] if index < len(posted) else {}
            for column in self.asked(field):
                if (value := column.kind.clean(column, sent.get(column.key))) is not None:
                    cells[column.key] = value
            rows.append(cells)
        return rows, {}
