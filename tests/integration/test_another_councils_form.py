"""A second council's form works with no change of code (issue 12): its own keys, rows,
an extra step, its own rule and problem, its own sign-off wording and no Section 3
(tests/fixtures/templates/northshire-eqia-v1.yaml). Through its step pages, validation,
screening, check your answers, submission, sign-off, both PDFs and the API."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pypdf
import pytest
from flask import Flask, g

from ehria import PROJECT_ROOT, create_app
from ehria.extensions import db
from ehria.models import Assessment
from tests.conftest import ApiClient, Factory

TEMPLATES = PROJECT_ROOT / "tests" / "fixtures" / "templates"
VERSION = "northshire-eqia-v1"
DEPARTMENT = "Children and Family Services"
GROUPS = ("age", "disability", "race", "sex", "armed_forces", "care_experienced", "carers",
          "socio_economic", "rural")


@pytest.fixture
def northshire(app: Flask, database: None) -> Iterator[Flask]:
    """The service with Northshire's form live, on the tests' database."""
    made = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret-key", "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "FORM_FOLDERS": [str(TEMPLATES)], "FORM_LIVE_VERSION": VERSION,
    })
    yield made
    with made.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def people(factory: Factory) -> dict:
    return {"officer": factory.user("officer@example.gov.uk", "lead_officer",
                                    name="Dana Whitfield"),
            "chair": factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor")}


def signed_in(app: Flask, email: str):
    client = app.test_client()
    g.pop("_login_user", None)
    assert client.post("/sign-in", data={"email": email, "password": "a-long-password"}
                       ).status_code == 302
    return client


def post(client, path: str, data: dict):
    g.pop("_login_user", None)
    return client.post(path, data=data)


def get(client, path: str):
    g.pop("_login_user", None)
    return client.get(path)


def version_of(client, number: int, step: str) -> str:
    page = get(client, f"/assessments/{number}/steps/{step}").get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)


def save(client, number: int, step: str, data: dict):
    return post(client, f"/assessments/{number}/steps/{step}",
                {"version": version_of(client, number, step), "action": "continue", **data})


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(
        io.BytesIO(data)).pages)


def test_an_officer_completes_northshires_form_and_a_chair_signs_it_off(northshire, people):
    officer = signed_in(northshire, people["officer"].email)

    start = get(officer, "/assessments/new").get_data(as_text=True)
    assert "Title of the proposal" in start and "Service area" in start
    response = post(officer, "/assessments/new",
                    {"name": "Concessionary bus passes", "department": DEPARTMENT})
    assert response.status_code == 302
    number = int(response.headers["Location"].rsplit("/", 1)[-1])
    assert db.session.get(Assessment, number).revision.template_version == VERSION

    tasks = get(officer, f"/assessments/{number}").get_data(as_text=True)
    assert "About the proposal" in tasks and "Who is affected" in tasks
    assert "Section 3" not in tasks and "Key details" not in tasks

    first = get(officer, f"/assessments/{number}/steps/the-proposal").get_data(as_text=True)
    assert "Tell us what is proposed" in first  # the section's introduction, on its page
    assert save(officer, number, "the-proposal", {
        "proposal_title": "Concessionary bus passes", "service_area": DEPARTMENT,
        "author_name": "Dana Whitfield", "author_role": "Transport Policy Officer",
        "author_phone": "01632 960 123"}).headers["Location"].endswith(
            "/steps/when-it-happens")

    # the extra step, with its own question number and a date the officer gets wrong first
    wrong = save(officer, number, "when-it-happens", {
        "takes_effect-day": "31", "takes_effect-month": "2", "takes_effect-year": "2027"})
    assert wrong.status_code == 400
    assert "When will the change take effect? must be a real date" in wrong.get_data(
        as_text=True)
    assert save(officer, number, "when-it-happens", {
        "takes_effect-day": "1", "takes_effect-month": "4", "takes_effect-year": "2027",
    }).headers["Location"].endswith("/steps/groups")

    groups = {f"groups-{row}-affected": "no" for row in GROUPS}
    groups.update({"groups-armed_forces-affected": "yes", "groups-armed_forces-effect": "worse",
                   "groups-armed_forces-evidence": "Veterans rely on the early-morning pass.",
                   "groups-age-effect": "better"})  # asked only when affected: not kept
    assert save(officer, number, "groups", groups).status_code == 302
    stored = db.session.get(Assessment, number).revision.answers
    assert stored["impact"]["groups"]["armed_forces"] == {
        "affected": "yes", "effect": "worse",
        "evidence": "Veterans rely on the early-morning pass."}
    assert stored["impact"]["groups"]["age"] == {"affected": "no"}

    assert save(officer, number, "consultation", {"consulted": "no",
                                                 "consultation_plan": "At the spring forum."}
                ).headers["Location"].endswith("/steps/conclusion")
    done = save(officer, number, "conclusion", {"actions": "Keep the early pass for veterans.",
                                                "full_analysis": "yes"})
    assert done.headers["Location"].endswith("/screening-result")  # its then:

    result = get(officer, f"/assessments/{number}/screening-result").get_data(as_text=True)
    assert "B1 Armed Forces community: people would be worse off" in result
    assert "B5: you said a full equality analysis is needed" in result

    check = get(officer, f"/assessments/{number}/check").get_data(as_text=True)
    assert "When will the change take effect?" in check and "1 April 2027" in check
    assert "Worse off" in check and "Sign and submit" in check
    assert "The author signs first" in check and "You sign as: <strong>Author</strong>" in check
    submitted = post(officer, f"/assessments/{number}/check", {"declaration": "y"})
    assert submitted.status_code == 302, submitted.get_data(as_text=True)

    with northshire.app_context():
        from ehria.accounts import create_token

        token = create_token(db.session.get(type(people["chair"]), people["chair"].id))
        db.session.commit()
    chair = ApiClient(northshire.test_client(), token)
    g.pop("api_user", None)
    signed = chair.post(f"/assessments/{number}/sign-off", {})
    assert signed.status_code == 200, signed.get_json()
    document = signed.get_json()
    assert document["template_version"] == VERSION
    assert [r["rule"] for r in document["screening_outcome"]["reasons"]] == ["N1", "N2"]

    g.pop("api_user", None)
    full = pdf_text(chair.get(f"/assessments/{number}.pdf").data)
    for words in ("Northshire District Council Equality Impact Assessment",
                  "Concessionary bus passes", "When will the change take effect?",
                  "1 April 2027", "Armed Forces community", "Rural isolation",
                  "Part C: Approval", "Author", "Equality lead", "Dana Whitfield",
                  "01632 960 123"):
        assert words in full, words
    assert "Section 3" not in full and "Leicestershire" not in full
    g.pop("api_user", None)
    published = pdf_text(chair.get(f"/assessments/{number}/published.pdf").data)
    assert "Armed Forces community" in published
    assert "Dana Whitfield" not in published and "01632 960 123" not in published
    assert "Transport Policy Officer" in published  # job titles stay


def test_northshires_form_through_the_api(northshire, people):
    officer = signed_in(northshire, people["officer"].email)
    assert officer  # (signed in to the pages too; the API uses a token)
    with northshire.app_context():
        from ehria.accounts import create_token

        token = create_token(db.session.get(type(people["officer"]), people["officer"].id))
        db.session.commit()
    api = ApiClient(northshire.test_client(), token)

    template = api.get("/template").get_json()
    assert template["version"] == VERSION
    rows = template["sections"][1]["steps"][0]["questions"][0]["fields"][0]["rows"]
    assert [r["label"] for r in rows][4:] == [
        "Armed Forces community", "Care experienced", "Carers", "Socio-economic disadvantage",
        "Rural isolation"]

    g.pop("api_user", None)
    created = api.post("/assessments", {"answers": {"about": {
        "proposal_title": "Library hours", "service_area": DEPARTMENT}}})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["template_version"] == VERSION
    number, version = body["id"], body["version"]

    g.pop("api_user", None)
    refused = api.patch(f"/assessments/{number}", {"answers": {
        "about": {"proposal_title": "Library\nhours"},
        "impact": {"groups": {"armed_forces": {"effect": "terrible"}, "unicorns": {}}}}},
        version)
    assert refused.status_code == 422
    assert refused.get_json()["fields"] == {
        "about.proposal_title": ["Must be one line, without line breaks"],
        "impact.groups.armed_forces.effect": [
            'Choose one of: "better", "worse", "no_change", "not_known"'],
        "impact.groups.unicorns": ["Unknown field"]}

    g.pop("api_user", None)
    changed = api.patch(f"/assessments/{number}", {"answers": {"impact": {
        "groups": {"rural": {"affected": "yes", "effect": "not_known"}},
        "full_analysis": "no"}}}, version)
    assert changed.status_code == 200
    outcome = changed.get_json()["screening_outcome"]
    assert [r["rule"] for r in outcome["reasons"]] == ["N1"]
    assert outcome["problems"] == [{
        "code": "X1", "paths": ["impact.full_analysis", "impact.groups.rural.effect"],
        "message": "B5 says no full equality analysis is needed, but B1 does not know the "
                   "effect on Rural isolation"}]
    assert "impact.groups.rural.evidence" in outcome["missing"]
    assert "impact.consultation_plan" not in outcome["missing"]  # only once not consulted
