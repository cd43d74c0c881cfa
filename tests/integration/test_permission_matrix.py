"""Every persona against every transition and read, in the state where it could happen.

Each refusal must be 401 (no token), 404 (may not even see it) or 403 (may see it, may not
do it), and must change nothing: the status and version stay as they were.
"""

from __future__ import annotations

import pytest

from ehria.extensions import db
from ehria.models import Assessment, FailedJob
from tests.integration.workflow_helpers import create, ok, publish, sign_off, submit

PERSONAS = (
    "anonymous", "author", "co_author", "colleague", "outsider", "chair", "other_chair",
    "author_chair", "web", "admin",
)
STATE_BEFORE = {
    "read": "submitted", "history": "submitted", "patch": "draft", "submit": "draft",
    "return": "submitted", "sign_off": "submitted", "publish": "signed_off",
    "review": "published", "add_author": "draft",
    # once the web team may see it: what they read is the depersonalised version only
    "read_signed": "signed_off", "history_signed": "signed_off", "full_pdf": "signed_off",
    "published_pdf": "signed_off",
}
READS = ("read", "history", "read_signed", "history_signed", "full_pdf", "published_pdf")
IN_FULL = {"author", "co_author", "author_chair", "chair", "admin"}
ALLOWED = {
    "read": {"author", "co_author", "author_chair", "chair", "admin"},
    "history": {"author", "co_author", "author_chair", "chair", "admin"},
    "patch": {"author", "co_author", "author_chair"},
    "submit": {"author", "co_author", "author_chair"},
    "return": {"chair", "author_chair"},
    "sign_off": {"chair"},
    "publish": {"web"},
    "review": {"author", "co_author", "author_chair"},
    "add_author": {"author", "co_author", "author_chair"},
    "read_signed": IN_FULL | {"web"},  # the web team's copy depersonalised (tested apart)
    "history_signed": IN_FULL,
    "full_pdf": IN_FULL,
    "published_pdf": {"author", "co_author", "author_chair", "chair", "web"},
}
# Who can see an assessment in each state (else 404): authors and admins always, the
# department's chairs once submitted, the web team once signed off.
VISIBLE = {
    "draft": {"author", "co_author", "author_chair", "admin"},
    "submitted": {"author", "co_author", "author_chair", "admin", "chair"},
    "signed_off": {"author", "co_author", "author_chair", "admin", "chair", "web"},
    "published": {"author", "co_author", "author_chair", "admin", "chair", "web"},
}


WORLD_EMAILS = {
    "author": "author@example.gov.uk", "co_author": "co@example.gov.uk",
    "colleague": "colleague@example.gov.uk", "outsider": "outsider@example.gov.uk",
    "chair": "chair@example.gov.uk", "other_chair": "other.chair@example.gov.uk",
    "author_chair": "both@example.gov.uk", "web": "web@example.gov.uk",
    "admin": "admin@example.gov.uk",
}


@pytest.fixture
def world(factory, api_as):
    users = {
        "author": factory.user("author@example.gov.uk", "lead_officer"),
        "co_author": factory.user("co@example.gov.uk", "lead_officer",
                                  department="Adults and Communities"),
        "colleague": factory.user("colleague@example.gov.uk", "lead_officer"),
        "outsider": factory.user("outsider@example.gov.uk", "lead_officer",
                                 department="Adults and Communities"),
        "chair": factory.user("chair@example.gov.uk", "deg_chair"),
        "other_chair": factory.user("other.chair@example.gov.uk", "deg_chair",
                                    department="Adults and Communities"),
        "author_chair": factory.user("both@example.gov.uk", "lead_officer", "deg_chair"),
        "web": factory.user("web@example.gov.uk", "web_team", department=None),
        "admin": factory.user("admin@example.gov.uk", "admin", department=None),
    }
    apis = {name: api_as(user) for name, user in users.items()}
    apis["anonymous"] = api_as(None)
    return apis


def bring_to(apis, state: str) -> int:
    author = apis["author"]
    number = create(author)["id"]
    for email in ("co@example.gov.uk", "both@example.gov.uk"):
        ok(author.post(f"/assessments/{number}/authors", {"email": email}))
    if state == "draft":
        return number
    submit(author, number)
    if state == "submitted":
        return number
    sign_off(apis["chair"], number)
    if state == "signed_off":
        return number
    publish(apis["web"], number)
    return number


def attempt(api, action: str, number: int, version: str):
    path = f"/assessments/{number}"
    if action in ("read", "read_signed"):
        return api.get(path)
    if action in ("history", "history_signed"):
        return api.get(f"{path}/history")
    if action == "full_pdf":
        return api.get(f"{path}.pdf")
    if action == "published_pdf":
        return api.get(f"{path}/published.pdf")
    if action == "patch":
        return api.patch(path, {"answers": {"key_details": {"section": "Changed"}}}, version)
    if action == "add_author":
        return api.post(f"{path}/authors", {"email": "colleague@example.gov.uk"})
    body = {"declaration": True} if action == "submit" else {}
    if action == "return":
        body = {"comment": "Please look again."}
    return api.post(f"{path}/{action.replace('_', '-')}", body)


def expected_status(action: str, persona: str) -> int:
    if persona == "anonymous":
        return 401
    if persona in ALLOWED[action]:
        return 200
    return 403 if persona in VISIBLE[STATE_BEFORE[action]] else 404


@pytest.mark.parametrize("action", list(STATE_BEFORE))
def test_each_persona_gets_exactly_its_rights(world, action):
    """Each persona meets an assessment in the state where `action` applies, as nobody has
    touched it: one is shared while the attempts on it leave it exactly as it was (checked
    below), and a fresh one is made after any attempt that moved it on. (A fresh one per
    persona would render ten sign-offs' PDFs to test one permission.)"""
    wrong = []
    number: int | None = None
    for persona in PERSONAS:
        if number is None:
            number = bring_to(world, STATE_BEFORE[action])
        before = db.session.get(Assessment, number)
        status_before, version_before = before.status, str(before.lock_version)

        response = attempt(world[persona], action, number, version_before)

        expected = expected_status(action, persona)
        db.session.expire_all()
        after = db.session.get(Assessment, number)
        unchanged = (after.status, str(after.lock_version)) == (status_before, version_before)
        if response.status_code != expected:
            wrong.append((persona, expected, response.status_code, response.get_json()))
        elif (expected != 200 or action in READS) and not unchanged:
            wrong.append((persona, "changed the assessment", after.status))
        if not unchanged or (response.status_code == 200 and action not in READS):
            number = None  # it may have moved on: the next persona gets a fresh one
    assert wrong == []


ADMIN_PAGES = ("GET /admin/jobs", "POST /admin/jobs/{job}/retry")


@pytest.mark.parametrize("request_line", ADMIN_PAGES)
def test_only_admins_see_and_retry_failed_jobs(world, client, request_line):
    """The failed background jobs page and its retry, in the pages (sessions, not tokens):
    admins only; everyone else 403, and nobody signed in goes to the sign-in page."""
    failed = FailedJob(task="send_email", subject_id=1, description="Send the e-mail",
                       error="Connection refused", attempts=6)
    db.session.add(failed)
    db.session.commit()
    method, path = request_line.split(" ")
    path = path.format(job=failed.id)
    wrong = []
    for persona in PERSONAS:
        client.post("/sign-out")
        if persona != "anonymous":
            email = WORLD_EMAILS[persona]
            client.post("/sign-in", data={"email": email, "password": "a-long-password"})
        response = client.open(path, method=method)
        expected = 302 if persona == "anonymous" else 403
        if persona == "admin":
            expected = 200 if method == "GET" else 302
        if response.status_code != expected:
            wrong.append((persona, expected, response.status_code))
        if persona == "anonymous" and "/sign-in" not in response.headers.get("Location", ""):
            wrong.append((persona, "not sent to sign in", response.headers.get("Location")))
        db.session.expire_all()
        retried = db.session.get(FailedJob, failed.id).retried_at is not None
        if retried != (persona == "admin" and method == "POST"):
            wrong.append((persona, "retried" if retried else "not retried"))
    assert wrong == []
