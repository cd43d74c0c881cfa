"""Signing in with the council's account (issue 17) against a real OpenID Connect provider
on 127.0.0.1 (oidc-provider-mock): the journey, matching and making users, roles from
groups, sessions and signing out. Refusals are in test_council_refusals.py."""

from __future__ import annotations

import base64
import hashlib
import logging

from flask import Flask
from sqlalchemy import func, insert, select

from ehria import council_sign_in
from ehria.accounts import NO_PASSWORD, authenticate, find_department, find_user
from ehria.council_sign_in import CouncilIdentity, sign_in_identity
from ehria.extensions import db
from ehria.models import Notification, User, utcnow
from ehria.roles import Role
from tests.council_provider import person, query_of
from tests.integration.council.flows import (
    forged_sign_in,
    session_count,
    sign_in_as,
    signed_in,
    start,
    text,
    user_named,
)
from tests.integration.test_security import every_stored_value

EMAIL = "jo.bloggs@council.example.gov.uk"
OFFICERS, CHAIRS, WEB_TEAM = "group-officers", "group-chairs", "group-web"
ROLE_MAP = f"{OFFICERS}=lead_officer,{CHAIRS}=deg_chair,{WEB_TEAM}=web_team"


def test_the_sign_in_page_offers_the_council_account_beside_the_password(council):
    html = council.get("/sign-in?next=/assessments/new").get_data(as_text=True)
    assert "Sign in with your council account" in html
    assert 'href="/sign-in/council?next=/assessments/new"' in html
    assert 'name="password"' in html and "Or sign in with a password" in html


def test_the_redirect_asks_for_a_code_with_state_nonce_and_pkce(council, provider):
    query = query_of(start(council))
    assert query["response_type"] == "code"
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert query["redirect_uri"] == "http://localhost/sign-in/council/callback"
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    assert len(query["code_challenge"]) == 43
    # the verifier, the nonce and the state stay on the server, not in the cookie
    with council.session_transaction() as session:
        assert query["nonce"] not in str(dict(session))


def test_the_code_exchange_proves_pkce(make_app, forger):
    forger.claims = person(EMAIL, oid="oid-pkce")
    client = make_app(forger.issuer).test_client()
    authorize_url = start(client)

    assert forged_sign_in(client, forger, authorize_url).status_code == 302

    exchange = forger.token_requests[-1]
    assert exchange["grant_type"] == "authorization_code"
    digest = base64.urlsafe_b64encode(hashlib.sha256(exchange["code_verifier"].encode())
                                      .digest()).rstrip(b"=").decode()
    assert digest == query_of(authorize_url)["code_challenge"]


def test_an_existing_user_signs_in_and_is_linked_by_their_verified_email(
        council, provider, factory):
    factory.user(EMAIL, "lead_officer", name="Jo Bloggs")
    provider.put_user("oid-jo", person(EMAIL, oid="entra-object-id-jo"))

    response = sign_in_as(council, provider, "oid-jo")

    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = text(council.get("/"))
    assert "Your assessments" in home and "Signed in as Jo Bloggs (Lead officer)" in home
    user = user_named(EMAIL)
    assert (user.oidc_issuer, user.oidc_subject) == (provider.issuer, "entra-object-id-jo")
    assert user.roles == {Role.LEAD_OFFICER}  # no role claim configured: roles stay
    assert session_count() == 1


def test_once_linked_the_subject_signs_them_in_even_after_their_email_changes(
        council, provider, factory):
    factory.user(EMAIL, "web_team", department=None)
    provider.put_user("oid-jo", person(EMAIL, oid="oid-jo"))
    sign_in_as(council, provider, "oid-jo")
    council.post("/sign-out")

    new_email = "jo.smith@council.example.gov.uk"
    provider.put_user("oid-jo", person(new_email, name="Jo Smith", oid="oid-jo"))
    assert sign_in_as(council, provider, "oid-jo").status_code == 302

    assert user_named(EMAIL) is None
    moved = user_named(new_email)
    assert moved.oidc_subject == "oid-jo" and moved.roles == {Role.WEB_TEAM}


def test_without_an_oid_the_standard_sub_is_the_subject(council, provider):
    provider.put_user("plain-sub", person(EMAIL))
    assert sign_in_as(council, provider, "plain-sub").status_code == 302
    assert user_named(EMAIL).oidc_subject == "plain-sub"


def test_a_first_sign_in_makes_a_user_with_no_roles_who_must_be_given_access(
        council, provider, factory):
    admin = factory.user("admin@council.example.gov.uk", "admin", department=None)
    provider.put_user("oid-new", person(EMAIL, name="Jo Bloggs", oid="oid-new"))

    assert sign_in_as(council, provider, "oid-new").status_code == 302

    user = user_named(EMAIL)
    assert user.name == "Jo Bloggs" and user.roles == set() and user.department is None
    assert user.password_hash == NO_PASSWORD
    assert authenticate(EMAIL, NO_PASSWORD) is None and authenticate(EMAIL, "") is None
    home = council.get("/")
    assert home.status_code == 200
    html = text(home)
    assert "<h1 class=\"govuk-heading-l\">An administrator must give you access</h1>" in html
    assert "Signed in as Jo Bloggs (no access yet)" in html
    assert "Change password" not in html  # they have none
    for path in ("/assessments/new", "/scrutiny/", "/publication/", "/admin/users"):
        assert council.get(path).status_code == 403, path
    assert council.get("/account/password").status_code == 404

    told = db.session.scalars(select(Notification)).all()
    assert [message.to_email for message in told] == [admin.email]
    assert told[0].subject == "New user needs access: Jo Bloggs"
    assert EMAIL in told[0].body and "must give them a role" in told[0].body

    # a second sign-in tells nobody again
    council.post("/sign-out")
    sign_in_as(council, provider, "oid-new")
    assert len(db.session.scalars(select(Notification)).all()) == 1


def test_an_email_that_cannot_be_sent_never_fails_the_sign_in(make_app, provider, factory,
                                                             caplog):
    factory.user("admin@council.example.gov.uk", "admin", department=None)
    client = make_app(EHRIA_SMTP_HOST="127.0.0.1", EHRIA_SMTP_PORT="9").test_client()
    provider.put_user("oid-new", person(EMAIL, oid="oid-new"))

    with caplog.at_level(logging.ERROR):
        assert sign_in_as(client, provider, "oid-new").status_code == 302

    assert signed_in(client)
    message = db.session.scalar(select(Notification))
    assert message.sent_at is None and message.error  # kept in the outbox, as failed


def test_groups_give_roles_and_take_them_away_at_the_next_sign_in(make_app, provider,
                                                                  factory):
    factory.department("Adults and Communities")
    client = make_app(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP=ROLE_MAP,
                      OIDC_DEPARTMENT_CLAIM="department").test_client()
    provider.put_user("oid-g", person(EMAIL, oid="oid-g", groups=[OFFICERS, WEB_TEAM, "x"],
                                      department="Adults and Communities"))

    sign_in_as(client, provider, "oid-g")
    user = user_named(EMAIL)
    assert user.roles == {Role.LEAD_OFFICER, Role.WEB_TEAM}
    assert user.department.name == "Adults and Communities"
    assert "Signed in as Jo Bloggs (Lead officer, Web team)" in text(client.get("/"))
    assert client.get("/assessments/new").status_code == 200
    assert db.session.scalar(select(Notification)) is None  # no admin to tell here

    client.post("/sign-out")
    provider.put_user("oid-g", person(EMAIL, oid="oid-g", groups=[WEB_TEAM],
                                      department="Adults and Communities"))
    sign_in_as(client, provider, "oid-g")
    assert user_named(EMAIL).roles == {Role.WEB_TEAM}
    assert client.get("/assessments/new").status_code == 403


def test_with_a_role_claim_roles_granted_by_hand_go_at_the_next_sign_in(
        make_app, provider, factory):
    factory.user(EMAIL, "admin", "web_team", department=None)
    client = make_app(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP=ROLE_MAP).test_client()
    provider.put_user("oid-h", person(EMAIL, oid="oid-h", groups=[WEB_TEAM]))

    sign_in_as(client, provider, "oid-h")

    assert user_named(EMAIL).roles == {Role.WEB_TEAM}


def test_without_a_role_claim_roles_granted_by_hand_stay(council, provider, factory):
    factory.user(EMAIL, "admin", "web_team", department=None)
    provider.put_user("oid-h", person(EMAIL, oid="oid-h", groups=[]))

    sign_in_as(council, provider, "oid-h")

    assert user_named(EMAIL).roles == {Role.ADMIN, Role.WEB_TEAM}


def test_a_role_needing_a_department_waits_for_one_and_admins_are_told(
        make_app, provider, factory):
    factory.user("admin@council.example.gov.uk", "admin", department=None)
    client = make_app(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP=ROLE_MAP).test_client()
    provider.put_user("oid-c", person(EMAIL, oid="oid-c", groups=[CHAIRS, WEB_TEAM]))

    sign_in_as(client, provider, "oid-c")

    user = user_named(EMAIL)
    assert user.roles == {Role.WEB_TEAM}
    message = db.session.scalar(select(Notification))
    assert message.subject == "New user signed in: Jo Bloggs"
    assert "DEG chair, which needs a department" in " ".join(message.body.split())

    # an admin gives them a department; their next sign-in gives them the role
    user.department = find_department("Children and Family Services")
    db.session.commit()
    client.post("/sign-out")
    sign_in_as(client, provider, "oid-c")
    assert user_named(EMAIL).roles == {Role.DEG_CHAIR, Role.WEB_TEAM}


def test_the_council_sign_in_starts_a_fresh_session(council, provider):
    council.get("/sign-in")
    with council.session_transaction() as session:
        session["planted"] = "by an attacker"
    provider.put_user("oid-f", person(EMAIL, oid="oid-f"))

    sign_in_as(council, provider, "oid-f")

    with council.session_transaction() as session:
        assert "planted" not in session
        assert session["sign_in_method"] == "council"
    assert session_count() == 1


def test_next_is_followed_within_the_site_only(council, provider):
    provider.put_user("oid-n", person(EMAIL, oid="oid-n"))
    response = sign_in_as(council, provider, "oid-n", next_path="/admin/users?x=1")
    assert response.headers["Location"] == "/admin/users?x=1"
    council.post("/sign-out")
    response = sign_in_as(council, provider, "oid-n", next_path="https://evil.example/")
    assert response.headers["Location"] == "/"


def test_signing_out_ends_the_session_and_at_the_provider_too(council, provider, app):
    provider.put_user("oid-o", person(EMAIL, oid="oid-o"))
    sign_in_as(council, provider, "oid-o")
    copy = council.application.test_client()
    copy.set_cookie("session", council.get_cookie("session").value)
    assert signed_in(copy)

    response = council.post("/sign-out")

    assert response.status_code == 302
    logout = response.headers["Location"]
    assert logout.startswith(f"{provider.issuer}/oauth2/end_session?")
    query = query_of(logout)
    assert query["post_logout_redirect_uri"] == "http://localhost/sign-in"
    assert query["client_id"] == "ehria-tests"
    assert session_count() == 0 and not signed_in(copy) and not signed_in(council)


def test_the_content_security_policy_lets_the_sign_out_form_reach_the_provider(
        council, provider, client):
    policy = council.get("/sign-in").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.issuer};" in policy
    assert "form-action 'self';" in client.get("/sign-in").headers["Content-Security-Policy"]


def test_without_an_end_session_endpoint_signing_out_is_local(make_app, forger):
    forger.claims = person(EMAIL, oid="oid-o")
    client = make_app(forger.issuer).test_client()
    forged_sign_in(client, forger)
    assert client.post("/sign-out").headers["Location"] == "/sign-in"


def test_an_end_session_endpoint_elsewhere_is_not_followed(make_app, forger):
    """The policy lets the sign-out form go on to the issuer's origin only."""
    forger.claims = person(EMAIL, oid="oid-o")
    forger.end_session_endpoint = "https://logout.elsewhere.example/end"
    client = make_app(forger.issuer).test_client()
    forged_sign_in(client, forger)
    assert client.post("/sign-out").headers["Location"] == "/sign-in"
    assert not signed_in(client)


def test_a_password_session_signs_out_here_only(council, factory):
    factory.user(EMAIL, "web_team", department=None)
    council.post("/sign-in", data={"email": EMAIL, "password": "a-long-password"})
    response = council.post("/sign-out")
    assert response.headers["Location"] == "/sign-in"


def test_no_token_is_logged_or_stored(make_app, forger, caplog):
    forger.claims = person(EMAIL, oid="oid-t")
    client = make_app(forger.issuer).test_client()
    with caplog.at_level(logging.DEBUG):
        assert forged_sign_in(client, forger).status_code == 302
    code = forger.token_requests[-1]["code"]
    stored = every_stored_value()
    logged = caplog.text
    for secret in (code, forger.token_requests[-1]["code_verifier"], "client-secret-for-tests"):
        assert secret not in stored and secret not in logged
    assert "eyJ" not in logged  # no JWT (an ID token) in any log line


def test_the_admins_pages_say_how_each_user_signs_in(council, provider, factory):
    admin = factory.user("admin@council.example.gov.uk", "admin", department=None,
                         name="Ann Admin")
    provider.put_user("oid-admin", person(admin.email, oid="oid-admin"))
    provider.put_user("oid-jo", person(EMAIL, oid="oid-jo"))
    sign_in_as(council, provider, "oid-jo")
    council.post("/sign-out")
    factory.user("pat@council.example.gov.uk", "web_team", department=None, name="Pat")
    sign_in_as(council, provider, "oid-admin")

    html = " ".join(council.get("/admin/users").get_data(as_text=True).split())
    assert "Signs in with</th>" in html
    assert "Council account and Password" in html  # the admin: linked, with a password
    assert "<td class=\"govuk-table__cell\">Council account</td>" in html  # Jo
    assert "<td class=\"govuk-table__cell\">Password</td>" in html  # Pat
    assert "None yet" in html  # Jo's roles
    jo = user_named(EMAIL)
    page = " ".join(council.get(f"/admin/users/{jo.id}").get_data(as_text=True).split())
    assert "Signs in with: Council account." in page


def test_the_council_routes_are_gone_when_it_is_not_configured(client):
    assert client.get("/sign-in/council").status_code == 404
    assert client.get("/sign-in/council/callback?code=x&state=y").status_code == 404
    assert "council account" not in client.get("/sign-in").get_data(as_text=True)


def test_each_app_gets_its_own_client(make_app, provider, forger):
    first: Flask = make_app()
    second: Flask = make_app(forger.issuer)
    assert query_of(start(first.test_client()))["client_id"] == "ehria-tests"
    assert start(second.test_client()).startswith(forger.issuer)


def test_two_first_sign_ins_at_once_make_one_account(make_app, provider, monkeypatch):
    """Another request makes the account between this one looking for it and making it:
    the unique e-mail stops the second, which then signs in to the first one's account."""
    council_app = make_app()
    settings = council_app.config["COUNCIL_SIGN_IN"]
    identity = CouncilIdentity(issuer=provider.issuer, subject="oid-race", email=EMAIL,
                               name="Jo Bloggs", groups=None)
    looked = []

    def find_user_as_another_request_makes_it(email):
        if not looked:
            looked.append(email)
            with db.engine.begin() as other:
                other.execute(insert(User).values(
                    email=EMAIL, name="Jo Bloggs", password_hash=NO_PASSWORD, active=True,
                    oidc_issuer=provider.issuer, oidc_subject="oid-race",
                    created_at=utcnow()))
            return None
        return find_user(email)

    monkeypatch.setattr(council_sign_in, "find_user", find_user_as_another_request_makes_it)
    with council_app.app_context():
        outcome = sign_in_identity(identity, settings)
        db.session.commit()
        assert not outcome.created and outcome.user.oidc_subject == "oid-race"
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
