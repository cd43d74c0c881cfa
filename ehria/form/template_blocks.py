"""The template's blocks outside its sections: choice lists, the assessment: block, the
sign-off block and the question prefix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ehria.form.model import (
    ActionPlanFields,
    AssessmentFields,
    Choice,
    InsightTable,
    SignOff,
    SignOffElement,
    SignOffSignature,
)
from ehria.form.problems import line_of
from ehria.form.reader import Reader

ASSESSMENT_KEYS = ("name", "department", "lead_officer", "lead_officer_job_title",
                   "action_plan")
INSIGHT_KEYS = ("title", "table", "answer", "negative", "unknown")
ACTION_PLAN_KEYS = ("answer", "objective", "action", "target", "officer", "due")
SIGN_OFF_KEYS = ("title", "intro", "heading", "elements_text", "elements", "signatures",
                 "date_label", "publication")


def read_choices(reader: Reader, data: object) -> dict[str, tuple[Choice, ...]]:
    lists = reader.mapping(data, "choices", None)
    if lists is None:
        return {}
    choices: dict[str, tuple[Choice, ...]] = {}
    for name, items in lists.items():
        place = f"choice list {name!r}"
        if not isinstance(items, list) or not items:
            reader.problem(place, "must be a list of {value, label}", line_of(lists))
            continue
        parsed = []
        for item in items:
            if not isinstance(item, Mapping):
                reader.problem(place, "each choice needs a value and a label", line_of(items))
                continue
            value = item.get("value")
            if not isinstance(value, str):
                reader.problem(place, f"has a value that is not quoted text: {value!r} (write "
                                      f"\"yes\", not yes)", line_of(item))
                continue
            label = reader.text(item, "label", place)
            if label is not None:
                parsed.append(Choice(value, label))
        reader.unique([c.value for c in parsed], "value", place, line_of(items))
        choices[str(name)] = tuple(parsed)
    return choices


def read_sign_off(reader: Reader, data: object) -> SignOff | None:
    if data is None:
        return None
    place = "sign_off"
    block = reader.mapping(data, place, None)
    if block is None:
        return None
    reader.known_keys(block, SIGN_OFF_KEYS, place)
    elements = []
    for item in block.get("elements") or []:
        if isinstance(item, Mapping) and (label := reader.text(item, "label", place)):
            elements.append(SignOffElement(label, reader.condition(item, "when", place)))
    signatures = []
    for item in block.get("signatures") or []:
        role = item.get("role") if isinstance(item, Mapping) else None
        if role not in ("lead_officer", "deg_chair"):
            reader.problem(place, f"a signature's role is lead_officer or deg_chair, not "
                                  f"{role!r}", line_of(item) or line_of(block))
            continue
        if label := reader.text(item, "label", place):
            signatures.append(SignOffSignature(role, label))
    texts = {name: reader.text(block, name, place)
             for name in ("title", "heading", "elements_text", "date_label")}
    if any(value is None for value in texts.values()):
        return None
    return SignOff(
        intro=reader.paragraphs(block.get("intro"), f"{place}, intro", line_of(block)),
        elements=tuple(elements), signatures=tuple(signatures),
        publication=reader.text(block, "publication", place, optional=True),
        **texts,  # type: ignore[arg-type]
    )


def read_assessment_fields(reader: Reader, data: object) -> AssessmentFields | None:
    place = "assessment"
    block = reader.mapping(data, place, None)
    if block is None:
        reader.problem(place, "the template needs an assessment: block naming the answers "
                              "that are its name and its department", None)
        return None
    reader.known_keys(block, ASSESSMENT_KEYS, place)
    name = reader.text(block, "name", place)
    department = reader.text(block, "department", place)
    if name is None or department is None:
        return None
    return AssessmentFields(name, department,
                            reader.text(block, "lead_officer", place, optional=True),
                            reader.text(block, "lead_officer_job_title", place, optional=True),
                            _action_plan(reader, block.get("action_plan")))


def _action_plan(reader: Reader, data: object) -> ActionPlanFields | None:
    """`action_plan:` names the plan's answer and its columns for each part of an action."""
    if data is None:
        return None
    place = "assessment, action_plan"
    block = reader.mapping(data, place, None)
    if block is None:
        return None
    reader.known_keys(block, ACTION_PLAN_KEYS, place)
    answer = reader.text(block, "answer", place)
    if answer is None:
        return None
    return ActionPlanFields(answer, **{key: reader.text(block, key, place, optional=True)
                                       for key in ACTION_PLAN_KEYS[1:]})


def read_insight(reader: Reader, data: object) -> dict[str, InsightTable]:
    """`insight:` names the tables counted across assessments, each by a name of its own
    (characteristics, articles): the column and its negative and unknown values."""
    if data is None:
        return {}
    block = reader.mapping(data, "insight", None)
    if block is None:
        return {}
    found: dict[str, InsightTable] = {}
    for name, item in block.items():
        place = f"insight, {name}"
        entry = reader.mapping(item, place, None)
        if entry is None:
            continue
        reader.known_keys(entry, INSIGHT_KEYS, place)
        texts = [reader.text(entry, key, place) for key in ("title", "table", "answer")]
        values = [entry.get(key) for key in ("negative", "unknown")]
        if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in values):
            reader.problem(place, "negative and unknown are lists of quoted values",
                           None)
            continue
        if all(texts):
            title, table, answer = texts
            found[str(name)] = InsightTable(table, answer, tuple(values[0]), tuple(values[1]),
                                            title)  # type: ignore[arg-type]
    return found


def read_question_prefix(reader: Reader, top: Mapping[str, Any]) -> str:
    prefix = top.get("question_prefix", "Q")
    if not isinstance(prefix, str) or len(prefix) > 10:
        reader.problem("the template", "question_prefix must be a short text (\"Q\" "
                                       "writes Q10; \"\" writes 10)", line_of(top))
        return "Q"
    return prefix
