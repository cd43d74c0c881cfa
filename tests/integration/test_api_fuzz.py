"""Fuzzing the JSON API with Hypothesis: whatever the body or query string, no answer is a
5xx. Bodies are arbitrary nested JSON, and answers shaped like the form's own keys with
values of the wrong types (or the right types with odd contents: NUL, unpaired
surrogates, huge numbers, NaN). Query strings are arbitrary.

In tests the app propagates exceptions, so a crash fails here with its traceback rather
than as a bare 500.
"""

from __future__ import annotations

import json
import math
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ehria.form import load_definition
from tests.integration.workflow_helpers import create

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: CI stays reproducible
)
DEFINITION = load_definition()
SECTIONS = [section.key for section in DEFINITION.sections]
FIELDS = DEFINITION.fields()

# Text of every kind, including what databases refuse: NUL and unpaired surrogates.
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
awkward_text = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\ud800", "x" * 20_000, "2026-02-30", "9999-99-99",
     "Children and Family Services\x00", "'; DROP TABLE assessments; --", "%", "_", "\\"]
)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, any_text, awkward_text)
any_json = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.one_of(any_text, awkward_text), children, max_size=4),
    max_leaves=12,
)


@st.composite
def form_shaped_answers(draw) -> dict:
    """Answers with the form's real section and field keys (and rows and columns), whose
    values are arbitrary: mostly the wrong types, sometimes right-typed but odd."""
    answers: dict = {}
    for field in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=4)):
        section, key = field.path.split(".", 1)
        if field.rows:
            value = {
                draw(st.sampled_from([r.key for r in field.rows] + ["nope"])): {
                    draw(st.sampled_from([c.key for c in field.columns] + ["nope"])):
                        draw(any_json)
                }
            }
        elif field.columns:
            value = [{draw(st.sampled_from([c.key for c in field.columns])): draw(any_json)}]
        elif field.choices:
            value = draw(st.one_of(st.sampled_from([c.value for c in field.choices]), any_json))
        else:
            value = draw(any_json)
        answers.setdefault(section, {})[key] = value
    if draw(st.booleans()):
        answers[draw(st.sampled_from([*SECTIONS, "nope"]))] = draw(any_json)
    return answers


bodies = st.one_of(
    any_json,
    st.fixed_dictionaries({"answers": any_json}),
    st.fixed_dictionaries({"answers": form_shaped_answers()}),
    st.fixed_dictionaries({"answers": form_shaped_answers(), "extra": any_json}),
)


def raw_json(value: object) -> str:
    """JSON text as a client might send it: NaN and Infinity included, surrogates escaped."""
    return json.dumps(value, allow_nan=True)


def assert_not_5xx(response, what: object) -> None:
    assert response.status_code < 500, (response.status_code, what, response.get_data()[:500])


@pytest.fixture
def officer_api(api_as, officer):
    return api_as(officer)


@FUZZ
@given(body=bodies)
def test_creating_an_assessment_never_answers_5xx(officer_api, body):
    response = officer_api.client.post(
        "/api/v1/assessments", data=raw_json(body), headers=officer_api.headers,
        content_type="application/json",
    )
    assert_not_5xx(response, body)
    if response.status_code == 201:
        assert response.get_json()["status"] == "draft"


@FUZZ
@given(body=bodies, version_kind=st.sampled_from(["current", "stale", "junk", "none"]))
def test_patching_an_assessment_never_answers_5xx(officer_api, body, version_kind):
    if not hasattr(officer_api, "fuzzed_id"):
        officer_api.fuzzed_id = create(officer_api)["id"]
    path = f"/api/v1/assessments/{officer_api.fuzzed_id}"
    current = officer_api.client.get(path, headers=officer_api.headers).get_json()["version"]
    headers = dict(officer_api.headers)
    if version_kind != "none":
        headers["If-Match"] = {
            "current": current, "stale": "0", "junk": '"\u00e9\x01\\"'
        }[version_kind].encode("utf-8").decode("latin-1")
    response = officer_api.client.patch(
        path, data=raw_json(body), headers=headers, content_type="application/json")
    assert_not_5xx(response, (version_kind, body))


query_values = st.one_of(any_text, awkward_text, numbers.map(str), st.just("1e400"))
query_keys = st.one_of(st.sampled_from(["status", "department", "q", "page", "per_page"]),
                       any_text)


@FUZZ
@given(query=st.dictionaries(query_keys, query_values, max_size=5),
       raw=st.one_of(st.none(), st.binary(max_size=60)))
def test_listing_assessments_never_answers_5xx(officer_api, query, raw):
    if not hasattr(officer_api, "listed"):
        create(officer_api)
        officer_api.listed = True
    if raw is None:
        # surrogates cannot be percent-encoded as UTF-8; send what a client could send
        safe = {k.encode("utf-8", "replace"): v.encode("utf-8", "replace")
                for k, v in query.items()}
        query_string = urlencode(safe)
    else:
        query_string = raw.decode("latin-1")
    response = officer_api.client.get(
        "/api/v1/assessments", query_string=query_string, headers=officer_api.headers)
    assert_not_5xx(response, query_string)
    if response.status_code == 200:
        assert isinstance(response.get_json()["items"], list)


ID_ROUTES = [("GET", "/assessments/{}"), ("PATCH", "/assessments/{}"),
             ("GET", "/assessments/{}/history"), ("POST", "/assessments/{}/submit"),
             ("POST", "/assessments/{}/return"), ("GET", "/assessments/{}.pdf"),
             ("GET", "/assessments/{}/published.pdf"), ("GET", "/assessments/{}/redactions"),
             ("POST", "/assessments/{}/authors"), ("POST", "/assessments/{}/review")]


@FUZZ
@given(number=st.one_of(st.integers(min_value=0, max_value=10**40),
                        st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64,
                                         10**9 - 1, 10**9, 10**18])),
       route=st.sampled_from(ID_ROUTES))
def test_any_id_in_a_url_never_answers_5xx(officer_api, number, route):
    method, path = route
    response = officer_api.client.open(
        "/api/v1" + path.format(number), method=method, json={"answers": {}},
        headers={**officer_api.headers, "If-Match": "1"})
    assert_not_5xx(response, (method, number))
    assert response.status_code in (400, 403, 404, 409, 412, 422), (method, number)


@FUZZ
@given(length=st.integers(min_value=0, max_value=3_000),
       row=st.sampled_from([{}, {"objective": "x"}, {"objective": "x" * 200, "action": "y"},
                            None, "not a row"]),
       where=st.sampled_from(["report.improvement_plan", "screening.protected_characteristics",
                              "policy.what_is_changing", "answers"]))
def test_over_long_lists_never_answer_5xx(officer_api, length, row, where):
    if not hasattr(officer_api, "listed_id"):
        officer_api.listed_id = create(officer_api)["id"]
    rows = [row] * length
    section, _, key = where.partition(".")
    body = {"answers": rows} if where == "answers" else {"answers": {section: {key: rows}}}
    path = f"/api/v1/assessments/{officer_api.listed_id}"
    current = officer_api.client.get(path, headers=officer_api.headers).get_json()["version"]
    response = officer_api.client.patch(path, json=body, headers={
        **officer_api.headers, "If-Match": current})
    assert_not_5xx(response, (where, length))
    if where == "report.improvement_plan" and length > 100:
        assert response.status_code == 422


@pytest.mark.parametrize("body", [
    "[" * 100_000,  # deeper than Python's recursion limit
    '{"answers": {"key_details": {"policy_name": ' + "[" * 900 + "]" * 900 + "}}}",
    '{"answers": {"key_details": ' + '{"a": ' * 900 + "1" + "}" * 900 + "}}",
    '{"answers": {"key_details": {"policy_name": NaN}}}',
    '{"answers": {"key_details": {"policy_name": 1e999}}}',
    '{"answers": {"key_details": {"policy_name": "\\ud800", '
    '"department": "Children and Family Services"}}}',
    '{"answers": {"key_details": {"policy_name": "a\\u0000b", '
    '"department": "Children and Family Services"}}}',
    '{"answers": {"key_details\\u0000": {}}}',
    "\xff\xfe not utf-8",
])
def test_hostile_bodies_are_refused_without_a_5xx(officer_api, body):
    create(officer_api)
    for method, path in (("POST", "/api/v1/assessments"), ("PATCH", "/api/v1/assessments/1"),
                         ("POST", "/api/v1/assessments/1/submit")):
        headers = dict(officer_api.headers, **{"If-Match": "1"})
        response = officer_api.client.open(
            path, method=method, data=body.encode("utf-8", "surrogatepass"),
            headers=headers, content_type="application/json")
        assert_not_5xx(response, (method, body[:80]))
        assert 400 <= response.status_code < 500


@pytest.mark.parametrize("query_string", [
    "q=%00", "department=a%00", "status=%00", "%00=1", "page=99999999999999999999",
    "page=1e400", "per_page=-1", "q=" + "x" * 5000, "q=%ff%fe", "q=%25%5F%5C",
    "page=2&page=3", "status=draft&status=published",
])
def test_hostile_query_strings_are_answered_without_a_5xx(officer_api, query_string):
    create(officer_api)
    response = officer_api.client.get(
        "/api/v1/assessments", query_string=query_string, headers=officer_api.headers)
    assert_not_5xx(response, query_string)


def test_hostile_form_posts_are_answered_without_a_5xx(client, officer):
    response = client.post("/sign-in", data={"email": "a\x00@example.gov.uk", "password": "p"})
    assert response.status_code == 400


def test_nothing_fuzzed_is_infinite():
    assert math.isinf(json.loads(raw_json(float("inf"))))  # the helper sends what it says
