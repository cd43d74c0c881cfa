"""The form template as objects: sections, steps (pages), questions, fields, table rows and
columns, and what the template declares about them.

Everything that shows, checks or prints the form (pages, API, PDF, screening) reads it from
a `FormDefinition`, so wording, keys and rules live in the template alone. How each kind of
answer behaves is its field type's (ehria.form.types), looked up by `kind`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING, Any

from ehria.form.conditions import Condition, Context, holds

if TYPE_CHECKING:
    from ehria.form.rules import ScreeningRules
    from ehria.form.types.base import FieldType

Paragraphs = tuple[str, ...]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def choice_label(choices: tuple[Choice, ...], value: object) -> str | None:
    return next((c.label for c in choices if c.value == value), None)


@dataclass(frozen=True)
class Column:
    """One cell of every row of a table field (a keyed table or repeating rows).

    `shown_when` and `required_when` are conditions on the same row's other cells (and
    any answer); `personal` says what personal data the cell holds, if any.
    """

    key: str
    label: str
    type: str
    hint: str | None
    required: bool
    choices: tuple[Choice, ...] = ()
    shown_when: Condition | None = None
    required_when: Condition | None = None
    personal: str | None = None
    options: Mapping[str, Any] = dataclass_field(default_factory=dict, hash=False)
    line: int | None = dataclass_field(default=None, compare=False)

    @property
    def kind(self) -> FieldType:
        from ehria.form.types import kind_of

        return kind_of(self.type)

    def choice_label(self, value: object) -> str | None:
        return choice_label(self.choices, value)


@dataclass(frozen=True)
class Row:
    """One fixed row of a keyed table (a protected characteristic, an article)."""

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
    shown_when: Condition | None = None
    required_when: Condition | None = None
    personal: str | None = None
    options: Mapping[str, Any] = dataclass_field(default_factory=dict, hash=False)
    line: int | None = dataclass_field(default=None, compare=False)

    @property
    def kind(self) -> FieldType:
        from ehria.form.types import kind_of

        return kind_of(self.type)

    @property
    def is_keyed_table(self) -> bool:
        return self.kind.has_rows

    @property
    def is_list(self) -> bool:
        return self.kind.repeats

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
        return choice_label(self.choices, value)


@dataclass(frozen=True)
class Question:
    number: str | None
    label: str
    hint: str | None
    fields: tuple[Field, ...]
    intro: Paragraphs = ()
    note: Paragraphs = ()
    shown_when: Condition | None = None  # revealed on its page only when this holds
    note_shown_when: Condition | None = None
    link: Mapping[str, str] | None = None  # {"text", "href"}: a reference the form gives
    line: int | None = dataclass_field(default=None, compare=False)


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
    shown_when: Condition | None = None
    then: str | None = None  # where "Save and continue" goes: a step, or "screening_result"
    line: int | None = dataclass_field(default=None, compare=False)

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
    task_title: str | None = None  # its line in the task list (the title if not given)
    shown_when: Condition | None = None
    starts_after: str | None = None  # a section that must be complete before this starts
    cannot_start: str | None = None  # the task list's hint while it cannot start
    not_needed: str | None = None  # the task list's hint when its condition does not hold
    layout: str | None = None  # "table": printed as one table of labels and answers
    prints_outcome: bool = False  # the screening outcome is printed after this section
    line: int | None = dataclass_field(default=None, compare=False)

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for step in self.steps for f in step.fields)


@dataclass(frozen=True)
class SignOffElement:
    """A line of Section 4's "which elements are completed", ticked when `when` holds."""

    label: str
    when: Condition | None


@dataclass(frozen=True)
class SignOffSignature:
    role: str  # "lead_officer" (given at submission) or "deg_chair" (at sign-off)
    label: str


@dataclass(frozen=True)
class SignOff:
    """Section 4 of the form: its wording, the completed elements and the signatures."""

    title: str
    intro: Paragraphs
    heading: str
    elements_text: str
    elements: tuple[SignOffElement, ...]
    signatures: tuple[SignOffSignature, ...]
    date_label: str
    publication: str | None = None  # the sentence about publishing, shown as guidance

    def signature_label(self, role: str) -> str | None:
        return next((s.label for s in self.signatures if s.role == role), None)


@dataclass(frozen=True)
class AssessmentFields:
    """The answers the service itself uses, by path: the assessment's name (lists,
    e-mails, the PDF's title), the department that routes it to its DEG, and the lead
    officer's name (filled in at the start) and job title (printed with the first
    signature)."""

    name: str
    department: str
    lead_officer: str | None = None
    lead_officer_job_title: str | None = None
    action_plan: ActionPlanFields | None = None


@dataclass(frozen=True)
class InsightTable:
    """A table whose rows insight counts across assessments (the protected
    characteristics, the articles): a row counts as negative or unknown when its `answer`
    column has one of those values."""

    table: str
    answer: str
    negative: tuple[str, ...]
    unknown: tuple[str, ...]
    title: str


@dataclass(frozen=True)
class ActionPlanFields:
    """The improvement plan the service tracks after sign-off: a list of rows (`answer`)
    and which of its columns hold each part of an action."""

    answer: str
    objective: str | None = None
    action: str | None = None
    target: str | None = None
    officer: str | None = None
    due: str | None = None


@dataclass(frozen=True)
class FormDefinition:
    version: str
    title: str
    introduction: Paragraphs
    choices: Mapping[str, tuple[Choice, ...]]
    sections: tuple[Section, ...]
    rules: ScreeningRules
    assessment: AssessmentFields
    sign_off: SignOff | None = None
    question_prefix: str = "Q"  # how a question's number is written in labels: "Q10"
    insight: Mapping[str, InsightTable] = dataclass_field(default_factory=dict, hash=False)
    _fields: dict[str, Field] = dataclass_field(init=False, repr=False, compare=False)
    _questions: dict[str, Question] = dataclass_field(init=False, repr=False, compare=False)
    _steps: dict[str, Step] = dataclass_field(init=False, repr=False, compare=False)
    _step_of_field: dict[str, Step] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps: dict[str, Step] = {}
        fields: dict[str, Field] = {}
        questions: dict[str, Question] = {}
        step_of_field: dict[str, Step] = {}
        for step in (s for section in self.sections for s in section.steps):
            steps.setdefault(step.key, step)
            for question in step.questions:
                for f in question.fields:
                    fields.setdefault(f.path, f)
                    questions.setdefault(f.path, question)
                    step_of_field.setdefault(f.path, step)
        object.__setattr__(self, "_steps", steps)
        object.__setattr__(self, "_fields", fields)
        object.__setattr__(self, "_questions", questions)
        object.__setattr__(self, "_step_of_field", step_of_field)

    @classmethod
    def from_dict(cls, data: object, source: str = "the template") -> FormDefinition:
        """Build and check a definition from parsed YAML or JSON; raises DefinitionError."""
        from ehria.form.parsing import parse_definition

        return parse_definition(data, source)

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

    def section_of(self, step: Step) -> Section:
        return self.section(step.section_key)

    def field(self, path: str) -> Field:
        """The field at exactly this path (e.g. `screening.human_rights`); KeyError if none."""
        return self._fields[path]

    def fields(self) -> list[Field]:
        """Every field in form order."""
        return list(self._fields.values())

    def question(self, field_path: str) -> Question:
        return self._questions[field_path]

    def applies(self, step: Step, answers: Mapping[str, Any], report_required: bool) -> bool:
        """Whether a step is part of an assessment with these answers: asked, checked and
        printed (the `shown_when` of its section and of the step itself)."""
        context = Context(answers, report_required=report_required)
        return (holds(self.section(step.section_key).shown_when, context)
                and holds(step.shown_when, context))

    def steps_that_apply(self, answers: Mapping[str, Any], report_required: bool
                         ) -> list[Step]:
        """The steps an assessment goes through, in order (pages, checks, the PDF)."""
        return [s for s in self.steps if self.applies(s, answers, report_required)]

    # -- any answer path, including table cells and list rows ----------------------------

    def resolve(self, path: str) -> tuple[Field, list[str]] | None:
        """The field an answer path falls under and the rest of the path, or None."""
        parts = path.split(".")
        found = self._fields.get(".".join(parts[:2]))
        return (found, parts[2:]) if found else None

    def numbered(self, number: str | None) -> str | None:
        """A question number as labels write it: "Q10" (the template's question_prefix)."""
        return f"{self.question_prefix}{number}" if number else None

    def question_number_for(self, path: str) -> str | None:
        """The question number of any answer path; None if unnumbered or not in the form."""
        resolved = self.resolve(path)
        return self._questions[resolved[0].path].number if resolved else None

    def step_for(self, path: str) -> Step | None:
        """The step (web page) where any answer path is answered; None if not in the form."""
        resolved = self.resolve(path)
        return self._step_of_field[resolved[0].path] if resolved else None

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
        numbered = self.numbered(self._questions[found.path].number)
        own = f"{numbered} {found.label}" if numbered else found.label
        label = own if not rest else found.kind.cell_label(found, numbered, rest)
        return label if label is not None else path

    def personal_data(self) -> dict[str, str]:
        """What holds personal data, by answer path (a table's rows as `*`): "name",
        "telephone" or "people", as the template's `personal:` says (ehria.redaction)."""
        found: dict[str, str] = {}
        for f in self._fields.values():
            if f.personal:
                found[f.path] = f.personal
            for column in f.columns:
                if column.personal:
                    found[f"{f.path}.*.{column.key}"] = column.personal
        return found

    def column_for(self, path: str) -> Column | None:
        """The column a table cell's path names (`...age.impact`, `...plan.0.target`)."""
        resolved = self.resolve(path)
        if resolved is None or not resolved[1]:
            return None
        found, rest = resolved
        return found.kind.column_at(found, rest)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the whole form (served at GET /api/v1/template)."""
        from ehria.form.serialise import definition_dict

        return definition_dict(self)
