"""A fixed corpus of answers for checking that the form's behaviour does not drift.

Before the form became data (issue 12) the screening outcome of every answers object in
this corpus, and the validation errors of every bad one, were recorded from the code as it
stood (tests/fixtures/golden/); tests/unit/test_golden_behaviour.py checks that the code
still gives exactly those. The corpus is derived deterministically from the worked
examples: each example, then each with one answer cleared, flipped or broken.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

from ehria.examples import load_examples

EXAMPLES = load_examples()


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, f"{path}.{index}")
    else:
        yield path, value


def _set(answers: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    target: Any = answers
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is None:
        target.pop(last, None)
    else:
        target[last] = value


CHOICE_SWAPS = {"yes": "no", "no": "yes", "unknown": "yes", "negative": "positive",
                "positive": "negative", "neutral": "unknown", "no_impact": "negative_or_unknown",
                "negative_or_unknown": "neutral"}


def screening_corpus() -> list[tuple[str, dict]]:
    """(name, answers): the examples, and each with one leaf cleared or its choice swapped."""
    corpus: list[tuple[str, dict]] = []
    for name, example in sorted(EXAMPLES.items()):
        answers = example["answers"]
        corpus.append((name, copy.deepcopy(answers)))
        for path, value in _leaves(answers):
            cleared = copy.deepcopy(answers)
            _set(cleared, path, None)
            corpus.append((f"{name} without {path}", cleared))
            if isinstance(value, str) and value in CHOICE_SWAPS:
                swapped = copy.deepcopy(answers)
                _set(swapped, path, CHOICE_SWAPS[value])
                corpus.append((f"{name} with {path}={CHOICE_SWAPS[value]}", swapped))
    rng = random.Random(12)  # noqa: S311 - a fixed corpus, not secrets
    base = EXAMPLES["02-short-breaks-full-report"]["answers"]
    choice_leaves = [(p, v) for p, v in _leaves(base) if isinstance(v, str) and v in CHOICE_SWAPS]
    for number in range(60):
        mixed = copy.deepcopy(base)
        for path, value in rng.sample(choice_leaves, 6):
            _set(mixed, path, rng.choice([CHOICE_SWAPS[value], value, None]))
        corpus.append((f"mixed {number}", mixed))
    return corpus


BAD_VALUES = [None, "", " ", "yes", "maybe", 7, True, [], {}, ["x"], {"x": 1}, "2026-02-30",
              "2026-01-01", "x" * 20_001, "line\nbreak"]


def validation_corpus() -> list[tuple[str, dict]]:
    """(name, answers): the short-breaks example with one leaf replaced by an odd value."""
    base = EXAMPLES["02-short-breaks-full-report"]["answers"]
    corpus: list[tuple[str, dict]] = []
    for path, _ in _leaves(base):
        for index, value in enumerate(BAD_VALUES):
            changed = copy.deepcopy(base)
            _set(changed, path, copy.deepcopy(value))
            corpus.append((f"{path} = bad[{index}]", changed))
    for extra in ("key_details.nope", "nope", "screening.protected_characteristics.nope",
                  "screening.protected_characteristics.age.nope", "report.improvement_plan"):
        changed = copy.deepcopy(base)
        _set(changed, extra, {"x": 1} if extra != "report.improvement_plan" else [1, {"y": 2}])
        corpus.append((f"{extra} = odd", changed))
    return corpus


def dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=1)


def record() -> None:
    """Write tests/fixtures/golden/ from the code as it is: only for a deliberate change
    of behaviour, committed on its own so that its diff shows what changed
    (`.venv/bin/python -m tests.golden_corpus`)."""
    from pathlib import Path

    from ehria.answers import validate_answers
    from ehria.form import load_definition
    from ehria.progress import applicable_steps, tasks
    from ehria.screening import screen

    folder = Path(__file__).resolve().parent / "fixtures" / "golden"
    definition = load_definition()

    def line(name: str, value: Any) -> str:
        return json.dumps({"case": name, "value": value}, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")) + "\n"

    with (folder / "screening.jsonl").open("w", encoding="utf-8") as out:
        for name, answers in screening_corpus():
            outcome = screen(answers, definition)
            out.write(line(name, {
                "outcome": outcome.to_dict(),
                "steps": [s.key for s in applicable_steps(definition, answers, outcome)],
                "tasks": [[t.title, t.status, t.step_key, t.hint]
                          for t in tasks(definition, answers, outcome)]}))
    departments = {"Children and Family Services", "Adults and Communities"}
    with (folder / "validation.jsonl").open("w", encoding="utf-8") as out:
        for name, answers in validation_corpus():
            out.write(line(name, validate_answers(answers, definition, departments)))
    (folder / "template.json").write_text(json.dumps(
        definition.to_dict(), sort_keys=True, ensure_ascii=False, indent=1) + "\n")
    labels = {}
    for _, answers in screening_corpus()[:3]:
        for path, _ in _leaves(answers):
            parts = path.split(".")
            for end in range(1, len(parts) + 1):
                prefix = ".".join(parts[:end])
                step = definition.step_for(prefix)
                labels[prefix] = [definition.label_for(prefix),
                                  definition.question_number_for(prefix),
                                  step.key if step else None]
    (folder / "labels.json").write_text(json.dumps(
        labels, sort_keys=True, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    record()
