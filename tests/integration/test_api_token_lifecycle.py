"""API tokens can be revoked (from the command line and the admin's user page), can lapse
after a number of days, and show when they were last used (issue 11, item 11)."""

from __future__ import annotations

from datetime import timedelta

from flask import g
from sqlalchemy import select, update

from ehria.extensions import db
from ehria.models import ApiToken, utcnow


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def new_token(app, email: str, *options: str) -> str:
    result = run(app, "create-token", "--email", email, *options)
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def answers(client, token: str) -> int:
    g.pop("api_user", None)
    return client.get("/api/v1/departments",
                      headers={"Authorization": f"Bearer {token}"}).status_code


def test_revoke_tokens_stops_every_token_of_that_user_and_no_other(app, client, factory):
    officer = factory.user("officer@example.gov.uk", "lead_officer")
    factory.user("chair@example.gov.uk", "deg_chair")
    first, second = new_token(app, officer.email), new_token(app, officer.email)
    chairs = new_token(app, "chair@example.gov.uk")
    assert answers(client, first) == answers(client, second) == 200

    result = run(app, "revoke-tokens", "--email", "Officer@Example.gov.uk")

    assert result.exit_code == 0, result.output
    assert "Revoked 2 API tokens of officer@example.gov.uk" in result.output
    assert answers(client, first) == answers(client, second) == 401
    assert answers(client, chairs) == 200
    assert run(app, "revoke-tokens", "--email", "nobody@example.gov.uk").exit_code != 0


def test_a_token_made_with_days_stops_working_when_they_are_up(app, client, factory):
    factory.user("officer@example.gov.uk", "lead_officer")
    token = new_token(app, "officer@example.gov.uk", "--days", "30")
    assert answers(client, token) == 200
    stored = db.session.scalar(select(ApiToken))
    lifetime = stored.expires_at.replace(tzinfo=None) - stored.created_at.replace(tzinfo=None)
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)

    db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert answers(client, token) == 401
    assert run(app, "create-token", "--email", "officer@example.gov.uk",
               "--days", "0").exit_code != 0


def test_a_token_without_days_does_not_lapse(app, client, factory):
    factory.user("officer@example.gov.uk", "lead_officer")
    token = new_token(app, "officer@example.gov.uk")
    assert db.session.scalar(select(ApiToken.expires_at)) is None
    assert answers(client, token) == 200


def test_last_use_is_recorded_now_and_then_not_on_every_request(app, client, factory):
    factory.user("officer@example.gov.uk", "lead_officer")
    token = new_token(app, "officer@example.gov.uk")
    assert db.session.scalar(select(ApiToken.last_used_at)) is None
    answers(client, token)
    first = db.session.scalar(select(ApiToken.last_used_at))
    assert first is not None
    answers(client, token)
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) == first  # no write meanwhile

    db.session.execute(update(ApiToken).values(last_used_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    answers(client, token)
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)).replace(tzinfo=None) > (
        utcnow() - timedelta(minutes=1)).replace(tzinfo=None)


def sign_in(client, email: str):
    g.pop("_login_user", None)
    response = client.post("/sign-in", data={"email": email, "password": "a-long-password"})
    assert response.status_code == 302


def test_the_admin_sees_a_users_tokens_and_revokes_one(app, client, factory):
    officer = factory.user("officer@example.gov.uk", "lead_officer")
    factory.user("admin@example.gov.uk", "admin", department=None)
    kept, revoked = new_token(app, officer.email), new_token(app, officer.email)
    answers(client, kept)
    browser = app.test_client()
    sign_in(browser, "admin@example.gov.uk")

    g.pop("_login_user", None)
    page = browser.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert "API tokens" in page and "Token 1" in page and "Token 2" in page
    assert "Never" in page  # token 2 has not been used; neither expires
    assert kept not in page and revoked not in page  # tokens are never shown again

    revoked_id = db.session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()))
    g.pop("_login_user", None)
    response = browser.post(f"/admin/users/{officer.id}/tokens/{revoked_id}/revoke")
    assert response.status_code == 302
    assert answers(client, revoked) == 401
    assert answers(client, kept) == 200
    g.pop("_login_user", None)
    assert "Revoked " in browser.get(f"/admin/users/{officer.id}").get_data(as_text=True)


def test_a_token_of_another_user_cannot_be_revoked_through_this_user(app, client, factory):
    officer = factory.user("officer@example.gov.uk", "lead_officer")
    chair = factory.user("chair@example.gov.uk", "deg_chair")
    factory.user("admin@example.gov.uk", "admin", department=None)
    chairs = new_token(app, chair.email)
    chair_token_id = db.session.scalar(select(ApiToken.id))
    browser = app.test_client()
    sign_in(browser, "admin@example.gov.uk")
    g.pop("_login_user", None)
    response = browser.post(f"/admin/users/{officer.id}/tokens/{chair_token_id}/revoke")
    assert response.status_code == 404
    assert answers(client, chairs) == 200
