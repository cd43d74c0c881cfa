"""What changed between two versions of the form, in words (issue 13's "What changed").

Pure: two FormDefinitions in, a list of changes out, each naming the kind of part
(section, step, question, answer, row, column, choice, rule, problem, sign-off wording),
where it is, and its words before and after. Nothing is a YAML diff: a council officer
reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ehria.form import Field, FormDefinition, Question, Section, Step

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    change: str  # added, removed, reworded, retyped, reordered, required
    part: str  # section, step, question, answer, row, column, choice, rule, ...
    place: str  # where, in words a reader recognises (a key or path, and its label)
    what: str | None = None  # which wording (label, hint, title ...), for "reworded"
    before: str | None = None
    after: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"change": self.change, "part": self.part, "place": self.place,
                "what": self.what, "before": self.before, "after": self.after}


def _words(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return "\n\n".join(str(v) for v in value) or None
    return str(value)


def _reworded(part: str, place: str, old: object, new: object,
              names: Iterable[str]) -> list[Change]:
    return [Change("reworded", part, place, name, _words(getattr(old, name)),
                   _words(getattr(new, name)))
            for name in names if getattr(old, name) != getattr(new, name)]


def _matched(old: Iterable[T], new: Iterable[T], key: Callable[[T], str], part: str,
             label: Callable[[T], str], compare: Callable[[T, T], list[Change]],
             where: str = "") -> list[Change]:
    """Parts matched by key: added, removed, then each kept one compared; a change of
    order among the kept ones is one "reordered"."""
    before = {key(item): item for item in old}
    after = {key(item): item for item in new}
    changes = [Change("removed", part, f"{where}{k}", before=label(v))
               for k, v in before.items() if k not in after]
    changes += [Change("added", part, f"{where}{k}", after=label(v))
                for k, v in after.items() if k not in before]
    kept_before = [k for k in before if k in after]
    kept_after = [k for k in after if k in before]
    if kept_before != kept_after:
        changes.append(Change("reordered", part, where.rstrip(".:* ") or part + "s",
                              before=", ".join(kept_before), after=", ".join(kept_after)))
    for k in kept_after:
        changes += compare(before[k], after[k])
    return changes


def _question_key(question: Question) -> str:
    return question.fields[0].path


def _field_changes(old: Any, new: Any, place: str, part: str = "answer") -> list[Change]:
    """An answer's (Field) or a table column's (Column) changes."""
    changes: list[Change] = []
    if old.type != new.type:
        changes.append(Change("retyped", part, place, "type", old.type, new.type))
    changes += _reworded(part, place, old, new, ("hint",))
    if old.label != new.label:
        changes.append(Change("reworded", part, place, "label", old.label, new.label))
    if old.required != new.required:
        changes.append(Change("required", part, place, "required",
                              "required" if old.required else "optional",
                              "required" if new.required else "optional"))
    old_list, new_list = old.options.get("list"), new.options.get("list")
    if old_list != new_list and old.type == new.type:
        # a named list's own changes are said once, by the list (ehria: choice lists)
        changes.append(Change("retyped", part, place, "choices", old_list, new_list))
    if part == "column":
        return changes
    changes += _matched(old.rows, new.rows, lambda r: r.key, "row", lambda r: r.label,
                        lambda a, b: _reworded("row", f"{place}.{b.key}", a, b,
                                               ("label", "hint", "group")), f"{place}.")
    changes += _matched(old.columns, new.columns, lambda c: c.key, "column",
                        lambda c: c.label,
                        lambda a, b: _field_changes(a, b, f"{place}.*.{b.key}", "column"),
                        f"{place}.*.")
    return changes


def _question_changes(old: Question, new: Question) -> list[Change]:
    place = f"{new.number or ''} {new.label[:60]}".strip()
    changes = _reworded("question", place, old, new,
                        ("number", "label", "hint", "intro", "note"))
    changes += _matched(old.fields, new.fields, lambda f: f.path, "answer",
                        lambda f: f.label, lambda a, b: _answer_changes(a, b, old, new))
    return changes


def _answer_changes(old: Field, new: Field, old_question: Question, new_question: Question
                    ) -> list[Change]:
    """A one-answer question's answer is labelled by the question: its rewording is said
    once, as the question's."""
    changes = _field_changes(old, new, new.path)
    if old.label == old_question.label and new.label == new_question.label:
        changes = [c for c in changes if not (c.part == "answer" and c.what == "label")]
    return changes


def _step_changes(old: Step, new: Step) -> list[Change]:
    changes = _reworded("step", new.key, old, new, ("title", "heading", "intro", "note"))
    return changes + _matched(old.questions, new.questions, _question_key, "question",
                              lambda q: f"{q.number or ''} {q.label}".strip(),
                              _question_changes)


def _section_changes(old: Section, new: Section) -> list[Change]:
    changes = _reworded("section", new.key, old, new,
                        ("title", "task_title", "intro", "cannot_start", "not_needed"))
    return changes + _matched(old.steps, new.steps, lambda s: s.key, "step",
                              lambda s: s.title, _step_changes)


def _choice_lists(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for name in sorted(set(old) | set(new)):
        if name not in new or name not in old:
            changes.append(Change("removed" if name not in new else "added", "choice list",
                                  name))
            continue
        changes += _matched(old[name], new[name], lambda c: c.value, "choice",
                            lambda c: c.label, lambda a, b, n=name: [] if a.label == b.label
                            else [Change("reworded", "choice", f"{n}: {b.value}", "label",
                                         a.label, b.label)], f"{name}: ")
    return changes


def _rules(old: FormDefinition, new: FormDefinition) -> list[Change]:
    def rule_changes(a: Any, b: Any) -> list[Change]:
        found = []
        for value in sorted(set(a.cases) | set(b.cases)):
            was, now = a.cases.get(value), b.cases.get(value)
            for what in ("reason", "clause"):
                before = getattr(was, what) if was else None
                after = getattr(now, what) if now else None
                if before != after:
                    found.append(Change("reworded", "rule", f"{b.id}, {value}", what,
                                        before, after))
        if (a.answer, a.each_row, a.when) != (b.answer, b.each_row, b.when):
            found.append(Change("reworded", "rule", b.id, "condition",
                                f"{a.each_row or ''} {a.answer}".strip(),
                                f"{b.each_row or ''} {b.answer}".strip()))
        return found

    changes = _matched(old.rules.rules, new.rules.rules, lambda r: r.id, "rule",
                       lambda r: r.answer, rule_changes)
    return changes + _matched(old.rules.problems, new.rules.problems, lambda p: p.id,
                              "problem", lambda p: p.message,
                              lambda a, b: _reworded("problem", b.id, a, b, ("message",)))


def changes_between(old: FormDefinition, new: FormDefinition) -> list[Change]:
    """Every change from `old` to `new`, in the form's order."""
    changes = _reworded("form", "the form", old, new, ("title", "introduction"))
    changes += _choice_lists(old.choices, new.choices)
    changes += _matched(old.sections, new.sections, lambda s: s.key, "section",
                        lambda s: s.title, _section_changes)
    changes += _rules(old, new)
    if old.sign_off != new.sign_off and old.sign_off and new.sign_off:
        changes += _reworded("sign-off wording", "sign_off", old.sign_off, new.sign_off,
                             ("title", "intro", "heading", "elements_text", "date_label",
                              "publication"))
    return changes
