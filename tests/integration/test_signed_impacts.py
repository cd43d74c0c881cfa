"""Insight at 10,000 assessments (issue 15): each signed revision's negative and unknown
impacts are written at sign-off (a review signed again counts only its newest revision),
records signed before migration 0034 get theirs from the backfill, and insight costs the
same number of SQL statements for 3 assessments as for 30."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, insert, select

from ehria.examples import load_examples
from ehria.extensions import db
from ehria.form import load_definition
from ehria.insights import Period, insight_for
from ehria.models import Assessment, Revision, SignedRecord, User, utcnow
from ehria.models_actions import TrackedAction
from ehria.models_insight import ImpactBackfill, SignedImpact
from ehria.review_dates import review_state
from ehria.signed_impacts import backfill, impact_rows, impacts_of
from ehria.signed_records import canonical_json, sha256_hex
from ehria.tracked_actions import parse_due
from tests.integration.test_query_counts import counting_statements
from tests.integration.workflow_helpers import (
    create,
    ok,
    publish,
    say_what_came_of_each_action,
    sign_off,
    submit,
)

FULL = load_examples()["02-short-breaks-full-report"]["answers"]
TABLES = {"characteristics": "protected_characteristics", "articles": "human_rights"}


def expected(answers: dict) -> set[tuple[str, str, str]]:
    """Worked out from the answers alone: every row whose impact is negative or unknown."""
    return {(name, key, cells["impact"]) for name, table in TABLES.items()
            for key, cells in answers["screening"][table].items()
            if cells.get("impact") in ("negative", "unknown")}


def stored(assessment_id: int, revision: int | None = None) -> set[tuple[str, str, str]]:
    query = select(SignedImpact.table_name, SignedImpact.row_key, SignedImpact.impact).where(
        SignedImpact.assessment_id == assessment_id)
    if revision is not None:
        query = query.where(SignedImpact.revision == revision)
    return {tuple(row) for row in db.session.execute(query)}


def signed_off(api_as, people, answers: dict = FULL) -> int:
    number = create(api_as(people["officer"]), answers)["id"]
    submit(api_as(people["officer"]), number)
    sign_off(api_as(people["chair"]), number)
    return number


def row(figures: dict, name: str, key: str) -> dict:
    return next(r for r in figures[name] if r["key"] == key)


def test_the_rule_reads_the_insight_tables_of_the_template():
    found = impacts_of(load_definition(), FULL)
    assert set(found) == expected(FULL) and len(found) == len(set(found))
    assert ("characteristics", "disability", "negative") in found
    assert ("characteristics", "age", "negative") not in found  # neutral: not stored


def test_sign_off_writes_the_signed_revisions_impacts_with_its_record(api_as, people):
    number = signed_off(api_as, people)
    record = db.session.scalar(select(SignedRecord).where(
        SignedRecord.assessment_id == number))
    assert stored(number, record.revision) == expected(FULL)
    assert db.session.scalar(select(ImpactBackfill.signed_record_id)) is None
    actions = db.session.scalars(select(TrackedAction).where(
        TrackedAction.assessment_id == number).order_by(TrackedAction.position)).all()
    assert [a.due_on for a in actions] == [parse_due(r["by_when"])
                                           for r in FULL["report"]["improvement_plan"]]


def test_a_review_signed_again_counts_only_its_newest_revision(app, api_as, people):
    app.config["TODAY"] = "2026-12-01"
    try:
        officer, chair = api_as(people["officer"]), api_as(people["chair"])
        number = signed_off(api_as, people)
        publish(api_as(people["web"]), number)
        reviewed = ok(officer.post(f"/assessments/{number}/review", {}))
        figures = ok(chair.get("/insights"))  # under review: still the signed revision's
        assert row(figures, "characteristics", "disability")["negative"] == 1
        assert row(figures, "characteristics", "age")["assessments"] == []

        edited = ok(officer.patch(f"/assessments/{number}", {"answers": {"screening": {
            "protected_characteristics": {"age": {"impact": "unknown"},
                                          "disability": {"impact": "neutral"}}}}},
            reviewed["version"]))
        say_what_came_of_each_action(officer, number)
        submit(officer, number)
        sign_off(chair, number)
        newest = edited["revision"]
        changed = copy.deepcopy(FULL)
        changed["screening"]["protected_characteristics"]["age"]["impact"] = "unknown"
        changed["screening"]["protected_characteristics"]["disability"]["impact"] = "neutral"
        assert stored(number, 1) == expected(FULL)  # the earlier revision's rows stay
        assert stored(number, newest) == expected(changed)

        figures = ok(chair.get("/insights"))
        age, disability = (row(figures, "characteristics", k) for k in ("age", "disability"))
        assert (age["negative"], age["unknown"], age["assessments"]) == (0, 1, [number])
        assert (disability["negative"], disability["unknown"]) == (0, 0)
        sex = row(figures, "characteristics", "sex")
        assert (sex["negative"], sex["unknown"]) == (0, 1)  # unknown in both: once
        found = insight_for(db.session.get(User, people["chair"].id), Period(),
                            date(2026, 12, 1))
        rows = {r.key: r for _, table in found.tables.values() for r in table}
        assert (rows["age"].negative_ids, rows["age"].unknown_ids) == ([], [number])
        assert rows["other_groups"].negative_ids == [number]
    finally:
        app.config.pop("TODAY")


def test_records_signed_before_the_migration_get_their_impacts_from_the_backfill(
        app, api_as, people):
    first = signed_off(api_as, people)
    variant = copy.deepcopy(FULL)
    variant["screening"]["protected_characteristics"]["age"]["impact"] = "negative"
    second = signed_off(api_as, people, variant)
    actions = {a.id: a.due for a in db.session.scalars(select(TrackedAction))}
    db.session.commit()
    db.session.remove()
    try:
        # the database as it was before 0034, upgraded again: the records are listed
        downgrade(revision="0033")
    finally:
        upgrade()
    pending = set(db.session.scalars(select(ImpactBackfill.signed_record_id)))
    assert pending == set(db.session.scalars(select(SignedRecord.id))) and len(pending) == 2
    assert db.session.scalar(select(SignedImpact.id)) is None
    assert {a.id: a.due_on for a in db.session.scalars(select(TrackedAction))} == {
        id_: parse_due(due) for id_, due in actions.items()}

    assert backfill(batch=1) == 2  # a transaction a record
    assert (stored(first), stored(second)) == (expected(FULL), expected(variant))
    assert db.session.scalar(select(ImpactBackfill.signed_record_id)) is None
    result = app.test_cli_runner().invoke(args=["backfill-impacts"])
    assert result.exit_code == 0 and "for 0 signed records" in result.output  # done once


def test_insight_itself_writes_what_is_still_to_be_backfilled(api_as, people):
    number = signed_off(api_as, people)
    record_id = db.session.scalar(select(SignedRecord.id))
    db.session.execute(delete(SignedImpact))
    db.session.add(ImpactBackfill(signed_record_id=record_id))
    db.session.commit()

    figures = ok(api_as(people["chair"]).get("/insights"))
    assert row(figures, "characteristics", "disability")["assessments"] == [number]
    assert stored(number) == expected(FULL)
    assert db.session.scalar(select(ImpactBackfill.signed_record_id)) is None


# -- statements --------------------------------------------------------------------------

IMPACTS = ("negative", "unknown", "positive", "neutral")
STATUSES = ("draft", "submitted", "signed_off", "published", "returned")


def review_date(number: int, today: date) -> date:
    return today + timedelta(days=(number % 4) * 40 - 50)  # -50, -10, 30 and 70 days


def seed(first: int, last: int, department_id: int, officer_id: int, today: date) -> None:
    """Assessments `first`..`last` in every state, the signed ones with a record (impacts
    varied), a review date, the impacts rows sign-off writes and two actions."""
    definition = load_definition()
    now = utcnow()
    assessments, revisions, records, impacts, actions = [], [], [], [], []
    for number in range(first, last + 1):
        status = STATUSES[number % len(STATUSES)]
        signed = status in ("signed_off", "published")
        assessments.append({
            "id": number, "reference": f"EHRIA-T-{number:05d}", "policy_name": f"P{number}",
            "department_id": department_id, "status": status, "current_revision": 1,
            "lock_version": 1, "created_at": now, "updated_at": now, "lead_id": officer_id,
            "created_by_id": officer_id, "programme": "Round" if number % 2 else None,
            "review_date": review_date(number, today) if signed else None})
        revisions.append({"assessment_id": number, "number": 1,
                          "template_version": definition.version, "answers": {},
                          "created_at": now, "updated_at": now,
                          "submitted_at": now - timedelta(days=number) if signed else None})
        if not signed:
            continue
        answers = copy.deepcopy(FULL)
        for index, cells in enumerate(answers["screening"]["protected_characteristics"]
                                      .values()):
            cells["impact"] = IMPACTS[(number + index) % len(IMPACTS)]
        text = canonical_json({"answers": answers, "template_version": definition.version})
        records.append({"assessment_id": number, "revision": 1, "canonical_json": text,
                        "sha256": sha256_hex(text), "signed_at": now})
        impacts += [{"assessment_id": r.assessment_id, "revision": r.revision,
                     "table_name": r.table_name, "row_key": r.row_key, "impact": r.impact}
                    for r in impact_rows(number, 1, definition, answers)]
        actions += [{"assessment_id": number, "revision": 1, "position": position,
                     "due": due, "due_on": parse_due(due), "status": "not_started"}
                    for position, due in enumerate(("2026-01-01", "Spring 2027"))]
    for model, rows in ((Assessment, assessments), (Revision, revisions),
                        (SignedRecord, records), (SignedImpact, impacts),
                        (TrackedAction, actions)):
        if rows:
            db.session.execute(insert(model), rows)
    db.session.commit()


def statements_for(chair_id: int, today: date) -> tuple[int, dict]:
    db.session.expire_all()
    chair = db.session.get(User, chair_id)
    assert chair.roles  # loaded before counting: the request has its user already
    with counting_statements() as statements:
        found = insight_for(chair, Period(), today)
    return len(statements), found.to_dict()


def test_insight_costs_the_same_statements_for_3_assessments_as_for_30(
        api_as, people, client):
    today = date(2026, 12, 1)
    chair, officer = people["chair"], people["officer"]
    seed(1, 3, chair.department_id, officer.id, today)
    few, small = statements_for(chair.id, today)
    api = api_as(chair)
    ok(api.get("/insights"))  # the token's first use is noted once
    db.session.expire_all()
    with counting_statements() as api_few:
        ok(api.get("/insights"))
    seed(4, 30, chair.department_id, officer.id, today)
    many, large = statements_for(chair.id, today)
    db.session.expire_all()
    with counting_statements() as api_many:
        ok(api.get("/insights"))

    assert many == few and len(api_many) == len(api_few)
    assert sum(large["by_status"].values()) == 30 > sum(small["by_status"].values())
    signed = [n for n in range(1, 31) if STATUSES[n % 5] in ("signed_off", "published")]
    assert large["actions_open"] == 2 * len(signed) and large["actions_overdue"] == len(signed)
    states = [review_state(review_date(n, today), today) for n in signed]
    assert (large["reviews_due"], large["reviews_overdue"]) == (
        states.count("due"), states.count("overdue")) and states.count("overdue") > 0
    keys = list(FULL["screening"]["protected_characteristics"])
    for position, key in enumerate(keys):
        figures = row(large, "characteristics", key)
        impact = {n: IMPACTS[(n + position) % len(IMPACTS)] for n in signed}
        assert figures["negative"] == sum(1 for v in impact.values() if v == "negative")
        assert figures["unknown"] == sum(1 for v in impact.values() if v == "unknown")
        assert figures["assessments"] == [n for n in signed
                                          if impact[n] in ("negative", "unknown")]
