"""Insight across assessments (issue 15): where they stand, how long scrutiny takes, the
reviews and actions due, and which groups (the rows of the tables the template names in
`insight:`) the council's signed-off assessments found a negative or unknown impact on.

The figures are counted by the database: the assessments by state and review date, the
actions, and the impacts each signed revision found, which sign-off writes to a table of
their own (ehria.signed_impacts). The same few statements at 10 or 10,000 assessments.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Float, Select, String, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ehria.extensions import db
from ehria.form import CURRENT_VERSION, load_definition
from ehria.models import Assessment, Department, Revision, SignedRecord, User
from ehria.models_actions import TrackedAction
from ehria.models_insight import SignedImpact
from ehria.review_dates import DUE_SOON_DAYS
from ehria.roles import Role
from ehria.signed_impacts import NEGATIVE, backfill, backfill_pending
from ehria.statuses import Status
from ehria.tracked_actions import OPEN

SIGNED = (Status.SIGNED_OFF, Status.PUBLISHED)


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None
    department: str | None = None
    programme: str | None = None


@dataclass
class RowCount:
    """One row of an insight table: how many assessments found it negative, unknown, and
    which (`assessments` both, in order; the split for pages that show them apart)."""

    key: str
    label: str
    negative: int = 0
    unknown: int = 0
    assessments: list[int] = field(default_factory=list)
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


def _in_scope(query: Select[Any], user: User, period: Period) -> Select[Any]:
    """`query` (on assessments) narrowed to the assessments `user` counts in `period`."""
    # a chair counts every assessment of their department, drafts included (only counts:
    # what a draft says stays its authors')
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


def programmes(user: User) -> list[tuple[str, int]]:
    """The programmes of the assessments `user` counts, with how many are in each."""
    query = _in_scope(select(Assessment.programme, func.count()), user, Period()).where(
        Assessment.programme.is_not(None)).group_by(Assessment.programme)
    return sorted((name, count) for name, count in db.session.execute(query))


class _DaysBetween(FunctionElement[float]):
    """`later - earlier` in days, as a float, for two timestamp columns."""

    type = Float()
    inherit_cache = True


@compiles(_DaysBetween, "sqlite")
def _days_between_sqlite(element: _DaysBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(_DaysBetween)
def _days_between(element: _DaysBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION) / 86400)"


class _IdList(FunctionElement[str]):
    """The ids of a group, as text separated by commas (in no particular order)."""

    type = String()
    inherit_cache = True


@compiles(_IdList, "sqlite")
def _id_list_sqlite(element: _IdList, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(_IdList)
def _id_list(element: _IdList, compiler: Any, **kw: Any) -> str:
    return f"string_agg(CAST({compiler.process(element.clauses, **kw)} AS TEXT), ',')"


def insight_for(user: User, period: Period, today: date) -> Insight:
    """The figures for `user` (their department unless an admin) over `period`.

    A fixed number of SQL statements whatever the number of assessments, each an
    aggregate over the assessments in scope (a subquery, never a list of ids), except
    the days in scrutiny: one float per signed record, for the median. The impacts are
    those sign-off wrote (ehria.signed_impacts), not read from the signed records.
    """
    if backfill_pending():  # records signed before migration 0034, once
        backfill()
    scope = _in_scope(select(Assessment.id), user, period)
    reviews = _in_scope(select(
        Assessment.status, func.count(),
        func.sum(case((Assessment.review_date < today, 1), else_=0)),
        func.sum(case((Assessment.review_date.between(
            today, today + timedelta(days=DUE_SOON_DAYS)), 1), else_=0)),
    ), user, period).group_by(Assessment.status)
    by_status: dict[str, int] = {}
    overdue_reviews = due_reviews = 0
    for status, count, overdue, due in db.session.execute(reviews):
        by_status[str(status)] = count
        if status in SIGNED:  # review_state's rule: overdue before today, due in 60 days
            overdue_reviews, due_reviews = overdue_reviews + overdue, due_reviews + due
    days = [float(d) for d in db.session.connection().scalars(
        select(_DaysBetween(SignedRecord.signed_at, Revision.submitted_at))
        .join(Revision, and_(Revision.assessment_id == SignedRecord.assessment_id,
                             Revision.number == SignedRecord.revision))
        .where(SignedRecord.assessment_id.in_(scope), Revision.submitted_at.is_not(None)))]
    actions_open, actions_overdue = db.session.execute(select(
        func.count(), func.sum(case((TrackedAction.due_on < today, 1), else_=0)))
        .where(TrackedAction.assessment_id.in_(scope), TrackedAction.status.in_(OPEN))).one()
    return Insight(
        by_status={str(s): by_status.get(str(s), 0) for s in Status},
        median_days_in_scrutiny=round(statistics.median(days), 1) if days else None,
        reviews_due=due_reviews, reviews_overdue=overdue_reviews,
        actions_open=actions_open, actions_overdue=actions_overdue or 0,
        tables=_impacts(scope))


def _impacts(scope: Select[Any]) -> dict[str, tuple[str, list[RowCount]]]:
    """Per table the template names, per row: the signed assessments that found a negative
    or unknown impact (each its newest signed revision, on its own form version)."""
    newest = (select(SignedRecord.assessment_id, func.max(SignedRecord.revision)
                     .label("revision"))
              .where(SignedRecord.assessment_id.in_(scope))
              .group_by(SignedRecord.assessment_id).subquery())
    on_newest = and_(Revision.assessment_id == newest.c.assessment_id,
                     Revision.number == newest.c.revision)
    # the form versions signed on, in the order of their first assessment: their rows,
    # in their template's order, are the rows shown (every one, found or not)
    versions = list(db.session.scalars(
        select(Revision.template_version).join(newest, on_newest)
        .group_by(Revision.template_version)
        .order_by(func.min(newest.c.assessment_id), Revision.template_version)))
    tables: dict[str, tuple[str, dict[str, RowCount]]] = {}
    for version in versions or [CURRENT_VERSION]:  # nothing signed: the form's rows, at 0
        definition = load_definition(version)
        for name, entry in definition.insight.items():
            _, rows = tables.setdefault(name, (entry.title, {}))
            for row in definition.field(entry.table).rows:
                rows.setdefault(row.key, RowCount(row.key, row.label))
    # one row per table, row and impact, its assessments' ids as text: at 10,000
    # assessments 26 rows, not 25,000 through the ORM (a third of the API's time)
    found = db.session.connection().execute(
        select(SignedImpact.table_name, SignedImpact.row_key, SignedImpact.impact,
               _IdList(SignedImpact.assessment_id))
        .join(newest, and_(SignedImpact.assessment_id == newest.c.assessment_id,
                           SignedImpact.revision == newest.c.revision))
        .group_by(SignedImpact.table_name, SignedImpact.row_key, SignedImpact.impact)
        .order_by(SignedImpact.table_name, SignedImpact.row_key, SignedImpact.impact))
    for name, key, impact, text in found:
        _, rows = tables.setdefault(name, (name, {}))
        count = rows.get(key) or rows.setdefault(key, RowCount(key, key))
        ids = sorted(map(int, text.split(",")))
        if impact == NEGATIVE:
            count.negative, count.negative_ids = len(ids), ids
        else:
            count.unknown, count.unknown_ids = len(ids), ids
        count.assessments = sorted(count.negative_ids + count.unknown_ids)
    return {name: (title, list(rows.values())) for name, (title, rows) in tables.items()}
