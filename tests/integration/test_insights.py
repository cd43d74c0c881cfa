"""Insight across assessments (issue 15): the counts, against a seeded set whose figures
the test works out itself from the answers; who may see them; the page and its CSV."""

from __future__ import annotations

import copy
import csv
import io

import pytest

from ehria.examples import load_examples
from tests.integration.workflow_helpers import create, ok, publish, sign_off, submit

EXAMPLES = load_examples()
FULL = EXAMPLES["02-short-breaks-full-report"]["answers"]
NO_REPORT = EXAMPLES["01-departmental-plan-no-report"]["answers"]


def expected_impacts(answers_list: list[dict], table: str) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = {}
    for answers in answers_list:
        for key, cells in answers["screening"][table].items():
            entry = counts.setdefault(key, [0, 0])
            if cells.get("impact") == "negative":
                entry[0] += 1
            elif cells.get("impact") == "unknown":
                entry[1] += 1
    return {key: (n, u) for key, (n, u) in counts.items()}


@pytest.fixture
def seeded(app, api_as, people):
    """Two signed off (one published), one submitted, one draft."""
    app.config["TODAY"] = "2026-12-01"
    officer, chair = api_as(people["officer"]), api_as(people["chair"])
    variant = copy.deepcopy(FULL)
    variant["screening"]["protected_characteristics"]["age"]["impact"] = "unknown"
    signed = []
    for answers in (FULL, variant):
        made = create(officer, answers)
        submit(officer, made["id"])
        sign_off(chair, made["id"])
        signed.append(answers)
    publish(api_as(people["web"]), made["id"])
    submitted = create(officer, NO_REPORT)
    submit(officer, submitted["id"])
    create(officer, NO_REPORT)
    yield signed
    app.config.pop("TODAY")


def test_the_counts_are_those_of_the_signed_assessments(seeded, api_as, people):
    figures = ok(api_as(people["chair"]).get("/insights"))
    assert figures["by_status"] == {"draft": 1, "submitted": 1, "returned": 0,
                                    "signed_off": 1, "published": 1}
    assert figures["median_days_in_scrutiny"] == pytest.approx(0, abs=0.1)
    assert (figures["reviews_due"], figures["reviews_overdue"]) == (0, 0)
    plan_rows = len(FULL["report"]["improvement_plan"])
    assert figures["actions_open"] == 2 * plan_rows
    for name, table in (("characteristics", "protected_characteristics"),
                        ("articles", "human_rights")):
        expected = expected_impacts(seeded, table)
        got = {row["key"]: (row["negative"], row["unknown"]) for row in figures[name]}
        assert got == {key: expected.get(key, (0, 0)) for key in got}
        for row in figures[name]:
            assert len(row["assessments"]) == row["negative"] + row["unknown"]
    age = next(r for r in figures["characteristics"] if r["key"] == "age")
    assert (age["negative"], age["unknown"]) == expected_impacts(seeded,
                                                                 "protected_characteristics")["age"]


def test_overdue_reviews_and_actions_follow_the_clock(seeded, api_as, people, app):
    app.config["TODAY"] = "2028-01-01"
    figures = ok(api_as(people["chair"]).get("/insights"))
    assert figures["reviews_overdue"] == 2
    dated = [r for r in FULL["report"]["improvement_plan"] if r["by_when"][:4].isdigit()]
    assert figures["actions_overdue"] == 2 * len(dated)


def test_only_chairs_and_admins_see_insight_and_chairs_only_their_department(
        seeded, api_as, people, factory):
    assert api_as(people["officer"]).get("/insights").status_code == 403
    assert api_as(people["web"]).get("/insights").status_code == 403
    other = api_as(factory.user("other.chair@example.gov.uk", "deg_chair",
                                department="Adults and Communities"))
    figures = ok(other.get("/insights"))
    assert sum(figures["by_status"].values()) == 0
    admin = api_as(factory.user("admin@example.gov.uk", "admin", department=None))
    assert sum(ok(admin.get("/insights"))["by_status"].values()) == 4
    assert sum(ok(admin.get("/insights?department=Adults and Communities"))[
        "by_status"].values()) == 0
    refused = admin.get("/insights?from=last-week")
    assert refused.status_code == 422 and list(refused.get_json()["fields"]) == ["from"]


def test_the_page_shows_the_figures_as_a_table_and_csv(seeded, client):
    client.post("/sign-in", data={"email": "chair@example.gov.uk",
                                  "password": "a-long-password"})
    page = client.get("/insights").get_data(as_text=True)
    assert "Protected characteristics: negative or unknown impact found" in page
    assert "Human Rights Act articles" in page and "<svg" in page
    rows = list(csv.reader(io.StringIO(client.get("/insights?format=csv").get_data(
        as_text=True))))
    assert rows[0] == ["table", "row", "negative", "unknown", "assessments"]
    assert any(r[0] == "characteristics" and r[1] == "Age" for r in rows[1:])
    assert client.get("/insights?from=soon").status_code == 400


def test_a_programme_groups_assessments_and_filters_the_insight(seeded, api_as, people,
                                                                  factory):
    chair, officer = api_as(people["chair"]), api_as(people["officer"])
    listed = ok(chair.get("/assessments"))
    items = listed["items"] if isinstance(listed, dict) else listed
    signed = sorted(a["id"] for a in items if a["status"] in ("signed_off", "published"))
    moved = ok(chair.post(f"/assessments/{signed[0]}/programme",
                          {"programme": "  Budget   round 2027 "}))
    assert moved["programme"] == "Budget round 2027"
    figures = ok(chair.get("/insights?programme=Budget round 2027"))
    assert sum(figures["by_status"].values()) == 1
    assert all(row["assessments"] in ([], [signed[0]]) for row in figures["characteristics"])
    assert any(row["assessments"] == [signed[0]] for row in figures["characteristics"])
    colleague = api_as(factory.user("colleague@example.gov.uk", "lead_officer"))
    assert colleague.post(f"/assessments/{signed[0]}/programme",
                          {"programme": "Mine"}).status_code in (403, 404)
    too_long = officer.post(f"/assessments/{signed[0]}/programme", {"programme": "x" * 201})
    assert too_long.status_code == 422 and list(too_long.get_json()["fields"]) == [
        "programme"]
    client = chair.client
    client.post("/sign-in", data={"email": "chair@example.gov.uk",
                                  "password": "a-long-password"})
    page = client.get("/insights?programme=Budget round 2027").get_data(as_text=True)
    assert "in the programme Budget round 2027 (its cumulative impact)" in page
    assert "Budget round 2027 (1)" in page
    assert ok(officer.post(f"/assessments/{signed[0]}/programme",
                           {"programme": None}))["programme"] is None
