"""The sharp edges a security review of the running service found (issue 11, items 4-9,
13): each answered with a clear 4xx, or made harmless, instead of a 500 or a surprise."""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Iterator

import pytest
from flask import g
from sqlalchemy import select, update

from ehria import notifications
from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import Assessment, Department, Notification
from tests import mail_sink
from tests.integration.workflow_helpers import create, publish, sign_off, submit

READY = load_examples()["02-short-breaks-full-report"]["answers"]
TOO_BIG = "9223372036854775808"  # 2**63: no database id can be this
TOO_BIG_FOR_POSTGRESQL = "2147483648"  # 2**31: beyond PostgreSQL's INTEGER


def sign_in(client, email: str) -> None:
    g.pop("_login_user", None)
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": email, "password": "a-long-password"})
    assert response.status_code == 302


@pytest.fixture
def people(factory):
    return {
        "officer": factory.user("officer@example.gov.uk", "lead_officer", name="Priya Chauhan"),
        "chair": factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor"),
        "web": factory.user("web@example.gov.uk", "web_team", department=None),
        "admin": factory.user("admin@example.gov.uk", "admin", department=None),
    }


# ---- 4: ids beyond 64 bits -------------------------------------------------------------

@pytest.mark.parametrize("who,path", [
    ("officer", f"/assessments/{TOO_BIG}"),
    ("officer", f"/assessments/{TOO_BIG}/steps/key-details"),
    ("officer", f"/assessments/{TOO_BIG}/revisions"),
    ("officer", f"/assessments/{TOO_BIG}/document.pdf"),
    ("chair", f"/scrutiny/{TOO_BIG}"),
    ("web", f"/publication/{TOO_BIG}"),
    ("admin", f"/admin/users/{TOO_BIG}"),
    ("officer", "/assessments/99999999999999999999999999999999999999/check"),
    ("officer", f"/assessments/{TOO_BIG_FOR_POSTGRESQL}"),
    ("chair", f"/scrutiny/{TOO_BIG_FOR_POSTGRESQL}"),
])
def test_page_ids_beyond_64_bits_are_404(client, people, who, path):
    sign_in(client, people[who].email)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("method,path", [
    ("GET", f"/assessments/{TOO_BIG}"), ("PATCH", f"/assessments/{TOO_BIG}"),
    ("GET", f"/assessments/{TOO_BIG}/history"), ("POST", f"/assessments/{TOO_BIG}/submit"),
    ("GET", f"/assessments/{TOO_BIG}.pdf"), ("POST", f"/assessments/{TOO_BIG}/authors"),
    ("PATCH", f"/assessments/{TOO_BIG_FOR_POSTGRESQL}"),
    ("GET", f"/assessments/{TOO_BIG_FOR_POSTGRESQL}/history"),
])
def test_api_ids_beyond_64_bits_are_404(api_as, people, method, path):
    api = api_as(people["officer"])
    response = api.client.open("/api/v1" + path, method=method, json={"answers": {}},
                               headers={**api.headers, "If-Match": "1"})
    assert response.status_code == 404
    assert response.get_json()["error"]


def test_the_largest_nine_digit_id_is_still_an_id_that_is_not_found(api_as, people):
    assert api_as(people["officer"]).get("/assessments/999999999").status_code == 404


@pytest.mark.parametrize("year", ["99999999999999999999", "0", "-1", "20x6", "٢٠٢٦"])
def test_a_year_that_is_no_year_is_400_on_the_web_teams_list(client, people, year):
    sign_in(client, people["web"].email)
    response = client.get("/publication/", query_string={"year": year})
    assert response.status_code == 400
    assert "Choose a year between 1900 and 9999" in response.get_data(as_text=True)
    assert client.get("/publication/register.csv",
                      query_string={"year": year}).status_code == 400


def test_a_real_year_still_filters(client, people):
    sign_in(client, people["web"].email)
    assert client.get("/publication/?year=2026").status_code == 200


# ---- 5: a step page posted with a button it does not have ------------------------------

@pytest.mark.parametrize("action", ["remove-row:improvement_plan:abc",
                                    "remove-row:improvement_plan:", "remove-row:improvement_plan:٣",
                                    "remove-row:no_such_table:0", "add-row:policy_name",
                                    "remove-row-abc", "delete-everything"])
def test_an_unknown_button_is_400_with_a_message_and_saves_nothing(
    client, api_as, people, action
):
    assessment = create(api_as(people["officer"]))
    sign_in(client, people["officer"].email)
    response = client.post(f"/assessments/{assessment['id']}/steps/improvement-plan", data={
        "version": assessment["version"], "action": action,
        "improvement_plan-0-objective": "Changed"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Go back, reload the page and try again" in page
    db.session.expire_all()
    assert db.session.get(Assessment, assessment["id"]).lock_version == int(
        assessment["version"])


# ---- 7: every CSV cell made safe from spreadsheet formulas -----------------------------

def test_the_register_csv_defuses_formulas_in_every_text_cell(client, api_as, people):
    officer, chair = api_as(people["officer"]), api_as(people["chair"])
    answers = copy.deepcopy(READY)
    answers["key_details"]["policy_name"] = "-2+3"
    number = create(officer, answers)["id"]
    submit(officer, number)
    sign_off(chair, number)
    publish(api_as(people["web"]), number, "https://www.example.gov.uk/ehria/1")
    db.session.execute(update(Department).where(Department.name == "Children and Family "
                                                "Services").values(name="=HYPERLINK(1)"))
    db.session.execute(update(Assessment).values(
        published_url="@SUM(1)", reference="+EHRIA-1"))
    db.session.commit()
    sign_in(client, people["web"].email)

    rows = list(csv.reader(io.StringIO(client.get("/publication/register.csv").get_data(
        as_text=True))))

    assert rows[1][0] == "'+EHRIA-1"
    assert rows[1][1] == "'-2+3"
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[1][4] == "'@SUM(1)"


# ---- 8: the published address ----------------------------------------------------------

@pytest.mark.parametrize("url,message", [
    ("https://www.example.gov.uk/a\r\nSet-Cookie: x=1", "without line breaks or tabs"),
    ("https://www.example.gov.uk/\tehria", "without line breaks or tabs"),
    ("https://www.example.gov.uk/" + "a" * 2_000, "2,000 characters or fewer"),
    ("https://www.example.gov.uk/" + "a" * 1_500_000, "2,000 characters or fewer"),
])
def test_a_publish_address_with_control_characters_or_too_long_is_422(
    api_as, people, url, message
):
    officer, chair = api_as(people["officer"]), api_as(people["chair"])
    number = create(officer)["id"]
    submit(officer, number)
    sign_off(chair, number)
    response = api_as(people["web"]).post(f"/assessments/{number}/publish", {"url": url})
    assert response.status_code in (413, 422)
    if response.status_code == 422:
        assert message in response.get_json()["fields"]["url"][0]
    db.session.expire_all()
    stored = db.session.get(Assessment, number)
    assert stored.status == "signed_off" and stored.published_url is None


# ---- 9: single-line answers, and e-mails that cannot fail on them ----------------------

@pytest.mark.parametrize("key", ["policy_name", "lead_officer_name", "contact_telephone",
                                 "section", "implementing_officers"])
@pytest.mark.parametrize("breaks", ["\n", "\r\n", "\r", "\u2028"])
def test_single_line_answers_refuse_line_breaks_naming_the_path(api_as, people, key, breaks):
    api = api_as(people["officer"])
    assessment = create(api)
    response = api.patch(f"/assessments/{assessment['id']}", {"answers": {"key_details": {
        key: f"First{breaks}Bcc: someone@example.com"}}}, assessment["version"])
    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        f"key_details.{key}": ["Must be one line, without line breaks"]}


def test_long_answers_keep_their_line_breaks(api_as, people):
    api = api_as(people["officer"])
    assessment = create(api)
    response = api.patch(f"/assessments/{assessment['id']}", {"answers": {"policy": {
        "what_is_changing": "One.\nTwo.\r\nThree."}}}, assessment["version"])
    assert response.status_code == 200


def test_a_new_assessment_with_a_line_break_in_its_name_is_refused(api_as, people):
    answers = copy.deepcopy(READY)
    answers["key_details"]["policy_name"] = "Short breaks\nreview"
    response = api_as(people["officer"]).post("/assessments", {"answers": answers})
    assert response.status_code == 422
    assert "key_details.policy_name" in response.get_json()["fields"]


@pytest.fixture
def smtp_sink(app) -> Iterator[list[bytes]]:
    with mail_sink.smtp_sink() as (port, received):
        app.config.update(EHRIA_SMTP_HOST="127.0.0.1", EHRIA_SMTP_PORT=port)
        yield received
        app.config.pop("EHRIA_SMTP_HOST")
        app.config.pop("EHRIA_SMTP_PORT")


def test_an_old_name_with_a_line_break_still_gets_its_e_mails_sent(api_as, people, smtp_sink):
    """Stored before line breaks were refused: the subject is put on one line."""
    officer = api_as(people["officer"])
    number = create(officer)["id"]
    db.session.execute(update(Assessment).values(policy_name="Short breaks\nBcc: x@y.z"))
    db.session.commit()
    submit(officer, number)
    message = db.session.scalar(select(Notification))
    assert message.sent_at is not None and message.error is None
    assert len(smtp_sink) == 1
    headers = smtp_sink[0].split(b"\r\n\r\n", 1)[0]
    assert b"Subject: EHRIA-" in headers and b"Short breaks Bcc: x@y.z" in headers
    assert b"\r\nBcc:" not in headers


def test_an_e_mail_that_fails_is_counted_on_the_outbox_page(client, app, api_as, people):
    officer = api_as(people["officer"])
    number = create(officer)["id"]
    app.config.update(EHRIA_SMTP_HOST="127.0.0.1", EHRIA_SMTP_PORT=9)  # nothing listens
    try:
        submit(officer, number)
    finally:
        app.config.pop("EHRIA_SMTP_HOST")
        app.config.pop("EHRIA_SMTP_PORT")
    assert notifications.failed_count() == 1
    sign_in(client, people["admin"].email)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "1 e-mail could not be sent" in page and "Failed: " in page


# ---- 13: nothing personal left in a shared computer's cache ----------------------------

def test_pages_and_json_are_never_stored_by_caches(client, api_as, people):
    api = api_as(people["officer"])
    number = create(api)["id"]
    sign_in(client, people["officer"].email)
    for response in (client.get("/"), client.get(f"/assessments/{number}"),
                     client.get(f"/assessments/{number}/steps/key-details"),
                     client.get("/sign-in"), api.get(f"/assessments/{number}"),
                     api.get("/assessments"), api.get("/assessments/999999")):
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_pdfs_are_revalidated_before_every_use(client, api_as, people):
    officer, chair = api_as(people["officer"]), api_as(people["chair"])
    number = create(officer)["id"]
    assert officer.get(f"/assessments/{number}.pdf").headers[
        "Cache-Control"] == "private, no-cache"
    submit(officer, number)
    sign_off(chair, number)
    for response in (officer.get(f"/assessments/{number}.pdf"),
                     officer.get(f"/assessments/{number}/published.pdf")):
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert response.headers["ETag"]
