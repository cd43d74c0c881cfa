"""Whether a full EHRIA report is required, why, what contradicts itself, what is missing.

Pure functions of the answers (and the form definition, for labels and field order): no
database, no request. The rules are the council's (design/PRODUCT.md, "Screening logic"):

- R1 a full EHRIA was already identified as needed (the rest of Section 2 may be skipped)
- R2 Q13 likely impact is "Negative impact or impact unknown"
- R3 Q12 a or b is Yes or Unknown (one reason per question part)
- R4 a Q10 row is affected with a negative or unknown impact (one reason per row)
- R5 a Q11 article is engaged with a negative or unknown impact (one reason per article)
- R6 Q14 is Yes (a voluntary full report)

Contradictions are reported as problems, never corrected:

- P1 Q14 is No while any of R1-R5 fires (one problem naming every reason)
- P2 Q13 is No impact, Positive or Neutral while R3, R4 or R5 fires (one per conflict)

Every answer present is screened, even in the part of Section 2 that R1 lets the officer
skip: an answer that was given still counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ehria.answers import get_path, is_answered
from ehria.form_definition import Field, FormDefinition, Step, load_definition

ALREADY_IDENTIFIED = "screening.full_report_already_identified"
ADVERSE_EFFECT = "screening.adverse_effect"
BARRIERS = "screening.barriers"
LIKELY_IMPACT = "screening.likely_impact"
REPORT_REQUIRED = "screening.report_required"
CHARACTERISTICS = "screening.protected_characteristics"
ARTICLES = "screening.human_rights"
IMPROVEMENT_PLAN = "report.improvement_plan"

SCREENING_START_STEP = "screening-start"
CONCERNING_IMPACTS = ("negative", "unknown")
CONSISTENT_WITH_NO_REPORT = ("no_impact", "positive", "neutral")
CONSULTATION_QUESTIONS = (
    "screening.consulted_needs",
    "screening.consulted_impact",
    "screening.consulted_barriers",
    "screening.representatives_consulted",
    "screening.stakeholders_explored",
)
# Section 3 tables that follow a Section 2 table row for row: Q19 follows Q10, Q20 Q11.
FOLLOWS_SCREENING_TABLE = {
    "report.recognised_impact": CHARACTERISTICS,
    "report.human_rights": ARTICLES,
}


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


@dataclass(frozen=True)
class _Finding:
    """A fired rule, with `clause`: how a problem message names it after "but"."""

    rule: str
    paths: list[str]
    message: str
    clause: str

    def reason(self) -> Reason:
        return Reason(self.rule, self.paths, self.message)


def screen(
    answers: Mapping[str, Any], definition: FormDefinition | None = None
) -> ScreeningOutcome:
    """Screen one revision's answers (the current form version unless one is given)."""
    definition = definition or load_definition()
    findings = [finding for rule in RULES for finding in rule(answers, definition)]
    report_required = bool(findings)
    return ScreeningOutcome(
        report_required=report_required,
        reasons=[finding.reason() for finding in findings],
        problems=_problems(answers, findings, definition),
        missing=missing_answers(answers, definition, report_required),
    )


# -- rules -------------------------------------------------------------------------------


def _question(definition: FormDefinition, path: str) -> str:
    return f"Q{definition.question_number_for(path)}"


def _rule_already_identified(answers: Mapping, definition: FormDefinition) -> list[_Finding]:
    if get_path(answers, ALREADY_IDENTIFIED) != "yes":
        return []
    text = "a full EHRIA has already been identified as needed"
    return [_Finding("R1", [ALREADY_IDENTIFIED], text[0].upper() + text[1:], text)]


def _rule_likely_impact(answers: Mapping, definition: FormDefinition) -> list[_Finding]:
    if get_path(answers, LIKELY_IMPACT) != "negative_or_unknown":
        return []
    q13 = _question(definition, LIKELY_IMPACT)
    return [
        _Finding(
            "R2",
            [LIKELY_IMPACT],
            f"{q13}: the likely impact is negative or unknown",
            f"{q13} says the likely impact is negative or unknown",
        )
    ]


# Q12 parts: their letter, and what a Yes says in plain words.
_Q12_WORDS = {
    ADVERSE_EFFECT: (
        "a",
        "the policy could have a different effect or adverse impact on a section of the community",
    ),
    BARRIERS: ("b", "a section of the community may face barriers in benefiting from the proposal"),
}


def _rule_evidence_of_impact(answers: Mapping, definition: FormDefinition) -> list[_Finding]:
    findings = []
    for path, (part, words) in _Q12_WORDS.items():
        value = get_path(answers, path)
        if value not in ("yes", "unknown"):
            continue
        question = f"{_question(definition, path)} {part}"
        said = words if value == "yes" else f"it is not known whether {words}"
        answer = definition.field(path).choice_label(value)
        findings.append(_Finding("R3", [path], f"{question}: {said}", f"{question} is {answer}"))
    return findings


def _concerning_rows(
    answers: Mapping, definition: FormDefinition, table_path: str, rule: str
) -> list[_Finding]:
    """R4/R5: rows answered Yes (affected/engaged) whose impact is negative or unknown."""
    table = definition.field(table_path)
    gate = _gate_column(table)
    findings = []
    for row in table.rows:
        cells = get_path(answers, f"{table_path}.{row.key}")
        if not isinstance(cells, Mapping) or cells.get(gate) != "yes":
            continue
        impact = cells.get("impact")
        if impact not in CONCERNING_IMPACTS:
            continue
        name = f"{_question(definition, table_path)} {row.label}"
        what, clause = (
            ("negative impact", "has a negative impact")
            if impact == "negative"
            else ("impact unknown", "has an unknown impact")
        )
        path = f"{table_path}.{row.key}.impact"
        findings.append(_Finding(rule, [path], f"{name}: {what}", f"{name} {clause}"))
    return findings


def _rule_characteristics(answers: Mapping, definition: FormDefinition) -> list[_Finding]:
    return _concerning_rows(answers, definition, CHARACTERISTICS, "R4")


def _rule_articles(answers: Mapping, definition: FormDefinition) -> list[_Finding]:
    return _concerning_rows(answers, definition, ARTICLES, "R5")


def _rule_voluntary_report(answers: Mapping, definition: FormDefinition) -> list[_Finding]:
    if get_path(answers, REPORT_REQUIRED) != "yes":
        return []
    q14 = _question(definition, REPORT_REQUIRED)
    return [
        _Finding(
            "R6",
            [REPORT_REQUIRED],
            f"{q14}: you chose to complete a full report",
            f"{q14} says a report is required",
        )
    ]


Rule = Callable[[Mapping, FormDefinition], list[_Finding]]
RULES: tuple[Rule, ...] = (
    _rule_already_identified,
    _rule_likely_impact,
    _rule_evidence_of_impact,
    _rule_characteristics,
    _rule_articles,
    _rule_voluntary_report,
)


# -- problems ----------------------------------------------------------------------------


def _problems(
    answers: Mapping, findings: list[_Finding], definition: FormDefinition
) -> list[Problem]:
    return _report_refused(answers, findings, definition) + _impact_understated(
        answers, findings, definition
    )


def _report_refused(
    answers: Mapping, findings: list[_Finding], definition: FormDefinition
) -> list[Problem]:
    """P1: Q14 says No although a rule other than Q14 itself requires a report."""
    if get_path(answers, REPORT_REQUIRED) != "no":
        return []
    requiring = [f for f in findings if f.rule in ("R1", "R2", "R3", "R4", "R5")]
    if not requiring:
        return []
    paths = [REPORT_REQUIRED] + [p for f in requiring for p in f.paths]
    because = _and_list([f.clause for f in requiring])
    message = (
        f"{_question(definition, REPORT_REQUIRED)} says an EHRIA report is not required, "
        f"but one is required because {because}"
    )
    return [Problem("P1", paths, message)]


def _impact_understated(
    answers: Mapping, findings: list[_Finding], definition: FormDefinition
) -> list[Problem]:
    """P2: Q13 says no, positive or neutral impact against a negative or unknown answer."""
    likely = get_path(answers, LIKELY_IMPACT)
    if likely not in CONSISTENT_WITH_NO_REPORT:
        return []
    said = definition.field(LIKELY_IMPACT).choice_label(likely)
    q13 = _question(definition, LIKELY_IMPACT)
    return [
        Problem("P2", [LIKELY_IMPACT, *f.paths], f"{q13} says {said}, but {f.clause}")
        for f in findings
        if f.rule in ("R3", "R4", "R5")
    ]


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# -- which steps apply, and what is missing ----------------------------------------------


def screening_skipped(answers: Mapping) -> bool:
    """R1 lets the officer go straight to Section 3, past the rest of Section 2."""
    return get_path(answers, ALREADY_IDENTIFIED) == "yes"


def step_applies(step: Step, answers: Mapping, report_required: bool) -> bool:
    """Whether a step is part of this assessment: asked, checked, printed."""
    if step.section_key == "report":
        return report_required
    if step.section_key == "screening" and step.key != SCREENING_START_STEP:
        return not screening_skipped(answers)
    return True


def steps_that_apply(
    answers: Mapping, outcome: ScreeningOutcome, definition: FormDefinition | None = None
) -> list[Step]:
    """The steps of the form this assessment goes through, in order (web nav, PDF)."""
    definition = definition or load_definition()
    return [s for s in definition.steps if step_applies(s, answers, outcome.report_required)]


def consultation_plan_required(answers: Mapping) -> bool:
    """Q8 explains the missing consultation when any of Q5 a-c, Q6 or Q7 is No."""
    return any(get_path(answers, path) == "no" for path in CONSULTATION_QUESTIONS)


CONDITIONALLY_REQUIRED: dict[str, Callable[[Mapping], bool]] = {
    "screening.consultation_plan": consultation_plan_required,
}


def missing_answers(
    answers: Mapping, definition: FormDefinition, report_required: bool
) -> list[str]:
    """Paths of required answers not yet given, for the steps that apply, in form order."""
    return [
        path
        for step in definition.steps
        if step_applies(step, answers, report_required)
        for f in step.fields
        for path in _missing_in_field(f, answers, definition)
    ]


def _missing_in_field(f: Field, answers: Mapping, definition: FormDefinition) -> list[str]:
    if f.is_list:
        return _missing_in_list(f, answers)
    if f.path in FOLLOWS_SCREENING_TABLE:
        return _missing_in_following_table(f, answers, definition)
    if f.is_keyed_table:
        return _missing_in_screening_table(f, answers)
    required = f.required or CONDITIONALLY_REQUIRED.get(f.path, lambda _: False)(answers)
    return [f.path] if required and not is_answered(get_path(answers, f.path)) else []


def _gate_column(table: Field) -> str:
    """The Yes/No column of a Q10/Q11 row (affected/engaged) that opens the rest of it."""
    return next(c.key for c in table.columns if c.type == "yn")


def _missing_in_screening_table(table: Field, answers: Mapping) -> list[str]:
    """Q10/Q11: every row says Yes or No; rows answered Yes also need impact and comments."""
    gate = _gate_column(table)
    missing = []
    for row in table.rows:
        row_path = f"{table.path}.{row.key}"
        needs_details = get_path(answers, f"{row_path}.{gate}") == "yes"
        for column in table.columns:
            path = f"{row_path}.{column.key}"
            if (column.required or needs_details) and not is_answered(get_path(answers, path)):
                missing.append(path)
    return missing


def _rows_followed(table: Field, answers: Mapping, definition: FormDefinition) -> list[str]:
    """Q19/Q20 rows to comment on: those screening marked Yes, or all if it was skipped."""
    if screening_skipped(answers):
        return [row.key for row in table.rows]
    screening_table = FOLLOWS_SCREENING_TABLE[table.path]
    gate = _gate_column(definition.field(screening_table))
    return [
        row.key
        for row in table.rows
        if get_path(answers, f"{screening_table}.{row.key}.{gate}") == "yes"
    ]


def _missing_in_following_table(
    table: Field, answers: Mapping, definition: FormDefinition
) -> list[str]:
    return [
        f"{table.path}.{row_key}.{column.key}"
        for row_key in _rows_followed(table, answers, definition)
        for column in table.columns
        if not is_answered(get_path(answers, f"{table.path}.{row_key}.{column.key}"))
    ]


def _missing_in_list(plan: Field, answers: Mapping) -> list[str]:
    """The improvement plan needs at least one row, and every cell of every row."""
    rows = get_path(answers, plan.path)
    if not isinstance(rows, list) or not rows:
        return [plan.path] if plan.required else []
    return [
        f"{plan.path}.{index}.{column.key}"
        for index, row in enumerate(rows)
        for column in plan.columns
        if column.required and not is_answered(get_path(row, column.key))
    ]
