"""Where an assessment stands: the status of each part of the task list, the next step to
go to, and what a page reveals as it is answered. Pure: reads the template, the answers
and the screening outcome.

The task list has one line per section, titled as the template says (`task_title`). A
section shown only on a condition (Section 3, when a report is required) cannot start
until the section it `starts_after` is complete, and is "Not needed" when its condition
does not hold, each with the template's own hint.
"""

from __future__ import annotations

from dataclasses import dataclass

from ehria.form import FormDefinition, Section, Step
from ehria.form.conditions import AnswerIs, AnyOf, Condition, Context, holds, needs_outcome
from ehria.form.paths import get_path
from ehria.screening import ScreeningOutcome

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
CANNOT_START = "Cannot start yet"
NOT_NEEDED = "Not needed"
CHECK_AND_SUBMIT = "check"  # the task list's last line: "Check and submit"


@dataclass(frozen=True)
class Task:
    title: str
    status: str
    step_key: str | None  # where the task's link goes; None when it cannot be opened
    hint: str | None = None


def applicable_steps(
    definition: FormDefinition, answers: dict, outcome: ScreeningOutcome
) -> list[Step]:
    return definition.steps_that_apply(answers, outcome.report_required)


def _answered_any(step: Step, answers: dict) -> bool:
    return any(f.kind.answered_any(f, get_path(answers, f.path)) for f in step.fields)


def _section_status(steps: list[Step], answers: dict, missing: list[str]) -> str:
    if not any(_answered_any(step, answers) for step in steps):
        return NOT_STARTED
    prefixes = tuple(f.path for step in steps for f in step.fields)
    if any(path == p or path.startswith(p + ".") for path in missing for p in prefixes):
        return IN_PROGRESS
    return COMPLETED


def _task(section: Section, steps: list[Step], answers: dict, outcome: ScreeningOutcome,
          completed: dict[str, bool]) -> Task | None:
    """The section's line; None leaves it off the list (a section that does not apply and
    says nothing of why, such as a review's "Since the last assessment")."""
    title = section.task_title or section.title
    if section.starts_after is not None and not completed.get(section.starts_after):
        return Task(title, CANNOT_START, None, section.cannot_start)
    if not holds(section.shown_when, Context(answers,
                                              report_required=outcome.report_required)):
        return Task(title, NOT_NEEDED, None, section.not_needed) if section.not_needed else None
    return Task(title, _section_status(steps, answers, outcome.missing),
                steps[0].key if steps else None)


def tasks(definition: FormDefinition, answers: dict, outcome: ScreeningOutcome) -> list[Task]:
    """The task list: one entry per section, then "Check and submit"."""
    steps = applicable_steps(definition, answers, outcome)
    result: list[Task] = []
    completed: dict[str, bool] = {}
    for section in definition.sections:
        task = _task(section, [s for s in steps if s.section_key == section.key], answers,
                     outcome, completed)
        if task is None:
            continue
        completed[section.key] = task.status == COMPLETED
        result.append(task)
    ready = not outcome.missing and not outcome.problems
    result.append(Task("Check and submit", NOT_STARTED if ready else CANNOT_START,
                       CHECK_AND_SUBMIT if ready else None,
                       None if ready else "Complete every section first."))
    return result


def next_step(
    definition: FormDefinition, answers: dict, outcome: ScreeningOutcome, current: str
) -> str | None:
    """The step after `current` among those that apply; None at the end."""
    keys = [s.key for s in applicable_steps(definition, answers, outcome)]
    if current in keys and keys.index(current) + 1 < len(keys):
        return keys[keys.index(current) + 1]
    return None


def previous_step(
    definition: FormDefinition, answers: dict, outcome: ScreeningOutcome, current: str
) -> str | None:
    keys = [s.key for s in applicable_steps(definition, answers, outcome)]
    if current in keys and keys.index(current) > 0:
        return keys[keys.index(current) - 1]
    return None


SCREENING_RESULT = "screening_result"  # a step's `then:` showing the screening outcome page


def after_screening_result(
    definition: FormDefinition, answers: dict, outcome: ScreeningOutcome
) -> str | None:
    """Where the screening result page continues: the step after the one that led to it
    (Section 3's first step when a report is required); None for the task list."""
    leading = next((s for s in definition.steps if s.then == SCREENING_RESULT), None)
    return next_step(definition, answers, outcome, leading.key) if leading else None


# -- what a page reveals as it is answered ----------------------------------------------

def _reveal_pairs(condition: Condition | None, step: Step) -> list[str] | None:
    """`name=value` pairs for the page's script when a condition is "any of these answers
    on this page has this value"; None when it is anything else (then the part is simply
    shown, and the server's rules decide)."""
    if condition is None or needs_outcome(condition):
        return None
    parts = condition.conditions if isinstance(condition, AnyOf) else (condition,)
    on_page = {f.path for f in step.fields}
    pairs = []
    for part in parts:
        if not isinstance(part, AnswerIs) or part.negate or part.path not in on_page:
            return None
        name = part.path.split(".", 1)[1]
        pairs += [f"{name}={value}" for value in part.values]
    return pairs


@dataclass(frozen=True)
class Reveal:
    question: list[str] | None  # pairs that reveal the question itself
    note: list[str] | None  # pairs that reveal its note


def reveals(step: Step) -> dict[int, Reveal]:
    """For each question of a step (by position) shown only on a condition of its page's
    own answers, what reveals it and its note."""
    found: dict[int, Reveal] = {}
    for index, question in enumerate(step.questions):
        reveal = Reveal(_reveal_pairs(question.shown_when, step),
                        _reveal_pairs(question.note_shown_when, step))
        if reveal.question or reveal.note:
            found[index] = reveal
    return found
