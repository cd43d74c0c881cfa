"""Signing in and out of the pages, and the session cookie's protection."""

from __future__ import annotations

import re

import pytest

from ehria import create_app


def sign_in(client, email="officer@example.gov.uk", password="a-long-password"):  # noqa: S107
    return client.post("/sign-in", data={"email": email, "password": password})


def test_the_sign_in_page_renders_with_a_form(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-l\">Sign in</h1>" in html
    assert 'name="email"' in html and 'name="password"' in html
    assert 'lang="en-GB"' in html


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_a_user_signs_in_sees_their_assessments_and_signs_out(client, officer):
    response = sign_in(client)
    assert response.status_code == 302

    home = client.get("/")
    assert home.status_code == 200
    assert "Signed in as Priya Chauhan" in home.get_data(as_text=True)

    assert client.post("/sign-out").status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_shows_an_error_and_signs_nobody_in(client, officer):
    response = sign_in(client, password="wrong-password")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    assert client.get("/").status_code == 302


def test_empty_fields_are_named_in_the_error_summary(client):
    html = client.post("/sign-in", data={}).get_data(as_text=True)
    assert "Enter your email address" in html
    assert "Enter your password" in html
    assert "<title>Error: " in html


def test_sign_in_only_redirects_within_the_site(client, officer):
    response = client.post("/sign-in?next=https://evil.example/",
                           data={"email": "officer@example.gov.uk",
                                 "password": "a-long-password"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("next_path", [
    "/%0d%0aSet-Cookie:x=1", "/%0aLocation:%20https://evil.example/", "/%09", "/%7f",
    "/\\evil.example/", "/%5c%5cevil.example/",
], ids=["CR LF", "LF", "tab", "DEL", "backslashes", "encoded backslashes"])
def test_a_next_with_control_characters_or_backslashes_is_ignored(client, officer, next_path):
    response = client.post(f"/sign-in?next={next_path}", data={
        "email": "officer@example.gov.uk", "password": "a-long-password"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_a_next_within_the_site_is_followed(client, officer):
    response = client.post("/sign-in?next=/assessments/new%3Fa%3D1", data={
        "email": "officer@example.gov.uk", "password": "a-long-password"})
    assert response.headers["Location"] == "/assessments/new?a=1"


def test_the_session_cookie_is_httponly_and_samesite_lax(client, officer):
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_outside_development_cookies_are_secure(tmp_path):
    app = create_app({"EHRIA_ENV": "production", "SECRET_KEY": "k",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    from ehria.config import ConfigurationError

    monkeypatch.delenv("EHRIA_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        create_app({"EHRIA_ENV": "production",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_the_sign_in_form_is_refused_without_its_csrf_token(app, database, officer):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        refused = sign_in(client)
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        accepted = client.post("/sign-in", data={
            "email": "officer@example.gov.uk", "password": "a-long-password",
            "csrf_token": token.group(1),
        })
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert accepted.status_code == 302


def test_a_deactivated_user_cannot_sign_in(client, officer):
    from ehria.extensions import db

    officer.active = False
    db.session.commit()
    assert sign_in(client).status_code == 400
