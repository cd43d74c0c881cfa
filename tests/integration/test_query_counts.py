"""The assessments list's first page costs the same number of SQL statements however many
assessments there are (no query per row)."""

from __future__ import annotations

import copy
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from ehria.examples import load_examples
from ehria.extensions import db

ANSWERS = load_examples()["01-departmental-plan-no-report"]["answers"]


@contextmanager
def counting_statements():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def first_page_statements(api) -> int:
    db.session.expire_all()
    with counting_statements() as statements:
        assert api.get("/assessments?per_page=20").status_code == 200
    return len(statements)


def test_the_first_page_of_the_list_does_not_query_per_row(api_as, officer):
    api = api_as(officer)
    for _ in range(2):
        api.post("/assessments", {"answers": copy.deepcopy(ANSWERS)})
    with_two = first_page_statements(api)
    for _ in range(25):
        api.post("/assessments", {"answers": copy.deepcopy(ANSWERS)})
    with_many = first_page_statements(api)
    assert with_many == with_two


# ---- saving an answer (PATCH): the request every keystroke pause makes ------------------

SHORT_BREAKS = load_examples()["02-short-breaks-full-report"]["answers"]


def statements_of(request) -> list[str]:
    """The SQL statements one request runs, each on one line."""
    db.session.expire_all()
    with counting_statements() as statements:
        response = request()
    assert response.status_code == 200, response.get_json()
    return [" ".join(statement.split()) for statement in statements]


def save(api, assessment: dict, answers: dict, headers: dict | None = None):
    return api.client.patch(
        f"/api/v1/assessments/{assessment['id']}", json={"answers": answers},
        headers={**api.headers, "If-Match": assessment["version"], **(headers or {})},
    )


def started(api) -> dict:
    response = api.post("/assessments", {"answers": copy.deepcopy(SHORT_BREAKS)})
    assert response.status_code == 201
    return response.get_json()


def test_a_token_its_user_and_their_roles_are_one_statement(api_as, officer):
    api = api_as(officer)
    first_use = statements_of(lambda: api.get("/departments"))
    # the token with its user and roles; the departments; then the token's first use noted
    assert len(first_use) == 3
    assert first_use[2].startswith("UPDATE api_tokens SET last_used_at")
    statements = statements_of(lambda: api.get("/departments"))
    assert len(statements) == 2  # used again soon after: nothing more to note
    assert "FROM users JOIN api_tokens" in statements[0]
    assert "user_roles" in statements[0]


@pytest.mark.parametrize("headers", [{}, {"Prefer": "return=minimal"}])
def test_saving_an_answer_to_a_draft_takes_five_statements(api_as, officer, headers):
    api = api_as(officer)
    assessment = started(api)
    answers = {"policy": {"what_is_changing": "Opening hours change"}}

    statements = statements_of(lambda: save(api, assessment, answers, headers))

    # 1 the token, its user and roles; 2 the assessment with its department, authors and
    # revisions; 3-5 the flush: the assessment's version check, the revision, the event.
    # No department lookup (the department is unchanged), no reload after the commit,
    # and no signatures, signed record or comments (a first draft cannot have any).
    assert len(statements) == 5, "\n".join(statements)
    assert [s.split()[0] for s in statements[:2]] == ["SELECT", "SELECT"]
    assert sorted(s.split()[0] for s in statements[2:]) == ["INSERT", "UPDATE", "UPDATE"]


def test_moving_a_draft_to_another_department_looks_that_department_up_once(
    api_as, officer
):
    api = api_as(officer)
    assessment = started(api)
    answers = {"key_details": {"department": "Adults and Communities"}}

    statements = statements_of(lambda: save(api, assessment, answers))

    assert len(statements) == 6, "\n".join(statements)
    assert sum("FROM departments" in s for s in statements) == 1


def test_saving_an_answer_after_a_return_adds_only_the_comments_and_the_new_revision(
    api_as, people
):
    officer, chair = api_as(people["officer"]), api_as(people["chair"])
    assessment = started(officer)
    assert officer.post(f"/assessments/{assessment['id']}/submit",
                        {"declaration": True}).status_code == 200
    returned = chair.post(f"/assessments/{assessment['id']}/return", {"comment": "More."})
    answers = {"policy": {"what_is_changing": "From April 2027"}}

    statements = statements_of(lambda: save(officer, returned.get_json(), answers))

    # the draft's five, with an INSERT of revision 2 for the UPDATE of revision 1, and the
    # chair's comments (a later revision may have them); revision 2 has no signatures yet
    assert len(statements) == 6, "\n".join(statements)
    assert sum("FROM comments" in s for s in statements) == 1
    assert not any("FROM signatures" in s or "FROM signed_records" in s for s in statements)


def test_the_first_page_of_the_list_takes_three_statements(api_as, officer):
    api = api_as(officer)
    for _ in range(3):
        started(api)
    # the token with its user and roles; count(*) of what the user may see; the page
    assert first_page_statements(api) == 3
