"""The CLI of design/API.md and how credentials are stored."""

from __future__ import annotations

from sqlalchemy import select, text

from ehria.accounts import hash_token, user_for_token
from ehria.extensions import db
from ehria.models import ApiToken, Assessment, User, utcnow


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def test_create_department_user_and_token_then_the_token_works(app, client):
    assert run(app, "create-department", "Public Health").exit_code == 0
    result = run(
        app, "create-user", "--email", "Ana@Example.gov.uk", "--name", "Ana Silva",
        "--password", "correct horse battery", "--role", "lead_officer", "--role", "deg_chair",
        "--department", "Public Health",
    )
    assert result.exit_code == 0, result.output

    token_result = run(app, "create-token", "--email", "ana@example.gov.uk")

    assert token_result.exit_code == 0, token_result.output
    token = token_result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/departments", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    user = db.session.scalar(select(User).where(User.email == "ana@example.gov.uk"))
    assert {role.value for role in user.roles} == {"lead_officer", "deg_chair"}


def test_passwords_and_tokens_are_stored_only_as_hashes(app, client):
    run(app, "create-department", "Public Health")
    run(app, "create-user", "--email", "ana@example.gov.uk", "--name", "Ana",
        "--password", "correct horse battery", "--role", "admin")
    token = run(app, "create-token", "--email", "ana@example.gov.uk").output.split()[-1]

    dump = " ".join(
        str(row) for table in ("users", "api_tokens")
        for row in db.session.execute(text(f"SELECT * FROM {table}"))
    )
    assert "correct horse battery" not in dump
    assert token not in dump
    assert db.session.scalar(select(ApiToken.token_hash)) != token


def test_create_user_refuses_bad_input_with_a_clear_message(app, client):
    result = run(app, "create-user", "--email", "x@example.gov.uk", "--name", "X",
                 "--password", "short", "--role", "admin")
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output

    result = run(app, "create-user", "--email", "y@example.gov.uk", "--name", "Y",
                 "--password", "long-enough-pw", "--role", "lead_officer",
                 "--department", "Nowhere")
    assert result.exit_code != 0
    assert "No department" in result.output


def test_create_token_for_an_unknown_user_fails(app, client):
    result = run(app, "create-token", "--email", "nobody@example.gov.uk")
    assert result.exit_code != 0
    assert "nobody@example.gov.uk" in result.output


def test_demo_data_loads_once_and_prints_the_users(app, client):
    first = run(app, "demo-data")
    second = run(app, "demo-data")

    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert "officer@example.gov.uk" in first.output
    assert "already loaded" in second.output
    statuses = sorted(a.status for a in db.session.query(Assessment))
    assert statuses == ["draft", "published", "returned", "signed_off", "submitted"]


def test_a_token_of_a_deactivated_user_or_a_revoked_token_finds_nobody(api_as, factory):
    officer = factory.user("officer@example.gov.uk", "lead_officer", "deg_chair")
    token, other = factory.token(officer), factory.token(officer)
    found = user_for_token(token).user
    assert found is officer and found.roles == {"lead_officer", "deg_chair"}

    db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token))
    ).revoked_at = utcnow()
    db.session.commit()
    assert user_for_token(token) is None
    assert user_for_token(other).user is officer

    officer.active = False
    db.session.commit()
    assert user_for_token(other) is None
    assert api_as(None).client.get(
        "/api/v1/departments", headers={"Authorization": f"Bearer {other}"}
    ).status_code == 401
