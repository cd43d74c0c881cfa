"""Every page that needs a role refuses, with 403, a signed-in user without it, and every
page that needs sign-in sends an anonymous visitor to the sign-in page."""

from __future__ import annotations

import copy

import pytest

from ehria.examples import load_examples
from ehria.roles import Role

READY = load_examples()["02-short-breaks-full-report"]["answers"]
# the form builder's pages name a template version (or two, compared)
TEMPLATE_VALUES = {"version": "lcc-ehria-v1", "a": "lcc-ehria-v1", "b": "lcc-ehria-v1",
                   "action_id": 1}


def html_routes(app):
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], "access", "")
        if rule.rule.startswith("/api/") or not access.startswith("signed_in"):
            continue
        roles = {Role(r) for r in access.removeprefix("signed_in:").split(",") if r}
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule, roles, method


def _fill(rule, values) -> str:
    path = rule.rule
    for argument in rule.arguments:
        path = path.replace(f"<int:{argument}>", str(values[argument]))
        path = path.replace(f"<{argument}>", str(values[argument]))
    return path


@pytest.fixture
def world(factory, api_as, officer):
    created = api_as(officer).post("/assessments", {"answers": copy.deepcopy(READY)})
    users = {role: factory.user(f"{role.value}@example.gov.uk", role.value,
                                department=None if role in (Role.WEB_TEAM, Role.ADMIN)
                                else "Children and Family Services")
             for role in Role}
    return created.get_json()["id"], users


def test_each_role_restricted_page_refuses_users_without_the_role(app, client, world):
    assessment_id, users = world
    checked, wrong = 0, []
    for rule, roles, method in html_routes(app):
        if not roles:
            continue
        outsider = next(user for role, user in users.items() if role not in roles)
        client.post("/sign-out")
        client.post("/sign-in", data={"email": outsider.email, "password": "a-long-password"})
        response = client.open(_fill(rule, {"assessment_id": assessment_id,
                                            "user_id": outsider.id, "token_id": 1,
                                            "thread_id": 1, "failed_job_id": 1,
                                            "step_key": "key-details",
                                            **TEMPLATE_VALUES}), method=method)
        checked += 1
        if response.status_code != 403:
            wrong.append((rule.rule, method, outsider.email, response.status_code))
    assert wrong == []
    assert checked >= 15


def test_every_signed_in_page_sends_anonymous_visitors_to_sign_in(app, client, world):
    assessment_id, _ = world
    wrong = []
    for rule, _, method in html_routes(app):
        response = client.open(_fill(rule, {"assessment_id": assessment_id, "user_id": 1,
                                            "token_id": 1, "thread_id": 1, "failed_job_id": 1,
                                            "step_key": "key-details", **TEMPLATE_VALUES}),
                               method=method)
        if response.status_code != 302 or "/sign-in" not in response.headers["Location"]:
            wrong.append((rule.rule, response.status_code))
    assert wrong == []
