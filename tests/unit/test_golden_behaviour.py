"""The form's behaviour, recorded before it became data (issue 12), does not drift.

tests/golden_corpus.py derives about 500 answers objects from the worked examples and
1,900 broken ones; tests/fixtures/golden/ holds what the code gave for each before the
form's rules moved from Python into the template: the screening outcome (report
required, reasons with their wording, problems, missing), the steps that apply, the task
list, the validation errors, the labels of every answer path and the template as the API
serves it. The same inputs must give the same outputs, byte for byte; a deliberate change
(new wording, say) regenerates the file in its own commit, so the diff shows exactly what
changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ehria.answers import validate_answers
from ehria.form import load_definition
from ehria.progress import applicable_steps, tasks
from ehria.screening import screen
from tests.golden_corpus import screening_corpus, validation_corpus

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"
DEPARTMENTS = {"Children and Family Services", "Adults and Communities"}


def recorded(name: str) -> dict:
    lines = (GOLDEN / name).read_text(encoding="utf-8").splitlines()
    return {entry["case"]: entry["value"] for entry in map(json.loads, lines)}


def as_json(value: object) -> object:
    return json.loads(json.dumps(value))


@pytest.fixture(scope="module")
def definition():
    return load_definition()


def test_every_screening_case_gives_the_recorded_outcome_steps_and_tasks(definition):
    expected = recorded("screening.jsonl")
    corpus = screening_corpus()
    assert [name for name, _ in corpus] == list(expected)
    drifted = []
    for name, answers in corpus:
        outcome = screen(answers, definition)
        now = as_json({
            "outcome": outcome.to_dict(),
            "steps": [s.key for s in applicable_steps(definition, answers, outcome)],
            "tasks": [[t.title, t.status, t.step_key, t.hint]
                      for t in tasks(definition, answers, outcome)],
        })
        if now != expected[name]:
            drifted.append(name)
    assert drifted == [], f"{len(drifted)} of {len(corpus)} drifted, e.g. {drifted[:3]}"


def test_every_broken_answers_object_gives_the_recorded_errors(definition):
    expected = recorded("validation.jsonl")
    corpus = validation_corpus()
    assert [name for name, _ in corpus] == list(expected)
    drifted = [name for name, answers in corpus
               if as_json(validate_answers(answers, definition, DEPARTMENTS)) != expected[name]]
    assert drifted == [], f"{len(drifted)} of {len(corpus)} drifted, e.g. {drifted[:3]}"


def test_every_answer_path_keeps_its_label_number_and_step(definition):
    expected = json.loads((GOLDEN / "labels.json").read_text(encoding="utf-8"))
    drifted = {}
    for path, (label, number, step) in expected.items():
        found = definition.step_for(path)
        now = [definition.label_for(path), definition.question_number_for(path),
               found.key if found else None]
        if now != [label, number, step]:
            drifted[path] = (now, [label, number, step])
    assert drifted == {}


def _keyed(items: list) -> bool:
    return bool(items) and all(isinstance(i, dict) and "key" in i for i in items)


def test_the_template_as_served_keeps_every_key_and_value_it_had(definition):
    """Keys may be added to GET /api/v1/template (extend, never rename): every one it had
    is still there, with the same value."""
    expected = json.loads((GOLDEN / "template.json").read_text(encoding="utf-8"))
    missing: list[str] = []

    def compare(old: object, new: object, path: str) -> None:
        if isinstance(old, dict):
            if not isinstance(new, dict):
                missing.append(path)
                return
            for key, value in old.items():
                if key not in new:
                    missing.append(f"{path}.{key}")
                else:
                    compare(value, new[key], f"{path}.{key}")
        elif isinstance(old, list) and _keyed(old) and isinstance(new, list) and _keyed(new):
            # sections, steps, rows: each old one by its key, in the same order (one
            # may be added, as a review's "Since the last assessment" was)
            by_key = {item["key"]: item for item in new}
            if [k for k in by_key if k in {i["key"] for i in old}] != [i["key"] for i in old]:
                missing.append(f"{path}: the order of {[i['key'] for i in old]}")
            for item in old:
                if item["key"] not in by_key:
                    missing.append(f"{path}.{item['key']}")
                else:
                    compare(item, by_key[item["key"]], f"{path}.{item['key']}")
        elif isinstance(old, list):
            if not isinstance(new, list) or len(new) != len(old):
                missing.append(path)
                return
            for index, (a, b) in enumerate(zip(old, new, strict=True)):
                compare(a, b, f"{path}.{index}")
        elif old != new:
            missing.append(f"{path}: {old!r} is now {new!r}")

    compare(expected, as_json(definition.to_dict()), "template")
    assert missing == []
