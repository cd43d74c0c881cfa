"""The screening rules R1-R6, the problems P1-P2 and what is missing, on plain answers."""

from __future__ import annotations

import copy
import json

import pytest

from ehria.examples import load_examples
from ehria.form import load_definition
from ehria.screening import screen

EXAMPLES = load_examples()
NO_REPORT = EXAMPLES["01-departmental-plan-no-report"]["answers"]
FULL_REPORT = EXAMPLES["02-short-breaks-full-report"]["answers"]
CHARACTERISTICS = "screening.protected_characteristics"
ARTICLES = "screening.human_rights"


def no_report(**screening) -> dict:
    """The complete, consistent no-report example with some screening answers changed."""
    answers = copy.deepcopy(NO_REPORT)
    answers["screening"].update(screening)
    return answers


def with_row(answers: dict, table: str, row: str, **cells) -> dict:
    answers = copy.deepcopy(answers)
    section, key = table.split(".")
    answers[section][key][row] = cells
    return answers


def rules_of(answers: dict) -> set[str]:
    return {reason.rule for reason in screen(answers).reasons}


def codes_of(answers: dict) -> list[str]:
    return [problem.code for problem in screen(answers).problems]


# -- the shared examples -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_has_its_expected_outcome(name):
    example, expected = EXAMPLES[name], EXAMPLES[name]["expected"]
    outcome = screen(example["answers"])

    assert outcome.report_required is expected["report_required"]
    assert outcome.rules == set(expected["rules"])
    if expected["problems"] == 0:
        assert outcome.problems == []
    else:  # ">=2 (P1 and P2)"
        assert len(outcome.problems) >= 2
        assert {problem.code for problem in outcome.problems} >= {"P1", "P2"}
    if expected["missing"] == []:
        assert outcome.missing == []
    else:  # "non-empty: Section 3 is required"
        assert any(path.startswith("report.") for path in outcome.missing)


def test_screening_does_not_change_the_answers():
    answers = copy.deepcopy(FULL_REPORT)
    screen(answers)
    assert answers == FULL_REPORT


def test_a_consistent_no_report_assessment_has_nothing_to_say():
    outcome = screen(NO_REPORT)
    assert not outcome.report_required
    assert outcome.can_submit


# -- the rules ---------------------------------------------------------------------------


def test_r1_a_full_report_already_identified():
    outcome = screen(no_report(full_report_already_identified="yes", report_required="yes"))
    r1 = [reason for reason in outcome.reasons if reason.rule == "R1"]
    assert outcome.report_required
    assert r1[0].paths == ["screening.full_report_already_identified"]
    assert "already been identified" in r1[0].message
    assert "R1" not in rules_of(no_report(full_report_already_identified="no"))


def test_r2_likely_impact_negative_or_unknown():
    outcome = screen(no_report(likely_impact="negative_or_unknown", report_required="yes"))
    r2 = next(reason for reason in outcome.reasons if reason.rule == "R2")
    assert r2.paths == ["screening.likely_impact"]
    assert r2.message == "Q13: the likely impact is negative or unknown"
    assert "R2" not in rules_of(no_report(likely_impact="neutral"))


@pytest.mark.parametrize("value", ["yes", "unknown"])
def test_r3_q12_yes_or_unknown_gives_one_reason_per_part(value):
    outcome = screen(no_report(adverse_effect=value, barriers=value, report_required="yes"))
    r3 = [reason for reason in outcome.reasons if reason.rule == "R3"]
    assert [reason.paths for reason in r3] == [["screening.adverse_effect"],
                                               ["screening.barriers"]]
    assert r3[0].message.startswith("Q12 a: ")
    assert r3[1].message.startswith("Q12 b: ")


def test_r3_does_not_fire_when_q12_is_no():
    assert "R3" not in rules_of(no_report(adverse_effect="no", barriers="no"))


@pytest.mark.parametrize(
    ("impact", "message"),
    [
        ("negative", "Q10 Disability: negative impact"),
        ("unknown", "Q10 Disability: impact unknown"),
    ],
)
def test_r4_an_affected_characteristic_with_a_negative_or_unknown_impact(impact, message):
    answers = with_row(no_report(report_required="yes"), CHARACTERISTICS, "disability",
                       affected="yes", impact=impact, comments="Fewer nights.")
    r4 = [reason for reason in screen(answers).reasons if reason.rule == "R4"]
    assert [(r.paths, r.message) for r in r4] == [
        ([f"{CHARACTERISTICS}.disability.impact"], message)
    ]


def test_r4_gives_one_reason_per_row():
    answers = with_row(no_report(), CHARACTERISTICS, "race", affected="yes", impact="negative")
    answers = with_row(answers, CHARACTERISTICS, "sex", affected="yes", impact="unknown")
    paths = [r.paths[0] for r in screen(answers).reasons if r.rule == "R4"]
    assert paths == [f"{CHARACTERISTICS}.race.impact", f"{CHARACTERISTICS}.sex.impact"]


def test_r4_does_not_fire_for_a_positive_impact_or_a_row_not_affected():
    positive = with_row(no_report(), CHARACTERISTICS, "disability",
                        affected="yes", impact="neutral", comments="c")
    not_affected = with_row(no_report(), CHARACTERISTICS, "disability",
                            affected="no", impact="negative")
    assert "R4" not in rules_of(positive)
    assert "R4" not in rules_of(not_affected)


def test_r5_an_engaged_article_with_a_negative_or_unknown_impact():
    answers = with_row(no_report(report_required="yes"), ARTICLES, "article_8",
                       engaged="yes", impact="unknown", comments="Family life.")
    r5 = [reason for reason in screen(answers).reasons if reason.rule == "R5"]
    assert [r.paths for r in r5] == [[f"{ARTICLES}.article_8.impact"]]
    assert r5[0].message == (
        "Q11 Article 8: Right to respect for private and family life: impact unknown"
    )
    positive = with_row(answers, ARTICLES, "article_8", engaged="yes", impact="positive")
    assert "R5" not in rules_of(positive)
    not_engaged = with_row(answers, ARTICLES, "article_8", engaged="no", impact="negative")
    assert "R5" not in rules_of(not_engaged)


def test_r6_a_voluntary_full_report():
    outcome = screen(no_report(report_required="yes"))
    assert outcome.report_required
    assert [(r.rule, r.paths, r.message) for r in outcome.reasons] == [
        ("R6", ["screening.report_required"], "Q14: you chose to complete a full report")
    ]
    assert not screen(no_report(report_required="no")).report_required


# -- the problems ------------------------------------------------------------------------


def test_p1_q14_no_while_a_rule_requires_a_report():
    answers = with_row(no_report(likely_impact="negative_or_unknown"), CHARACTERISTICS,
                       "disability", affected="yes", impact="negative", comments="c")
    p1 = [p for p in screen(answers).problems if p.code == "P1"]
    assert len(p1) == 1
    assert p1[0].paths == ["screening.report_required", "screening.likely_impact",
                           f"{CHARACTERISTICS}.disability.impact"]
    assert p1[0].message.startswith("Q14 says an EHRIA report is not required, but")
    assert "Q10 Disability has a negative impact" in p1[0].message
    assert "P1" not in codes_of({**answers, "screening": {**answers["screening"],
                                                          "report_required": "yes"}})


def test_p1_also_when_a_full_report_was_already_identified():
    answers = no_report(full_report_already_identified="yes", report_required="no")
    assert codes_of(answers) == ["P1"]
    assert codes_of(no_report(full_report_already_identified="yes",
                              report_required="yes")) == []


def test_p2_q13_positive_while_q10_has_a_negative_impact():
    answers = with_row(no_report(likely_impact="positive", report_required="yes"),
                       CHARACTERISTICS, "disability", affected="yes", impact="negative",
                       comments="c")
    problems = screen(answers).problems
    assert [(p.code, p.paths, p.message) for p in problems] == [
        ("P2", ["screening.likely_impact", f"{CHARACTERISTICS}.disability.impact"],
         "Q13 says Positive impact, but Q10 Disability has a negative impact")
    ]
    consistent = copy.deepcopy(answers)
    consistent["screening"]["likely_impact"] = "negative_or_unknown"
    assert codes_of(consistent) == []


@pytest.mark.parametrize("likely", ["no_impact", "neutral"])
def test_p2_names_q13_and_q12_or_q11(likely):
    answers = with_row(no_report(likely_impact=likely, barriers="unknown", report_required="yes"),
                       ARTICLES, "article_14", engaged="yes", impact="negative", comments="c")
    messages = [p.message for p in screen(answers).problems if p.code == "P2"]
    assert len(messages) == 2
    assert all(m.startswith("Q13 says ") for m in messages)
    assert "Q12 b is Unknown" in messages[0]
    assert "Q11 Article 14: Right not to be discriminated against" in messages[1]


def test_p2_is_not_raised_by_r1_r2_or_r6_alone():
    answers = no_report(full_report_already_identified="yes", report_required="yes")
    assert codes_of(answers) == []


# -- missing -----------------------------------------------------------------------------


def test_an_empty_draft_misses_key_details_section_1_and_screening_in_form_order():
    missing = screen({}).missing
    assert missing[:3] == ["key_details.policy_name", "key_details.department",
                           "key_details.lead_officer_name"]
    assert "key_details.section" not in missing
    assert "key_details.date_completed" in missing
    assert missing.index("policy.equality_duty_how") < missing.index(
        "screening.full_report_already_identified")
    assert "screening.likely_impact" in missing
    assert f"{CHARACTERISTICS}.age.affected" in missing
    assert not any(path.startswith("report.") for path in missing)


def test_blank_text_counts_as_missing():
    answers = copy.deepcopy(NO_REPORT)
    answers["policy"]["target_groups"] = "   "
    assert screen(answers).missing == ["policy.target_groups"]


def test_q8_is_needed_only_when_a_consultation_question_is_no():
    answers = no_report()
    del answers["screening"]["consultation_plan"]
    assert screen(answers).missing == []
    for question in ["consulted_needs", "consulted_barriers", "representatives_consulted",
                     "stakeholders_explored"]:
        answers_no = copy.deepcopy(answers)
        answers_no["screening"][question] = "no"
        assert screen(answers_no).missing == ["screening.consultation_plan"], question


def test_q10_and_q11_rows_need_yes_or_no_and_details_only_when_yes():
    answers = with_row(no_report(), CHARACTERISTICS, "race", affected="yes")
    answers = with_row(answers, CHARACTERISTICS, "age", comments="Not sure yet.")
    answers = with_row(answers, ARTICLES, "article_3", engaged="no")
    answers = with_row(answers, ARTICLES, "article_4", engaged="yes", impact="positive")
    assert screen(answers).missing == [
        f"{CHARACTERISTICS}.age.affected",
        f"{CHARACTERISTICS}.race.impact",
        f"{CHARACTERISTICS}.race.comments",
        f"{ARTICLES}.article_4.comments",
    ]


def test_r1_skips_the_rest_of_section_2_and_asks_for_every_q19_and_q20_row():
    answers = copy.deepcopy(FULL_REPORT)
    answers["screening"] = {"full_report_already_identified": "yes"}
    answers["report"]["recognised_impact"] = {}
    answers["report"]["human_rights"] = {}
    outcome = screen(answers)

    assert outcome.report_required and outcome.rules == {"R1"}
    assert not any(path.startswith("screening.") for path in outcome.missing)
    assert outcome.missing[0] == "report.recognised_impact.age.comments"
    assert len([p for p in outcome.missing if p.startswith("report.recognised_impact.")]) == 11
    assert len([p for p in outcome.missing if p.startswith("report.human_rights.")]) == 15
    assert outcome.missing[-1] == "report.human_rights.protocol_1_article_3.comments"


def test_q19_and_q20_need_comments_only_for_rows_screening_marked_yes():
    answers = copy.deepcopy(FULL_REPORT)
    answers["report"]["recognised_impact"]["disability"]["comments"] = ""
    del answers["report"]["human_rights"]["article_14"]
    answers["report"]["recognised_impact"]["race"]["comments"] = ""  # race: not affected
    assert screen(answers).missing == [
        "report.recognised_impact.disability.comments",
        "report.human_rights.article_14.comments",
    ]


def test_section_3_is_missing_only_when_a_report_is_required():
    answers = copy.deepcopy(FULL_REPORT)
    answers["report"] = {}
    missing = screen(answers).missing
    assert missing[:6] == [
        "report.needs_and_aspirations", "report.likely_impacts", "report.likely_barriers",
        "report.further_research", "report.consultation_findings",
        "report.further_consultation",
    ]
    assert {"report.adverse_impact", "report.not_addressed", "report.summary",
            "report.wider_planning"} <= set(missing)
    assert missing[-1] == "report.improvement_plan"
    assert screen(no_report()).missing == []


@pytest.mark.parametrize("plan", [None, []])
def test_an_empty_improvement_plan_is_missing_by_its_own_path(plan):
    answers = copy.deepcopy(FULL_REPORT)
    answers["report"]["improvement_plan"] = plan
    assert screen(answers).missing == ["report.improvement_plan"]


def test_each_unanswered_improvement_plan_cell_is_missing_by_row_and_column():
    answers = copy.deepcopy(FULL_REPORT)
    answers["report"]["improvement_plan"][1] = {"objective": "Rural families", "target": " "}
    assert screen(answers).missing == [
        "report.improvement_plan.1.action",
        "report.improvement_plan.1.target",
        "report.improvement_plan.1.officer_responsible",
        "report.improvement_plan.1.by_when",
    ]


# -- output ------------------------------------------------------------------------------


def test_to_dict_is_the_documented_json():
    data = json.loads(json.dumps(screen(EXAMPLES["03-inconsistent-screening"]["answers"])
                                 .to_dict()))
    assert set(data) == {"report_required", "reasons", "problems", "missing"}
    assert data["reasons"][0] == {
        "rule": "R4",
        "paths": [f"{CHARACTERISTICS}.disability.impact"],
        "message": "Q10 Disability: negative impact",
    }
    assert set(data["problems"][0]) == {"code", "paths", "message"}
    assert all(isinstance(path, str) for path in data["missing"])


def test_steps_that_apply_follow_the_screening():
    definition = load_definition()
    no_report_steps = definition.steps_that_apply(NO_REPORT, screen(NO_REPORT).report_required)
    assert no_report_steps[-1].key == "decision"

    skipped = no_report(full_report_already_identified="yes", report_required="yes")
    keys = [s.key for s in definition.steps_that_apply(skipped,
                                                       screen(skipped).report_required)]
    assert "screening-start" in keys and "research-consultation" not in keys
    assert keys[-1] == "improvement-plan"


def test_odd_shapes_do_not_break_screening():
    outcome = screen({"screening": {"protected_characteristics": "none",
                                    "human_rights": {"article_2": "yes"}},
                      "report": {"improvement_plan": "later"}})
    assert not outcome.report_required
    assert f"{CHARACTERISTICS}.age.affected" in outcome.missing
