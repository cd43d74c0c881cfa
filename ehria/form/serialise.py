"""The template as JSON (GET /api/v1/template): every part, and what each declares.

Derived keys a reader finds useful (`path`, `max_length`, the choices written out in each
field) sit beside what the template says; the declarations (conditions, personal data,
rules, the sign-off wording) are included only where the template makes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehria.form.conditions import condition_dict

if TYPE_CHECKING:
    from ehria.form.model import Column, Field, FormDefinition, Question, Section, Step


def _declared(data: dict[str, Any], **values: Any) -> dict[str, Any]:
    """`data` with the keys whose value is set (not None, not False, not empty)."""
    data.update({key: value for key, value in values.items() if value not in (None, False, {})})
    return data


def _common(item: Field | Column) -> dict[str, Any]:
    return {"key": item.key, "label": item.label, "type": item.type, "hint": item.hint,
            "required": item.required}


def _choice_options(item: Field | Column) -> dict[str, Any]:
    inline = item.options.get("inline")
    return {"inline": inline} if inline is not None else {}


def column_dict(column: Column) -> dict[str, Any]:
    data = {**_common(column), **column.kind.options_dict(column), **_choice_options(column)}
    return _declared(data, shown_when=condition_dict(column.shown_when),
                     required_when=condition_dict(column.required_when),
                     personal=column.personal)


def field_dict(field: Field) -> dict[str, Any]:
    data = {"key": field.key, "path": field.path, **_common(field),
            **field.kind.options_dict(field), **_choice_options(field)}
    return _declared(data, shown_when=condition_dict(field.shown_when),
                     required_when=condition_dict(field.required_when),
                     personal=field.personal,
                     keep_empty_rows=field.options.get("keep_empty_rows"))


def question_dict(question: Question) -> dict[str, Any]:
    data = {"number": question.number, "label": question.label, "hint": question.hint,
            "intro": list(question.intro), "note": list(question.note),
            "fields": [field_dict(f) for f in question.fields]}
    return _declared(data, shown_when=condition_dict(question.shown_when),
                     note_shown_when=condition_dict(question.note_shown_when),
                     link=dict(question.link) if question.link else None)


def step_dict(step: Step) -> dict[str, Any]:
    data = {"key": step.key, "title": step.title, "heading": step.heading,
            "intro": list(step.intro), "note": list(step.note),
            "questions": [question_dict(q) for q in step.questions]}
    return _declared(data, shown_when=condition_dict(step.shown_when), then=step.then)


def section_dict(section: Section) -> dict[str, Any]:
    data = {"key": section.key, "title": section.title, "intro": list(section.intro),
            "steps": [step_dict(s) for s in section.steps]}
    return _declared(data, task_title=section.task_title,
                     shown_when=condition_dict(section.shown_when),
                     starts_after=section.starts_after, cannot_start=section.cannot_start,
                     not_needed=section.not_needed, layout=section.layout,
                     prints_outcome=section.prints_outcome)


def definition_dict(definition: FormDefinition) -> dict[str, Any]:
    from ehria.form.rules import rules_dict

    data: dict[str, Any] = {
        "version": definition.version,
        "title": definition.title,
        "introduction": list(definition.introduction),
        "question_prefix": definition.question_prefix,
        "choices": {name: [{"value": c.value, "label": c.label} for c in choices]
                    for name, choices in definition.choices.items()},
        "sections": [section_dict(s) for s in definition.sections],
    }
    fields = definition.assessment
    data["assessment"] = {key: value for key, value in (
        ("name", fields.name), ("department", fields.department),
        ("lead_officer", fields.lead_officer),
        ("lead_officer_job_title", fields.lead_officer_job_title)) if value}
    if (plan := fields.action_plan) is not None:
        data["assessment"]["action_plan"] = {key: value for key, value in (
            ("answer", plan.answer), ("objective", plan.objective), ("action", plan.action),
            ("target", plan.target), ("officer", plan.officer), ("due", plan.due)) if value}
    if definition.rules.rules or definition.rules.problems:
        data["screening"] = rules_dict(definition.rules)
    if definition.insight:
        data["insight"] = {name: {"title": e.title, "table": e.table, "answer": e.answer,
                                  "negative": list(e.negative), "unknown": list(e.unknown)}
                           for name, e in definition.insight.items()}
    if definition.sign_off is not None:
        sign_off = definition.sign_off
        data["sign_off"] = _declared({
            "title": sign_off.title, "intro": list(sign_off.intro), "heading": sign_off.heading,
            "elements_text": sign_off.elements_text,
            "elements": [_declared({"label": e.label}, when=condition_dict(e.when))
                         for e in sign_off.elements],
            "signatures": [{"role": s.role, "label": s.label} for s in sign_off.signatures],
            "date_label": sign_off.date_label}, publication=sign_off.publication)
    return data
