"""What a PATCH answers: the same document a read gives afterwards (it is built before the
commit, not read back), or with `Prefer: return=minimal` only the version and the
screening outcome; and the rules that skip the signatures, signed record and comments
queries never hide a row."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ehria.api.assessments import assessment_json
from ehria.extensions import db
from ehria.models import Assessment, Comment
from ehria.records import signatures_of, signed_record_of
from ehria.workflow import may_have_comments, may_have_signatures, may_have_signed_record
from tests.integration.workflow_helpers import create, ok, publish, return_it, sign_off, submit

MINIMAL = {"Prefer": "return=minimal"}


@pytest.fixture
def apis(people, api_as):
    return {name: api_as(user) for name, user in people.items()}


def patch(api, assessment: dict, answers: dict, headers: dict | None = None):
    """PATCH with If-Match and any further headers (the ApiClient's own take none)."""
    return api.client.patch(
        f"/api/v1/assessments/{assessment['id']}", json={"answers": answers},
        headers={**api.headers, "If-Match": assessment["version"], **(headers or {})},
    )


def save(api, assessment: dict, text: str, headers: dict | None = None):
    return patch(api, assessment, {"policy": {"what_is_changing": text}}, headers)


def test_a_patch_answers_with_the_document_a_read_then_gives(apis):
    officer = apis["officer"]
    assessment = create(officer)

    response = save(officer, assessment, "Opening hours change")

    assert response.status_code == 200
    read = officer.get(f"/assessments/{assessment['id']}")
    assert response.get_json() == read.get_json()
    assert response.headers["ETag"] == read.headers["ETag"] != f'"{assessment["version"]}"'
    assert "Preference-Applied" not in response.headers


def test_a_patch_of_a_returned_assessment_answers_with_its_comments_and_new_revision(apis):
    officer, chair = apis["officer"], apis["chair"]
    assessment = create(officer)
    submit(officer, assessment["id"])
    returned = return_it(chair, assessment["id"], {"policy.what_is_changing": "Say when."})

    response = save(officer, returned, "From April 2027")

    body = ok(response)
    assert body == ok(officer.get(f"/assessments/{assessment['id']}"))
    assert body["revision"] == 2
    assert [c["path"] for c in body["comments"]] == [None, "policy.what_is_changing"]
    assert body["signatures"] == []  # the officer signed revision 1, not this one


def test_return_minimal_answers_with_the_version_and_screening_outcome_only(apis):
    officer = apis["officer"]
    assessment = create(officer)

    response = save(officer, assessment, "Opening hours change", headers=MINIMAL)

    assert response.status_code == 200
    assert response.headers["Preference-Applied"] == "return=minimal"
    body = response.get_json()
    read = ok(officer.get(f"/assessments/{assessment['id']}"))
    assert body == {"id": assessment["id"], "revision": 1, "version": read["version"],
                    "screening_outcome": read["screening_outcome"]}
    assert response.headers["ETag"] == f'"{read["version"]}"'
    assert read["answers"]["policy"]["what_is_changing"] == "Opening hours change"


def test_the_version_from_a_minimal_answer_is_the_one_to_send_next(apis):
    officer = apis["officer"]
    assessment = create(officer)
    first = ok(save(officer, assessment, "First", headers=MINIMAL))

    second = save(officer, {**assessment, "version": first["version"]}, "Second",
                  headers=MINIMAL)

    assert second.status_code == 200
    assert save(officer, assessment, "Stale", headers=MINIMAL).status_code == 412


@pytest.mark.parametrize("prefer", [
    "return=minimal",
    "RETURN=Minimal",
    'return="minimal"',
    "respond-async, return=minimal",
    "return=minimal; foo=bar, wait=10",
])
def test_return_minimal_is_understood_however_rfc_7240_lets_it_be_written(apis, prefer):
    officer = apis["officer"]
    response = save(officer, create(officer), "x", headers={"Prefer": prefer})
    assert response.headers["Preference-Applied"] == "return=minimal"
    assert set(response.get_json()) == {"id", "revision", "version", "screening_outcome"}


@pytest.mark.parametrize("prefer", ["return=representation", "respond-async", "minimal"])
def test_other_preferences_get_the_whole_document(apis, prefer):
    officer = apis["officer"]
    response = save(officer, create(officer), "x", headers={"Prefer": prefer})
    assert "Preference-Applied" not in response.headers
    assert "answers" in response.get_json()


def test_a_refused_patch_is_the_usual_error_even_when_minimal_is_preferred(apis):
    officer = apis["officer"]
    assessment = create(officer)
    response = patch(officer, assessment, {"policy": {"nonsense": "x"}}, MINIMAL)
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"policy.nonsense": ["Unknown field"]}
    assert "Preference-Applied" not in response.headers


def check_nothing_is_hidden(assessment_id: int) -> None:
    """Every signature, comment and signed record in the database is in the document."""
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment_id)
    signatures = signatures_of(assessment)
    comments = db.session.scalars(
        select(Comment).where(Comment.assessment_id == assessment_id)).all()
    record = signed_record_of(assessment)
    assert not signatures or may_have_signatures(assessment)
    assert not comments or may_have_comments(assessment)
    assert record is None or may_have_signed_record(assessment)
    document = assessment_json(assessment, assessment.authors[0])  # as its author reads it
    assert [s["name"] for s in document["signatures"]] == [s.name for s in signatures]
    assert [c["text"] for c in document["comments"]] == [c.text for c in comments]
    assert document["sha256"] == (record.sha256 if record else None)


def test_the_skipped_queries_never_hide_a_row_anywhere_in_the_lifecycle(apis):
    officer, chair, web = apis["officer"], apis["chair"], apis["web"]
    assessment = create(officer)
    number = assessment["id"]
    check_nothing_is_hidden(number)  # a new draft
    submit(officer, number)
    check_nothing_is_hidden(number)  # submitted: the officer's signature
    returned = return_it(chair, number, {"policy.what_is_changing": "Say when."})
    check_nothing_is_hidden(number)  # returned: the chair's comments
    edited = ok(save(officer, returned, "From April 2027"))
    check_nothing_is_hidden(number)  # revision 2, a draft of its own
    ok(officer.post(f"/assessments/{number}/submit",
                    {"declaration": True, "comment": "Added the date."}))
    check_nothing_is_hidden(number)  # resubmitted with a reply
    assert edited["revision"] == 2
    sign_off(chair, number)
    check_nothing_is_hidden(number)  # signed off: both signatures and the record
    publish(web, number)
    check_nothing_is_hidden(number)
    ok(officer.post(f"/assessments/{number}/review", {}))
    check_nothing_is_hidden(number)  # a new draft revision after publication
