"""A template read back from its JSON or its YAML is the same template (issue 13): the
form builder's GET-change-PUT and download-edit-upload lose nothing."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from ehria import PROJECT_ROOT
from ehria.form import definition_from_yaml, load_definition
from ehria.form.parsing import parse_definition
from ehria.form.source import definition_yaml, source_from_json
from ehria.form.store import add_definition_folder

add_definition_folder(PROJECT_ROOT / "tests" / "fixtures" / "templates")
VERSIONS = ["lcc-ehria-v1", "northshire-eqia-v1"]


def field_in(data: dict, path: str) -> dict:
    return next(f for section in data["sections"] for step in section["steps"]
                for question in step["questions"] for f in question["fields"]
                if f["path"] == path)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_json_reads_back_to_the_same_template(version):
    definition = load_definition(version)
    assert parse_definition(source_from_json(definition.to_dict())) == definition


@pytest.mark.parametrize("version", VERSIONS)
def test_the_yaml_download_reads_back_to_the_same_template(version):
    definition = load_definition(version)
    text = definition_yaml(definition)
    assert text.startswith(f"# {definition.title}, version {version}.")
    assert definition_from_yaml(text) == definition


def test_a_row_added_to_the_json_is_in_the_template_read_back():
    data = copy.deepcopy(load_definition().to_dict())
    table = field_in(data, "screening.protected_characteristics")
    table["rows"].append({"key": "armed_forces", "label": "Armed Forces community",
                          "hint": None, "group": None})
    changed = parse_definition(source_from_json(data))
    rows = changed.field("screening.protected_characteristics").rows
    assert rows[-1].label == "Armed Forces community"
    assert [r.key for r in rows[:-1]] == [
        r.key for r in load_definition().field("screening.protected_characteristics").rows]


def test_row_groups_keep_their_titles():
    articles = load_definition().field("screening.human_rights")
    data = load_definition().to_dict()
    back = parse_definition(source_from_json(data)).field("screening.human_rights")
    assert [r.group for r in back.rows] == [r.group for r in articles.rows]
    assert articles.rows[0].group == "Part 1: The Convention - Rights and Freedoms"


def test_the_shipped_yaml_is_not_needed_to_read_a_version(tmp_path: Path):
    text = definition_yaml(load_definition())
    (tmp_path / "copy.yaml").write_text(text, encoding="utf-8")
    assert definition_from_yaml((tmp_path / "copy.yaml").read_text()).version == "lcc-ehria-v1"
