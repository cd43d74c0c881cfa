"""The screening rules the template declares: when a full report is required and why, and
which answers contradict each other.

    screening:
      rules:
        - id: R2
          answer: screening.likely_impact
          cases:
            negative_or_unknown:
              reason: "{question}: the likely impact is negative or unknown"
              clause: "{question} says the likely impact is negative or unknown"
        - id: R4                                      # one finding per row
          each_row: screening.protected_characteristics
          when: {column: affected, is: "yes"}
          answer: impact                              # a column of that table
          cases: {negative: {reason: ..., clause: ...}, unknown: {...}}
      problems:
        - id: P1
          answer: screening.report_required
          is: "no"                                    # or in: [...]
          against: [R1, R2, R3, R4, R5]
          together: true                              # one problem naming every finding
          message: "{question} says ..., but one is required because {clauses}"

A rule fires when its answer (in the row, for `each_row`) has one of its cases' values: the
case's `reason` is shown to the officer, and its `clause` is how a problem names it after
"because" or "but". Wording may use {question} (Q and the question's number), {row} (the
row's label) and {answer} (the answer's label); problems also {clause} or {clauses}.
Rules are tried in the template's order, rows in the table's, so reasons keep that order.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ehria.form.conditions import Condition, Context, condition_dict, holds, parse_condition
from ehria.form.problems import TemplateProblem, line_of

if TYPE_CHECKING:
    from ehria.form.model import FormDefinition

RULE_KEYS = ("id", "answer", "cases", "each_row", "when")
CASE_KEYS = ("reason", "clause")
PROBLEM_KEYS = ("id", "answer", "is", "in", "against", "together", "message")
OUTCOME_KEYS = ("required", "not_required", "none_found")
SCREENING_KEYS = ("rules", "problems", "outcome")
RULE_WORDS = ("question", "row", "answer")
PROBLEM_WORDS = ("question", "answer", "clause", "clauses")


@dataclass(frozen=True)
class Case:
    reason: str
    clause: str


@dataclass(frozen=True)
class Rule:
    id: str
    answer: str  # an answer path; for each_row, a column of the table
    cases: Mapping[str, Case]
    each_row: str | None = None
    when: Condition | None = None
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ProblemRule:
    id: str
    answer: str
    values: tuple[str, ...]
    against: tuple[str, ...]
    message: str
    together: bool = False
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OutcomeWords:
    """How the pages and the PDF say the outcome (`screening: outcome:` in the template)."""

    required: str = "A full report is required"
    not_required: str = "A full report is not required"
    none_found: str = "No rule of the screening requires a full report."

    def of(self, report_required: bool) -> str:
        return self.required if report_required else self.not_required


@dataclass(frozen=True)
class ScreeningRules:
    rules: tuple[Rule, ...] = ()
    problems: tuple[ProblemRule, ...] = ()
    outcome: OutcomeWords = OutcomeWords()


@dataclass(frozen=True)
class Finding:
    """A fired rule: the answers that fired it, the reason, and the clause."""

    rule: str
    paths: list[str]
    message: str
    clause: str


@dataclass(frozen=True)
class Contradiction:
    code: str
    paths: list[str]
    message: str


# -- evaluating ---------------------------------------------------------------------------

def _question(definition: FormDefinition, path: str) -> str:
    return definition.numbered(definition.question_number_for(path)) or ""


def _label(definition: FormDefinition, path: str, value: object) -> str:
    found = definition.resolve(path)
    if found is None:
        return str(value)
    target = definition.column_for(path) if found[1] else found[0]
    return (target.choice_label(value) if target is not None else None) or str(value)


def _words(text: str, **values: str) -> str:
    return text.format_map(values)


def findings(rules: ScreeningRules, answers: Mapping[str, Any], definition: FormDefinition
             ) -> list[Finding]:
    """Every rule that fires, in the template's order (rows in the table's order)."""
    from ehria.form.paths import get_path

    found: list[Finding] = []
    for rule in rules.rules:
        if rule.each_row is None:
            value = get_path(answers, rule.answer)
            case = rule.cases.get(value) if isinstance(value, str) else None
            if case is not None and holds(rule.when, Context(answers)):
                words = {"question": _question(definition, rule.answer), "row": "",
                         "answer": _label(definition, rule.answer, value)}
                found.append(Finding(rule.id, [rule.answer], _words(case.reason, **words),
                                     _words(case.clause, **words)))
            continue
        table = definition.field(rule.each_row)
        for row in table.rows:
            cells = get_path(answers, f"{table.path}.{row.key}")
            if not isinstance(cells, Mapping):
                continue
            value = cells.get(rule.answer)
            case = rule.cases.get(value) if isinstance(value, str) else None
            if case is None or not holds(rule.when, Context(answers, (row.key, cells))):
                continue
            path = f"{table.path}.{row.key}.{rule.answer}"
            words = {"question": _question(definition, table.path), "row": row.label,
                     "answer": _label(definition, path, value)}
            found.append(Finding(rule.id, [path], _words(case.reason, **words),
                                 _words(case.clause, **words)))
    return found


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def contradictions(rules: ScreeningRules, answers: Mapping[str, Any], fired: list[Finding],
                   definition: FormDefinition) -> list[Contradiction]:
    """Answers that contradict the rules that fired, in the template's order."""
    from ehria.form.paths import get_path

    found: list[Contradiction] = []
    for problem in rules.problems:
        value = get_path(answers, problem.answer)
        if value not in problem.values:
            continue
        against = [f for f in fired if f.rule in problem.against]
        if not against:
            continue
        words = {"question": _question(definition, problem.answer),
                 "answer": _label(definition, problem.answer, value)}
        if problem.together:
            paths = [problem.answer, *(p for f in against for p in f.paths)]
            message = _words(problem.message, **words, clause=against[0].clause,
                             clauses=_and_list([f.clause for f in against]))
            found.append(Contradiction(problem.id, paths, message))
        else:
            found += [Contradiction(problem.id, [problem.answer, *f.paths],
                                    _words(problem.message, **words, clause=f.clause,
                                           clauses=f.clause))
                      for f in against]
    return found


# -- reading them from the template -------------------------------------------------------

def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _wording(data: object, key: str, place: str, allowed: tuple[str, ...],
             problems: list[TemplateProblem], line: int | None) -> str | None:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        problems.append(TemplateProblem(place, f"needs its {key} in words", line))
        return None
    try:
        unknown = _placeholders(value) - set(allowed)
    except ValueError as error:
        problems.append(TemplateProblem(place, f"the {key} has a stray brace: {error}", line))
        return None
    if unknown:
        problems.append(TemplateProblem(
            place, f"the {key} uses {', '.join('{' + u + '}' for u in sorted(unknown))}; "
                   f"it may use {', '.join('{' + a + '}' for a in allowed)}", line))
        return None
    return value


def _rule(item: object, problems: list[TemplateProblem], line: int | None) -> Rule | None:
    if not isinstance(item, Mapping):
        problems.append(TemplateProblem("screening rules", "each rule is a mapping", line))
        return None
    line = line_of(item) or line
    rule_id = item.get("id")
    place = f"screening rule {rule_id!r}"
    unknown = sorted(set(item) - set(RULE_KEYS))
    if unknown:
        problems.append(TemplateProblem(place, f"unknown settings {', '.join(unknown)}", line))
    if not isinstance(rule_id, str) or not rule_id.strip():
        problems.append(TemplateProblem(place, "a rule needs an id (R1, R2 ...)", line))
        return None
    answer, each_row = item.get("answer"), item.get("each_row")
    if not isinstance(answer, str) or (each_row is not None and not isinstance(each_row, str)):
        problems.append(TemplateProblem(place, "a rule names its answer (and each_row a table)",
                                        line))
        return None
    cases_data = item.get("cases")
    if not isinstance(cases_data, Mapping) or not cases_data:
        problems.append(TemplateProblem(place, "a rule with no reason: give cases, each with "
                                               "a reason and a clause", line))
        return None
    cases: dict[str, Case] = {}
    for value, case in cases_data.items():
        case_place = f"{place}, case {value!r}"
        reason = _wording(case, "reason", case_place, RULE_WORDS, problems, line)
        clause = _wording(case, "clause", case_place, RULE_WORDS, problems, line)
        if not isinstance(value, str):
            problems.append(TemplateProblem(case_place, "a case's value must be quoted text",
                                            line))
        elif reason and clause:
            cases[value] = Case(reason, clause)
    if len(cases) != len(cases_data):
        return None
    when = (parse_condition(item["when"], f"{place}, when", problems, line)
            if "when" in item else None)
    return Rule(rule_id, answer, cases, each_row, when, line)


def _problem(item: object, problems: list[TemplateProblem], line: int | None
             ) -> ProblemRule | None:
    if not isinstance(item, Mapping):
        problems.append(TemplateProblem("screening problems", "each problem is a mapping",
                                        line))
        return None
    line = line_of(item) or line
    problem_id = item.get("id")
    place = f"screening problem {problem_id!r}"
    unknown = sorted(set(item) - set(PROBLEM_KEYS))
    if unknown:
        problems.append(TemplateProblem(place, f"unknown settings {', '.join(unknown)}", line))
    values = [item["is"]] if "is" in item else item.get("in")
    against = item.get("against")
    message = _wording(item, "message", place, PROBLEM_WORDS, problems, line)
    ok = (isinstance(problem_id, str) and isinstance(item.get("answer"), str)
          and isinstance(values, list) and values and all(isinstance(v, str) for v in values)
          and isinstance(against, list) and against and all(isinstance(a, str) for a in against)
          and isinstance(item.get("together", False), bool))
    if not ok:
        problems.append(TemplateProblem(place, "a problem needs an id, an answer, is or in "
                                               "(quoted values), and against: [rule ids]", line))
        return None
    if message is None:
        return None
    return ProblemRule(problem_id, item["answer"], tuple(values), tuple(against), message,
                       item.get("together", False), line)


def parse_rules(data: object, problems: list[TemplateProblem]) -> ScreeningRules:
    if data is None:
        return ScreeningRules()
    if not isinstance(data, Mapping):
        problems.append(TemplateProblem("screening", "must be a mapping of rules and "
                                                     "problems", None))
        return ScreeningRules()
    line = line_of(data)
    unknown = sorted(set(data) - set(SCREENING_KEYS))
    if unknown:
        problems.append(TemplateProblem("screening", f"unknown settings {', '.join(unknown)}",
                                        line))
    rules = [r for item in data.get("rules") or [] if (r := _rule(item, problems, line))]
    found = [p for item in data.get("problems") or []
             if (p := _problem(item, problems, line))]
    return ScreeningRules(tuple(rules), tuple(found), _outcome_words(data.get("outcome"),
                                                                     problems, line))


def _outcome_words(data: object, problems: list[TemplateProblem], line: int | None
                   ) -> OutcomeWords:
    if data is None:
        return OutcomeWords()
    names = OUTCOME_KEYS
    if not isinstance(data, Mapping) or set(data) - set(names) or not all(
            isinstance(v, str) and v.strip() for v in data.values()):
        problems.append(TemplateProblem("screening, outcome", "outcome gives the words for "
                                        f"{', '.join(names)}, each as text", line))
        return OutcomeWords()
    return OutcomeWords(**data)


def rules_dict(rules: ScreeningRules) -> dict[str, Any]:
    def rule(r: Rule) -> dict[str, Any]:
        data: dict[str, Any] = {"id": r.id, "answer": r.answer}
        if r.each_row:
            data["each_row"] = r.each_row
        if r.when is not None:
            data["when"] = condition_dict(r.when)
        data["cases"] = {value: {"reason": c.reason, "clause": c.clause}
                         for value, c in r.cases.items()}
        return data

    def problem(p: ProblemRule) -> dict[str, Any]:
        data: dict[str, Any] = {"id": p.id, "answer": p.answer}
        data.update({"is": p.values[0]} if len(p.values) == 1 else {"in": list(p.values)})
        data.update(against=list(p.against), message=p.message)
        if p.together:
            data["together"] = True
        return data

    words = rules.outcome
    return {"rules": [rule(r) for r in rules.rules],
            "problems": [problem(p) for p in rules.problems],
            "outcome": {"required": words.required, "not_required": words.not_required,
                        "none_found": words.none_found}}
