"""The assessments list's first page costs the same number of SQL statements however many
assessments there are (no query per row)."""

from __future__ import annotations

import copy
from contextlib import contextmanager

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
