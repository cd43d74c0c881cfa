"""Insight across assessments (issue 15): where they stand, how long scrutiny takes, the
reviews and actions due, and which groups (the rows of the tables the template names in
`insight:`) the council's signed-off assessments found a negative or unknown impact on.

Four queries whatever the number of assessments: the assessments, their signed records'
answers, submissions, actions; everything else is counted in Python.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import lazyload

from ehria.extensions import db
from ehria.form import load_definition
from ehria.form.paths import get_path
from ehria.models import Assessment, Department, Revision, SignedRecord, User
from ehria.models_actions import TrackedAction
from ehria.review_dates import review_state
from ehria.roles import Role
from ehria.statuses import Status
from ehria.tracked_actions import OPEN, due_date

SIGNED = (Status.SIGNED_OFF, Status.PUBLISHED)


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None
    department: str | None = None
    programme: str | None = None


@dataclass
class RowCount:
    key: str
    label: str
    negative: int = 0
    unknown: int = 0
    assessments: list[int] = field(default_factory=list)
    # which of `assessments` found it negative, which unknown (the programme page lists
    # each with its impact); not in the API's figures
    negative_ids: list[int] = field(default_factory=list)
    unknown_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "negative": self.negative,
                "unknown": self.unknown, "assessments": self.assessments}


@dataclass
class Insight:
    by_status: dict[str, int]
    median_days_in_scrutiny: float | None
    reviews_due: int
    reviews_overdue: int
    actions_open: int
    actions_overdue: int
    tables: dict[str, tuple[str, list[RowCount]]]  # name: (title, rows)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "by_status": self.by_status,
            "median_days_in_scrutiny": self.median_days_in_scrutiny,
            "reviews_due": self.reviews_due, "reviews_overdue": self.reviews_overdue,
            "actions_open": self.actions_open, "actions_overdue": self.actions_overdue}
        for name, (_, rows) in self.tables.items():
            data[name] = [row.to_dict() for row in rows]
        return data


def period_from(args: Mapping[str, str]) -> tuple[Period, dict[str, str]]:
    """The period a page or the API asks for, and a message per parameter that is not a
    date (the page shows them in its error summary, the API answers 422 with them)."""
    dates: dict[str, date | None] = {}
    problems: dict[str, str] = {}
    for name in ("from", "to"):
        value = (args.get(name) or "").strip()
        try:
            dates[name] = date.fromisoformat(value) if value else None
        except ValueError:
            dates[name] = None
            problems[name] = f"Enter the '{name}' date as YYYY-MM-DD, such as 2026-04-01."
    named = {key: (args.get(key) or "").strip()[:200] or None
             for key in ("department", "programme")}
    return Period(dates["from"], dates["to"], **named), problems


def may_see_insight(user: User) -> bool:
    return user.has_role(Role.ADMIN) or user.has_role(Role.DEG_CHAIR)


def _assessments(user: User, period: Period) -> Select[tuple[Assessment]]:
    # a chair counts every assessment of their department, drafts included (only counts:
    # what a draft says stays its authors')
    query = select(Assessment)
    if not user.has_role(Role.ADMIN):
        query = query.where(Assessment.department_id == user.department_id)
    if period.department:
        query = query.join(Department, Department.id == Assessment.department_id).where(
            Department.name == period.department)
    if period.programme:
        query = query.where(Assessment.programme == period.programme)
    if period.start:
        query = query.where(Assessment.created_at >= datetime.combine(period.start,
                                                                      datetime.min.time()))
    if period.end:
        query = query.where(Assessment.created_at < datetime.combine(
            period.end, datetime.max.time()))
    return query


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def programmes(user: User) -> list[tuple[str, int]]:
    """The programmes of the assessments `user` counts, with how many are in each."""
    query = _assessments(user, Period()).where(Assessment.programme.is_not(None))
    names = Counter(a.programme for a in db.session.scalars(query))
    return sorted(names.items())


def insight_for(user: User, period: Period, today: date) -> Insight:
    # only the assessments' own columns: their authors (loaded in chunks of 500 by
    # default) would add a statement per 500 assessments
    assessments = list(db.session.scalars(_assessments(user, period).options(
        lazyload(Assessment.author_rows))))
    ids = [a.id for a in assessments]
    by_status = Counter(str(a.status) for a in assessments)
    states = Counter(review_state(a.review_date, today) for a in assessments
                     if a.status in SIGNED)
    records = list(db.session.execute(
        select(SignedRecord.assessment_id, SignedRecord.revision, SignedRecord.signed_at,
               SignedRecord.canonical_json).where(SignedRecord.assessment_id.in_(ids))
        .order_by(SignedRecord.assessment_id, SignedRecord.revision))) if ids else []
    submitted = dict(((row[0], row[1]), row[2]) for row in db.session.execute(
        select(Revision.assessment_id, Revision.number, Revision.submitted_at)
        .where(Revision.assessment_id.in_(ids), Revision.submitted_at.is_not(None)))
    ) if ids else {}
    days = [(_aware(signed_at) - _aware(submitted[(a, r)])).total_seconds() / 86400
            for a, r, signed_at, _ in records if (a, r) in submitted]
    actions = list(db.session.scalars(select(TrackedAction).where(
        TrackedAction.assessment_id.in_(ids), TrackedAction.status.in_(OPEN)))) if ids else []
    overdue = sum(1 for a in actions if (due := due_date(a)) is not None and due < today)
    latest = {a: (r, answers) for a, r, _, answers in records}  # the newest signed revision
    return Insight(
        by_status={str(s): by_status.get(str(s), 0) for s in Status},
        median_days_in_scrutiny=round(statistics.median(days), 1) if days else None,
        reviews_due=states.get("due", 0), reviews_overdue=states.get("overdue", 0),
        actions_open=len(actions), actions_overdue=overdue,
        tables=_impacts(latest, {a.id: a for a in assessments}))


def _impacts(latest: dict[int, tuple[int, str]], assessments: dict[int, Assessment]
             ) -> dict[str, tuple[str, list[RowCount]]]:
    """Per table the template names, per row: the signed assessments that found a negative
    or unknown impact (each its newest signed revision, on its own form version)."""
    tables: dict[str, tuple[str, dict[str, RowCount]]] = {}
    for assessment_id, (_, canonical) in sorted(latest.items()):
        record = json.loads(canonical)
        definition = load_definition(record.get("template_version")
                                     or assessments[assessment_id].revision.template_version)
        answers = record.get("answers") or {}
        for name, entry in definition.insight.items():
            _, rows = tables.setdefault(name, (entry.title, {}))
            table = definition.field(entry.table)
            for row in table.rows:
                count = rows.setdefault(row.key, RowCount(row.key, row.label))
                value = get_path(answers, f"{entry.table}.{row.key}.{entry.answer}")
                if value in entry.negative:
                    count.negative += 1
                    count.negative_ids.append(assessment_id)
                elif value in entry.unknown:
                    count.unknown += 1
                    count.unknown_ids.append(assessment_id)
                else:
                    continue
                count.assessments.append(assessment_id)
    if not tables:  # nothing signed yet: the live form's rows, all zero
        for name, entry in load_definition().insight.items():
            rows = {r.key: RowCount(r.key, r.label)
                    for r in load_definition().field(entry.table).rows}
            tables[name] = (entry.title, rows)
    return {name: (title, list(rows.values())) for name, (title, rows) in tables.items()}
