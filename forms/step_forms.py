"""WTForms forms made from the form template: one class per step, built once.

Nobody writes the ~150 fields by hand: each field's type (ehria.form.types) gives its
WTForms field and converts between the posted form and the answers object. Values are
checked by `ehria.answers` (the one place that applies the rules); this module only
parses what the browser sent (dates typed as day, month and year) and keeps what was
typed.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from wtforms import FieldList, FormField, HiddenField

from ehria.form import FormDefinition, Step, load_definition
from ehria.form.conditions import Context
from ehria.form.paths import get_path
from forms.base import BaseForm


class StepForm(BaseForm):
    """One step's questions; subclasses are made by `step_form_class`."""

    version = HiddenField()
    step: Step

    def load_answers(self, answers: dict) -> None:
        """Fill the fields from stored answers (when the page is first shown)."""
        for field in self.step.fields:
            field.kind.load(self[field.key], field, get_path(answers, field.path))

    def to_answers(self, answers: dict | None = None) -> tuple[dict[str, Any],
                                                                dict[str, list[str]]]:
        """The step's answers as a patch for `deep_merge`, and errors found while parsing.

        Blank boxes become None, so clearing a box clears the stored answer. `answers`
        (those stored) let a table's columns decide whether they were asked.
        """
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        context = Context(answers or {})
        for field in self.step.fields:
            value, found = field.kind.read(self[field.key], field, context)
            values[field.key] = value
            errors.update(found)
        return {self.step.section_key: values}, errors

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
    """The form class of one step of one template version (built once, then reused)."""
    definition: FormDefinition = load_definition(version)
    step = definition.step(step_key)
    attributes: dict[str, Any] = {"step": step}
    for field in step.fields:
        attributes[field.key] = field.kind.form_field(field)
    return type(f"StepForm_{step_key.replace('-', '_')}", (StepForm,), attributes)
