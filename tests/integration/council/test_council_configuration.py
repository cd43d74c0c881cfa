"""The settings from the environment, and EHRIA_PASSWORD_SIGN_IN=false: the password form,
the password routes and the admin's password field gone, council accounts only."""

from __future__ import annotations

import pytest

from ehria import create_app
from ehria.accounts import NO_PASSWORD
from ehria.config import ConfigurationError
from ehria.roles import Role
from tests.council_provider import ALLOWED_DOMAIN, person
from tests.integration.council.flows import sign_in_as, signed_in, text, user_named

EMAIL = f"jo.bloggs@{ALLOWED_DOMAIN}"


def test_password_sign_in_off_without_council_sign_in_refuses_to_start(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        create_app({"SECRET_KEY": "k", "PASSWORD_SIGN_IN": False,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    for setting in ("EHRIA_PASSWORD_SIGN_IN", "EHRIA_OIDC_ISSUER", "EHRIA_OIDC_CLIENT_ID",
                    "EHRIA_OIDC_CLIENT_SECRET", "EHRIA_OIDC_ALLOWED_DOMAINS"):
        assert setting in str(refused.value)


def test_the_settings_come_from_the_environment(tmp_path, monkeypatch, provider):
    monkeypatch.setenv("EHRIA_SECRET_KEY", "k")
    monkeypatch.setenv("EHRIA_ENV", "development")
    monkeypatch.setenv("EHRIA_DATABASE_URL", f"sqlite:///{tmp_path / 'e.db'}")
    monkeypatch.setenv("EHRIA_OIDC_ISSUER", provider.issuer)
    monkeypatch.setenv("EHRIA_OIDC_CLIENT_ID", "app-id")
    monkeypatch.setenv("EHRIA_OIDC_CLIENT_SECRET", "from-the-environment")
    monkeypatch.setenv("EHRIA_OIDC_ALLOWED_DOMAINS", "leics.gov.uk,example.gov.uk")
    monkeypatch.setenv("EHRIA_OIDC_ROLE_CLAIM", "groups")
    monkeypatch.setenv("EHRIA_OIDC_ROLE_MAP", "g1=lead_officer,g2=admin")
    monkeypatch.setenv("EHRIA_OIDC_DEPARTMENT_CLAIM", "department")
    monkeypatch.setenv("EHRIA_PASSWORD_SIGN_IN", "false")

    made = create_app()

    council = made.config["COUNCIL_SIGN_IN"]
    assert (council.issuer, council.client_id, council.client_secret) == (
        provider.issuer, "app-id", "from-the-environment")
    assert council.allowed_domains == {"leics.gov.uk", "example.gov.uk"}
    assert council.role_map == {"g1": {Role.LEAD_OFFICER}, "g2": {Role.ADMIN}}
    assert council.department_claim == "department"
    assert made.config["PASSWORD_SIGN_IN"] is False


@pytest.mark.parametrize(("name", "value", "message"), [
    ("EHRIA_PASSWORD_SIGN_IN", "perhaps", "EHRIA_PASSWORD_SIGN_IN must be true or false"),
    ("EHRIA_OIDC_ROLE_MAP", "g1=boss", "'boss' is not a role"),
    ("EHRIA_OIDC_ISSUER", "http://login.example.com", "must be an https:// address"),
])
def test_a_wrong_setting_stops_the_start(tmp_path, monkeypatch, name, value, message):
    monkeypatch.setenv("EHRIA_SECRET_KEY", "k")
    monkeypatch.setenv("EHRIA_DATABASE_URL", f"sqlite:///{tmp_path / 'e.db'}")
    for key, setting in (("ISSUER", "https://login.example.com/t/v2.0"),
                         ("CLIENT_ID", "a"), ("CLIENT_SECRET", "b"),
                         ("ALLOWED_DOMAINS", "leics.gov.uk"), ("ROLE_CLAIM", "groups"),
                         ("ROLE_MAP", "g=admin")):
        monkeypatch.setenv(f"EHRIA_OIDC_{key}", setting)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        create_app()


def test_production_never_signs_in_through_plain_http(tmp_path, provider):
    with pytest.raises(ConfigurationError, match="https://"):
        create_app({"EHRIA_ENV": "production", "SECRET_KEY": "k",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                    "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": "a",
                    "OIDC_CLIENT_SECRET": "b", "OIDC_ALLOWED_DOMAINS": "leics.gov.uk"})


@pytest.fixture
def councils_only(make_app):
    return make_app(PASSWORD_SIGN_IN=False).test_client()


def test_without_passwords_the_sign_in_page_offers_only_the_council_account(councils_only):
    page = text(councils_only.get("/sign-in"))
    assert "Sign in with your council account" in page
    assert 'name="password"' not in page and 'name="email"' not in page
    assert "Or sign in with a password" not in page


def test_without_passwords_the_password_routes_are_gone(councils_only, provider, factory):
    factory.user(EMAIL, "admin", department=None)  # has a password from before
    response = councils_only.post("/sign-in", data={"email": EMAIL,
                                                    "password": "a-long-password"})
    assert response.status_code == 404
    assert not signed_in(councils_only)

    provider.put_user("oid-p", person(EMAIL, oid="oid-p"))
    sign_in_as(councils_only, provider, "oid-p")
    assert councils_only.get("/account/password").status_code == 404
    assert councils_only.post("/account/password", data={}).status_code == 404
    assert "Change password" not in text(councils_only.get("/"))


def test_without_passwords_admins_make_accounts_that_link_at_first_sign_in(
        councils_only, provider, factory):
    admin = factory.user("admin@" + ALLOWED_DOMAIN, "admin", department=None)
    provider.put_user("oid-admin", person(admin.email, oid="oid-admin"))
    sign_in_as(councils_only, provider, "oid-admin")
    form = text(councils_only.get("/admin/users/new"))
    assert 'name="password"' not in form and "They sign in with their council account" in form

    response = councils_only.post("/admin/users/new", data={
        "email": EMAIL, "name": "Jo Bloggs", "roles": ["lead_officer"],
        "department": "Children and Family Services"})
    assert response.status_code == 302
    assert user_named(EMAIL).password_hash == NO_PASSWORD

    councils_only.post("/sign-out")
    provider.put_user("oid-jo", person(EMAIL, oid="oid-jo"))
    sign_in_as(councils_only, provider, "oid-jo")
    jo = user_named(EMAIL)
    assert jo.oidc_subject == "oid-jo" and jo.roles == {Role.LEAD_OFFICER}
    assert councils_only.get("/assessments/new").status_code == 200
