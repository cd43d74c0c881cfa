"""Administrators manage departments and accounts; nobody is ever deleted."""

from __future__ import annotations

import pytest

from ehria.accounts import find_user
from ehria.extensions import db


@pytest.fixture
def admin_client(client, factory):
    factory.user("admin@example.gov.uk", "admin", department=None)
    client.post("/sign-in", data={"email": "admin@example.gov.uk",
                                  "password": "a-long-password"})
    return client


def test_an_admin_adds_a_department(admin_client):
    response = admin_client.post("/admin/departments", data={"name": "Public Health"})
    assert response.status_code == 302
    assert "Public Health" in admin_client.get("/admin/departments").get_data(as_text=True)


def test_a_duplicate_department_is_refused_naming_it(admin_client):
    response = admin_client.post("/admin/departments",
                                 data={"name": "Children and Family Services"})
    assert response.status_code == 400
    assert "exists already" in response.get_data(as_text=True)


def test_an_admin_creates_a_user_with_roles_and_a_department(admin_client):
    response = admin_client.post("/admin/users/new", data={
        "email": "new.chair@example.gov.uk", "name": "New Chair",
        "password": "long-enough-password", "roles": ["deg_chair", "lead_officer"],
        "department": "Adults and Communities"})
    assert response.status_code == 302
    user = find_user("new.chair@example.gov.uk")
    assert {r.value for r in user.roles} == {"deg_chair", "lead_officer"}
    assert user.department.name == "Adults and Communities"


def test_a_chair_without_a_department_is_refused(admin_client):
    response = admin_client.post("/admin/users/new", data={
        "email": "x@example.gov.uk", "name": "X", "password": "long-enough-password",
        "roles": ["deg_chair"], "department": ""})
    assert response.status_code == 400
    assert "belong to a department" in response.get_data(as_text=True)


def test_an_admin_deactivates_a_user_who_then_cannot_sign_in(admin_client, officer, app):
    response = admin_client.post(f"/admin/users/{officer.id}", data={
        "roles": ["lead_officer"], "department": "Children and Family Services",
        "active": "no"})
    assert response.status_code == 302
    db.session.expire_all()
    assert find_user(officer.email).active is False
    other = app.test_client()
    assert other.post("/sign-in", data={"email": officer.email,
                                        "password": "a-long-password"}).status_code == 400


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/departments",
                                  "/admin/outbox"])
def test_a_user_without_the_admin_role_gets_403(client, officer, path):
    client.post("/sign-in", data={"email": officer.email, "password": "a-long-password"})
    assert client.get(path).status_code == 403
