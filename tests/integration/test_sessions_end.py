"""Ending a session ends it on the server: a copy of the cookie taken before signing out,
deactivation, a password change or "sign out everywhere" no longer signs anyone in, and no
session outlives its maximum age however busy it is (issue 11, item 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select, update

from ehria.extensions import db
from ehria.models import utcnow
from ehria.models_security import UserSession
from tests.integration.workflow_helpers import create

PASSWORD = "a-long-password"  # the factory's


def sign_in(client, email="officer@example.gov.uk", password=PASSWORD):
    response = post(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def copy_of(client):
    """Another browser holding exactly the same cookie (a stolen or copied session)."""
    g.pop("_login_user", None)  # the tests' app context outlives each request
    thief = client.application.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def get(client, path: str):
    """A request that knows only what its own cookie carries: the tests' app context
    outlives each request, and Flask-Login keeps the last user loaded in `g`."""
    g.pop("_login_user", None)
    return client.get(path)


def post(client, path: str, data: dict | None = None):
    g.pop("_login_user", None)
    return client.post(path, data=data or {})


def signed_in(client, path="/") -> bool:
    return get(client, path).status_code == 200


@pytest.fixture
def assessment_id(api_as, officer) -> int:
    return create(api_as(officer))["id"]


def test_a_cookie_copied_before_signing_out_no_longer_works(client, officer, assessment_id):
    sign_in(client)
    thief = copy_of(client)
    assert signed_in(thief)
    assert signed_in(thief, f"/assessments/{assessment_id}/document.pdf")

    assert post(client, "/sign-out").status_code == 302

    for path in ("/", f"/assessments/{assessment_id}",
                 f"/assessments/{assessment_id}/document.pdf"):
        response = get(thief, path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path


def test_signing_out_ends_only_that_browsers_session(client, officer):
    sign_in(client)
    other_browser = client.application.test_client()
    sign_in(other_browser)
    post(client, "/sign-out")
    assert signed_in(other_browser)
    assert not signed_in(copy_of(client))


def test_a_session_in_constant_use_still_ends_at_its_maximum_age(app, client, officer):
    assert app.config["SESSION_MAX_AGE"] == timedelta(hours=12)
    sign_in(client)
    assert signed_in(client)
    # eleven hours of use later, still fine; just past twelve, over
    db.session.execute(update(UserSession).values(created_at=utcnow() - timedelta(hours=11)))
    db.session.commit()
    assert signed_in(client)
    db.session.execute(
        update(UserSession).values(created_at=utcnow() - timedelta(hours=12, minutes=1)))
    db.session.commit()
    response = get(client, "/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_deactivating_a_user_ends_every_session_of_theirs(client, factory, officer):
    admin = factory.user("admin@example.gov.uk", "admin", department=None)
    sign_in(client)
    officer_browser = copy_of(client)
    admin_browser = client.application.test_client()
    sign_in(admin_browser, admin.email)

    response = post(admin_browser, f"/admin/users/{officer.id}", {
        "roles": ["lead_officer"], "department": "Children and Family Services",
        "active": "no"})
    assert response.status_code == 302
    assert not signed_in(officer_browser)
    assert db.session.scalar(select(db.func.count()).select_from(UserSession).where(
        UserSession.user_id == officer.id)) == 0


def test_changing_ones_password_signs_out_every_other_browser(client, officer):
    sign_in(client)
    laptop = client.application.test_client()
    sign_in(laptop)
    stolen = copy_of(laptop)

    response = post(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "a-new-long-password",
        "confirm_password": "a-new-long-password"})
    assert response.status_code == 302
    assert signed_in(client)  # the browser that made the change carries on, in a new session
    assert not signed_in(laptop) and not signed_in(stolen)
    assert post(client.application.test_client(), "/sign-in", {
        "email": officer.email, "password": PASSWORD}).status_code == 400
    sign_in(client.application.test_client(), password="a-new-long-password")


@pytest.mark.parametrize(("data", "message"), [
    ({"current_password": "not-the-password", "new_password": "a-new-long-password",
      "confirm_password": "a-new-long-password"}, "Your current password is not correct"),
    ({"current_password": PASSWORD, "new_password": "short",
      "confirm_password": "short"}, "New password must be at least 10 characters"),
    ({"current_password": PASSWORD, "new_password": "a-new-long-password",
      "confirm_password": "a-different-one"}, "The two new passwords must match"),
    ({"current_password": PASSWORD, "new_password": PASSWORD,
      "confirm_password": PASSWORD}, "The new password must be different"),
], ids=["wrong current", "too short", "not confirmed", "unchanged"])
def test_a_refused_password_change_names_the_problem_and_changes_nothing(
    client, officer, data, message
):
    sign_in(client)
    laptop = client.application.test_client()
    sign_in(laptop)
    response = post(client, "/account/password", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert signed_in(laptop)
    sign_in(client.application.test_client())  # the old password still works


def test_an_admin_signs_a_user_out_everywhere(client, factory, officer):
    admin = factory.user("admin@example.gov.uk", "admin", department=None)
    sign_in(client)
    officer_browser = copy_of(client)
    admin_browser = client.application.test_client()
    sign_in(admin_browser, admin.email)

    page = get(admin_browser, f"/admin/users/{officer.id}").get_data(as_text=True)
    assert "has 1 signed-in session" in page
    response = post(admin_browser, f"/admin/users/{officer.id}/sign-out-everywhere")
    assert response.status_code == 302
    assert not signed_in(officer_browser)
    assert "has 0 signed-in sessions" in get(
        admin_browser, f"/admin/users/{officer.id}").get_data(as_text=True)
    assert signed_in(admin_browser)


def test_only_admins_sign_people_out_everywhere(client, factory, officer):
    chair = factory.user("chair@example.gov.uk", "deg_chair")
    sign_in(client, chair.email)
    assert post(client, f"/admin/users/{officer.id}/sign-out-everywhere").status_code == 403
