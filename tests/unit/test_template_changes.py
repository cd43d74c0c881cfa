"""What changed between two versions, in words (issue 13), and the step edits that make
new versions: each kind of change is found, and nothing else is."""

from __future__ import annotations

from ehria.form import load_definition
from ehria.form.parsing import parse_definition
from ehria.form.source import definition_source
from ehria.template_changes import changes_between
from ehria.template_editing import edit_step, rows_of, step_of, table_fields
from ehria.template_moves import carry_over

LIVE = load_definition()


def changed(edit) -> list[tuple[str, str, str]]:
    source = definition_source(LIVE)
    edit(source)
    return [(c.change, c.part, c.place)
            for c in changes_between(LIVE, parse_definition(source))]


def characteristics(source: dict) -> dict:
    _, step = step_of(source, "protected-characteristics")
    return step["questions"][0]["fields"][0]


def test_a_version_has_no_changes_from_itself():
    assert changes_between(LIVE, LIVE) == []


def recognised_impact(source: dict) -> dict:
    _, step = step_of(source, "recognised-impact")
    return step["questions"][0]["fields"][0]


def test_a_removed_row_and_a_reordered_table_are_each_one_change():
    def edit(source):
        rows = characteristics(source)["rows"]
        rows.reverse()
        rows.pop()  # age, now last
        recognised_impact(source)["rows"].pop(0)  # Section 3 follows Section 2's rows

    assert changed(edit) == [
        ("removed", "row", "screening.protected_characteristics.age"),
        ("reordered", "row", "screening.protected_characteristics"),
        ("removed", "row", "report.recognised_impact.age"),
    ]


def test_a_row_removed_from_q10_alone_is_refused_naming_the_table_that_follows_it():
    import pytest

    from ehria.form import DefinitionError

    source = definition_source(LIVE)
    characteristics(source)["rows"].pop(0)
    with pytest.raises(DefinitionError, match=r"report\.recognised_impact.*has no rows age"):
        parse_definition(source)


def test_a_retyped_answer_and_a_reworded_choice():
    def edit(source):
        _, step = step_of(source, "policy-definition")
        step["questions"][1]["fields"][0]["type"] = "line"
        del step["questions"][1]["fields"][0]["height"]  # a line has no height
        source["choices"]["yn"][0]["label"] = "Yes, it does"

    assert changed(edit) == [
        ("reworded", "choice", "yn: yes"),
        ("retyped", "answer", "policy.related_policies"),
    ]


def test_rule_wording_is_compared_case_by_case():
    def edit(source):
        source["screening"]["rules"][1]["cases"]["negative_or_unknown"]["reason"] = "New."

    assert changed(edit) == [("reworded", "rule", "R2, negative_or_unknown")]


def test_editing_a_step_renames_adds_reorders_and_removes_rows():
    source = definition_source(LIVE)
    question = step_of(source, "protected-characteristics")[1]["questions"][0]
    (index, _table), = table_fields(question)
    prefix = f"q0_f{index}"
    posted = {"step_title": "Impact on people", f"{prefix}_r0_label": "Age (all ages)",
              f"{prefix}_r8_remove": "y", f"{prefix}_r0_position": "20",
              f"{prefix}_new_key": "carers", f"{prefix}_new_label": "Carers",
              "q0_label": question["label"]}
    edited = edit_step(source, "protected-characteristics", posted)
    rows = [(r["key"], r["label"]) for r in rows_of(characteristics(edited))]
    assert rows[-2:] == [("carers", "Carers"), ("age", "Age (all ages)")]
    assert len(rows) == 11  # eleven, less one removed, and one added
    assert "sexual_orientation" not in [key for key, _ in rows]
    assert step_of(edited, "protected-characteristics")[1]["title"] == "Impact on people"
    assert characteristics(source)["rows"][0]["label"] == "Age"  # the original is kept


def test_answers_carry_unless_their_question_is_asked_differently():
    answers = {"policy": {"what_is_changing": "More respite", "related_policies": "None"},
               "screening": {"protected_characteristics": {
                   "age": {"affected": "yes"}, "disability": {"affected": "maybe"}}}}
    source = definition_source(LIVE)
    retyped = step_of(source, "policy-definition")[1]["questions"][1]["fields"][0]
    retyped["type"] = "line"
    del retyped["height"]
    carry = carry_over(answers, LIVE, parse_definition(source))
    assert carry.carried == ["policy.what_is_changing",
                             "screening.protected_characteristics.age.affected"]
    assert carry.not_carried == ["policy.related_policies",
                                 "screening.protected_characteristics.disability.affected"]
