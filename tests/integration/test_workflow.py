"""The lifecycle of PRODUCT.md "Workflow" through the API: submit, return, sign off,
publish, review; the audit history; signed records; notifications; races."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from ehria.extensions import db
from ehria.models import Assessment, Notification, Revision, SignedRecord, User
from ehria.signed_records import canonical_json, sha256_hex, verify
from ehria.workflow import Action, Conflict, apply
from tests.integration.workflow_helpers import (
    create,
    ok,
    publish,
    return_it,
    sign_off,
    submit,
)


@pytest.fixture
def apis(people, api_as):
    return {name: api_as(user) for name, user in people.items()}


def test_the_whole_lifecycle_with_its_audit_history(apis):
    officer, chair, web = apis["officer"], apis["chair"], apis["web"]
    assessment = create(officer)
    number = assessment["id"]

    submitted = submit(officer, number)
    assert submitted["status"] == "submitted"
    assert [s["role"] for s in submitted["signatures"]] == ["lead_officer"]

    returned = return_it(chair, number, {
        "screening.protected_characteristics.other_groups.comments": "Which villages?"
    })
    assert returned["status"] == "returned"
    assert {c["path"] for c in returned["comments"]} == {
        None, "screening.protected_characteristics.other_groups.comments"
    }

    edited = ok(officer.patch(f"/assessments/{number}", {"answers": {"screening": {
        "protected_characteristics": {"other_groups": {"comments": "Rural Melton."}}}}},
        returned["version"]))
    assert edited["revision"] == 2

    assert submit(officer, number)["status"] == "submitted"
    signed = sign_off(chair, number)
    assert signed["status"] == "signed_off"
    assert len(signed["sha256"]) == 64
    assert [s["role"] for s in signed["signatures"]] == ["lead_officer", "deg_chair"]

    published = publish(web, number)
    assert published["status"] == "published"
    assert published["published_url"] == "https://www.example.gov.uk/ehria/1"

    reviewed = ok(officer.post(f"/assessments/{number}/review", {}))
    assert reviewed["status"] == "draft"
    assert reviewed["revision"] == signed["revision"] + 1 == 3
    assert {k: v for k, v in reviewed["answers"].items() if k != "since_last"} == (
        edited["answers"])
    assert len(reviewed["answers"]["since_last"]["previous_actions"]) == len(
        edited["answers"]["report"]["improvement_plan"])  # what came of each, to write
    assert reviewed["sha256"] is None

    history = ok(officer.get(f"/assessments/{number}/history"))
    assert [(e["action"], e["actor"], e["revision"]) for e in history] == [
        ("created", "Priya Chauhan", 1),
        ("submitted", "Priya Chauhan", 1),
        ("returned", "Sam Okafor", 1),
        ("answers_changed", "Priya Chauhan", 2),
        ("submitted", "Priya Chauhan", 2),
        ("signed_off", "Sam Okafor", 2),
        ("published", "Alex Morgan", 2),
        ("review_started", "Priya Chauhan", 3),
    ]
    assert history[3]["changes"] == [
        "screening.protected_characteristics.other_groups.comments"
    ]


def test_the_published_revision_stays_as_it_was_after_a_review(apis):
    officer, chair, web = apis["officer"], apis["chair"], apis["web"]
    number = create(officer)["id"]
    submit(officer, number)
    signed = sign_off(chair, number)
    publish(web, number)
    reviewed = ok(officer.post(f"/assessments/{number}/review", {}))

    ok(officer.patch(f"/assessments/{number}", {"answers": {"key_details": {
        "section": "Changed in review"}}}, reviewed["version"]))

    record = db.session.scalar(select(SignedRecord))
    assert record.revision == 1 and record.sha256 == signed["sha256"] and verify(record)
    assert json.loads(record.canonical_json)["answers"] == signed["answers"]
    first = db.session.scalar(select(Revision).where(Revision.number == 1))
    assert first.answers == signed["answers"]


def test_submission_is_refused_listing_what_is_missing_and_inconsistent(apis):
    from ehria.examples import load_examples

    officer = apis["officer"]
    number = create(officer, load_examples()["03-inconsistent-screening"]["answers"])["id"]

    response = officer.post(f"/assessments/{number}/submit", {"declaration": True})

    assert response.status_code == 422
    body = response.get_json()
    assert body["missing"] and {p["code"] for p in body["problems"]} >= {"P1", "P2"}
    assert ok(officer.get(f"/assessments/{number}"))["status"] == "draft"


def test_submission_needs_the_declaration(apis):
    officer = apis["officer"]
    number = create(officer)["id"]
    response = officer.post(f"/assessments/{number}/submit", {})
    assert response.status_code == 422
    assert "declaration" in response.get_json()["fields"]


def test_a_return_needs_a_comment_and_known_question_paths(apis):
    officer, chair = apis["officer"], apis["chair"]
    number = create(officer)["id"]
    submit(officer, number)

    no_comment = chair.post(f"/assessments/{number}/return", {"comment": " "})
    bad_path = chair.post(f"/assessments/{number}/return", {
        "comment": "See below", "question_comments": {"screening.nonsense": "?"}})

    assert no_comment.status_code == 422 and "comment" in no_comment.get_json()["fields"]
    assert bad_path.status_code == 422
    assert "question_comments.screening.nonsense" in bad_path.get_json()["fields"]
    assert ok(chair.get(f"/assessments/{number}"))["status"] == "submitted"


def test_publish_refuses_an_address_that_is_not_a_web_address(apis):
    officer, chair, web = apis["officer"], apis["chair"], apis["web"]
    number = create(officer)["id"]
    submit(officer, number)
    sign_off(chair, number)
    response = web.post(f"/assessments/{number}/publish", {"url": "javascript:alert(1)"})
    assert response.status_code == 422 and "url" in response.get_json()["fields"]


def test_a_signed_off_record_hash_recomputes_and_writes_to_it_are_refused(apis):
    officer, chair = apis["officer"], apis["chair"]
    number = create(officer)["id"]
    submit(officer, number)
    signed = sign_off(chair, number)

    record = db.session.scalar(select(SignedRecord))
    assert sha256_hex(record.canonical_json.encode("utf-8")) == record.sha256 == signed["sha256"]
    assert canonical_json(json.loads(record.canonical_json)) == record.canonical_json
    assert verify(record)

    patch = officer.patch(f"/assessments/{number}", {"answers": {"key_details": {
        "section": "Sneaky"}}}, signed["version"])
    assert patch.status_code == 409
    again = chair.post(f"/assessments/{number}/sign-off", {})
    assert again.status_code == 409


@pytest.mark.parametrize("statement", [
    "UPDATE signed_records SET sha256 = 'x'",
    "DELETE FROM signed_records",
    "UPDATE revisions SET answers = '{}' WHERE frozen_at IS NOT NULL",
    "UPDATE events SET action = 'nothing'",
    "DELETE FROM events",
    "UPDATE signatures SET name = 'Someone else'",
])
def test_the_database_itself_refuses_to_change_signed_records(apis, statement):
    officer, chair = apis["officer"], apis["chair"]
    number = create(officer)["id"]
    submit(officer, number)
    sign_off(chair, number)
    db.session.remove()

    with pytest.raises(DBAPIError), db.engine.begin() as connection:
        connection.execute(text(statement))


def test_editing_a_draft_is_still_allowed_by_the_database(apis):
    officer = apis["officer"]
    created = create(officer)
    ok(officer.patch(f"/assessments/{created['id']}",
                     {"answers": {"key_details": {"section": "Fine"}}}, created["version"]))


def test_the_people_who_act_next_are_e_mailed(apis, people):
    officer, chair, web = apis["officer"], apis["chair"], apis["web"]
    number = create(officer)["id"]
    submit(officer, number)
    return_it(chair, number)
    submit(officer, number)
    sign_off(chair, number)
    publish(web, number)

    sent = [(n.to_email, n.subject.split(" ")[1].rstrip(":"))
            for n in db.session.scalars(select(Notification).order_by(Notification.id))]
    assert sent == [
        ("chair@example.gov.uk", "submitted"),
        ("officer@example.gov.uk", "returned"),
        ("chair@example.gov.uk", "submitted"),
        ("officer@example.gov.uk", "signed"),
        ("web@example.gov.uk", "signed"),
        ("officer@example.gov.uk", "published"),
    ]


def test_a_failing_mail_server_never_fails_the_transition(app, apis):
    officer = apis["officer"]
    number = create(officer)["id"]
    app.config["EHRIA_SMTP_HOST"] = "127.0.0.1"
    app.config["EHRIA_SMTP_PORT"] = 9  # discard port: nothing listens, connection refused
    try:
        submitted = submit(officer, number)
    finally:
        app.config.pop("EHRIA_SMTP_HOST")
        app.config.pop("EHRIA_SMTP_PORT")
    assert submitted["status"] == "submitted"
    message = db.session.scalar(select(Notification))
    assert message.error and message.sent_at is None


def test_co_authors_edit_and_submit_too(apis, factory, api_as):
    officer = apis["officer"]
    colleague = factory.user("tom@example.gov.uk", "lead_officer",
                             department="Adults and Communities", name="Tom Ellis")
    created = create(officer)
    number = created["id"]

    added = ok(officer.post(f"/assessments/{number}/authors", {"email": "tom@example.gov.uk"}))
    assert [a["email"] for a in added["authors"]] == [
        "officer@example.gov.uk", "tom@example.gov.uk"]

    tom = api_as(colleague)
    ok(tom.patch(f"/assessments/{number}", {"answers": {"key_details": {"section": "Both"}}},
                 added["version"]))
    assert submit(tom, number)["status"] == "submitted"


def test_only_lead_officers_can_be_co_authors(apis, people):
    officer = apis["officer"]
    number = create(officer)["id"]
    response = officer.post(f"/assessments/{number}/authors", {"email": "web@example.gov.uk"})
    assert response.status_code == 422


def _in_own_session(app, work):
    """Run `work()` in another thread with its own app context, session and connection."""
    result: dict = {}

    def run():
        with app.app_context():
            try:
                result["value"] = work()
            except Exception as error:  # handed back to the test to assert on
                result["error"] = error
            finally:
                db.session.rollback()
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_of_two_sign_offs_from_the_same_view_exactly_one_wins(app, apis, factory):
    """Two chairs load the same submitted assessment; both press "Sign off"."""
    officer, chair = apis["officer"], apis["chair"]
    number = create(officer)["id"]
    submit(officer, number)
    second_chair_id = factory.user("chair2@example.gov.uk", "deg_chair").id
    loaded, first_signed = threading.Event(), threading.Event()

    def second_chair_signs():
        assessment = db.session.get(Assessment, number)
        user = db.session.get(User, second_chair_id)
        assert assessment.status == "submitted"
        loaded.set()
        first_signed.wait(10)
        apply(assessment, user, Action.SIGN_OFF)
        db.session.commit()

    thread, result = _in_own_session(app, second_chair_signs)
    assert loaded.wait(10)
    sign_off(chair, number)
    first_signed.set()
    thread.join(20)

    assert isinstance(result.get("error"), Conflict), result
    db.session.remove()
    names = db.session.scalars(text("SELECT name FROM signatures WHERE role = 'deg_chair'"))
    assert names.all() == ["Sam Okafor"]


@pytest.mark.postgres_only
def test_two_chairs_flushing_at_once_on_postgresql_end_with_one_winner(app, apis, factory):
    """Both transactions write at the same time; the row lock makes the second wait, and
    when the first commits the second finds the version changed and is refused."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL's row locks between real concurrent connections")
    officer = apis["officer"]
    number = create(officer)["id"]
    submit(officer, number)
    ids = [factory.user(f"c{i}@example.gov.uk", "deg_chair").id for i in (1, 2)]
    barrier = threading.Barrier(2)

    def sign(user_id):
        def work():
            assessment = db.session.get(Assessment, number)
            user = db.session.get(User, user_id)
            barrier.wait(10)
            apply(assessment, user, Action.SIGN_OFF)
            time.sleep(0.3)  # hold the lock so the other transaction really waits
            db.session.commit()
            return "signed"
        return work

    runs = [_in_own_session(app, sign(user_id)) for user_id in ids]
    for thread, _ in runs:
        thread.join(30)

    outcomes = sorted(
        "signed" if r.get("value") == "signed" else type(r.get("error")).__name__
        for _, r in runs
    )
    assert outcomes == ["Conflict", "signed"]
    db.session.remove()
    assert db.session.scalar(text("SELECT count(*) FROM signed_records")) == 1


def test_an_author_saving_with_a_version_read_before_submission_is_refused(apis):
    officer = apis["officer"]
    created = create(officer)
    submit(officer, created["id"])
    response = officer.patch(f"/assessments/{created['id']}",
                             {"answers": {"key_details": {"section": "Late"}}},
                             created["version"])
    assert response.status_code in (409, 412)
    assert ok(officer.get(f"/assessments/{created['id']}"))["answers"]["key_details"][
        "section"] != "Late"


def test_sign_off_stores_both_pdfs_with_their_hashes_and_serves_them_from_storage(apis):
    import hashlib

    officer, chair = apis["officer"], apis["chair"]
    number = create(officer)["id"]
    submit(officer, number)
    sign_off(chair, number)

    record = db.session.scalar(select(SignedRecord))
    assert record.full_pdf.startswith(b"%PDF") and record.published_pdf.startswith(b"%PDF")
    assert hashlib.sha256(record.full_pdf).hexdigest() == record.full_pdf_sha256
    assert hashlib.sha256(record.published_pdf).hexdigest() == record.published_pdf_sha256
    served = officer.get(f"/assessments/{number}.pdf")
    assert served.data == record.full_pdf
    assert served.headers["ETag"] == f'"{record.full_pdf_sha256}"'
    again = officer.client.get(f"/api/v1/assessments/{number}.pdf", headers={
        **officer.headers, "If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.postgres_only
def test_an_edit_racing_a_submission_on_postgresql_ends_with_one_winner(app, apis, factory):
    """One author saves answers while another submits the same version at the same time:
    exactly one of them changes the assessment; the other is refused, nothing mixed."""
    from ehria.assessments import update_answers, version_tag

    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL's row locks between real concurrent connections")
    officer = apis["officer"]
    created = create(officer)
    number = created["id"]
    barrier = threading.Barrier(2)

    def edit():
        assessment = db.session.get(Assessment, number)
        user = assessment.authors[0]
        version = version_tag(assessment)
        barrier.wait(10)
        update_answers(assessment, user, {"key_details": {"section": "Edited"}}, version)
        time.sleep(0.3)
        db.session.commit()
        return "edited"

    def submit_it():
        assessment = db.session.get(Assessment, number)
        user = assessment.authors[0]
        barrier.wait(10)
        apply(assessment, user, Action.SUBMIT, {"declaration": True})
        time.sleep(0.3)
        db.session.commit()
        return "submitted"

    runs = [_in_own_session(app, edit), _in_own_session(app, submit_it)]
    for thread, _ in runs:
        thread.join(30)
    results = [r.get("value") or type(r.get("error")).__name__ for _, r in runs]

    assert sorted(results) in (["StaleVersion", "submitted"], ["Conflict", "edited"]), results
    db.session.remove()
    assessment = db.session.get(Assessment, number)
    if "submitted" in results:
        assert assessment.status == "submitted"
        assert assessment.revision.answers["key_details"].get("section") != "Edited"
    else:
        assert assessment.status == "draft"
        assert assessment.revision.answers["key_details"]["section"] == "Edited"
