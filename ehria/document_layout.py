"""How the documents lay out an assessment: what the PDF template is given.

The sections and steps that apply, each question's answers in blocks printed by their
field type's PDF partial (templates/pdf/types/), Section 4 as the template words it, and
the Jinja environment the PDF templates render in (always autoescaped: answers are text,
never markup).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ehria.form import (
    Choice,
    Field,
    FormDefinition,
    Question,
    Row,
    Section,
    Step,
    load_definition,
)
from ehria.form.conditions import Context, holds
from ehria.form.paths import get_path, is_answered
from ehria.form.types import FieldType
from ehria.models import Revision
from ehria.roles import ROLE_LABELS, Role
from ehria.screening import ScreeningOutcome


@dataclass(frozen=True)
class Block:
    """A run of a question's fields printed together by their type's PDF partial: a grid
    of neighbouring choices, a text, a table."""

    fields: tuple[Field, ...]
    choices: tuple[Choice, ...] = ()

    @property
    def kind(self) -> FieldType:
        return self.fields[0].kind


@dataclass(frozen=True)
class PrintedStep:
    step: Step
    heading: str | None  # None when the previous step had the same heading


@dataclass(frozen=True)
class PrintedSection:
    section: Section
    steps: list[PrintedStep] = field(default_factory=list)


def assessment_name(definition: FormDefinition, answers: Mapping[str, Any]) -> str:
    """The assessment's name (the policy's) as the template's `assessment:` block says."""
    return str(get_path(answers, definition.assessment.name) or "").strip()


def lead_officer_name(revision: Revision) -> str:
    """The lead officer the answers name (the template's `assessment: lead_officer`)."""
    path = load_definition(revision.template_version).assessment.lead_officer
    return str(get_path(revision.answers, path) or "").strip() if path else ""


def printed_sections(
    definition: FormDefinition, answers: Mapping[str, Any], outcome: ScreeningOutcome
) -> list[PrintedSection]:
    """The sections and steps that apply (Section 3 only when a report is required)."""
    printed = []
    for section in definition.sections:
        steps = [s for s in section.steps
                 if definition.applies(s, answers, outcome.report_required)]
        if not steps:
            continue
        entry = PrintedSection(section)
        previous_heading = None
        for step in steps:
            heading = step.heading if step.heading != previous_heading else None
            entry.steps.append(PrintedStep(step, heading))
            previous_heading = step.heading
        printed.append(entry)
    return printed


def question_blocks(question: Question) -> list[Block]:
    """A question's fields in order; neighbours with the same block key (choices of one
    list) print as one block."""
    blocks: list[Block] = []
    for f in question.fields:
        key = f.kind.pdf_block_key(f)
        last = blocks[-1] if blocks else None
        if key is not None and last is not None and last.kind.pdf_block_key(
                last.fields[0]) == key:
            blocks[-1] = Block((*last.fields, f), f.choices)
        else:
            blocks.append(Block((f,), f.choices))
    return blocks


def row_groups(table: Field) -> list[tuple[str | None, list[Row]]]:
    """The rows of a keyed table in order, grouped under their titles (Q11 Parts 1, 2)."""
    groups: list[tuple[str | None, list[Row]]] = []
    for row in table.rows:
        if not groups or groups[-1][0] != row.group:
            groups.append((row.group, []))
        groups[-1][1].append(row)
    return groups


def sign_off_context(
    definition: FormDefinition,
    answers: Mapping[str, Any],
    outcome: ScreeningOutcome,
    signatures: Sequence[Mapping[str, Any]],
) -> dict[str, Any] | None:
    """Section 4 as the template words it: each element with whether it is completed (its
    condition), and one line per authorised signature."""
    if definition.sign_off is None:
        return None
    by_role = {str(s.get("role")): s for s in signatures}
    context = Context(answers, report_required=outcome.report_required)
    return {
        "elements": [(e.label, holds(e.when, context)) for e in definition.sign_off.elements],
        "signatures": [
            {"role": s.role, "label": s.label, "signature": by_role.get(s.role)}
            for s in definition.sign_off.signatures
        ],
    }


def role_words(role: str) -> str:
    """ "the lead officer", "the DEG chair": how a depersonalised signature names its signer."""
    try:
        label = ROLE_LABELS[Role(role)]
    except ValueError:
        label = role.replace("_", " ")
    return "the " + (label if label.isupper() or label.startswith("DEG") else label.lower())


def format_date(value: object) -> str:
    """A date as the council writes it, "2 February 2026"; other text as it is."""
    if isinstance(value, str):
        try:
            value = (
                date.fromisoformat(value)
                if len(value) == 10
                else datetime.fromisoformat(value.replace("Z", "+00:00"))
            )
        except ValueError:
            return value
    if isinstance(value, datetime | date):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)


@cache
def environment(folder: Path) -> Environment:
    """The PDF templates' environment: autoescaped always, answers are text, never markup."""
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        get_path=get_path,
        is_answered=is_answered,
        question_blocks=question_blocks,
        row_groups=row_groups,
        role_words=role_words,
    )
    env.filters["date"] = format_date
    return env
