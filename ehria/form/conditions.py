"""Conditions the template declares: when a section, step, question or column is shown,
when an answer is required, when a screening rule fires.

A handful of declarative shapes (design/ARCHITECTURE.md: no general expression language),
each checked against the form path by path when the template loads:

    {answer: screening.likely_impact, is: negative_or_unknown}
    {answer: screening.consulted_needs, in: ["no"]}        # also not_in: [...]
    {answer: screening.consultation_plan, answered: true}
    {column: affected, is: "yes"}                          # a cell of the same table row
    {same_row_of: screening.protected_characteristics, column: affected, is: "yes"}
    {report_required: true}                                # the screening's outcome
    {any: [...]}, {all: [...]}, {not: {...}}

Evaluation is a plain function of the answers (and, for the shapes that need them, the row
being looked at and whether a report is required): no code from the template ever runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ehria.form.problems import TemplateProblem, line_of


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated over."""

    answers: Mapping[str, Any]
    row: tuple[str, Mapping[str, Any]] | None = None  # (row key, its cells) in a table
    report_required: bool | None = None


@dataclass(frozen=True)
class AnswerIs:
    path: str
    values: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True)
class Answered:
    path: str
    expected: bool = True


@dataclass(frozen=True)
class CellIs:
    column: str
    values: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True)
class SameRowOf:
    table: str
    column: str
    values: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True)
class ReportRequired:
    expected: bool = True


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    condition: Condition


Condition = AnswerIs | Answered | CellIs | SameRowOf | ReportRequired | AnyOf | AllOf | Not


def _at(answers: object, path: str) -> Any:
    from ehria.form.paths import get_path

    return get_path(answers, path)


def holds(condition: Condition | None, context: Context) -> bool:
    """Whether `condition` holds; no condition at all always holds."""
    if condition is None:
        return True
    match condition:
        case AnswerIs(path, values, negate):
            return (_at(context.answers, path) in values) != negate
        case Answered(path, expected):
            from ehria.form.paths import is_answered

            return is_answered(_at(context.answers, path)) == expected
        case CellIs(column, values, negate):
            cells = context.row[1] if context.row else {}
            value = cells.get(column) if isinstance(cells, Mapping) else None
            return (value in values) != negate
        case SameRowOf(table, column, values, negate):
            if context.row is None:
                return False
            value = _at(context.answers, f"{table}.{context.row[0]}.{column}")
            return (value in values) != negate
        case ReportRequired(expected):
            return bool(context.report_required) == expected
        case AnyOf(conditions):
            return any(holds(c, context) for c in conditions)
        case AllOf(conditions):
            return all(holds(c, context) for c in conditions)
        case Not(inner):
            return not holds(inner, context)
    raise TypeError(f"not a condition: {condition!r}")


def parts(condition: Condition | None) -> Iterator[Condition]:
    """The condition and every condition inside it."""
    if condition is None:
        return
    yield condition
    if isinstance(condition, AnyOf | AllOf):
        for inner in condition.conditions:
            yield from parts(inner)
    elif isinstance(condition, Not):
        yield from parts(condition.condition)


def needs_outcome(condition: Condition | None) -> bool:
    return any(isinstance(c, ReportRequired) for c in parts(condition))


# -- reading them from the template --------------------------------------------------------

_VALUE_TESTS = ("is", "in", "not_in")
# every key a condition may use (docs/template-format.md documents each)
CONDITION_KEYS = ("answer", "answered", *_VALUE_TESTS, "column", "same_row_of",
                  "report_required", "any", "all", "not")


def _values(data: Mapping[str, Any], place: str, problems: list[TemplateProblem]
            ) -> tuple[tuple[str, ...], bool] | None:
    tests = [key for key in _VALUE_TESTS if key in data]
    if len(tests) != 1:
        problems.append(TemplateProblem(place, "a condition needs exactly one of is, in or "
                                               "not_in", line_of(data)))
        return None
    test = tests[0]
    raw = data[test]
    values = [raw] if test == "is" else raw
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        wanted = "a quoted value" if test == "is" else "a list of quoted values"
        problems.append(TemplateProblem(
            place, f"{test!r} must be {wanted} (write \"yes\", not yes), not {raw!r}",
            line_of(data)))
        return None
    return tuple(values), test == "not_in"


def parse_condition(data: object, place: str, problems: list[TemplateProblem],
                    line: int | None = None) -> Condition | None:
    """A condition from the template, or None with the problem recorded."""
    if not isinstance(data, Mapping):
        problems.append(TemplateProblem(place, f"a condition must be a mapping, not {data!r}",
                                        line))
        return None
    line = line_of(data) or line
    keys = set(data)

    def only(*allowed: str) -> bool:
        extra = sorted(keys - set(allowed))
        if extra:
            problems.append(TemplateProblem(
                place, f"unknown key{'s' if len(extra) > 1 else ''} in a condition: "
                       f"{', '.join(extra)}", line))
        return not extra

    if keys & {"any", "all"}:
        kind = "any" if "any" in keys else "all"
        if not only(kind):
            return None
        items = data[kind]
        if not isinstance(items, list) or not items:
            problems.append(TemplateProblem(place, f"{kind!r} needs a list of conditions",
                                            line))
            return None
        parsed = [parse_condition(item, place, problems, line) for item in items]
        if any(p is None for p in parsed):
            return None
        inner = tuple(p for p in parsed if p is not None)
        return AnyOf(inner) if kind == "any" else AllOf(inner)
    if "not" in keys:
        if not only("not"):
            return None
        inner = parse_condition(data["not"], place, problems, line)
        return Not(inner) if inner is not None else None
    if "report_required" in keys:
        if not only("report_required"):
            return None
        if not isinstance(data["report_required"], bool):
            problems.append(TemplateProblem(place, "report_required must be true or false",
                                            line))
            return None
        return ReportRequired(data["report_required"])
    if "answer" in keys:
        path = data["answer"]
        if not isinstance(path, str) or not path:
            problems.append(TemplateProblem(place, "answer must name an answer path", line))
            return None
        if "answered" in keys:
            if not only("answer", "answered"):
                return None
            if not isinstance(data["answered"], bool):
                problems.append(TemplateProblem(place, "answered must be true or false", line))
                return None
            return Answered(path, data["answered"])
        if not only("answer", *_VALUE_TESTS) or (found := _values(data, place, problems)) is None:
            return None
        return AnswerIs(path, *found)
    if "same_row_of" in keys:
        if not only("same_row_of", "column", *_VALUE_TESTS):
            return None
        table, column = data.get("same_row_of"), data.get("column")
        if not isinstance(table, str) or not isinstance(column, str):
            problems.append(TemplateProblem(place, "same_row_of needs a table path and a "
                                                   "column", line))
            return None
        if (found := _values(data, place, problems)) is None:
            return None
        return SameRowOf(table, column, *found)
    if "column" in keys:
        if not only("column", *_VALUE_TESTS) or not isinstance(data["column"], str):
            return None
        if (found := _values(data, place, problems)) is None:
            return None
        return CellIs(data["column"], *found)
    problems.append(TemplateProblem(
        place, "a condition names one of: answer, column, same_row_of, report_required, "
               f"any, all, not (found {', '.join(sorted(map(str, keys))) or 'nothing'})",
        line))
    return None


def condition_dict(condition: Condition | None) -> dict[str, Any] | None:
    """The condition as the template writes it (for the API and the template builder)."""
    def values(vals: tuple[str, ...], negate: bool) -> dict[str, Any]:
        if negate:
            return {"not_in": list(vals)}
        return {"is": vals[0]} if len(vals) == 1 else {"in": list(vals)}

    match condition:
        case None:
            return None
        case AnswerIs(path, vals, negate):
            return {"answer": path, **values(vals, negate)}
        case Answered(path, expected):
            return {"answer": path, "answered": expected}
        case CellIs(column, vals, negate):
            return {"column": column, **values(vals, negate)}
        case SameRowOf(table, column, vals, negate):
            return {"same_row_of": table, "column": column, **values(vals, negate)}
        case ReportRequired(expected):
            return {"report_required": expected}
        case AnyOf(conditions):
            return {"any": [condition_dict(c) for c in conditions]}
        case AllOf(conditions):
            return {"all": [condition_dict(c) for c in conditions]}
        case Not(inner):
            return {"not": condition_dict(inner)}
    raise TypeError(f"not a condition: {condition!r}")
