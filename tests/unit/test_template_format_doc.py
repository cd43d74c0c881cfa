"""docs/template-format.md stays in step with the reader (issue 12): its examples are valid
YAML, its whole template loads, every setting the reader accepts appears in an example, and
the problems it shows are the ones the reader reports."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml

from ehria import PROJECT_ROOT
from ehria.form import DefinitionError, definition_from_yaml
from ehria.form.conditions import CONDITION_KEYS
from ehria.form.parsing import (
    COMMON_FIELD_KEYS,
    QUESTION_KEYS,
    SECTION_KEYS,
    STEP_KEYS,
    TOP_KEYS,
)
from ehria.form.rules import CASE_KEYS, OUTCOME_KEYS, PROBLEM_KEYS, RULE_KEYS, SCREENING_KEYS
from ehria.form.template_blocks import (
    ACTION_PLAN_KEYS,
    ASSESSMENT_KEYS,
    INSIGHT_KEYS,
    SIGN_OFF_KEYS,
)
from ehria.form.types import REGISTRY
from ehria.screening import screen

DOC = (PROJECT_ROOT / "docs" / "template-format.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"```(yaml|text)\n(.*?)```", re.S)
YAML_BLOCKS = [text for kind, text in BLOCK.findall(DOC) if kind == "yaml"]
WHOLE = next(text for text in YAML_BLOCKS if text.startswith("# A whole template"))


def every_key(data: object) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from every_key(value)
    elif isinstance(data, list):
        for item in data:
            yield from every_key(item)


def test_every_example_is_valid_yaml():
    assert len(YAML_BLOCKS) >= 5
    for text in YAML_BLOCKS:
        assert yaml.safe_load(text) is not None


def test_the_whole_template_loads_without_a_problem():
    definition = definition_from_yaml(WHOLE, "the documented template")
    assert definition.version == "riverside-eia-v1"
    assert [s.key for s in definition.sections] == ["about", "screening", "full"]
    assert definition.numbered("1") == "Q1"


def test_the_whole_template_screens_as_its_rules_say():
    definition = definition_from_yaml(WHOLE, "the documented template")
    answers = {"screening": {
        "groups": {"age": {"affected": "yes", "effect": "unknown"},
                   "disability": {"affected": "no"}, "carers": {"affected": "no"}},
        "consulted": "yes", "full_assessment": "no"}}
    outcome = screen(answers, definition)
    assert outcome.report_required is True
    assert [r.rule for r in outcome.reasons] == ["S1"]
    assert outcome.reasons[0].message == "Q1 Age: the effect is not known"
    assert [p.code for p in outcome.problems] == ["X1"]


def test_every_setting_the_reader_accepts_appears_in_an_example():
    documented = {key for text in YAML_BLOCKS for key in every_key(yaml.safe_load(text))}
    accepted = {*TOP_KEYS, *SECTION_KEYS, *STEP_KEYS, *QUESTION_KEYS, *COMMON_FIELD_KEYS,
                *ASSESSMENT_KEYS, *ACTION_PLAN_KEYS, *SIGN_OFF_KEYS, *SCREENING_KEYS,
                *RULE_KEYS, *CASE_KEYS, *INSIGHT_KEYS,
                *PROBLEM_KEYS, *OUTCOME_KEYS, *CONDITION_KEYS,
                *(option for kind in REGISTRY.values() for option in kind.accepts_options)}
    assert accepted - documented == set()


def test_every_type_and_setting_is_in_the_tables():
    for name in [*REGISTRY, *TOP_KEYS, *SECTION_KEYS, *STEP_KEYS, *QUESTION_KEYS,
                 *COMMON_FIELD_KEYS, *SIGN_OFF_KEYS]:
        assert f"| `{name}`" in DOC, name


def test_the_problems_shown_are_the_ones_the_reader_reports():
    shown = next(text for kind, text in BLOCK.findall(DOC) if kind == "text")
    broken = WHOLE.replace("type: choice, choices: effect", "type: tickbox").replace(
        '          reason: "{question}: you said a full assessment is needed"\n', "")
    with pytest.raises(DefinitionError) as refused:
        definition_from_yaml(broken, "ehria/definitions/riverside-eia-v1.yaml")
    reported = [str(p) for p in refused.value.problems]
    listed = [line.strip() for line in shown.splitlines()[1:] if line.strip()]
    assert len(listed) == 2
    assert listed == reported
    assert shown.startswith(f"ehria/definitions/riverside-eia-v1.yaml has {len(reported)} "
                            "problems:")
