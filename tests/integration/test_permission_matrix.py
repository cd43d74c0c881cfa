"""Every persona against every transition and read, in the state where it could happen.

Each refusal must be 401 (no token), 404 (may not even see it) or 403 (may see it, may not
do it), and must change nothing: the status and version stay as they were.
"""

from __future__ import annotations

import pytest

from ehria.extensions import db
from ehria.models import Assessment
from tests.integration.workflow_helpers import create, ok, publish, sign_off, submit

PERSONAS = (
    "anonymous", "author", "co_author", "colleague", "outsider", "chair", "other_chair",
    "author_chair", "web", "admin", "removed",
)
EMAILS = {
    "author": "author@example.gov.uk", "co_author": "co@example.gov.uk",
    "colleague": "colleague@example.gov.uk", "outsider": "outsider@example.gov.uk",
    "chair": "chair@example.gov.uk", "other_chair": "other.chair@example.gov.uk",
    "author_chair": "both@example.gov.uk", "web": "web@example.gov.uk",
    "admin": "admin@example.gov.uk", "removed": "removed@example.gov.uk",
}
STATE_BEFORE = {
    "read": "submitted", "history": "submitted", "patch": "draft", "submit": "draft",
    "return": "submitted", "sign_off": "submitted", "publish": "signed_off",
    "review": "published", "add_author": "draft", "remove_author": "draft",
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
    "remove_author": {"author", "co_author", "author_chair"},
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
        # an author once, removed since: no more than a colleague who never was
        "removed": factory.user("removed@example.gov.uk", "lead_officer"),
    }
    apis = {name: api_as(user) for name, user in users.items()}
    apis["anonymous"] = api_as(None)
    return apis


def bring_to(apis, state: str) -> int:
    author = apis["author"]
    number = create(author)["id"]
    for email in ("co@example.gov.uk", "both@example.gov.uk", "removed@example.gov.uk"):
        ok(author.post(f"/assessments/{number}/authors", {"email": email}))
    ok(author.delete(f"/assessments/{number}/authors/removed@example.gov.uk"))
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
    if action == "remove_author":
        return api.delete(f"{path}/authors/co@example.gov.uk")
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


# -- the pages (issue 16) -------------------------------------------------------------------

# Each page: its method, the path after /assessments/<id>, the state it is tried in, and
# who may use it (everyone else who can see the assessment gets 403, the rest 404).
PAGES = {
    "invite": ("GET", "/people/invite", "draft", {"author", "co_author", "author_chair"}),
    "hand_lead": ("GET", "/people/lead", "draft", {"author", "co_author", "author_chair"}),
    "remove": ("POST", "/people/{co}/remove", "draft", {"author", "co_author", "author_chair"}),
}


def sign_in_as(client, persona: str) -> None:
    client.post("/sign-out")
    if persona != "anonymous":
        client.post("/sign-in", data={"email": EMAILS[persona],
                                      "password": "a-long-password"})


@pytest.mark.parametrize("page", list(PAGES))
def test_each_persona_gets_exactly_its_rights_in_the_pages(world, client, page):
    """The same personas through the pages: 200 (or a redirect after a POST) for those
    allowed, 403 for those who see it and may not, 404 for the rest, sign-in for anyone
    anonymous; a refusal changes nothing."""
    method, tail, state, allowed = PAGES[page]
    from ehria.accounts import find_user

    wrong = []
    number: int | None = None
    for persona in PERSONAS:
        if number is None:
            number = bring_to(world, state)
        path = f"/assessments/{number}" + tail.format(co=find_user(EMAILS["co_author"]).id)
        before = db.session.get(Assessment, number)
        version_before = before.lock_version
        sign_in_as(client, persona)
        response = client.open(path, method=method)
        if persona == "anonymous":
            expected = {302}
        elif persona in allowed:
            expected = {200} if method == "GET" else {302, 303}
        else:
            expected = {403} if persona in VISIBLE[state] else {404}
        db.session.expire_all()
        after = db.session.get(Assessment, number)
        if response.status_code not in expected:
            wrong.append((persona, expected, response.status_code))
        elif persona not in allowed and after.lock_version != version_before:
            wrong.append((persona, "changed the assessment"))
        if method != "GET" and persona in allowed:
            number = None
    assert wrong == []
