"""The step runner: everything a step page does, for any template, so that the view is a
few lines and names no step.

It owns the page's navigation (the step before, the step after among those that apply, a
step's own `then:` such as the screening result), its buttons (save and continue, save
and come back later, add and remove a row of a repeating table), and the whole handling
of a post: reading the form, saving through `ehria.assessments.update_answers`, and what
to show when that is refused (errors named by question; a conflict that loses nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ehria.answers import changed_paths, deep_merge
from ehria.assessments import (
    InvalidAnswers,
    NotEditable,
    StaleVersion,
    screening_outcome,
    update_answers,
    version_tag,
)
from ehria.extensions import db
from ehria.form import Field, FormDefinition, Step, load_definition
from ehria.form.paths import get_path, is_answered
from ehria.form.words import answer_words
from ehria.models import Assessment, User
from ehria.progress import next_step, previous_step
from forms.base import same_value_choices
from forms.step_forms import StepForm, step_form_class

CONTINUE, LATER = "continue", "later"
ADD_ROW, REMOVE_ROW = "add-row", "remove-row"  # "add-row:<field>", "remove-row:<field>:<n>"


class UnknownStep(LookupError):
    """The template has no step of that key (404)."""


class BadButton(ValueError):
    """The page was posted with a button it does not have (400)."""


@dataclass(frozen=True)
class Destination:
    """Where the officer goes after saving: "task_list", "screening_result" or "step"."""

    kind: str
    step_key: str | None = None


@dataclass
class StepPage:
    """The step page to show, and what goes with it."""

    form: StepForm
    status: int = 200
    notice: str | None = None
    clashes: list[tuple[str, str]] = field(default_factory=list)


def _answered_only(value: Any) -> Any:
    """A patch without its unanswered parts, so merging it keeps what is stored there."""
    if isinstance(value, dict):
        kept = {key: _answered_only(part) for key, part in value.items()}
        return {key: part for key, part in kept.items() if part is not None} or None
    return value


def named(definition: FormDefinition, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Messages that name their question, as the error summary stands alone."""
    return {
        path: [f"{definition.label_for(path)} \N{EN DASH} {m[:1].lower()}{m[1:]}"
               for m in messages]
        for path, messages in errors.items()
    }


class StepRunner:
    """One step of one assessment, as its author works on it."""

    def __init__(self, assessment: Assessment, step_key: str, departments: list[str]) -> None:
        self.assessment = assessment
        self.revision = assessment.revision
        self.definition = load_definition(self.revision.template_version)
        try:
            self.step: Step = self.definition.step(step_key)
        except KeyError as error:
            raise UnknownStep(step_key) from error
        self.departments = departments

    # -- the form ------------------------------------------------------------------------

    def new_form(self, **options: Any) -> StepForm:
        form = step_form_class(self.revision.template_version, self.step.key)(**options)
        for f in self.step.fields:
            f.kind.prepare(form[f.key], f, same_value_choices(self.departments))
        return form

    def _filled(self, answers: dict) -> StepForm:
        form = self.new_form(formdata=None)
        form.load_answers(answers)
        form.version.data = version_tag(self.assessment)
        return form

    def show(self) -> StepPage:
        return StepPage(self._filled(self.revision.answers))

    @property
    def back(self) -> str | None:
        """The step before this one among those that apply (the back link)."""
        revision = self.assessment.revision
        return previous_step(self.definition, revision.answers,
                             screening_outcome(self.assessment), self.step.key)

    # -- a post --------------------------------------------------------------------------

    def _repeating(self, key: str) -> Field:
        found = next((f for f in self.step.fields if f.key == key and f.kind.rows_by_officer), None)
        if found is None:
            raise BadButton(key)
        return found

    def _button(self, action: str) -> tuple[str, Field | None, int | None]:
        """(what, the table it is for, the row) of a posted button; BadButton if none."""
        if action in (CONTINUE, LATER):
            return action, None, None
        what, _, rest = action.partition(":")
        if what == ADD_ROW:
            return what, self._repeating(rest), None
        if what == REMOVE_ROW:
            key, _, number = rest.partition(":")
            if not (number.isascii() and number.isdigit()):
                raise BadButton(action)
            return what, self._repeating(key), int(number)
        raise BadButton(action)

    def post(self, user: User, formdata: Any) -> StepPage | Destination:
        """Save what was posted; the page to show again, or where to go next."""
        if not self.assessment.is_editable:
            return Destination("task_list")
        action, table, row = self._button(formdata.get("action", CONTINUE))
        form = self.new_form()
        patch, parse_errors = form.to_answers(self.revision.answers)
        if action == REMOVE_ROW and table is not None:
            rows = patch[self.step.section_key].get(table.key) or []
            patch[self.step.section_key][table.key] = [
                r for i, r in enumerate(rows) if i != row] or None
        if parse_errors:
            form.add_errors(parse_errors)  # already worded with the field label
            return StepPage(form, 400)
        try:
            update_answers(self.assessment, user, patch, form.version.data or "")
        except InvalidAnswers as error:
            db.session.rollback()
            unplaced = form.add_errors(named(self.definition, error.fields))
            return StepPage(form, 400, " ".join(unplaced) or None)
        except StaleVersion as error:
            db.session.rollback()
            db.session.refresh(self.assessment)
            return self._conflict(patch, error.message)
        except NotEditable:
            db.session.rollback()
            return Destination("task_list")
        db.session.commit()
        return self._after_saving(action, table)

    def _after_saving(self, action: str, table: Field | None) -> StepPage | Destination:
        answers = self.assessment.revision.answers
        if table is not None:
            form = self._filled(answers)
            if action == ADD_ROW:
                entries = form[table.key]
                if len(entries.entries) >= (table.max_rows or 0):
                    return StepPage(form, 400, (
                        f"The {table.label.lower()} can have at most {table.max_rows} rows. "
                        "Your answers have been saved."))
                entries.append_entry({})
            return StepPage(form)
        if action == LATER:
            return Destination("task_list")
        if self.step.then is not None:
            return (Destination("screening_result") if self.step.then == "screening_result"
                    else Destination("step", self.step.then))
        following = next_step(self.definition, answers, screening_outcome(self.assessment),
                              self.step.key)
        return Destination("step", following) if following else Destination("task_list")

    def _conflict(self, patch: dict, message: str) -> StepPage:
        """After a save refused as stale: nothing is lost. Every box this officer filled
        keeps what they sent, every box they left blank shows what was saved meanwhile,
        and where both answered differently the saved answer is listed beside theirs."""
        latest = self.assessment.revision.answers
        merged = deep_merge(latest, _answered_only(patch) or {})
        clashes = [
            (self.definition.label_for(path),
             answer_words(self.definition, path, get_path(latest, path)))
            for path in changed_paths(latest, merged) if is_answered(get_path(latest, path))
        ]
        form = self._filled(merged)  # saving again now is a knowing choice
        return StepPage(form, 409, message + " Your answers on this page are shown below and "
                        "have not been saved yet; boxes you left blank show what was saved "
                        "meanwhile. Check them, then save again.", clashes)

    def autosave(self, user: User, formdata: Any) -> tuple[dict[str, Any], int]:
        """What static/js/autosave.js is told: the same rules as "Save and come back
        later", answered in JSON so the page can say what happened."""
        form = self.new_form()
        patch, parse_errors = form.to_answers(self.revision.answers)
        if parse_errors:
            return {"saved": False, "errors": parse_errors}, 400
        try:
            update_answers(self.assessment, user, patch, form.version.data or "")
        except InvalidAnswers as error:
            db.session.rollback()
            return {"saved": False, "errors": named(self.definition, error.fields)}, 400
        except StaleVersion as error:
            db.session.rollback()
            return {"saved": False, "conflict": True, "message": error.message}, 409
        except NotEditable as error:
            db.session.rollback()
            return {"saved": False, "message": error.message}, 409
        db.session.commit()
        return {"saved": True, "version": version_tag(self.assessment)}, 200
