"""The form builder through the API (issue 13): a council copies its live form, adds a
row to Q10 and rewords a hint, sees exactly those two changes, publishes, and new
assessments start on it while older ones and signed records keep theirs."""

from __future__ import annotations

import copy
import io

import pypdf
import pytest

from tests.integration.workflow_helpers import READY_ANSWERS, create, ok, sign_off, submit

TABLE = "screening.protected_characteristics"
HINTED = "policy.what_is_changing"


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split())
                    for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def field_in(definition: dict, path: str) -> tuple[dict, dict]:
    return next((question, field) for section in definition["sections"]
                for step in section["steps"] for question in step["questions"]
                for field in question["fields"] if field["path"] == path)


def put(client, token: str, version: str, body: object, if_match: str | None,
        content_type: str = "application/json"):
    headers = {"Authorization": f"Bearer {token}"}
    if if_match is not None:
        headers["If-Match"] = if_match
    data = body if isinstance(body, str) else None
    return client.put(f"/api/v1/templates/{version}", headers=headers, data=data,
                      json=None if data is not None else body, content_type=content_type)


@pytest.fixture
def admin_token(factory):
    return factory.token(factory.user("admin@example.gov.uk", "admin", department=None))


@pytest.fixture
def draft(api_as, factory, admin_token):
    """lcc-ehria-v2, copied from the live form, with Armed Forces added to Q10 and Q1's
    hint reworded."""
    admin = api_as(None)
    admin.headers = {"Authorization": f"Bearer {admin_token}"}
    created = admin.post("/templates", {"from": "lcc-ehria-v1"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json() == {"version": "lcc-ehria-v2", "status": "draft"}
    got = admin.get("/templates/lcc-ehria-v2")
    definition = got.get_json()
    _, table = field_in(definition, TABLE)
    table["rows"].append({"key": "armed_forces", "label": "Armed Forces community",
                          "hint": None, "group": None})
    question, _ = field_in(definition, HINTED)
    question["hint"] = "Say what is new, what is changing and why."
    saved = put(admin.client, admin_token, "lcc-ehria-v2", {"definition": definition},
                got.headers["ETag"])
    assert saved.status_code == 200, saved.get_json()
    return admin


def test_a_copied_draft_lists_exactly_the_two_changes(draft):
    changes = ok(draft.get("/templates/lcc-ehria-v1/changes/lcc-ehria-v2"))
    assert changes == [
        {"change": "reworded", "part": "question", "place": changes[0]["place"],
         "what": "hint", "before": None, "after": "Say what is new, what is changing and why."},
        {"change": "added", "part": "row", "place": f"{TABLE}.armed_forces", "what": None,
         "before": None, "after": "Armed Forces community"},
    ]
    assert changes[0]["place"].startswith("1 What is new or changed in the policy?")


def test_the_versions_list_their_status_and_use(draft, api_as, officer):
    create(api_as(officer))
    listed = {v["version"]: v for v in ok(draft.get("/templates"))}
    assert listed["lcc-ehria-v1"]["status"] == "live"
    assert listed["lcc-ehria-v1"]["assessments"] == 1
    assert listed["lcc-ehria-v2"] | {"created_at": None} == {
        "version": "lcc-ehria-v2", "status": "draft", "created_at": None,
        "created_by": "admin@example.gov.uk", "published_at": None, "assessments": 0}


def test_publishing_makes_new_assessments_start_on_it(draft, api_as, people, client):
    officer_api = api_as(people["officer"])
    older = create(officer_api)
    signed = create(officer_api)
    submit(officer_api, signed["id"])
    sign_off(api_as(people["chair"]), signed["id"])
    chair_api = api_as(people["chair"])
    signed_before = ok(chair_api.get(f"/assessments/{signed['id']}"))
    signed_pdf = chair_api.get(f"/assessments/{signed['id']}.pdf").data

    assert ok(draft.post("/templates/lcc-ehria-v2/publish")) == {
        "version": "lcc-ehria-v2", "status": "live"}
    assert ok(draft.get("/template"))["version"] == "lcc-ehria-v2"
    statuses = {v["version"]: v["status"] for v in ok(draft.get("/templates"))}
    assert statuses == {"lcc-ehria-v1": "retired", "lcc-ehria-v2": "live"}

    newer = create(officer_api)
    assert newer["template_version"] == "lcc-ehria-v2"
    assert ok(officer_api.get(f"/assessments/{older['id']}"))["template_version"] == (
        "lcc-ehria-v1")
    client.post("/sign-in", data={"email": "officer@example.gov.uk",
                                  "password": "a-long-password"})
    step = "/steps/protected-characteristics"
    assert "Armed Forces community" in client.get(
        f"/assessments/{newer['id']}{step}").get_data(as_text=True)
    assert "Armed Forces community" not in client.get(
        f"/assessments/{older['id']}{step}").get_data(as_text=True)
    assert "Armed Forces community" in pdf_text(client.get(
        f"/assessments/{newer['id']}/document.pdf").data)
    assert "Armed Forces community" not in pdf_text(client.get(
        f"/assessments/{older['id']}/document.pdf").data)

    signed_after = ok(chair_api.get(f"/assessments/{signed['id']}"))
    assert signed_after["sha256"] == signed_before["sha256"] is not None
    assert signed_after["answers"] == signed_before["answers"]
    assert chair_api.get(f"/assessments/{signed['id']}.pdf").data == signed_pdf


def test_moving_a_draft_reports_what_carried(draft, api_as, officer):
    officer_api = api_as(officer)
    older = create(officer_api)
    ok(draft.post("/templates/lcc-ehria-v2/publish"))
    path = f"/assessments/{older['id']}/move-to-template"
    dry = ok(officer_api.post(path + "?dry_run=1", {"version": "lcc-ehria-v2"}))
    assert dry["not_carried"] == [] and f"{TABLE}.age.affected" in dry["carried"]
    assert ok(officer_api.get(f"/assessments/{older['id']}"))["template_version"] == (
        "lcc-ehria-v1")

    moved = officer_api.client.post(
        "/api/v1" + path, json={"version": "lcc-ehria-v2"},
        headers={**officer_api.headers, "If-Match": f'"{older["version"]}"'})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json() == dry
    after = ok(officer_api.get(f"/assessments/{older['id']}"))
    assert after["template_version"] == "lcc-ehria-v2"
    assert after["answers"] == READY_ANSWERS


def test_answers_to_a_renamed_answer_are_reported_as_not_carried(
        api_as, officer, admin_token):
    officer_api = api_as(officer)
    older = create(officer_api)
    admin = api_as(None)
    admin.headers = {"Authorization": f"Bearer {admin_token}"}
    definition = ok(admin.get("/templates/lcc-ehria-v1"))
    field_in(definition, "policy.related_policies")[1]["key"] = "related_plans"
    created = admin.post("/templates", {"definition": definition})
    assert created.status_code == 201, created.get_json()
    ok(admin.post(f"/templates/{created.get_json()['version']}/publish"))
    report = ok(officer_api.post(f"/assessments/{older['id']}/move-to-template?dry_run=1",
                                 {"version": "lcc-ehria-v2"}))
    assert report["not_carried"] == ["policy.related_policies"]
    assert "policy.what_is_changing" in report["carried"]


def test_a_non_admin_may_read_but_not_write(api_as, officer, draft, client):
    officer_api = api_as(officer)
    assert [v["version"] for v in ok(officer_api.get("/templates"))] == ["lcc-ehria-v1"]
    assert officer_api.get("/templates/lcc-ehria-v1").status_code == 200
    assert officer_api.get("/templates/lcc-ehria-v2").status_code == 404  # a draft
    assert officer_api.post("/templates", {"from": "lcc-ehria-v1"}).status_code == 403
    assert officer_api.post("/templates/lcc-ehria-v2/publish").status_code == 403
    token = officer_api.headers["Authorization"].split()[1]
    assert put(client, token, "lcc-ehria-v2", {"definition": {}}, "x").status_code == 403


def test_a_stale_or_published_version_is_not_overwritten(draft, admin_token):
    got = draft.get("/templates/lcc-ehria-v2")
    definition = got.get_json()
    stale = put(draft.client, admin_token, "lcc-ehria-v2", {"definition": definition},
                '"lcc-ehria-v2.1"')
    assert stale.status_code == 412
    assert put(draft.client, admin_token, "lcc-ehria-v2", {"definition": definition},
               None).status_code == 428
    live = draft.get("/templates/lcc-ehria-v1")
    assert put(draft.client, admin_token, "lcc-ehria-v1", {"definition": live.get_json()},
               live.headers["ETag"]).status_code == 409


@pytest.mark.parametrize(("break_it", "place", "message"), [
    (lambda d: field_in(d, TABLE)[1]["rows"].append(
        {"key": "age", "label": "Age again", "hint": None, "group": None}),
     "step 'protected-characteristics', question 10", "the row key 'age' is used twice"),
    (lambda d: d["screening"]["rules"][0].update(answer="screening.no_such_answer"),
     "screening rule 'R1'", "screening.no_such_answer"),
    (lambda d: field_in(d, HINTED)[1].update(type="tickbox"),
     "field 'policy.what_is_changing'", "unknown type 'tickbox'"),
])
def test_an_invalid_draft_is_refused_naming_the_place_and_nothing_changes(
        draft, admin_token, break_it, place, message):
    got = draft.get("/templates/lcc-ehria-v2")
    definition = copy.deepcopy(got.get_json())
    break_it(definition)
    refused = put(draft.client, admin_token, "lcc-ehria-v2", {"definition": definition},
                  got.headers["ETag"])
    assert refused.status_code == 422
    fields = refused.get_json()["fields"]
    assert any(place in where and any(message in m for m in messages)
               for where, messages in fields.items()), fields
    again = draft.get("/templates/lcc-ehria-v2")
    assert again.headers["ETag"] == got.headers["ETag"]
    assert again.get_json() == got.get_json()


def test_a_yaml_upload_with_a_syntax_error_names_its_line(draft, admin_token):
    got = draft.get("/templates/lcc-ehria-v2")
    refused = put(draft.client, admin_token, "lcc-ehria-v2",
                  "version: x\ntitle: [unclosed\n", got.headers["ETag"],
                  content_type="application/yaml")
    assert refused.status_code == 422
    assert "line" in str(refused.get_json()).lower()
    assert draft.get("/templates/lcc-ehria-v2").headers["ETag"] == got.headers["ETag"]


@pytest.mark.parametrize("role", ["lead_officer", "deg_chair", "web_team"])
def test_every_write_is_refused_to_every_role_but_admin(api_as, factory, client, draft, role):
    user = factory.user(f"{role}@example.gov.uk", role,
                        department=None if role == "web_team" else "Children and Family Services")
    api = api_as(user)
    token = api.headers["Authorization"].split()[1]
    assert api.post("/templates", {"from": "lcc-ehria-v1"}).status_code == 403
    assert api.post("/templates/lcc-ehria-v2/publish").status_code == 403
    assert put(client, token, "lcc-ehria-v2", {"definition": {}}, "x").status_code == 403
    assert api_as(None).get("/templates").status_code == 401
    assert api_as(None).post("/templates", {"from": "lcc-ehria-v1"}).status_code == 401
    assert {v["version"]: v["status"] for v in ok(draft.get("/templates"))} == {
        "lcc-ehria-v1": "live", "lcc-ehria-v2": "draft"}
