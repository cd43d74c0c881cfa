"""Moving an assessment to the live form version (issue 13): what carries over, and the
move itself.

An answer carries when the new version asks the same thing in the same way: the same
path, the same type, a choice the new list still has, a row and column the table still
has. Nothing is deleted: the move makes a new revision on the new version with the
answers that carry; the revision before keeps every answer, and the audit event lists
what did not carry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ehria.assessments import (
    NotEditable,
    StaleVersion,
    record_event,
    version_tag,
)
from ehria.extensions import db
from ehria.form import FormDefinition, load_definition
from ehria.models import Assessment, Revision, User, utcnow


@dataclass(frozen=True)
class Carry:
    answers: dict[str, Any]
    carried: list[str]
    not_carried: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"carried": self.carried, "not_carried": self.not_carried}


def _leaves(value: object, path: str) -> Iterator[tuple[str, object]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}.{index}")
    else:
        yield path, value


def _asks_the_same(old: FormDefinition, new: FormDefinition, path: str, value: object
                   ) -> bool:
    was, now = old.resolve(path), new.resolve(path)
    if was is None or now is None or was[0].type != now[0].type:
        return False
    if not now[1]:
        part_was, part_now = was[0], now[0]
    else:
        part_was, part_now = old.column_for(path), new.column_for(path)
        if part_was is None or part_now is None or part_was.type != part_now.type:
            return False
        if now[0].rows and now[1][0] not in {r.key for r in now[0].rows}:
            return False
    if part_now.choices and value not in (None, "") and value not in {
            c.value for c in part_now.choices}:
        return False
    return part_was.type == part_now.type


def _put(answers: dict[str, Any], path: str, value: object) -> None:
    parts = path.split(".")
    here: Any = answers
    for index, part in enumerate(parts[:-1]):
        following = parts[index + 1]
        if isinstance(here, list):
            position = int(part)
            while len(here) <= position:
                here.append({})
            here = here[position]
            continue
        here = here.setdefault(part, [] if following.isdigit() else {})
    if isinstance(here, list):
        here.append(value)
    else:
        here[parts[-1]] = value


def carry_over(answers: Mapping[str, Any], old: FormDefinition, new: FormDefinition) -> Carry:
    """The answers that carry from `old` to `new`, and the paths of those that do not."""
    carried: dict[str, Any] = {}
    kept: list[str] = []
    dropped: list[str] = []
    for path, value in _leaves(answers, ""):
        if _asks_the_same(old, new, path, value):
            _put(carried, path, value)
            kept.append(path)
        else:
            dropped.append(path)
    return Carry(carried, kept, dropped)


class MoveRefused(Exception):
    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def move_to_version(assessment: Assessment, actor: User, version: str,
                    expected_tag: str | None, *, dry_run: bool = False) -> Carry:
    """Move a draft or returned assessment to `version` (the live one): a new revision
    with what carries. A dry run says the same and changes nothing."""
    from ehria.template_versions import live_version

    if version != live_version():
        raise MoveRefused(f"Assessments move only to the live version, {live_version()}.",
                          422)
    revision = assessment.revision
    if revision.template_version == version:
        raise MoveRefused(f"This assessment is already on {version}.")
    if not assessment.is_editable:
        raise NotEditable("Only a draft or a returned assessment can move to another "
                          "version of the form.")
    carry = carry_over(revision.answers, load_definition(revision.template_version),
                       load_definition(version))
    if dry_run:
        return carry
    if expected_tag != version_tag(assessment):
        raise StaleVersion("This assessment was changed by someone else since you loaded "
                           "it. Reload it to see their changes.")
    now = utcnow()
    moved = Revision(number=revision.number + 1, template_version=version,
                     answers=carry.answers, created_at=now)
    assessment.revisions.append(moved)
    assessment.current_revision = moved.number
    assessment.updated_at = now
    record_event(assessment, actor, "moved_to_template", carry.carried,
                 {"from": revision.template_version, "to": version,
                  "not_carried": carry.not_carried})
    db.session.flush()
    return carry
