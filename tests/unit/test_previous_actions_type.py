"""The `previous_actions` type (issue 15): a review's rows carried from the last plan's
tracked actions; the template must give it a fact to show and a column to answer."""

from __future__ import annotations

import pytest

from ehria.form import DefinitionError, load_definition
from ehria.form.conditions import Context
from ehria.tracked_actions import answers_for_review
from tests.unit.test_template_format_doc import WHOLE, definition_from_yaml

ACTIONS = [{"objective": "Keep respite", "action": "Guarantee nights", "target": "",
            "officer": "Tom Ellis", "due": "2026-09-01", "status": "Done",
            "outcome": "1 December 2026: Kept."}]


def whole_with(columns: str) -> str:
    """The documented whole template with a `previous_actions` field in its first step."""
    return WHOLE.replace(
        "              - {key: starts, type: date, required: true}\n",
        "              - {key: starts, type: date, required: true}\n"
        "              - key: previous\n"
        "                type: previous_actions\n"
        f"                columns: {columns}\n", 1)


def test_it_needs_a_column_to_answer_and_a_fact_to_show():
    with pytest.raises(DefinitionError, match="needs a column for the officer to answer"):
        definition_from_yaml(whole_with("[{key: action, label: A, type: text}]"))
    with pytest.raises(DefinitionError, match="needs a column showing the action"):
        definition_from_yaml(whole_with("[{key: update, label: U, type: text}]"))
    definition_from_yaml(whole_with(
        "[{key: action, label: A, type: text}, {key: update, label: U, type: text}]"))


def test_a_review_starts_with_the_facts_its_columns_show_and_no_earlier_update():
    definition = load_definition()
    published = {"key_details": {"policy_name": "Short breaks"}, "since_last": {
        "previous_actions": [{"action": "An earlier review's", "update": "Old words"}]}}
    started = answers_for_review(definition, published, ACTIONS)
    assert started["key_details"] == published["key_details"]
    assert started["since_last"]["previous_actions"] == [
        {"objective": "Keep respite", "action": "Guarantee nights", "officer": "Tom Ellis",
         "due": "2026-09-01", "status": "Done", "outcome": "1 December 2026: Kept."}]
    assert published["since_last"]["previous_actions"][0]["update"] == "Old words"
    assert "since_last" not in answers_for_review(definition, published, [])


def test_reading_the_page_keeps_the_facts_whatever_was_posted():
    definition = load_definition()
    field = definition.field("since_last.previous_actions")
    stored = {"since_last": {"previous_actions": [dict(ACTIONS[0], target="x")]}}

    class Posted:
        data = [{"action": "forged", "update": " Kept: 41 families. "}, {"update": "extra"}]

    rows, errors = field.kind.read(Posted(), field, Context(stored))
    assert errors == {}
    assert rows == [{**ACTIONS[0], "target": "x", "update": " Kept: 41 families. "}]
