"""The home page's search and state filter (issue 16): officers over their own
assessments, chairs over their department's; never beyond what each may see."""

from __future__ import annotations

import copy

import pytest

from tests.integration.workflow_helpers import READY_ANSWERS, create, submit


def sign_in(client, email: str) -> None:
    client.post("/sign-out")
    client.post("/sign-in", data={"email": email, "password": "a-long-password"})


def named(name: str) -> dict:
    answers = copy.deepcopy(READY_ANSWERS)
    answers["key_details"]["policy_name"] = name
    return answers


@pytest.fixture
def mine(api_as, officer, factory):
    factory.user("chair@example.gov.uk", "deg_chair")
    factory.user("other.chair@example.gov.uk", "deg_chair", department="Adults and Communities")
    api = api_as(officer)
    library = create(api, named("Library opening hours"))
    transport = create(api, named("School transport policy"))
    submit(api, transport["id"])
    return {"library": library, "transport": transport}


def test_officers_search_by_policy_name_or_reference(client, mine):
    sign_in(client, "officer@example.gov.uk")
    page = client.get("/?q=library").get_data(as_text=True)
    assert "Library opening hours" in page and "School transport policy" not in page
    reference = mine["transport"]["reference"]
    page = client.get(f"/?q={reference.lower()}").get_data(as_text=True)
    assert "School transport policy" in page and "Library opening hours" not in page
    assert "No assessments match “zzz”" in client.get("/?q=zzz").get_data(as_text=True)


def test_officers_filter_by_state(client, mine):
    sign_in(client, "officer@example.gov.uk")
    page = client.get("/?status=draft").get_data(as_text=True)
    assert "Library opening hours" in page and "School transport policy" not in page
    page = client.get("/?status=submitted&q=transport").get_data(as_text=True)
    assert "School transport policy" in page


def test_chairs_search_their_departments_and_no_more(client, mine):
    sign_in(client, "chair@example.gov.uk")
    page = client.get("/?q=o").get_data(as_text=True)
    assert "School transport policy" in page  # submitted to them
    assert "Library opening hours" not in page  # a draft stays its authors'
    sign_in(client, "other.chair@example.gov.uk")
    assert "School transport policy" not in client.get("/?q=transport").get_data(as_text=True)


def test_a_state_not_in_the_list_is_refused_naming_the_field(client, mine):
    sign_in(client, "officer@example.gov.uk")
    response = client.get("/?status=lost")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a state from the list" in page and 'href="#status"' in page
    assert "Library opening hours" in page  # nothing filtered by it
