"""What every field type owns, and the defaults most of them share.

A field type is everything the service does with one kind of answer: reading its options
from the template, checking an answer, saying which required parts are missing, the
WTForms field of its step page and the conversions to and from it, the answer in words
(`text`: one function for check your answers, the chair's review, the revision history,
the PDF and the CSV), and the names of its two partials: `templates/types/<name>.html`
(the step page's input and the answer on a page) and `templates/pdf/types/<name>.html`
(the answer in the PDF), and the Word document's layout of its answer (`word_layout`,
one of the layouts of ehria.word_blocks). Adding a type is one module here and those two
partials (and a Word layout only when none of the existing ones fits).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ehria.form.conditions import Context

if TYPE_CHECKING:
    from ehria.form.model import Choice, Column, Field
    from ehria.form.problems import TemplateProblem

Errors = dict[str, list[str]]
AnyField = Any  # a Field or a Column: both have key, label, type, hint, required, choices


@dataclass
class Checking:
    """What checking an answer may need beyond the field itself."""

    departments: Container[str] | None = None  # the configured department names


@dataclass
class Reading:
    """What parsing a template field may need: the form's choice lists, where it is."""

    choices: Mapping[str, tuple[Choice, ...]]
    place: str
    problems: list[TemplateProblem]
    line: int | None


def add_error(errors: Errors, path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)


class FieldType:
    """A kind of answer. Subclasses set `name` and override what they do differently."""

    name = ""
    has_rows = False  # a keyed table: fixed rows, the answer an object keyed by row
    repeats = False  # repeating rows: the answer a list of row objects
    may_be_column = False  # may be the type of a table's column (one value per cell)
    routes = False  # its answer is a department, which routes the assessment to its DEG
    may_be_name = False  # its answer is one line that may name the assessment or a person
    rows_by_officer = False  # repeating rows the officer adds and removes on the page
    carries_actions = False  # filled from the last plan's tracked actions when a review starts

    @property
    def is_table(self) -> bool:
        """Shown under its question as a table of its own, not as one row of a summary
        list (and headed by its question on its step page)."""
        return self.has_rows or self.repeats
    accepts_options: tuple[str, ...] = ()  # template keys of its own, beyond the common

    @property
    def page_partial(self) -> str:
        return f"types/{self.name}.html"

    @property
    def pdf_partial(self) -> str:
        return f"types/{self.name}.html"

    # -- the template ---------------------------------------------------------------------

    def read_options(self, data: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
        """Keyword arguments for the Field or Column beyond the common ones."""
        return {}

    def options_dict(self, field: AnyField) -> dict[str, Any]:
        """Keys of its own in GET /api/v1/template."""
        return {}

    # -- answers --------------------------------------------------------------------------

    def check(self, field: AnyField, value: object, path: str, errors: Errors,
              checking: Checking) -> None:
        """Add the problems of one (non-None) answer to `errors`, keyed by path."""

    def missing(self, field: Field, answers: Mapping[str, Any], context: Context,
                required: bool) -> list[str]:
        """Paths of the answers still needed; `required` says whether the field is."""
        from ehria.form.paths import get_path, is_answered

        return [field.path] if required and not is_answered(get_path(answers, field.path)) else []

    def text(self, field: AnyField, value: object) -> str:
        """The answer in words, as every page, the PDF and the CSV print it; "" if none."""
        from ehria.form.paths import is_answered

        return str(value) if is_answered(value) else ""

    def cell_label(self, field: Field, numbered: str | None, rest: list[str]) -> str | None:
        """A label for a path below the field (rows, cells); `numbered` is its question's
        number as labels write it ("Q10"); None if it has none."""
        return None

    def column_at(self, field: Field, rest: list[str]) -> Column | None:
        return None

    def answered_any(self, field: Field, value: object) -> bool:
        from ehria.form.paths import is_answered

        return is_answered(value)

    def changed_facts(self, field: AnyField, before: object, after: object
                      ) -> dict[str, list[str]]:
        """Problems with a change to what a type carries from elsewhere (the tracked
        actions a review starts with), by path; only a type that `carries_actions` has."""
        return {}

    def carried(self, field: AnyField, actions: Any) -> object | None:
        """The answer a review starts with, from the last plan's tracked actions (plain
        dicts); only a type that `carries_actions` gives one."""
        return None

    # -- the step page --------------------------------------------------------------------

    def form_field(self, field: AnyField) -> Any:
        """The (unbound) WTForms field of its step page."""
        raise NotImplementedError

    def prepare(self, form_field: Any, field: AnyField, departments: list[Any]) -> None:
        """Give the form field what only the running service knows (the departments)."""

    def load(self, form_field: Any, field: AnyField, value: object) -> None:
        """Fill the form field from a stored answer."""
        form_field.data = value

    def read(self, form_field: Any, field: AnyField, context: Context
             ) -> tuple[object, Errors]:
        """The posted answer (None when left blank) and any error found reading it."""
        return self.clean(field, form_field.data), {}

    def clean(self, field: AnyField, posted: object) -> object:
        """One posted value as an answer: None when nothing was chosen or typed."""
        return posted or None

    # -- the PDF --------------------------------------------------------------------------

    def prints_as_marks(self, field: AnyField) -> bool:
        """In the PDF's tables, a column per choice with a tick (a Yes/No column)."""
        return False

    # The Word document lays a block of this type out as: "answer" (its answer in words
    # under its label), "marks" (a grid with a column per choice), "table" (fixed rows),
    # "rows" (repeating rows). The layouts themselves are ehria.word_blocks'.
    word_layout = "answer"

    def pdf_block_key(self, field: Field) -> object | None:
        """Neighbouring fields of a question with the same key print as one block (a grid
        of Yes/No marks); None prints the field on its own."""
        return None
