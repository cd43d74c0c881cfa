"""Where an assessment stands: the status of each part of the task list, and the next
step to go to. Pure: reads the definition, the answers and the screening outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from ehria.answers import get_path, is_answered
from ehria.form_definition import FormDefinition, Step
from ehria.screening import CONSULTATION_QUESTIONS, ScreeningOutcome, step_applies

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
CANNOT_START = "Cannot start yet"
NOT_NEEDED = "Not needed"

TASKS = (
    ("key_details", "Key details"),
    ("policy", "Section 1: Defining the policy"),
    ("screening", "Section 2: Screening"),
    ("report", "Section 3: Full report"),
)


@dataclass(frozen=True)
class Task:
    title: str
    status: str
    step_key: str | None  # where the task's link goes; None when it cannot be opened
    hint: str | None = None


def _answered_any(step: Step, answers: dict) -> bool:
    return any(is_answered(get_path(answers, f.path)) for f in step.fields)


def _section_status(steps: list[Step], answers: dict, missing: list[str]) -> str:
    if not any(_answered_any(step, answers) for step in steps):
        return NOT_STARTED
    prefixes = tuple(f.path for step in steps for f in step.fields)
    if any(path == p or path.startswith(p + ".") for path in missing for p in prefixes):
        return IN_PROGRESS
    return COMPLETED


def applicable_steps(
    definition: FormDefinition, answers: dict, outcome: ScreeningOutcome
) -> list[Step]:
    return [s for s in definition.steps if step_applies(s, answers, outcome.report_required)]


def tasks(definition: FormDefinition, answers: dict, outcome: ScreeningOutcome) -> list[Task]:
    """The task list: one entry per section, then "Check and submit"."""
    steps = applicable_steps(definition, answers, outcome)
    result: list[Task] = []
    screening_done = False
    for section_key, title in TASKS:
        section_steps = [s for s in steps if s.section_key == section_key]
        first = section_steps[0].key if section_steps else None
        if section_key == "report":
            if not screening_done:
                result.append(Task(title, CANNOT_START, None,
                                   "Complete the screening in Section 2 first."))
            elif not outcome.report_required:
                result.append(Task(title, NOT_NEEDED, None,
                                   "The screening found that a full report is not required."))
            else:
                result.append(Task(title, _section_status(section_steps, answers,
                                                           outcome.missing), first))
            continue
        status = _section_status(section_steps, answers, outcome.missing)
        if section_key == "screening":
            screening_done = status == COMPLETED
        result.append(Task(title, status, first))
    ready = not outcome.missing and not outcome.problems
    result.append(Task("Check and submit", NOT_STARTED if ready else CANNOT_START,
                       "check" if ready else None,
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


# Parts of a page shown only after a "No" among other answers on the same page: Q8 asks
# why there was no consultation, and the Q9 note says monitoring must be set up.
MONITORING_QUESTIONS = ("screening.monitor_impact", "screening.open_feedback")
QUESTION_REVEALED_BY_NO = {"screening.consultation_plan": CONSULTATION_QUESTIONS}
NOTE_REVEALED_BY_NO = {"screening.monitor_impact": MONITORING_QUESTIONS}


def reveal_triggers(step: Step) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """For a step: which questions, and which questions' notes, a "No" reveals, keyed by
    the question's first field path, each with the form names of the fields that do it."""

    def names(paths: tuple[str, ...]) -> list[str]:
        return [path.split(".", 1)[1] for path in paths]

    firsts = {question.fields[0].path for question in step.questions}
    questions = {p: names(t) for p, t in QUESTION_REVEALED_BY_NO.items() if p in firsts}
    notes = {p: names(t) for p, t in NOTE_REVEALED_BY_NO.items() if p in firsts}
    return questions, notes
