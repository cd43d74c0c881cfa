"""Each signed revision's negative and unknown impacts, as rows insight counts (issue 15).

`impacts_of` is the one rule that reads them from a revision's answers, by the tables the
template names in `insight:`. It runs at sign-off (`record_impacts`, in the transaction
that writes the signed record) and, for records signed before migration 0034, in
`backfill`.

Why a backfill here and not in the migration: reading the impacts needs the template
(which tables, rows and values count), and a migration never imports the form code. So
migration 0034 only lists the signed records there were (`impact_backfills`), and
`backfill` writes their impacts with the form code and takes each off the list. It runs
after the migrations wherever they run for the service (gunicorn's master, scripts/run
through `flask backfill-impacts`), and insight itself runs it when the list is not empty,
so the figures never miss a record whichever way the database was upgraded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.exc import IntegrityError

from ehria.extensions import db
from ehria.form import FormDefinition, load_definition
from ehria.form.paths import get_path
from ehria.form.problems import DefinitionError, UnknownTemplateVersion
from ehria.models import Revision, SignedRecord
from ehria.models_insight import ImpactBackfill, SignedImpact

NEGATIVE, UNKNOWN = "negative", "unknown"
log = logging.getLogger(__name__)


def impacts_of(definition: FormDefinition, answers: Mapping[str, Any]
               ) -> list[tuple[str, str, str]]:
    """(insight table, row key, "negative" or "unknown") for each row of the tables the
    template names in `insight:` whose answer is one of that entry's negative or unknown
    values, in the template's order. Other impacts are not insight's concern."""
    found: dict[tuple[str, str], str] = {}
    for name, entry in definition.insight.items():
        for row in definition.field(entry.table).rows:
            value = get_path(answers, f"{entry.table}.{row.key}.{entry.answer}")
            if value in entry.negative:
                found.setdefault((name, row.key), NEGATIVE)
            elif value in entry.unknown:
                found.setdefault((name, row.key), UNKNOWN)
    return [(name, key, impact) for (name, key), impact in found.items()]


def impact_rows(assessment_id: int, revision: int, definition: FormDefinition,
                answers: Mapping[str, Any]) -> list[SignedImpact]:
    """The rows to store for one signed revision."""
    return [SignedImpact(assessment_id=assessment_id, revision=revision, table_name=name,
                         row_key=key, impact=impact)
            for name, key, impact in impacts_of(definition, answers)]


def record_impacts(assessment_id: int, revision: int, definition: FormDefinition,
                   answers: Mapping[str, Any]) -> list[SignedImpact]:
    """At sign-off: the signed revision's impacts, added to the session beside its record."""
    rows = impact_rows(assessment_id, revision, definition, answers)
    db.session.add_all(rows)
    return rows


def backfill_pending() -> bool:
    """Whether signed records from before migration 0034 still wait for their impacts."""
    return db.session.scalar(select(ImpactBackfill.signed_record_id).limit(1)) is not None


def backfill(batch: int = 200) -> int:
    """Write the impacts of the signed records migration 0034 listed, `batch` records a
    transaction; returns how many were written. A record whose template cannot be read
    is logged and stays listed (tried again next time). If another backfill is writing
    the same records at once, this one stops and leaves them to it."""
    written, after = 0, 0
    while True:
        pending = db.session.execute(
            select(SignedRecord.id, SignedRecord.assessment_id, SignedRecord.revision,
                   SignedRecord.canonical_json, Revision.template_version)
            .join(ImpactBackfill, ImpactBackfill.signed_record_id == SignedRecord.id)
            .outerjoin(Revision, and_(Revision.assessment_id == SignedRecord.assessment_id,
                                      Revision.number == SignedRecord.revision))
            .where(SignedRecord.id > after).order_by(SignedRecord.id).limit(batch)).all()
        if not pending:
            return written
        done = []
        for record_id, assessment_id, revision, text, revision_version in pending:
            try:
                record = json.loads(text)
                version = record.get("template_version") or revision_version
                definition = load_definition(version)
                rows = impact_rows(assessment_id, revision, definition,
                                   record.get("answers") or {})
            except (ValueError, AttributeError, KeyError, UnknownTemplateVersion,
                    DefinitionError) as error:
                log.warning("impacts of signed record %s not written: %s", record_id, error)
                continue
            db.session.add_all(rows)
            done.append(record_id)
        if done:
            db.session.execute(delete(ImpactBackfill).where(
                ImpactBackfill.signed_record_id.in_(done)))
        try:
            db.session.commit()
        except IntegrityError:  # another backfill wrote them first
            db.session.rollback()
            return written
        written += len(done)
        after = pending[-1][0]
