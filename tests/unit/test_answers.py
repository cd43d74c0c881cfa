"""Checking, merging and comparing answers objects, with plain data only."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehria.answers import changed_paths, deep_merge, validate_answers
from ehria.examples import load_examples
from ehria.form import load_definition
from ehria.form.paths import get_path, is_answered

EXAMPLES = load_examples()
DEPARTMENTS = ["Children and Family Services", "Adults and Communities"]


@pytest.fixture(scope="module")
def definition():
    return load_definition()


def errors_for(answers: object, definition, departments=None) -> dict[str, list[str]]:
    return validate_answers(answers, definition, departments)


# -- valid answers -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_is_valid_and_left_untouched(definition, name):
    answers = EXAMPLES[name]["answers"]
    before = copy.deepcopy(answers)
    assert errors_for(answers, definition, DEPARTMENTS) == {}
    assert answers == before


def test_a_draft_may_leave_out_anything(definition):
    assert errors_for({}, definition) == {}
    assert errors_for({"policy": {}, "report": {"improvement_plan": []}}, definition) == {}


def test_null_means_unanswered_at_every_level(definition):
    answers = {
        "key_details": {"policy_name": None, "date_started": None},
        "screening": {
            "protected_characteristics": {"age": None, "race": {"impact": None}},
            "likely_impact": None,
        },
        "report": None,
    }
    assert errors_for(answers, definition) == {}


def test_empty_text_is_allowed(definition):
    assert errors_for({"key_details": {"other_contributors": ""}}, definition) == {}


# -- shapes ------------------------------------------------------------------------------


@pytest.mark.parametrize("answers", [[], "answers", 7, None])
def test_answers_that_are_not_an_object_are_refused_at_the_root(definition, answers):
    assert errors_for(answers, definition) == {"answers": ["Must be an object"]}


@pytest.mark.parametrize(
    ("answers", "path"),
    [
        ({"policy": "changed"}, "policy"),
        ({"screening": {"protected_characteristics": ["age"]}},
         "screening.protected_characteristics"),
        ({"screening": {"human_rights": {"article_8": "yes"}}}, "screening.human_rights.article_8"),
        ({"report": {"improvement_plan": ["do better"]}}, "report.improvement_plan.0"),
    ],
)
def test_a_value_that_should_be_an_object_is_refused(definition, answers, path):
    assert errors_for(answers, definition) == {path: ["Must be an object"]}


def test_an_improvement_plan_that_is_not_a_list_is_refused(definition):
    answers = {"report": {"improvement_plan": {"objective": "x"}}}
    assert errors_for(answers, definition) == {"report.improvement_plan": ["Must be a list"]}


@pytest.mark.parametrize(
    ("answers", "path"),
    [
        ({"sign_off": {}}, "sign_off"),
        ({"policy": {"favourite_colour": "blue"}}, "policy.favourite_colour"),
        ({"screening": {"protected_characteristics": {"wizardry": {"affected": "no"}}}},
         "screening.protected_characteristics.wizardry"),
        ({"screening": {"human_rights": {"article_13": {"engaged": "no"}}}},
         "screening.human_rights.article_13"),
        ({"screening": {"protected_characteristics": {"age": {"engaged": "no"}}}},
         "screening.protected_characteristics.age.engaged"),
        ({"report": {"recognised_impact": {"age": {"impact": "positive"}}}},
         "report.recognised_impact.age.impact"),
        ({"report": {"improvement_plan": [{"objective": "a"}, {"budget": "1"}]}},
         "report.improvement_plan.1.budget"),
    ],
)
def test_unknown_keys_are_refused_at_every_level(definition, answers, path):
    assert errors_for(answers, definition) == {path: ["Unknown field"]}


def test_every_error_is_reported_not_just_the_first(definition):
    answers = {
        "policy": {"advance_equality": "maybe", "colour": "blue"},
        "key_details": {"date_started": "tomorrow"},
    }
    assert set(errors_for(answers, definition)) == {
        "policy.advance_equality", "policy.colour", "key_details.date_started"
    }


# -- choices -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "path", "message"),
    [
        ({"policy": {"advance_equality": "maybe"}}, "policy.advance_equality",
         'Choose one of: "yes", "no"'),
        ({"policy": {"advance_equality": True}}, "policy.advance_equality",
         'Choose one of: "yes", "no"'),
        ({"policy": {"advance_equality": "Yes"}}, "policy.advance_equality",
         'Choose one of: "yes", "no"'),
        ({"screening": {"barriers": ""}}, "screening.barriers",
         'Choose one of: "yes", "no", "unknown"'),
        ({"screening": {"protected_characteristics": {"age": {"impact": "terrible"}}}},
         "screening.protected_characteristics.age.impact",
         'Choose one of: "positive", "negative", "neutral", "unknown"'),
        ({"screening": {"likely_impact": "negative"}}, "screening.likely_impact",
         'Choose one of: "no_impact", "positive", "neutral", "negative_or_unknown"'),
    ],
)
def test_a_value_outside_its_choices_is_refused_naming_the_choices(
    definition, answers, path, message
):
    assert errors_for(answers, definition) == {path: [message]}


# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-02-28", "2024-02-29", "2020-04-27"])
def test_real_dates_are_accepted(definition, value):
    assert errors_for({"key_details": {"date_started": value}}, definition) == {}


@pytest.mark.parametrize(
    "value", ["2026-02-30", "2025-02-29", "27/04/20", "2026-2-3", "", "2026-02-28T10:00", 20260228]
)
def test_anything_but_a_real_yyyy_mm_dd_date_is_refused(definition, value):
    assert errors_for({"key_details": {"date_completed": value}}, definition) == {
        "key_details.date_completed": ["Enter a real date in the format YYYY-MM-DD"]
    }


# -- text --------------------------------------------------------------------------------


def test_text_may_be_20000_characters_but_not_20001(definition):
    assert errors_for({"policy": {"what_is_changing": "x" * 20_000}}, definition) == {}
    assert errors_for({"policy": {"what_is_changing": "x" * 20_001}}, definition) == {
        "policy.what_is_changing": ["Must be 20,000 characters or fewer"]
    }


def test_long_text_in_a_table_cell_is_refused_too(definition):
    answers = {"report": {"human_rights": {"article_8": {"comments": "x" * 20_001}}}}
    assert list(errors_for(answers, definition)) == ["report.human_rights.article_8.comments"]


@pytest.mark.parametrize("value", [7, 1.5, ["a"], {"text": "a"}, False])
def test_text_must_be_a_string(definition, value):
    assert errors_for({"report": {"summary": value}}, definition) == {
        "report.summary": ["Must be text"]
    }


def test_improvement_plan_cells_are_checked_by_their_index(definition):
    answers = {"report": {"improvement_plan": [{"objective": 7}]}}
    assert errors_for(answers, definition) == {
        "report.improvement_plan.0.objective": ["Must be text"]
    }


# -- departments -------------------------------------------------------------------------


def test_the_department_must_be_a_configured_one_when_they_are_given(definition):
    answers = {"key_details": {"department": "Ministry of Magic"}}
    assert errors_for(answers, definition, DEPARTMENTS) == {
        "key_details.department": ["Choose one of the configured departments"]
    }
    assert errors_for(answers, definition) == {}
    assert errors_for({"key_details": {"department": "Adults and Communities"}},
                      definition, DEPARTMENTS) == {}


def test_the_department_must_be_text(definition):
    assert errors_for({"key_details": {"department": 3}}, definition, DEPARTMENTS) == {
        "key_details.department": ["Must be text"]
    }


def test_validation_never_changes_what_was_sent(definition):
    answers = {"policy": {"what_is_changing": "  spaced  ", "colour": "blue"},
               "key_details": {"date_started": "2026-02-30"}}
    before = copy.deepcopy(answers)
    errors_for(answers, definition)
    assert answers == before


# -- deep_merge --------------------------------------------------------------------------

BASE = {
    "key_details": {"policy_name": "Short breaks", "section": "SEND"},
    "screening": {"protected_characteristics": {
        "age": {"affected": "yes", "impact": "neutral"},
        "race": {"affected": "no"},
    }},
    "report": {"improvement_plan": [{"objective": "a"}, {"objective": "b"}]},
}


def test_merge_combines_nested_objects():
    merged = deep_merge(BASE, {"screening": {"protected_characteristics": {
        "age": {"comments": "No change."}
    }}})
    assert merged["screening"]["protected_characteristics"] == {
        "age": {"affected": "yes", "impact": "neutral", "comments": "No change."},
        "race": {"affected": "no"},
    }
    assert merged["key_details"] == BASE["key_details"]


def test_merge_with_null_removes_the_key():
    merged = deep_merge(BASE, {"key_details": {"section": None}, "report": None})
    assert merged["key_details"] == {"policy_name": "Short breaks"}
    assert "report" not in merged


def test_merge_replaces_lists_whole():
    merged = deep_merge(BASE, {"report": {"improvement_plan": [{"objective": "c"}]}})
    assert merged["report"]["improvement_plan"] == [{"objective": "c"}]


def test_merge_keeps_an_emptied_object():
    merged = deep_merge(BASE, {"key_details": {"policy_name": None, "section": None}})
    assert merged["key_details"] == {}


def test_merge_changes_neither_input_and_shares_nothing_with_them():
    base, patch = copy.deepcopy(BASE), {"key_details": {"section": "Short breaks team"},
                                         "report": {"improvement_plan": [{"objective": "c"}]}}
    before_base, before_patch = copy.deepcopy(base), copy.deepcopy(patch)

    merged = deep_merge(base, patch)
    merged["screening"]["protected_characteristics"]["race"]["affected"] = "yes"
    merged["report"]["improvement_plan"][0]["objective"] = "changed"

    assert base == before_base
    assert patch == before_patch


# -- changed_paths -----------------------------------------------------------------------


def test_changed_paths_lists_the_leaves_that_differ_sorted():
    new = deep_merge(BASE, {
        "key_details": {"section": None, "lead_officer_name": "Priya"},
        "screening": {"protected_characteristics": {"age": {"impact": "negative"}}},
    })
    assert changed_paths(BASE, new) == [
        "key_details.lead_officer_name",
        "key_details.section",
        "screening.protected_characteristics.age.impact",
    ]


def test_changed_paths_reports_a_list_by_its_own_path():
    new = deep_merge(BASE, {"report": {"improvement_plan": [{"objective": "a"}]}})
    assert changed_paths(BASE, new) == ["report.improvement_plan"]


def test_changed_paths_of_a_new_assessment_are_all_its_answers():
    assert changed_paths({}, {"policy": {"what_is_changing": "x"}, "report": {}}) == [
        "policy.what_is_changing"
    ]


def test_nothing_changed_means_no_paths():
    assert changed_paths(BASE, copy.deepcopy(BASE)) == []
    assert changed_paths({"policy": {"target_groups": None}}, {"policy": {}}) == []



# JSON-like answers and patches: nested objects over a few keys, lists, text and nulls,
# so that keys collide between the answers and the patch often.
_KEYS = st.sampled_from(["a", "b", "c", "d"])
_LEAVES = st.none() | st.text(max_size=3) | st.integers(-2, 2) | st.booleans()
_JSON = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)
_OBJECTS = st.dictionaries(_KEYS, _JSON, max_size=4)


@settings(max_examples=400, deadline=None)
@given(old=_OBJECTS, patch=_OBJECTS)
def test_changed_paths_within_the_patch_are_the_changed_paths_of_the_whole(old, patch):
    new = deep_merge(old, patch)
    assert changed_paths(old, new, within=patch) == changed_paths(old, new)


def test_changed_paths_within_a_patch_of_the_worked_example():
    patch = {"policy": {"what_is_changing": "Opening hours"},
             "key_details": {"section": None}, "report": {"improvement_plan": []}}
    new = deep_merge(BASE, patch)
    assert changed_paths(BASE, new, within=patch) == changed_paths(BASE, new) == [
        "key_details.section", "policy.what_is_changing", "report.improvement_plan",
    ]


@settings(max_examples=200, deadline=None)
@given(base=_OBJECTS, patch=_OBJECTS)
def test_merge_copies_like_deepcopy_and_shares_no_object_or_list(base, patch):
    merged = deep_merge(base, patch)
    for key, value in base.items():
        if key not in patch and isinstance(value, dict | list):
            assert merged[key] == value
            assert merged[key] is not value


# -- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "answered"),
    [(None, False), ("", False), ("  \n\t", False), ([], False), ({}, False),
     ("no", True), ("N/A", True), ([{}], True), ({"a": 1}, True)],
)
def test_is_answered(value, answered):
    assert is_answered(value) is answered


def test_get_path_reads_objects_and_list_rows():
    assert get_path(BASE, "screening.protected_characteristics.age.impact") == "neutral"
    assert get_path(BASE, "report.improvement_plan.1.objective") == "b"
    assert get_path(BASE, "report.improvement_plan.5.objective") is None
    assert get_path(BASE, "key_details.policy_name.more", "none") == "none"
    assert get_path(BASE, "policy.what_is_changing") is None
