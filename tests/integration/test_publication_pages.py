"""The web team's pages, the downloads for signed-in users, the optional public register."""

from __future__ import annotations

import copy
import csv
import io
import zipfile

import pytest
from sqlalchemy import select

from ehria.examples import load_examples
from ehria.extensions import db
from ehria.models import Assessment, User
from tests.integration.workflow_helpers import say_what_came_of_each_action

READY = load_examples()["02-short-breaks-full-report"]["answers"]


def sign_in(client, email):
    client.post("/sign-out")
    client.post("/sign-in", data={"email": email, "password": "a-long-password"})


@pytest.fixture
def signed_off(api_as, officer, factory):
    officer_api = api_as(officer)
    number = officer_api.post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()["id"]
    officer_api.post(f"/assessments/{number}/submit", {"declaration": True})
    chair = factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor")
    assert api_as(chair).post(f"/assessments/{number}/sign-off", {}).status_code == 200
    factory.user("web@example.gov.uk", "web_team", department=None, name="Alex Morgan")
    return number


def test_ready_to_publish_lists_it_with_a_download(client, signed_off):
    sign_in(client, "web@example.gov.uk")
    page = client.get("/publication/").get_data(as_text=True)
    assert "Ready to publish" in page and "Review of the Short Breaks Offer" in page
    assert f"/assessments/{signed_off}/published.pdf" in page


def test_filters_by_department_and_year(client, signed_off):
    sign_in(client, "web@example.gov.uk")
    other = client.get("/publication/?department=Adults and Communities").get_data(as_text=True)
    old = client.get("/publication/?year=2001").get_data(as_text=True)
    assert "Review of the Short Breaks Offer" not in other
    assert "Review of the Short Breaks Offer" not in old


def test_the_preview_lists_redactions_and_the_download_is_the_stored_pdf(client, signed_off):
    sign_in(client, "web@example.gov.uk")
    page = client.get(f"/publication/{signed_off}").get_data(as_text=True)
    assert "What the depersonalised version removes" in page
    assert "Priya Chauhan" in page  # shown as the original, so the web team can check
    pdf = client.get(f"/assessments/{signed_off}/published.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["ETag"]


def test_mark_as_published_with_the_address(client, signed_off):
    sign_in(client, "web@example.gov.uk")
    response = client.post(f"/publication/{signed_off}",
                           data={"url": "https://www.example.gov.uk/ehria/short-breaks"})
    assert response.status_code == 302
    db.session.expire_all()
    assessment = db.session.get(Assessment, signed_off)
    assert assessment.status == "published"
    assert assessment.published_url == "https://www.example.gov.uk/ehria/short-breaks"


def test_a_bad_address_is_refused_naming_the_field(client, signed_off):
    sign_in(client, "web@example.gov.uk")
    response = client.post(f"/publication/{signed_off}", data={"url": "not a web address"})
    assert response.status_code == 400
    assert "Enter a full web address" in response.get_data(as_text=True)


def test_the_register_csv_and_the_zip_of_a_period(client, signed_off):
    sign_in(client, "web@example.gov.uk")
    client.post(f"/publication/{signed_off}", data={"url": "https://www.example.gov.uk/e/1"})

    rows = list(csv.reader(io.StringIO(client.get("/publication/register.csv").get_data(
        as_text=True))))
    archive = zipfile.ZipFile(io.BytesIO(client.get(
        "/publication/published.zip?from=2000-01-01&to=2100-01-01").data))

    assert rows[0] == ["reference", "policy", "department", "signed_off", "address"]
    assert rows[1][1] == "Review of the Short Breaks Offer for disabled children 2026"
    assert rows[1][4] == "https://www.example.gov.uk/e/1"
    assert [name.endswith("-published.pdf") for name in archive.namelist()] == [True]
    empty = zipfile.ZipFile(io.BytesIO(client.get(
        "/publication/published.zip?from=2000-01-01&to=2000-12-31").data))
    assert empty.namelist() == []


def test_the_public_register_is_off_by_default_and_lists_published_ones_when_on(
    app, client, signed_off
):
    assert client.get("/register/").status_code == 404
    sign_in(client, "web@example.gov.uk")
    client.post(f"/publication/{signed_off}", data={"url": ""})
    client.post("/sign-out")
    app.config["PUBLIC_REGISTER"] = True
    try:
        page = client.get("/register/").get_data(as_text=True)
        pdf = client.get(f"/register/{signed_off}.pdf")
    finally:
        app.config["PUBLIC_REGISTER"] = False
    assert "Review of the Short Breaks Offer" in page
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@pytest.mark.parametrize("path", ["/publication/", "/publication/{id}",
                                  "/publication/register.csv", "/publication/published.zip"])
def test_a_user_without_the_web_team_role_gets_403(client, signed_off, path):
    sign_in(client, "officer@example.gov.uk")
    assert client.get(path.format(id=signed_off)).status_code == 403


def test_authors_add_a_phrase_to_redact_before_sign_off_and_not_after(
    api_as, officer, factory
):
    api = api_as(officer)
    number = api.post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()["id"]

    added = api.post(f"/assessments/{number}/redactions", {"phrase": "Beacon House"})

    assert added.status_code == 201
    assert any(r["original"] == "Beacon House" for r in added.get_json())
    pdf = api.get(f"/assessments/{number}/published.pdf").data
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Beacon House" not in text and "Oak Lodge" in text

    api.post(f"/assessments/{number}/submit", {"declaration": True})
    chair = factory.user("chair@example.gov.uk", "deg_chair")
    api_as(chair).post(f"/assessments/{number}/sign-off", {})
    late = api.post(f"/assessments/{number}/redactions", {"phrase": "Oak Lodge"})
    assert late.status_code == 409
    assert api.post(f"/assessments/{number}/redactions", {"phrase": ""}).status_code in (
        409, 422)


def test_an_empty_phrase_is_refused_naming_the_field(api_as, officer):
    api = api_as(officer)
    number = api.post("/assessments", {"answers": copy.deepcopy(READY)}).get_json()["id"]
    response = api.post(f"/assessments/{number}/redactions", {"phrase": "  "})
    assert response.status_code == 422 and "phrase" in response.get_json()["fields"]


def test_the_public_register_shows_the_published_revision_until_its_review_is_published(
    app, client, api_as, officer, signed_off
):
    """A review drafted, changed and even signed off again leaves the public version alone
    until the web team publishes the new one."""
    sign_in(client, "web@example.gov.uk")
    client.post(f"/publication/{signed_off}", data={"url": "https://www.example.gov.uk/e/1"})
    client.post("/sign-out")
    officer_api = api_as(officer)
    chair_api = api_as(db.session.scalar(select(User).filter_by(email="chair@example.gov.uk")))
    app.config["PUBLIC_REGISTER"] = True
    try:
        first = client.get(f"/register/{signed_off}.pdf")
        assert officer_api.post(f"/assessments/{signed_off}/review").status_code == 200
        version = officer_api.get(f"/assessments/{signed_off}").get_json()["version"]
        officer_api.patch(f"/assessments/{signed_off}", {"answers": {"key_details": {
            "policy_name": "Short Breaks Offer, second review"}}}, version)
        say_what_came_of_each_action(officer_api, signed_off)
        officer_api.post(f"/assessments/{signed_off}/submit", {"declaration": True})
        assert chair_api.post(f"/assessments/{signed_off}/sign-off", {}).status_code == 200
        during_review = client.get(f"/register/{signed_off}.pdf")
        page_during_review = client.get("/register/").get_data(as_text=True)

        sign_in(client, "web@example.gov.uk")
        csv_during_review = client.get("/publication/register.csv").get_data(as_text=True)
        zip_during_review = zipfile.ZipFile(io.BytesIO(client.get(
            "/publication/published.zip?from=2000-01-01&to=2100-01-01").data))
        client.post(f"/publication/{signed_off}", data={"url": "https://www.example.gov.uk/e/2"})
        client.post("/sign-out")
        republished = client.get(f"/register/{signed_off}.pdf")
        page_after = client.get("/register/").get_data(as_text=True)
    finally:
        app.config["PUBLIC_REGISTER"] = False

    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert "-r1-published.pdf" in first.headers["Content-Disposition"]
    assert during_review.data == first.data
    assert "Review of the Short Breaks Offer" in page_during_review
    assert "second review" not in page_during_review
    assert "Review of the Short Breaks Offer" in csv_during_review
    assert "https://www.example.gov.uk/e/1" in csv_during_review
    assert [n.endswith("-r1-published.pdf") for n in zip_during_review.namelist()] == [True]
    assert "-r2-published.pdf" in republished.headers["Content-Disposition"]
    assert republished.data != first.data
    assert "Short Breaks Offer, second review" in page_after
    assert page_after.count("(PDF)") == 1


def test_the_public_register_has_no_pdf_for_an_assessment_never_published(
    app, client, signed_off
):
    app.config["PUBLIC_REGISTER"] = True
    try:
        response = client.get(f"/register/{signed_off}.pdf")
    finally:
        app.config["PUBLIC_REGISTER"] = False
    assert response.status_code == 404
