"""The form builder in the pages (issue 13): an admin copies the live form, adds a row to
Q10 and rewords a hint step by step, previews it, sees what changed, publishes it; bad
edits are refused naming the place, and nothing changes."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from ehria.extensions import db
from ehria.models_templates import FormTemplate, TemplateEvent
from ehria.template_versions import find

STEP = "protected-characteristics"
POLICY_STEP = "policy-definition"


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split())
                    for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def form_values(page: str) -> dict[str, str]:
    """The values a browser would post from the page's inputs and text areas."""
    values = {name: value for tag, name, value in re.findall(
        r'(<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>)', page)
        if 'type="checkbox"' not in tag or " checked" in tag}
    values.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page))
    return {k: v.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
            .replace("&quot;", '"') for k, v in values.items()}


@pytest.fixture
def admin(client, factory):
    factory.user("admin@example.gov.uk", "admin", department=None, name="Ada Admin")
    client.post("/sign-in", data={"email": "admin@example.gov.uk",
                                  "password": "a-long-password"})
    return client


@pytest.fixture
def draft(admin):
    created = admin.post("/admin/templates/", data={"from": "lcc-ehria-v1"})
    assert created.status_code == 302
    assert created.headers["Location"].endswith("/admin/templates/lcc-ehria-v2")
    return "lcc-ehria-v2"


def test_the_versions_page_lists_the_live_form(admin):
    page = admin.get("/admin/templates/").get_data(as_text=True)
    assert "lcc-ehria-v1" in page and "Live" in page and "Create a new draft" in page


def test_a_row_added_and_a_hint_reworded_in_the_pages(admin, draft):
    step_page = admin.get(f"/admin/templates/{draft}/steps/{STEP}").get_data(as_text=True)
    values = form_values(step_page)
    table = next(name for name in values if name.endswith("_new_key"))[:-len("_new_key")]
    values[f"{table}_new_key"] = "armed_forces"
    values[f"{table}_new_label"] = "Armed Forces community"
    saved = admin.post(f"/admin/templates/{draft}/steps/{STEP}", data=values)
    assert saved.status_code == 302, saved.get_data(as_text=True)

    policy_page = admin.get(f"/admin/templates/{draft}/steps/{POLICY_STEP}").get_data(
        as_text=True)
    values = form_values(policy_page)
    values["q0_hint"] = "Say what is new, what is changing and why."
    assert admin.post(f"/admin/templates/{draft}/steps/{POLICY_STEP}",
                      data=values).status_code == 302

    preview = admin.get(f"/admin/templates/{draft}/preview").get_data(as_text=True)
    assert "Armed Forces community" in preview
    assert "Armed Forces community" in pdf_text(
        admin.get(f"/admin/templates/{draft}/preview.pdf").data)
    changes = admin.get(f"/admin/templates/lcc-ehria-v1/changes/{draft}").get_data(
        as_text=True)
    assert "2 changes" in changes
    assert "Row added" in changes and "Armed Forces community" in changes
    assert "Question reworded (hint)" in changes

    confirm = admin.get(f"/admin/templates/{draft}/publish").get_data(as_text=True)
    assert "Armed Forces community" in confirm and "lcc-ehria-v1 will be retired" in confirm
    assert admin.post(f"/admin/templates/{draft}/publish").status_code == 302
    db.session.expire_all()
    assert find(draft).status == "live" and find("lcc-ehria-v1").status == "retired"
    actions = [e.action for e in db.session.query(TemplateEvent).order_by(TemplateEvent.id)]
    assert actions[-5:] == ["created", "edited", "edited", "retired", "published"]


def test_a_duplicate_row_key_is_refused_naming_the_place_and_nothing_changes(admin, draft):
    before = dict(find(draft).source)
    values = form_values(admin.get(f"/admin/templates/{draft}/steps/{STEP}").get_data(
        as_text=True))
    table = next(name for name in values if name.endswith("_new_key"))[:-len("_new_key")]
    values[f"{table}_new_key"] = "age"
    values[f"{table}_new_label"] = "Age again"
    refused = admin.post(f"/admin/templates/{draft}/steps/{STEP}", data=values)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "There is a problem: nothing was saved" in page
    assert "the row key &#39;age&#39; is used twice" in page
    assert "question 10" in page
    db.session.expire_all()
    assert find(draft).source == before


def test_an_unknown_type_in_an_upload_is_refused_with_its_line(admin, draft):
    page = admin.get(f"/admin/templates/{draft}/upload").get_data(as_text=True)
    text = form_values(page)["yaml"]
    broken = text.replace("type: line", "type: tickbox", 1)
    refused = admin.post(f"/admin/templates/{draft}/upload",
                         data={"yaml": broken, "tag": form_values(page)["tag"]})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert re.search(r"line \d+: step &#39;key-details&#39;.*unknown type &#39;tickbox&#39;",
                     body), body[:3000]


def test_a_yaml_syntax_error_is_refused_with_its_line(admin, draft):
    page = admin.get(f"/admin/templates/{draft}/upload").get_data(as_text=True)
    refused = admin.post(f"/admin/templates/{draft}/upload",
                         data={"yaml": "version: x\ntitle: [unclosed\n",
                               "tag": form_values(page)["tag"]})
    assert refused.status_code == 400
    assert "line" in refused.get_data(as_text=True)


def test_a_rule_naming_a_missing_path_is_refused(admin, draft):
    before = dict(find(draft).source)
    values = form_values(admin.get(f"/admin/templates/{draft}/rules").get_data(as_text=True))
    name = next(n for n in values if n.endswith("_when"))
    values[name] = '{column: no_such_column, is: "yes"}'
    refused = admin.post(f"/admin/templates/{draft}/rules", data=values)
    assert refused.status_code == 400
    assert "no_such_column" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert find(draft).source == before


def test_two_admins_saving_one_draft_are_told(admin, draft):
    values = form_values(admin.get(f"/admin/templates/{draft}/steps/{POLICY_STEP}").get_data(
        as_text=True))
    first = dict(values, q0_hint="The first admin's hint.")
    second = dict(values, q0_hint="The second admin's hint.")
    assert admin.post(f"/admin/templates/{draft}/steps/{POLICY_STEP}",
                      data=first).status_code == 302
    stale = admin.post(f"/admin/templates/{draft}/steps/{POLICY_STEP}", data=second)
    assert stale.status_code == 412
    assert "Someone else saved this draft" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert "The first admin's hint." in str(find(draft).source)


def test_published_versions_cannot_be_edited(admin):
    admin.get("/admin/templates/")  # the shipped form is stored on first use
    assert admin.get(f"/admin/templates/lcc-ehria-v1/steps/{STEP}").status_code == 409


@pytest.mark.parametrize("role", ["lead_officer", "deg_chair", "web_team"])
def test_the_builder_is_for_admins_only(client, factory, role):
    factory.user("someone@example.gov.uk", role,
                 department=None if role == "web_team" else "Children and Family Services")
    client.post("/sign-in", data={"email": "someone@example.gov.uk",
                                  "password": "a-long-password"})
    assert client.get("/admin/templates/").status_code == 403
    assert client.post("/admin/templates/", data={"from": "lcc-ehria-v1"}).status_code == 403
    assert db.session.query(FormTemplate).filter_by(status="draft").count() == 0


def test_an_author_moves_a_draft_to_the_live_form_seeing_what_does_not_carry(
        client, factory, api_as, officer):
    from tests.integration.test_form_builder_api import field_in
    from tests.integration.workflow_helpers import create, ok

    older = create(api_as(officer))
    admin = api_as(factory.user("admin@example.gov.uk", "admin", department=None))
    definition = ok(admin.get("/templates/lcc-ehria-v1"))
    field_in(definition, "policy.related_policies")[1]["key"] = "related_plans"
    version = admin.post("/templates", {"definition": definition}).get_json()["version"]
    ok(admin.post(f"/templates/{version}/publish"))

    client.post("/sign-in", data={"email": "officer@example.gov.uk",
                                  "password": "a-long-password"})
    task_list = client.get(f"/assessments/{older['id']}").get_data(as_text=True)
    assert "A newer version of the form, lcc-ehria-v2, is live" in task_list
    page = client.get(f"/assessments/{older['id']}/move-to-live-form").get_data(as_text=True)
    assert "1 answer will not carry over" in page
    assert "Q2 Does this relate to any other policy" in page
    moved = client.post(f"/assessments/{older['id']}/move-to-live-form",
                        data=form_values(page))
    assert moved.status_code == 302
    after = ok(api_as(officer).get(f"/assessments/{older['id']}"))
    assert after["template_version"] == "lcc-ehria-v2"
    assert "related_policies" not in after["answers"]["policy"]
    history = ok(api_as(officer).get(f"/assessments/{older['id']}/history"))
    moved_event = next(e for e in history if e["action"] == "moved_to_template")
    assert moved_event["detail"] == {"from": "lcc-ehria-v1", "to": "lcc-ehria-v2",
                                     "not_carried": ["policy.related_policies"]}
    assert "A newer version" not in client.get(
        f"/assessments/{older['id']}").get_data(as_text=True)


def test_someone_else_may_not_move_an_assessment(client, factory, api_as, officer):
    from tests.integration.workflow_helpers import create

    older = create(api_as(officer))
    factory.user("colleague@example.gov.uk", "lead_officer")
    client.post("/sign-in", data={"email": "colleague@example.gov.uk",
                                  "password": "a-long-password"})
    assert client.get(f"/assessments/{older['id']}/move-to-live-form").status_code in (
        403, 404)


def test_notes_required_answers_section_titles_and_choice_words_are_edited(admin, draft):
    values = form_values(admin.get(f"/admin/templates/{draft}/steps/{POLICY_STEP}").get_data(
        as_text=True))
    values["q0_note"] = "Say who asked for the change."
    values.pop("q1_f0_required")  # Q2 no longer needs an answer
    values["section_title"] = "Section 1: Defining the policy or service"
    assert admin.post(f"/admin/templates/{draft}/steps/{POLICY_STEP}",
                      data=values).status_code == 302
    choices = form_values(admin.get(f"/admin/templates/{draft}/choices").get_data(
        as_text=True))
    name = next(n for n, v in choices.items() if n.startswith("choice_yn_") and v == "Yes")
    assert admin.post(f"/admin/templates/{draft}/choices",
                      data=dict(choices, **{name: "Yes, it does"})).status_code == 302
    page = admin.get(f"/admin/templates/lcc-ehria-v1/changes/{draft}").get_data(as_text=True)
    assert "4 changes" in page
    for words in ("Section reworded (title)", "Question reworded (note)",
                  "Answer required (required)", "Choice reworded (label)", "Yes, it does"):
        assert words in page, words
