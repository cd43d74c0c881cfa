"""A programme's cumulative impact (issue 15): per row of each table insight counts (the
protected characteristics, the Human Rights Act articles...), every assessment of the
programme that found a negative or unknown impact, so the effect of a budget round on one
group is read in one place.

Built on insight's figures only (`insight_for` and its rows' `negative_ids` and
`unknown_ids`): which tables, which rows and which revision counts stay insight's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ehria.extensions import db
from ehria.insights import Insight, Period, insight_for, may_see_insight
from ehria.models import Assessment, User
from ehria.permissions import can_see
from ehria.roles import Role

NEGATIVE, UNKNOWN = "Negative", "Unknown"


def may_see_programmes(user: User) -> bool:
    """Programme pages are insight filtered by a programme: the same people (DEG chairs,
    their department's; admins, every department's). Lead officers name an assessment's
    programme but, as with insight, do not read across their department's assessments."""
    return may_see_insight(user)


@dataclass(frozen=True)
class Found:
    """One assessment behind a row, with the impact it found; `shown` is False for one
    the reader may count but not open (a review being drafted is its authors')."""

    assessment: Assessment
    impact: str
    shown: bool


@dataclass(frozen=True)
class Row:
    label: str
    negative: list[Found]
    unknown: list[Found]

    @property
    def found(self) -> list[Found]:
        return self.negative + self.unknown


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    rows: list[Row]  # the rows with a negative or unknown impact, in the form's order
    none_found: list[str]  # the labels of the others


@dataclass(frozen=True)
class Programme:
    name: str
    held: int  # how many of its assessments the reader counts (drafts included)
    listed: list[Assessment]  # those they may open, by reference
    tables: list[Table]
    insight: Insight

    @property
    def signed(self) -> int:
        return sum(1 for a in self.listed if a.is_signed)


def _held(user: User, name: str) -> list[Assessment]:
    """The programme's assessments in the reader's reach, as insight counts them: a chair
    their department's, an admin every one."""
    query = select(Assessment).where(Assessment.programme == name)
    if not user.has_role(Role.ADMIN):
        query = query.where(Assessment.department_id == user.department_id)
    return list(db.session.scalars(query.order_by(Assessment.reference, Assessment.id)))


def programme_impacts(user: User, name: str, today: date) -> Programme | None:
    """The programme as `user` reads it, or None when it holds none of theirs."""
    held = _held(user, name)
    if not held:
        return None
    insight = insight_for(user, Period(programme=name), today)
    by_id = {a.id: a for a in held}
    behind = {i for _, rows in insight.tables.values() for row in rows
              for i in (*row.negative_ids, *row.unknown_ids)}
    if missing := behind - by_id.keys():  # should insight's reach ever differ from ours
        by_id |= {a.id: a for a in db.session.scalars(
            select(Assessment).where(Assessment.id.in_(missing)))}
    shown = {i for i, a in by_id.items() if can_see(user, a)}

    def found(ids: list[int], impact: str) -> list[Found]:
        return [Found(by_id[i], impact, i in shown) for i in ids if i in by_id]

    tables = []
    for table_name, (title, rows) in insight.tables.items():
        with_impact = [Row(r.label, found(r.negative_ids, NEGATIVE),
                           found(r.unknown_ids, UNKNOWN)) for r in rows]
        tables.append(Table(table_name, title, [r for r in with_impact if r.found],
                            [r.label for r in with_impact if not r.found]))
    return Programme(name, len(held), [a for a in held if a.id in shown], tables, insight)


def csv_rows(programme: Programme) -> list[list[str]]:
    """One line per assessment behind a row: the programme page's tables as a sheet."""
    lines = [["Table", "Row", "Impact", "Reference", "Policy"]]
    for table in programme.tables:
        for row in table.rows:
            lines += [[table.title, row.label, f.impact, f.assessment.reference,
                       f.assessment.policy_name if f.shown else ""] for f in row.found]
    return lines
