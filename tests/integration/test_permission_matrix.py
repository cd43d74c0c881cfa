"""Every persona against every transition and read, in the state where it could happen.

Each refusal must be 401 (no token), 404 (may not even see it) or 403 (may see it, may not
do it), and must change nothing: the status and version stay as they were.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from ehria.extensions import db
from ehria.models import Assessment, FailedJob
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
    "published_pdf": "signed_off", "full_docx": "signed_off", "published_docx": "signed_off",
    # during a review the new draft is its authors', the published revision's documents
    # stay with those who had them
    "full_pdf_in_review": "in_review", "published_pdf_in_review": "in_review",
    "full_docx_in_review": "in_review", "published_docx_in_review": "in_review",
    "threads": "returned", "start_thread": "submitted", "reply": "returned",
    "resolve": "returned", "reopen": "returned",
}
DOCUMENTS = ("full_pdf", "published_pdf", "full_docx", "published_docx")
READS = ("read", "history", "read_signed", "history_signed", *DOCUMENTS,
         *(f"{d}_in_review" for d in DOCUMENTS), "threads")
# Changes to threads leave the assessment's status and version as they were: checked by
# the threads they leave instead.
THREAD_CHANGES = ("start_thread", "reply", "resolve", "reopen")
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
    "threads": IN_FULL,
    "start_thread": {"author", "co_author", "author_chair", "chair"},
    "reply": {"author", "co_author", "author_chair", "chair"},
    "resolve": {"chair"},  # authors get 403, a chair who co-wrote it too
    "reopen": {"chair"},
}
for _document in DOCUMENTS:
    ALLOWED[_document] = ALLOWED[_document.replace("docx", "pdf")]
    ALLOWED[f"{_document}_in_review"] = ALLOWED[_document]
# Who can see an assessment in each state (else 404): authors and admins always, the
# department's chairs once submitted, the web team once signed off.
VISIBLE = {
    "draft": {"author", "co_author", "author_chair", "admin"},
    "submitted": {"author", "co_author", "author_chair", "admin", "chair"},
    "returned": {"author", "co_author", "author_chair", "admin", "chair"},
    "signed_off": {"author", "co_author", "author_chair", "admin", "chair", "web"},
    "published": {"author", "co_author", "author_chair", "admin", "chair", "web"},
    "in_review": {"author", "co_author", "author_chair", "admin", "chair", "web"},
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
    if state == "returned":
        ok(apis["chair"].post(f"/assessments/{number}/return", {"comment": "Say more."}))
        return number
    sign_off(apis["chair"], number)
    if state == "signed_off":
        return number
    publish(apis["web"], number)
    if state == "in_review":
        ok(author.post(f"/assessments/{number}/review", {}))
    return number


def attempt(api, action: str, number: int, version: str):
    path = f"/assessments/{number}"
    if action in ("read", "read_signed"):
        return api.get(path)
    if action in ("history", "history_signed"):
        return api.get(f"{path}/history")
    if action.startswith(DOCUMENTS):
        document = action.removesuffix("_in_review")
        kind, extension = document.split("_")
        return api.get(f"{path}.{extension}" if kind == "full"
                       else f"{path}/published.{extension}")
    if action == "patch":
        return api.patch(path, {"answers": {"key_details": {"section": "Changed"}}}, version)
    if action == "add_author":
        return api.post(f"{path}/authors", {"email": "colleague@example.gov.uk"})
    if action == "remove_author":
        return api.delete(f"{path}/authors/co@example.gov.uk")
    if action in THREAD_CHANGES or action == "threads":
        return thread_attempt(api, action, number)
    body = {"declaration": True} if action == "submit" else {}
    if action == "return":
        body = {"comment": "Please look again."}
    return api.post(f"{path}/{action.replace('_', '-')}", body)


def first_thread(number: int) -> int:
    from ehria.models import Thread

    return db.session.query(Thread.id).filter_by(assessment_id=number).order_by(
        Thread.id).first()[0]


def thread_attempt(api, action: str, number: int):
    path = f"/assessments/{number}/threads"
    if action == "threads":
        return api.get(path)
    if action == "start_thread":
        return api.post(path, {"path": None, "text": "A thought."})
    if action == "reply":
        return api.post(path, {"reply_to": first_thread(number), "text": "Done."})
    return api.post(f"{path}/{first_thread(number)}/{action}")


def thread_state(number: int) -> list:
    from ehria.models import Thread

    db.session.expire_all()
    return [(t.id, t.resolved, len(t.comments)) for t in
            db.session.query(Thread).filter_by(assessment_id=number).order_by(Thread.id)]


def expected_status(action: str, persona: str) -> int:
    if persona == "anonymous":
        return 401
    if persona in ALLOWED[action]:
        return 201 if action in ("start_thread", "reply") else 200
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
        threads_before = thread_state(number)

        response = attempt(world[persona], action, number, version_before)

        expected = expected_status(action, persona)
        db.session.expire_all()
        after = db.session.get(Assessment, number)
        unchanged = (after.status, str(after.lock_version)) == (status_before, version_before)
        if action in THREAD_CHANGES:
            unchanged = thread_state(number) == threads_before
        if response.status_code != expected:
            wrong.append((persona, expected, response.status_code, response.get_json()))
        elif (expected not in (200, 201) or action in READS) and not unchanged:
            wrong.append((persona, "changed the assessment", after.status))
        if not unchanged or (response.status_code in (200, 201) and action not in READS):
            number = None  # it may have moved on: the next persona gets a fresh one
    assert wrong == []


# -- the pages' routes of issue 14: starting a review, the Word documents, the PDFs during
# a review. Signed out, a page sends to sign-in (302); a refusal is 404 or 403 as above.

PAGES = {  # action: (method, path after /assessments/<id>, state, who may, success status)
    "start_review_page": ("GET", "/start-review", "published", ALLOWED["review"], 200),
    "start_review": ("POST", "/start-review", "published", ALLOWED["review"], 302),
    "full_docx_page": ("GET", "/document.docx", "signed_off", ALLOWED["full_docx"], 200),
    "published_docx_page": ("GET", "/published.docx", "signed_off",
                            ALLOWED["published_docx"], 200),
    "full_pdf_page_in_review": ("GET", "/document.pdf", "in_review",
                                ALLOWED["full_pdf_in_review"], 200),
    "published_pdf_page_in_review": ("GET", "/published.pdf", "in_review",
                                     ALLOWED["published_pdf_in_review"], 200),
    "published_docx_page_in_review": ("GET", "/published.docx", "in_review",
                                      ALLOWED["published_docx_in_review"], 200),
}


@pytest.mark.parametrize("action", list(PAGES))
def test_each_persona_gets_exactly_its_rights_in_the_pages(world, client, action):
    method, suffix, state, allowed, success = PAGES[action]
    wrong = []
    number: int | None = None
    for persona in PERSONAS:
        if number is None:
            number = bring_to(world, state)
        client.post("/sign-out")
        if persona != "anonymous":
            client.post("/sign-in", data={"email": EMAILS[persona],
                                          "password": "a-long-password"})
        before = db.session.get(Assessment, number)
        status_before, version_before = before.status, str(before.lock_version)

        response = client.open(f"/assessments/{number}{suffix}", method=method)

        if persona == "anonymous":
            expected = 302
        elif persona in allowed:
            expected = success
        else:
            expected = 403 if persona in VISIBLE[state] else 404
        db.session.expire_all()
        after = db.session.get(Assessment, number)
        unchanged = (after.status, str(after.lock_version)) == (status_before, version_before)
        if response.status_code != expected:
            wrong.append((persona, expected, response.status_code))
        elif persona == "anonymous" and "/sign-in" not in response.headers["Location"]:
            wrong.append((persona, "not sent to sign in", response.headers["Location"]))
        elif (expected != success or method == "GET") and not unchanged:
            wrong.append((persona, "changed the assessment", after.status))
        if not unchanged:
            number = None  # it moved on: the next persona gets a fresh one
    client.post("/sign-out")
    assert wrong == []


# -- the pages (issue 16) -------------------------------------------------------------------

# Each page: its method, the path after /assessments/<id>, the state it is tried in, and
# who may use it (everyone else who can see the assessment gets 403, the rest 404).
TOGETHER_PAGES = {
    "invite": ("GET", "/people/invite", "draft", {"author", "co_author", "author_chair"}),
    "hand_lead": ("GET", "/people/lead", "draft", {"author", "co_author", "author_chair"}),
    "remove": ("POST", "/people/{co}/remove", "draft", {"author", "co_author", "author_chair"}),
    "comments": ("GET", "/comments", "returned", IN_FULL),
    "reply": ("POST", "/comments/{thread}/reply", "returned",
              {"author", "co_author", "author_chair", "chair"}),
    "resolve": ("POST", "/comments/{thread}/resolve", "returned", {"chair"}),
    "reopen": ("POST", "/comments/{thread}/reopen", "returned", {"chair"}),
    "history": ("GET", "/history", "submitted", IN_FULL),
    # once the web team sees it, they still never get the full PDF nor its history
    "history_pdf": ("GET", "/document.pdf?history=1", "signed_off", IN_FULL),
}
# Pages only DEG chairs may open refuse everyone else with 403 before looking further.
CHAIRS_ONLY = {"resolve", "reopen"}
CHAIR_ROLE = {"chair", "other_chair", "author_chair"}


def sign_in_as(client, persona: str) -> None:
    client.post("/sign-out")
    if persona != "anonymous":
        client.post("/sign-in", data={"email": EMAILS[persona],
                                      "password": "a-long-password"})


@pytest.mark.parametrize("page", list(TOGETHER_PAGES))
def test_each_persona_gets_exactly_its_rights_in_the_working_together_pages(
        world, client, page):
    """The same personas through the pages: 200 (or a redirect after a POST) for those
    allowed, 403 for those who see it and may not, 404 for the rest, sign-in for anyone
    anonymous; a refusal changes nothing."""
    method, tail, state, allowed = TOGETHER_PAGES[page]
    from ehria.accounts import find_user

    wrong = []
    number: int | None = None
    for persona in PERSONAS:
        if number is None:
            number = bring_to(world, state)
        path = f"/assessments/{number}" + tail.format(
            co=find_user(EMAILS["co_author"]).id,
            thread=first_thread(number) if state == "returned" else 0)
        before = db.session.get(Assessment, number)
        version_before = before.lock_version
        sign_in_as(client, persona)
        threads_before = thread_state(number)
        response = client.open(path, method=method, data={"text": "Done."})
        if persona == "anonymous":
            expected = {302}
        elif persona in allowed:
            expected = {200} if method == "GET" else {302, 303}
        elif page in CHAIRS_ONLY and persona not in CHAIR_ROLE:
            expected = {403}
        else:
            expected = {403} if persona in VISIBLE[state] else {404}
        db.session.expire_all()
        after = db.session.get(Assessment, number)
        if response.status_code not in expected:
            wrong.append((persona, expected, response.status_code))
        elif persona not in allowed and (after.lock_version != version_before
                                         or thread_state(number) != threads_before):
            wrong.append((persona, "changed the assessment"))
        if method != "GET" and persona in allowed:
            number = None
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
    admin_retried = False
    for persona in PERSONAS:
        client.post("/sign-out")
        if persona != "anonymous":
            email = EMAILS[persona]
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
        admin_retried = admin_retried or (persona == "admin" and method == "POST")
        if retried != admin_retried:  # only the admin's retry counts, whoever comes after
            wrong.append((persona, "retried" if retried else "not retried"))
    assert wrong == []


# -- the form builder's API (issue 13): reads for any token (drafts for admins only),
# writes for admins only; moving an assessment for its authors and admins.

TEMPLATE_REQUESTS = {  # name: (method, path, body, who gets 2xx)
    "list": ("GET", "/templates", None, set(PERSONAS) - {"anonymous"}),
    "read_live": ("GET", "/templates/lcc-ehria-v1", None, set(PERSONAS) - {"anonymous"}),
    "read_draft": ("GET", "/templates/lcc-ehria-v2", None, {"admin"}),
    "changes": ("GET", "/templates/lcc-ehria-v1/changes/lcc-ehria-v1", None,
                set(PERSONAS) - {"anonymous"}),
    "copy": ("POST", "/templates", {"from": "lcc-ehria-v1"}, {"admin"}),
    "publish": ("POST", "/templates/lcc-ehria-v2/publish", None, {"admin"}),
}


@pytest.mark.parametrize("name", list(TEMPLATE_REQUESTS))
def test_each_persona_gets_exactly_its_rights_on_the_form_builder(world, name):
    from ehria.models_templates import FormTemplate

    method, path, body, allowed = TEMPLATE_REQUESTS[name]
    ok(world["admin"].post("/templates", {"from": "lcc-ehria-v1"}), 201)
    wrong = []
    for persona in PERSONAS:
        before = sorted((t.version, t.status) for t in db.session.query(FormTemplate))
        api = world[persona]
        response = (api.get(path) if method == "GET"
                    else api.client.post("/api/v1" + path, json=body, headers=api.headers))
        expected = ({200, 201} if persona in allowed else
                    {401} if persona == "anonymous" else
                    {404} if name == "read_draft" else {403})
        if response.status_code not in expected:
            wrong.append((persona, expected, response.status_code))
        db.session.expire_all()
        after = sorted((t.version, t.status) for t in db.session.query(FormTemplate))
        if persona not in allowed and after != before:
            wrong.append((persona, "changed the templates"))
    assert wrong == []


def test_only_admins_may_change_a_draft_template(world):
    """PUT /templates/<version>: everyone else is refused (401, 403) and the draft, its
    ETag included, stays as it was."""
    admin = world["admin"]
    version = ok(admin.post("/templates", {"from": "lcc-ehria-v1"}), 201)["version"]
    wrong = []
    for persona in PERSONAS:
        read = admin.get(f"/templates/{version}")
        definition, tag = read.get_json(), read.headers["ETag"]
        definition["title"] = f"Changed by {persona}"
        api = world[persona]
        response = api.client.put(f"/api/v1/templates/{version}", json={
            "definition": definition}, headers={**api.headers, "If-Match": tag})
        expected = 200 if persona == "admin" else 401 if persona == "anonymous" else 403
        if response.status_code != expected:
            wrong.append((persona, expected, response.status_code))
        after = admin.get(f"/templates/{version}")
        if persona != "admin" and (after.headers["ETag"] != tag
                                   or after.get_json()["title"] == definition["title"]):
            wrong.append((persona, "changed the draft"))
    assert wrong == []


def test_each_persona_gets_exactly_its_rights_moving_to_the_live_form(world):
    from tests.integration.test_form_builder_api import field_in

    admin = world["admin"]
    number = bring_to(world, "draft")
    definition = ok(admin.get("/templates/lcc-ehria-v1"))
    field_in(definition, "policy.related_policies")[1]["key"] = "related_plans"
    version = ok(admin.post("/templates", {"definition": definition}), 201)["version"]
    ok(admin.post(f"/templates/{version}/publish"))
    allowed = {"author", "co_author", "author_chair", "admin"}
    wrong = []
    for persona in PERSONAS:
        api = world[persona]
        response = api.client.post(f"/api/v1/assessments/{number}/move-to-template?dry_run=1",
                                   json={"version": version}, headers=api.headers)
        # the route is for lead officers and admins: other roles are refused before it
        # looks for the assessment (403), lead officers who may not see it get 404
        expected = (200 if persona in allowed else 401 if persona == "anonymous"
                    else 403 if persona in ("chair", "other_chair", "web")
                    or persona in VISIBLE["draft"] else 404)
        if response.status_code != expected:
            wrong.append((persona, expected, response.status_code))
    db.session.expire_all()
    assert db.session.get(Assessment, number).revision.template_version == "lcc-ehria-v1"
    assert wrong == []


# -- after sign-off (issue 15): the tracked actions, reviews due, insight and programmes,
# in the API and the pages. One signed-off assessment in the programme "Budget round
# 2027", its plan's first action; each persona in turn, a refusal changing nothing.

PROGRAMME = "Budget round 2027"
SIGNED_IN = set(PERSONAS) - {"anonymous"}
# the roles' own gates: the actions for lead officers, chairs and admins; insight and
# programmes for chairs and admins
ACTION_ROLES = SIGNED_IN - {"web"}
INSIGHT_ROLES = {"chair", "other_chair", "author_chair", "admin"}
# ehria.tracked_actions: who reads an action (admins, those who may update it, its
# department's lead officers: a removed author is one still) and who updates it (its
# authors, its department's chairs; not admins)
ACTION_READERS = {"author", "co_author", "colleague", "chair", "author_chair", "admin",
                  "removed"}
ACTION_UPDATERS = {"author", "co_author", "chair", "author_chair"}
# ehria.programmes: its authors, its department's chair, admins (the web team sees it)
NAMERS = {"author", "co_author", "author_chair", "chair", "admin"}


def statuses(success: int, allowed: set[str], forbidden: set[str],
             anonymous: int) -> dict[str, int]:
    """The status each persona gets: `success`, 403 for `forbidden`, 404 for the rest."""
    return {p: anonymous if p == "anonymous" else success if p in allowed
            else 403 if p in forbidden else 404 for p in PERSONAS}


AFTER_SIGN_OFF_API = {  # name: (method, path, expected status per persona)
    "list_actions": ("GET", "/actions", statuses(200, ACTION_ROLES, {"web"}, 401)),
    "read_action": ("GET", "/actions/{action}", statuses(200, ACTION_READERS, {"web"}, 401)),
    # an admin reads every action, updates none; a lead officer of its department reads it
    "update_action": ("PATCH", "/actions/{action}", statuses(
        200, ACTION_UPDATERS, {"web", "admin", "colleague", "removed"}, 401)),
    "insights": ("GET", "/insights", statuses(200, INSIGHT_ROLES, SIGNED_IN, 401)),
    "name_programme": ("POST", "/assessments/{number}/programme",
                       statuses(200, NAMERS, {"web"}, 401)),
}
AFTER_SIGN_OFF_PAGES = {  # signed out, every page sends to sign-in (302)
    "assessment_actions": ("GET", "/assessments/{number}/actions",
                           statuses(200, IN_FULL, {"web"}, 302)),
    "actions": ("GET", "/actions", statuses(200, ACTION_ROLES, {"web"}, 302)),
    "actions_csv": ("GET", "/actions.csv", statuses(200, ACTION_ROLES, {"web"}, 302)),
    "update_action_page": ("GET", "/actions/{action}/update", statuses(
        200, ACTION_UPDATERS, {"web", "admin", "colleague", "removed"}, 302)),
    "update_action": ("POST", "/actions/{action}/update", statuses(
        302, ACTION_UPDATERS, {"web", "admin", "colleague", "removed"}, 302)),
    "reviews": ("GET", "/reviews", statuses(200, ACTION_ROLES, {"web"}, 302)),
    "insights": ("GET", "/insights", statuses(200, INSIGHT_ROLES, SIGNED_IN, 302)),
    "programmes": ("GET", "/programmes", statuses(200, INSIGHT_ROLES, SIGNED_IN, 302)),
    # a chair of another department: none of theirs in it, 404
    "programme": ("GET", f"/programme?name={quote(PROGRAMME)}", statuses(
        200, {"chair", "author_chair", "admin"}, SIGNED_IN - INSIGHT_ROLES, 302)),
    "name_programme_page": ("GET", "/assessments/{number}/programme",
                            statuses(200, NAMERS, {"web"}, 302)),
    "name_programme": ("POST", "/assessments/{number}/programme",
                       statuses(302, NAMERS, {"web"}, 302)),
}


@pytest.fixture
def signed_off_in_programme(world) -> tuple[int, int]:
    """A signed-off assessment in PROGRAMME, and the id of its plan's first action."""
    from ehria.models_actions import TrackedAction

    number = bring_to(world, "signed_off")
    ok(world["admin"].post(f"/assessments/{number}/programme", {"programme": PROGRAMME}))
    action = db.session.scalars(db.select(TrackedAction).where(
        TrackedAction.assessment_id == number).order_by(TrackedAction.position)).first()
    return number, action.id


def after_sign_off_state(number: int, action_id: int) -> tuple:
    from ehria.models_actions import TrackedAction

    db.session.expire_all()
    assessment, action = db.session.get(Assessment, number), db.session.get(TrackedAction,
                                                                            action_id)
    return (assessment.status, assessment.lock_version, assessment.programme,
            action.status, action.lock_version, len(action.notes))


def action_version(action_id: int) -> str:
    from ehria.models_actions import TrackedAction

    db.session.expire_all()
    return str(db.session.get(TrackedAction, action_id).lock_version)


@pytest.mark.parametrize("name", list(AFTER_SIGN_OFF_API))
def test_each_persona_gets_exactly_its_rights_after_sign_off_in_the_api(
        world, signed_off_in_programme, name):
    number, action_id = signed_off_in_programme
    method, template, expected = AFTER_SIGN_OFF_API[name]
    path = template.format(number=number, action=action_id)
    wrong = []
    for persona in PERSONAS:
        api = world[persona]
        before = after_sign_off_state(number, action_id)
        if method == "PATCH":
            response = api.patch(path, {"status": "in_progress", "note": f"By {persona}."},
                                 action_version(action_id))
        elif method == "POST":
            response = api.post(path, {"programme": PROGRAMME})  # as it is: no change
        else:
            response = api.get(path)
        if response.status_code != expected[persona]:
            wrong.append((persona, expected[persona], response.status_code))
        elif (response.status_code != 200 or method == "GET") and (
                after_sign_off_state(number, action_id) != before):
            wrong.append((persona, "changed something"))
        if name == "list_actions" and response.status_code == 200:
            listed = {a["id"] for a in response.get_json()}
            if action_id in listed and persona not in ACTION_READERS:
                wrong.append((persona, "lists an action it may not read"))
    assert wrong == []


@pytest.mark.parametrize("name", list(AFTER_SIGN_OFF_PAGES))
def test_each_persona_gets_exactly_its_rights_after_sign_off_in_the_pages(
        world, client, signed_off_in_programme, name):
    number, action_id = signed_off_in_programme
    method, template, expected = AFTER_SIGN_OFF_PAGES[name]
    path = template.format(number=number, action=action_id)
    wrong = []
    for persona in PERSONAS:
        sign_in_as(client, persona)
        before = after_sign_off_state(number, action_id)
        data = ({"status": "in_progress", "note": f"By {persona}.",
                 "tag": action_version(action_id)} if "action" in template
                else {"programme": PROGRAMME})
        response = client.open(path, method=method, data=data if method == "POST" else None)
        if response.status_code != expected[persona]:
            wrong.append((persona, expected[persona], response.status_code))
        elif persona == "anonymous" and "/sign-in" not in response.headers["Location"]:
            wrong.append((persona, "not sent to sign in", response.headers["Location"]))
        elif (persona == "anonymous" or response.status_code not in (200, 302)
              or method == "GET") and after_sign_off_state(number, action_id) != before:
            wrong.append((persona, "changed something"))
    client.post("/sign-out")
    assert wrong == []
