"""The council's form as data: every key of ASSESSMENT-DATA.md, its wording, its checks."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from ehria.form import (
    CURRENT_VERSION,
    DEFINITIONS_DIR,
    DefinitionError,
    FormDefinition,
    UnknownTemplateVersion,
    load_definition,
)

CHARACTERISTICS = [
    "age", "disability", "gender_reassignment", "marriage_civil_partnership",
    "pregnancy_maternity", "race", "religion_belief", "sex", "sexual_orientation",
    "other_groups", "community_cohesion",
]
ARTICLES = [
    "article_2", "article_3", "article_4", "article_5", "article_6", "article_7",
    "article_8", "article_9", "article_10", "article_11", "article_12", "article_14",
    "protocol_1_article_1", "protocol_1_article_2", "protocol_1_article_3",
]
# Every key of design/ASSESSMENT-DATA.md, written out from the document.
EXPECTED_PATHS = {
    # beyond design/ASSESSMENT-DATA.md: a review's first page (issue 15), filled from the
    # last plan's tracked actions when the review starts
    "since_last": ["previous_actions"],
    "key_details": [
        "policy_name", "department", "section", "lead_officer_name", "lead_officer_job_title",
        "other_contributors", "contact_telephone", "implementing_officers", "date_started",
        "date_completed",
    ],
    "policy": [
        "what_is_changing", "related_policies", "target_groups", "eliminate_discrimination",
        "advance_equality", "foster_good_relations", "equality_duty_how",
    ],
    "screening": [
        "full_report_already_identified", "consulted_needs", "consulted_impact",
        "consulted_barriers", "consultation_details", "representatives_consulted",
        "stakeholders_explored", "consultation_plan", "monitor_impact", "open_feedback",
        "monitoring_details", "protected_characteristics", "human_rights", "adverse_effect",
        "barriers", "likely_impact", "report_required",
    ],
    "report": [
        "needs_and_aspirations", "likely_impacts", "likely_barriers", "further_research",
        "consultation_findings", "further_consultation", "recognised_impact", "human_rights",
        "adverse_impact", "minimise_research", "minimise_barriers", "not_addressed",
        "summary", "review_processes", "wider_planning", "improvement_plan",
    ],
}
EXPECTED_TYPES = {
    "key_details.department": "department",
    "key_details.date_started": "date",
    "key_details.date_completed": "date",
    "policy.eliminate_discrimination": "yn",
    "screening.adverse_effect": "ynu",
    "screening.barriers": "ynu",
    "screening.likely_impact": "likely_impact",
    "screening.report_required": "yn",
    "screening.protected_characteristics": "table",
    "screening.human_rights": "table",
    "report.recognised_impact": "table",
    "report.human_rights": "table",
    "report.improvement_plan": "rows",
    "report.summary": "text",
}


@pytest.fixture(scope="module")
def definition() -> FormDefinition:
    return load_definition()


@pytest.fixture
def raw() -> dict:
    """The YAML as parsed data, to break in a test."""
    text = (DEFINITIONS_DIR / f"{CURRENT_VERSION}.yaml").read_text(encoding="utf-8")
    return copy.deepcopy(yaml.safe_load(text))


def test_the_current_version_loads_once_and_names_itself(definition):
    assert definition.version == CURRENT_VERSION == "lcc-ehria-v1"
    assert definition.title == "Equality & Human Rights Impact Assessment (EHRIA)"
    assert definition.introduction[0].startswith("This Equality and Human Rights Impact")
    assert load_definition() is definition


def test_an_unknown_version_is_refused():
    with pytest.raises(UnknownTemplateVersion):
        load_definition("lcc-ehria-v0")
    with pytest.raises(UnknownTemplateVersion):
        load_definition("../definitions/lcc-ehria-v1")


def test_sections_are_the_answer_keys_in_order_with_the_forms_titles(definition):
    assert [(s.key, s.title) for s in definition.sections] == [
        ("since_last", "Since the last assessment"),  # a review's only (issue 15)
        ("key_details", "Key details"),
        ("policy", "Section 1: Defining the policy"),
        ("screening", "Section 2: Equality and Human Rights Impact Assessment Screening"),
        ("report", "Section 3: Equality and Human Rights Impact Assessment Report"),
    ]


def test_steps_are_the_pages_in_order(definition):
    assert [step.key for step in definition.steps] == [
        "since-last-assessment", "key-details", "policy-definition", "equality-duty",
        "screening-start",
        "research-consultation", "monitoring", "protected-characteristics", "human-rights",
        "decision", "report-research", "recognised-impact", "report-human-rights",
        "mitigation", "report-decision", "report-monitoring", "improvement-plan",
    ]
    assert definition.step("monitoring").heading == "B: Monitoring Impact"
    assert definition.step("decision").section_key == "screening"


def test_every_key_of_the_data_document_is_a_field_and_there_are_no_others(definition):
    expected = {f"{section}.{key}" for section, keys in EXPECTED_PATHS.items() for key in keys}
    assert {f.path for f in definition.fields()} == expected


def test_fields_follow_the_order_of_the_data_document(definition):
    for section, keys in EXPECTED_PATHS.items():
        assert [f.key for f in definition.section(section).fields] == keys


@pytest.mark.parametrize(("path", "type_"), EXPECTED_TYPES.items())
def test_fields_have_the_documented_types(definition, path, type_):
    assert definition.field(path).type == type_


def test_the_screening_tables_have_the_documented_rows_and_cells(definition):
    for path, rows, gate in [
        ("screening.protected_characteristics", CHARACTERISTICS, "affected"),
        ("screening.human_rights", ARTICLES, "engaged"),
    ]:
        table = definition.field(path)
        assert [row.key for row in table.rows] == rows
        assert [(c.key, c.type) for c in table.columns] == [
            (gate, "yn"), ("impact", "impact"), ("comments", "text")
        ]
    assert len(CHARACTERISTICS) == 11 and len(ARTICLES) == 15


def test_the_report_tables_follow_the_same_rows_with_comments_only(definition):
    for path, rows in [
        ("report.recognised_impact", CHARACTERISTICS), ("report.human_rights", ARTICLES)
    ]:
        table = definition.field(path)
        assert [row.key for row in table.rows] == rows
        assert [c.key for c in table.columns] == ["comments"]


def test_the_improvement_plan_has_the_forms_columns(definition):
    plan = definition.field("report.improvement_plan")
    assert [(c.key, c.label) for c in plan.columns] == [
        ("objective", "Equality Objective"), ("action", "Action"), ("target", "Target"),
        ("officer_responsible", "Officer Responsible"), ("by_when", "By when"),
    ]


def test_rows_carry_the_seeds_labels_hints_and_parts(definition):
    characteristics = definition.field("screening.protected_characteristics")
    assert characteristics.row("marriage_civil_partnership").label == (
        "Marriage and Civil Partnership"
    )
    assert characteristics.row("other_groups").hint.startswith("e.g. rural isolation, ")
    articles = definition.field("screening.human_rights")
    assert articles.row("article_2").label == "Article 2: Right to life"
    assert articles.row("article_2").group == "Part 1: The Convention - Rights and Freedoms"
    assert articles.row("protocol_1_article_2").label == "Article 2: Right to education"
    assert articles.row("protocol_1_article_2").group == "Part 2: The First Protocol"
    assert [r.group for r in articles.rows].count("Part 2: The First Protocol") == 3


def test_question_numbers_run_from_1_to_25_once_each(definition):
    numbers = [
        q.number for step in definition.steps for q in step.questions if q.number is not None
    ]
    assert numbers == [str(n) for n in range(1, 26)]


def test_the_decision_questions_are_numbered_12_13_14(definition):
    assert definition.question_number_for("screening.adverse_effect") == "12"
    assert definition.question_number_for("screening.likely_impact") == "13"
    assert definition.question_number_for("screening.report_required") == "14"


def test_questions_keep_the_seeds_wording_and_notes(definition):
    q1 = definition.question("policy.what_is_changing")
    assert q1.label == "What is new or changed in the policy? What has changed and why?"
    assert definition.field("screening.consulted_needs").label == (
        "a) their current needs and aspirations and what is important to them"
    )
    assert definition.question("screening.monitor_impact").note[0].startswith(
        "Note: If no to Question 9, you will need to ensure that monitoring systems"
    )  # the seed's own "Note:", as "NB:" is Q21's
    assert definition.question("report.adverse_impact").note[0] == "NB:"
    assert "an EHRIA Report is required" in definition.question("screening.likely_impact").note[0]
    assert definition.question("screening.full_report_already_identified").label.startswith(
        "Have you already identified that a full EHRIA is needed"
    )


def test_choice_lists_have_the_documented_values_as_text(definition):
    values = {name: [c.value for c in choices] for name, choices in definition.choices.items()}
    assert values == {
        "yn": ["yes", "no"],
        "ynu": ["yes", "no", "unknown"],
        "impact": ["positive", "negative", "neutral", "unknown"],
        "likely_impact": ["no_impact", "positive", "neutral", "negative_or_unknown"],
    }
    assert [c.label for c in definition.choices["likely_impact"]] == [
        "No impact", "Positive impact", "Neutral impact", "Negative impact or impact unknown"
    ]
    assert definition.field("screening.barriers").choice_label("unknown") == "Unknown"


def test_simple_requiredness_is_marked_and_conditional_is_not(definition):
    assert definition.field("key_details.policy_name").required
    assert definition.field("key_details.date_completed").required
    assert not definition.field("key_details.section").required
    assert not definition.field("screening.consultation_plan").required  # Q8: in Python
    assert definition.field("screening.consulted_needs").required


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("screening.protected_characteristics.disability.impact",
         "Q10 Disability: kind of impact"),
        ("screening.protected_characteristics.disability", "Q10 Disability"),
        ("screening.human_rights.article_8.engaged",
         "Q11 Article 8: Right to respect for private and family life: engaged"),
        ("report.recognised_impact.sex.comments", "Q19 Sex: comments"),
        ("report.improvement_plan.0.target", "Improvement plan row 1: Target"),
        ("report.improvement_plan.2", "Improvement plan row 3"),
        ("report.improvement_plan", "Improvement plan"),
        ("screening.consulted_barriers", "Q5 c) potential barriers they may face"),
        ("policy.what_is_changing",
         "Q1 What is new or changed in the policy? What has changed and why?"),
        ("key_details.department", "Department"),
        ("report", "Section 3: Equality and Human Rights Impact Assessment Report"),
        ("policy.favourite_colour", "policy.favourite_colour"),
        ("screening.protected_characteristics.wizardry.impact",
         "screening.protected_characteristics.wizardry.impact"),
    ],
)
def test_label_for_names_any_answer_path(definition, path, label):
    assert definition.label_for(path) == label


def test_step_and_question_number_for_table_cells(definition):
    path = "screening.human_rights.article_14.comments"
    assert definition.question_number_for(path) == "11"
    assert definition.step_for(path).key == "human-rights"
    assert definition.step_for("report.improvement_plan.0.action").key == "improvement-plan"
    assert definition.step_for("nowhere.at_all") is None
    assert definition.question_number_for("key_details.policy_name") is None


def test_field_lookup_by_an_unknown_path_is_a_key_error(definition):
    with pytest.raises(KeyError):
        definition.field("policy.favourite_colour")


def test_to_dict_is_json_ready_and_describes_every_question(definition):
    data = json.loads(json.dumps(definition.to_dict()))
    assert data["version"] == "lcc-ehria-v1"
    assert [s["key"] for s in data["sections"]] == list(EXPECTED_PATHS)
    questions = [
        q for s in data["sections"] for step in s["steps"] for q in step["questions"]
    ]
    assert {q["number"] for q in questions} >= {str(n) for n in range(1, 26)}
    q10 = next(q for q in questions if q["number"] == "10")["fields"][0]
    assert q10["path"] == "screening.protected_characteristics"
    assert len(q10["rows"]) == 11
    assert q10["columns"][1]["choices"][1] == {"value": "negative", "label": "Negative"}
    assert data["choices"]["yn"] == [
        {"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}
    ]


def test_the_file_itself_passes_through_from_dict(raw):
    assert FormDefinition.from_dict(raw) == load_definition()


def _section(raw: dict, key: str) -> dict:
    return next(section for section in raw["sections"] if section["key"] == key)


def _questions(raw: dict, step_key: str) -> list[dict]:
    step = next(s for sec in raw["sections"] for s in sec["steps"] if s["key"] == step_key)
    return step["questions"]


def test_a_repeated_step_key_is_a_definition_error(raw):
    _section(raw, "policy")["steps"][1]["key"] = "policy-definition"
    with pytest.raises(DefinitionError, match="policy-definition"):
        FormDefinition.from_dict(raw)


def test_a_repeated_field_key_is_a_definition_error(raw):
    _questions(raw, "policy-definition")[1]["fields"][0]["key"] = "what_is_changing"
    with pytest.raises(DefinitionError, match=r"policy\.what_is_changing"):
        FormDefinition.from_dict(raw)


def test_an_unknown_field_type_is_a_definition_error(raw):
    _questions(raw, "decision")[2]["fields"][0]["type"] = "maybe"
    with pytest.raises(DefinitionError, match="unknown type 'maybe'"):
        FormDefinition.from_dict(raw)


def test_a_missing_choice_list_is_a_definition_error(raw):
    del raw["choices"]["ynu"]
    with pytest.raises(DefinitionError, match=r"unknown type 'ynu'.*or a choice list's name"):
        FormDefinition.from_dict(raw)


def test_an_unquoted_yes_read_as_a_boolean_is_a_definition_error(raw):
    raw["choices"]["yn"][0]["value"] = True
    with pytest.raises(DefinitionError, match="not quoted text: True"):
        FormDefinition.from_dict(raw)


def test_a_step_key_that_is_not_a_url_slug_is_a_definition_error(raw):
    raw["sections"][0]["steps"][0]["key"] = "Key details"
    with pytest.raises(DefinitionError, match="needs a key of lower-case words joined by "
                                              "hyphens, not 'Key details'"):
        FormDefinition.from_dict(raw)


def test_a_table_without_rows_is_a_definition_error(raw):
    del _questions(raw, "protected-characteristics")[0]["fields"][0]["rows"]
    with pytest.raises(DefinitionError, match="rows"):
        FormDefinition.from_dict(raw)


def test_a_definition_that_is_not_a_mapping_is_a_definition_error():
    with pytest.raises(DefinitionError):
        FormDefinition.from_dict(["not", "a", "form"])
