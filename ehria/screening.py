"""Whether a full EHRIA report is required, why, what contradicts itself, what is missing.

Pure functions of the answers and the form template: no database, no request. The rules
are the template's own (its `screening:` block, ehria.form.rules), so a council's form
brings its rules with it; for the council's form they are those of design/PRODUCT.md,
"Screening logic" (R1-R6 and the problems P1-P2).

Every answer present is screened, even in the part of Section 2 that R1 lets the officer
skip: an answer that was given still counts. Contradictions are reported, never
corrected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ehria.form import FormDefinition, load_definition
from ehria.form.conditions import Context, holds
from ehria.form.rules import contradictions, findings


@dataclass(frozen=True)
class Reason:
    """Why a report is required: the rule, the answers that fired it, in plain words."""

    rule: str
    paths: list[str]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "paths": list(self.paths), "message": self.message}


@dataclass(frozen=True)
class Problem:
    """Answers that contradict each other; submission waits until the officer fixes them."""

    code: str
    paths: list[str]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "paths": list(self.paths), "message": self.message}


@dataclass(frozen=True)
class ScreeningOutcome:
    report_required: bool
    reasons: list[Reason]
    problems: list[Problem]
    missing: list[str]

    @property
    def rules(self) -> set[str]:
        return {reason.rule for reason in self.reasons}

    @property
    def can_submit(self) -> bool:
        return not self.problems and not self.missing

    def to_dict(self) -> dict[str, Any]:
        """The "Derived, never typed" JSON of design/ASSESSMENT-DATA.md."""
        return {
            "report_required": self.report_required,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "problems": [problem.to_dict() for problem in self.problems],
            "missing": list(self.missing),
        }


def screen(
    answers: Mapping[str, Any], definition: FormDefinition | None = None
) -> ScreeningOutcome:
    """Screen one revision's answers (the current form version unless one is given)."""
    definition = definition or load_definition()
    fired = findings(definition.rules, answers, definition)
    report_required = bool(fired)
    return ScreeningOutcome(
        report_required=report_required,
        reasons=[Reason(f.rule, f.paths, f.message) for f in fired],
        problems=[Problem(c.code, c.paths, c.message)
                  for c in contradictions(definition.rules, answers, fired, definition)],
        missing=missing_answers(answers, definition, report_required),
    )


def missing_answers(
    answers: Mapping, definition: FormDefinition, report_required: bool
) -> list[str]:
    """Paths of required answers not yet given, for the steps that apply, in form order:
    what each field's type says is still needed, required always or by `required_when`."""
    context = Context(answers, report_required=report_required)
    return [
        path
        for step in definition.steps_that_apply(answers, report_required)
        for f in step.fields
        for path in f.kind.missing(f, answers, context, f.required or (
            f.required_when is not None and holds(f.required_when, context)))
    ]
