"""The checks that need the whole template: what conditions and rules refer to exists.

A condition naming an answer the form does not have, a value its choices lack, a column
its table lacks; a rule whose answer or row table is missing; a problem against a rule
that does not exist; a step continuing to nowhere: each is a TemplateProblem with its
place, found when the template loads, never when an officer meets it.
"""

from __future__ import annotations

from ehria.form.conditions import Answered, AnswerIs, CellIs, Condition, SameRowOf, parts
from ehria.form.model import Column, Field, FormDefinition
from ehria.form.problems import TemplateProblem
from ehria.form.rules import Rule

SCREENING_RESULT = "screening_result"  # a `then:` that shows the screening outcome page


def _values_ok(values: tuple[str, ...], target: Field | Column, place: str,
               problems: list[TemplateProblem], line: int | None) -> None:
    if not target.choices:
        return
    known = {c.value for c in target.choices}
    for value in values:
        if value not in known:
            problems.append(TemplateProblem(
                place, f"{value!r} is not one of the choices of {target.label!r} "
                       f"({', '.join(sorted(known))})", line))


def _answer_target(definition: FormDefinition, path: str) -> Field | Column | None:
    resolved = definition.resolve(path)
    if resolved is None or definition.label_for(path) == path:
        return None
    found, rest = resolved
    return found if not rest else definition.column_for(path)


def check_condition(definition: FormDefinition, condition: Condition | None, place: str,
                    line: int | None, table: Field | None = None) -> list[TemplateProblem]:
    """Problems of one condition; `table` is the table whose row a column condition is on."""
    problems: list[TemplateProblem] = []
    for part in parts(condition):
        if isinstance(part, AnswerIs | Answered):
            target = _answer_target(definition, part.path)
            if target is None:
                problems.append(TemplateProblem(
                    place, f"the condition names {part.path!r}, which the form does not "
                           "have", line))
            elif isinstance(part, AnswerIs):
                _values_ok(part.values, target, place, problems, line)
        elif isinstance(part, CellIs):
            column = next((c for c in table.columns if c.key == part.column), None) if (
                table is not None) else None
            if column is None:
                problems.append(TemplateProblem(
                    place, f"the condition names the column {part.column!r}, which "
                           + (f"{table.path!r} does not have" if table is not None
                              else "only a table's own columns can name"), line))
            else:
                _values_ok(part.values, column, place, problems, line)
        elif isinstance(part, SameRowOf):
            try:
                other = definition.field(part.table)
            except KeyError:
                other = None
            column = next((c for c in other.columns if c.key == part.column), None) if (
                other is not None and other.kind.has_rows) else None
            if column is None:
                problems.append(TemplateProblem(
                    place, f"the condition names column {part.column!r} of the table "
                           f"{part.table!r}, which the form does not have", line))
            else:
                _values_ok(part.values, column, place, problems, line)
                missing = [r.key for r in (table.rows if table else ()) if r.key not in
                           {o.key for o in other.rows}]
                if missing:
                    problems.append(TemplateProblem(
                        place, f"{part.table!r} has no rows {', '.join(missing)}", line))
    return problems


def _check_rule(definition: FormDefinition, rule: Rule) -> list[TemplateProblem]:
    place = f"screening rule {rule.id!r}"
    if rule.each_row is not None:
        try:
            table = definition.field(rule.each_row)
        except KeyError:
            return [TemplateProblem(place, f"each_row names {rule.each_row!r}, which the "
                                           "form does not have", rule.line)]
        if not table.kind.has_rows:
            return [TemplateProblem(place, f"each_row names {rule.each_row!r}, which is not "
                                           "a table with rows", rule.line)]
        column = next((c for c in table.columns if c.key == rule.answer), None)
        if column is None:
            return [TemplateProblem(place, f"{rule.each_row!r} has no column "
                                           f"{rule.answer!r}", rule.line)]
        found = check_condition(definition, rule.when, f"{place}, when", rule.line, table)
        _values_ok(tuple(rule.cases), column, place, found, rule.line)
        return found
    target = _answer_target(definition, rule.answer)
    if target is None:
        return [TemplateProblem(place, f"the rule names {rule.answer!r}, which the form does "
                                       "not have", rule.line)]
    found = check_condition(definition, rule.when, f"{place}, when", rule.line)
    _values_ok(tuple(rule.cases), target, place, found, rule.line)
    return found


def _check_assessment_fields(definition: FormDefinition) -> list[TemplateProblem]:
    problems = []
    fields = definition.assessment
    wanted = {"name": "a one-line text", "department": "a department",
              "lead_officer": "a one-line text", "lead_officer_job_title": "a one-line text"}
    for role, what in wanted.items():
        path = getattr(fields, role)
        if path is None:
            continue
        try:
            found = definition.field(path)
        except KeyError:
            problems.append(TemplateProblem(f"assessment, {role}", f"names {path!r}, which "
                                            "the form does not have", None))
            continue
        ok = found.kind.routes if role == "department" else found.kind.may_be_name
        if not ok:
            problems.append(TemplateProblem(f"assessment, {role}", f"{path!r} must be "
                                            f"{what} field, not {found.type!r}", None))
    return problems + _check_action_plan(definition) + _check_insight(definition)


def _check_insight(definition: FormDefinition) -> list[TemplateProblem]:
    problems = []
    for name, entry in definition.insight.items():
        place = f"insight, {name}"
        try:
            table = definition.field(entry.table)
        except KeyError:
            problems.append(TemplateProblem(place, f"names {entry.table!r}, which the form "
                                                   "does not have", None))
            continue
        column = next((c for c in table.columns if c.key == entry.answer), None)
        if not table.rows or column is None:
            problems.append(TemplateProblem(place, f"{entry.table!r} must be a table with "
                                                   f"rows and a column {entry.answer!r}", None))
            continue
        values = {c.value for c in column.choices}
        for value in (*entry.negative, *entry.unknown):
            if value not in values:
                problems.append(TemplateProblem(place, f"the column {entry.answer!r} has no "
                                                       f"choice {value!r}", None))
    return problems


def _check_action_plan(definition: FormDefinition) -> list[TemplateProblem]:
    plan = definition.assessment.action_plan
    if plan is None:
        return []
    place = "assessment, action_plan"
    try:
        found = definition.field(plan.answer)
    except KeyError:
        return [TemplateProblem(place, f"names {plan.answer!r}, which the form does not "
                                       "have", None)]
    if not found.is_list:
        return [TemplateProblem(place, f"{plan.answer!r} must be a list of rows", None)]
    columns = {c.key for c in found.columns}
    return [TemplateProblem(place, f"{part}: {plan.answer!r} has no column {key!r}", None)
            for part in ("objective", "action", "target", "officer", "due")
            if (key := getattr(plan, part)) is not None and key not in columns]


def check_references(definition: FormDefinition) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = _check_assessment_fields(definition)
    section_keys = [s.key for s in definition.sections]
    for index, section in enumerate(definition.sections):
        place = f"section {section.key!r}"
        problems += check_condition(definition, section.shown_when, place, section.line)
        if section.starts_after is not None and section.starts_after not in section_keys[
                :index]:
            problems.append(TemplateProblem(place, f"starts_after names {section.starts_after!r},"
                                                   " which is not a section before it",
                                            section.line))
        for step in section.steps:
            place = f"step {step.key!r}"
            problems += check_condition(definition, step.shown_when, place, step.line)
            if step.then not in (None, SCREENING_RESULT) and step.then not in {
                    s.key for s in definition.steps}:
                problems.append(TemplateProblem(place, f"then names {step.then!r}, which is "
                                                       f"neither a step nor {SCREENING_RESULT}",
                                                step.line))
            for question in step.questions:
                q_place = f"{place}, question {question.number or question.label[:40]!r}"
                problems += check_condition(definition, question.shown_when, q_place,
                                            question.line)
                problems += check_condition(definition, question.note_shown_when, q_place,
                                            question.line)
                for field in question.fields:
                    f_place = f"{q_place}, field {field.path!r}"
                    for condition in (field.shown_when, field.required_when):
                        problems += check_condition(definition, condition, f_place,
                                                    field.line)
                    for column in field.columns:
                        c_place = f"{f_place}, column {column.key!r}"
                        for condition in (column.shown_when, column.required_when):
                            problems += check_condition(definition, condition, c_place,
                                                        column.line, field)
    ids = {rule.id for rule in definition.rules.rules}
    for rule in definition.rules.rules:
        problems += _check_rule(definition, rule)
    for problem in definition.rules.problems:
        place = f"screening problem {problem.id!r}"
        target = _answer_target(definition, problem.answer)
        if target is None:
            problems.append(TemplateProblem(place, f"names {problem.answer!r}, which the form "
                                                   "does not have", problem.line))
        else:
            _values_ok(problem.values, target, place, problems, problem.line)
        for unknown in sorted(set(problem.against) - ids):
            problems.append(TemplateProblem(place, f"is against the rule {unknown!r}, which "
                                                   "the template does not have", problem.line))
    if definition.sign_off is not None:
        for element in definition.sign_off.elements:
            problems += check_condition(definition, element.when,
                                        f"sign_off, element {element.label[:40]!r}", None)
    return problems
