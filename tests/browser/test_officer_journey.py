"""The lead officer's journey (issue 4) in Chromium, as officers use it.

- Shared example 02 is entered page by page, every answer found by the label or legend the
  page shows, and the stored answers then equal the example's.
- axe-core checks every page of that journey, including pages showing validation errors.
- Example 01 is finished with the keyboard alone.
- Drafts save themselves with JavaScript, and a save that conflicts with another tab's
  newer save says so and loses neither text.

The wording the pages show (question numbers, labels, legends, choices) comes from the form
definition, so the helpers below look each answer up there: a page whose label or legend
differs from the form's wording makes `get_by_label`/`get_by_role` fail. The order of the
pages is written out by hand, so that it is checked rather than assumed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from ehria.examples import load_examples
from ehria.extensions import db
from ehria.form import Field, Question, Step, load_definition
from ehria.models import Assessment, User
from tests.browser.conftest import (
    PASSWORD,
    SignedInPage,
    assert_accessible,
    press_tab_until,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

DEFINITION = load_definition()
EXAMPLES = load_examples()
EXAMPLE_01 = EXAMPLES["01-departmental-plan-no-report"]["answers"]
EXAMPLE_02 = EXAMPLES["02-short-breaks-full-report"]["answers"]
CHOICE_TYPES = ("yn", "ynu", "impact", "likely_impact")

# The pages of example 02 after "Start assessment", in the order "Save and continue" takes
# the officer: (step key, the page's heading). Screening requires a full report, so
# Section 3 follows the screening result.
SECTION_1_AND_2 = [
    ("key-details", "Key details"),
    ("policy-definition", "Defining the policy"),
    ("equality-duty", "The Equality Act 2010 duty"),
    ("screening-start", "Is a full EHRIA already needed?"),
    ("research-consultation", "Research and consultation"),
    ("monitoring", "Monitoring impact"),
    ("protected-characteristics", "Potential impact on protected characteristics"),
    ("human-rights", "Potential impact on human rights"),
    ("decision", "Decision"),
]
SECTION_3 = [
    ("report-research", "Research and consultation"),
    ("recognised-impact", "Recognised impact on protected characteristics"),
    ("report-human-rights", "Recognised impact on human rights"),
    ("mitigation", "Mitigating and assessing the impact"),
    ("report-decision", "Making a decision"),
    ("report-monitoring", "Monitoring, evaluation and review"),
    ("improvement-plan", "Improvement plan"),
]


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def stored(assessment_id: int) -> Assessment:
    """The assessment as the database has it now (the live server wrote it)."""
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment is not None
    return assessment


def only_assessment() -> Assessment:
    db.session.expire_all()
    assessments = db.session.scalars(db.select(Assessment)).all()
    assert len(assessments) == 1, assessments
    return assessments[0]


# --- What the page calls each answer ---------------------------------------------------


def page_label(question: Question, field: Field) -> str:
    """The label or legend of a field as the step page shows it.

    A question with one field shows the question's number and wording as that field's
    label ("1. What is new ..."); a question with several shows a heading and then each
    field under its own label ("a) their current needs ...").
    """
    single = len(question.fields) == 1 and question.fields[0].label == question.label
    if single and question.number:
        return f"{question.number}. {field.label}"
    return field.label


def choose(scope: Page | Locator, legend: str, choice: str) -> None:
    """Select the radio labelled `choice` in the group whose legend is `legend`."""
    group = scope.get_by_role("group", name=legend, exact=True)
    group.get_by_role("radio", name=choice, exact=True).check()


def fill_date(scope: Page | Locator, legend: str, iso_date: str) -> None:
    year, month, day = iso_date.split("-")
    group = scope.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day", exact=True).fill(day.lstrip("0"))
    group.get_by_label("Month", exact=True).fill(month.lstrip("0"))
    group.get_by_label("Year", exact=True).fill(year)


def fill_table_row(page: Page, field: Field, row_key: str, cells: dict[str, Any]) -> None:
    """One row of a Q10/Q11-style table (or a comments-only table), by its row label."""
    row = field.row(row_key)
    answer_column = field.columns[0]
    if answer_column.key in ("affected", "engaged"):
        answer = cells.get(answer_column.key)
        if answer is not None:
            choose(page, f"{row.label}: {answer_column.label}",
                   answer_column.choice_label(answer))
        impact_legend = f"{row.label}: {field.column('impact').label}"
        impact = page.get_by_role("group", name=impact_legend, exact=True)
        if answer == "yes":
            # The kind of impact is shown only once "Yes" is chosen (hidden for "No").
            expect(impact).to_be_visible()
            impact.get_by_role("radio", name=field.column("impact").choice_label(
                cells["impact"]), exact=True).check()
        else:
            expect(impact).to_be_hidden()
    comments = cells.get("comments")
    if comments:
        page.get_by_label(f"{row.label}: {field.column('comments').label}",
                          exact=True).fill(comments)


def fill_plan(page: Page, field: Field, rows: list[dict[str, Any]]) -> None:
    """The improvement plan, one row at a time, adding rows with "Add another row"."""
    for index, cells in enumerate(rows, start=1):
        if index > 1:
            page.get_by_role("button", name="Add another row").click()
        group = page.get_by_role("group", name=f"Row {index}", exact=True)
        expect(group).to_be_visible()
        for column in field.columns:
            if cells.get(column.key):
                group.get_by_label(column.label, exact=True).fill(cells[column.key])


def fill_step(page: Page, step: Step, answers: dict[str, Any]) -> None:
    """Every answer of one step, found by what the page calls it."""
    section = answers.get(step.section_key) or {}
    for question in step.questions:
        for field in question.fields:
            value = section.get(field.key)
            if value is None:
                continue
            label = page_label(question, field)
            if field.type in CHOICE_TYPES:
                choose(page, label, field.choice_label(value))
            elif field.type == "department":
                choose(page, label, value)
            elif field.type == "date":
                fill_date(page, label, value)
            elif field.is_keyed_table:
                for row in field.rows:  # row by row, as an officer works down the table
                    fill_table_row(page, field, row.key, value.get(row.key) or {})
            elif field.is_list:
                fill_plan(page, field, value)
            else:
                page.get_by_label(label, exact=True).fill(value)


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def expect_step(page: Page, title: str) -> None:
    expect(heading(page)).to_have_text(title)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)


def expect_error(page: Page, message: str) -> Locator:
    """The GOV.UK error summary, focused, naming `message` as a link to the field."""
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    link = summary.get_by_role("link", name=message)
    expect(link).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    return link


def length_of(box: Locator) -> int:
    """How many characters a box holds (comparing 20,000 of them would flood the log)."""
    return box.evaluate("element => element.value.length")


# --- 1, 2 and 5: example 02 from sign-in to submission, axe on every page ---------------


def test_a_lead_officer_completes_example_02_by_the_labels_and_stores_it_exactly(
    signed_in_page: SignedInPage, officer: User
) -> None:
    answers = EXAMPLE_02
    page = signed_in_page(officer)
    expect(heading(page)).to_have_text("Your assessments")
    assert_accessible(page)

    # Start: the policy name and department first; a missing name is an error.
    page.get_by_role("button", name="Start a new assessment").click()
    expect(heading(page)).to_have_text("Start a new assessment")
    assert_accessible(page)
    page.get_by_role("button", name="Start assessment").click()
    expect_error(page, "Enter the name of policy being assessed")
    assert_accessible(page)
    page.get_by_label("Name of policy being assessed", exact=True).fill(
        answers["key_details"]["policy_name"])
    choose(page, "Department", answers["key_details"]["department"])
    page.get_by_role("button", name="Start assessment").click()

    # The task list of a new assessment.
    expect(heading(page)).to_have_text(answers["key_details"]["policy_name"])
    expect(page.get_by_text("Cannot start yet").first).to_be_visible()
    assert_accessible(page)
    assessment_id = only_assessment().id
    page.get_by_role("link", name="Key details").click()

    # Key details, first with a date that does not exist.
    expect_step(page, "Key details")
    assert_accessible(page)
    key_details = DEFINITION.step("key-details")
    fill_step(page, key_details, answers)
    fill_date(page, "Date EHRIA assessment started", "2026-02-31")
    save_and_continue(page)
    link = expect_error(page, "Date EHRIA assessment started must be a real date")
    # Nothing typed is lost: the impossible date and the other answers are still there.
    started = page.get_by_role("group", name="Date EHRIA assessment started", exact=True)
    expect(started.get_by_label("Day", exact=True)).to_have_value("31")
    expect(page.get_by_label("Section", exact=True)).to_have_value(
        answers["key_details"]["section"])
    assert_accessible(page)
    link.click()
    expect(started.get_by_label("Day", exact=True)).to_be_focused()
    fill_date(page, "Date EHRIA assessment started", answers["key_details"]["date_started"])
    save_and_continue(page)

    for step_key, title in SECTION_1_AND_2[1:]:
        expect_step(page, title)
        assert_accessible(page)
        if step_key == "protected-characteristics":
            fill_q10_with_an_over_long_comment_first(page, answers)
        else:
            fill_step(page, DEFINITION.step(step_key), answers)
        save_and_continue(page)

    # The screening result after Section 2, then on to Section 3.
    expect(heading(page)).to_have_text("A full EHRIA report is required")
    why = page.get_by_role("list").filter(has=page.get_by_role("link", name=re.compile("Q10")))
    expect(why.get_by_role("link", name=re.compile(r"Q10 Disability"))).to_have_attribute(
        "href", re.compile(r"/steps/protected-characteristics$"))
    assert_accessible(page)
    screenshot(page, "screening-result")
    page.get_by_role("button", name="Continue to Section 3").click()

    for step_key, title in SECTION_3:
        expect_step(page, title)
        assert_accessible(page)
        fill_step(page, DEFINITION.step(step_key), answers)
        if step_key == "improvement-plan":
            row_2 = page.get_by_role("group", name="Row 2", exact=True)
            expect(row_2).to_be_visible()
            assert_accessible(page)  # the page again, with the row added
            # Enter in a box saves and continues (it must not press "Remove row 1").
            row_2.get_by_label("By when", exact=True).press("Enter")
        else:
            save_and_continue(page)

    # The last step leads back to the task list, every section completed.
    expect(heading(page)).to_have_text(answers["key_details"]["policy_name"])
    for task in ("Key details", "Section 1: Defining the policy", "Section 2: Screening",
                 "Section 3: Full report"):
        item = page.locator(".govuk-task-list__item").filter(
            has=page.get_by_role("link", name=task, exact=True))
        expect(item.locator(".govuk-task-list__status")).to_have_text("Completed")
    assert_accessible(page)
    screenshot(page, "task-list")
    page.get_by_role("link", name="Check and submit").click()

    # Check your answers, the declaration, then the first signature.
    expect(heading(page)).to_have_text("Check your answers before submitting")
    expect(page.get_by_text(answers["report"]["summary"])).to_be_visible()
    expect(page.get_by_role("link", name="Change Date EHRIA assessment started")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "check-answers")
    page.get_by_role("button", name="Sign and submit").click()
    expect_error(page, "Confirm the declaration to submit the assessment")
    assert_accessible(page)
    page.get_by_label("I confirm that this assessment is complete and accurate",
                      exact=False).check()
    page.get_by_role("button", name="Sign and submit").click()

    reference = stored(assessment_id).reference
    panel = page.locator(".govuk-panel")
    expect(panel.get_by_role("heading", name="Assessment submitted")).to_be_visible()
    expect(panel).to_contain_text(re.compile(rf"Your reference is\s*{reference}"))
    expect(panel.locator("strong")).to_have_text(reference)  # markup, not shown as text
    assert_accessible(page)
    page.get_by_role("link", name="Back to your assessments").click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_role("cell", name="Submitted")).to_be_visible()
    assert_accessible(page)

    assessment = stored(assessment_id)
    assert assessment.status == "submitted"
    assert assessment.revision.answers == answers


def fill_q10_with_an_over_long_comment_first(page: Page, answers: dict[str, Any]) -> None:
    """Q10 row by row; a comment over 20,000 characters is refused, keeping all typed."""
    step = DEFINITION.step("protected-characteristics")
    table = answers["screening"]["protected_characteristics"]
    fill_step(page, step, answers)
    age_comments = page.get_by_label("Age: Comments", exact=True)
    age_comments.fill("x" * 20_001)
    # The box takes all of it (no maxlength cutting a paste short without a word).
    assert length_of(age_comments) == 20_001
    save_and_continue(page)

    link = expect_error(
        page, re.compile(r"^Q10 Age: comments\b.*must be 20,000 characters or fewer$"))
    assert length_of(age_comments) == 20_001  # nothing typed is lost
    disability = page.get_by_label("Disability: Comments", exact=True)
    expect(disability).to_have_value(table["disability"]["comments"])
    expect(page.get_by_role("group", name="Sex: Kind of impact", exact=True)
           .get_by_role("radio", name="Unknown", exact=True)).to_be_checked()
    assert_accessible(page)
    link.click()
    expect(age_comments).to_be_focused()
    screenshot(page, "q10-with-error")
    age_comments.fill(table["age"]["comments"])


# --- 3: the keyboard alone ---------------------------------------------------------------

# What the officer types and chooses in example 01; the rest is filled in through the API.
KEYBOARD_STEPS = ("research-consultation", "decision")
# Q8 is asked only after a "No" at Q5-Q7; example 01 answers them all Yes yet keeps the
# seed's "N/A" at Q8, which therefore comes through the API and is shown, not typed.
KEPT_FOR_THE_PAGE = {"screening.consultation_plan"}


def tab_to(page: Page, target: Locator, max_presses: int = 60) -> None:
    press_tab_until(page, target, max_presses=max_presses)
    expect(target).to_be_focused()


def is_focused(target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement")


def choose_with_keyboard(page: Page, legend: str, choice: str) -> None:
    """Tab into a radio group with nothing chosen, arrow to `choice`, Space to choose it."""
    group = page.get_by_role("group", name=legend, exact=True)
    target = group.get_by_role("radio", name=choice, exact=True)
    radios = group.get_by_role("radio")
    tab_to(page, radios.first)  # a group with nothing chosen is entered at its first radio
    for _ in range(radios.count()):
        if is_focused(target):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(target).to_be_checked()


def fill_step_with_keyboard(page: Page, step: Step, answers: dict[str, Any]) -> None:
    """A step's radios and boxes in page order, with Tab, the arrow keys, Space and typing."""
    section = answers[step.section_key]
    for question in step.questions:
        for field in question.fields:
            value = section.get(field.key)
            label = page_label(question, field)
            if value is None:
                continue
            if field.type in CHOICE_TYPES:
                choose_with_keyboard(page, label, field.choice_label(value))
            else:
                assert field.type == "text", f"{field.path}: not typed in this test"
                box = page.get_by_label(label, exact=True)
                if box.input_value() == value:
                    continue  # already there (see KEPT_FOR_THE_PAGE)
                tab_to(page, box)
                page.keyboard.type(value)
                expect(box).to_have_value(value)


def save_and_continue_with_keyboard(page: Page, max_presses: int = 60) -> None:
    tab_to(page, page.get_by_role("button", name="Save and continue"), max_presses)
    page.keyboard.press("Enter")


def test_an_officer_finishes_example_01_with_the_keyboard_alone(
    page: Page, officer: User, api_as
) -> None:
    answers = EXAMPLE_01
    # Sign in and start the assessment (policy name and department) by keyboard.
    page.goto("/sign-in")
    tab_to(page, page.get_by_label("Email address", exact=True))
    page.keyboard.type(officer.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Your assessments")
    tab_to(page, page.get_by_role("button", name="Start a new assessment"))
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Start a new assessment")
    tab_to(page, page.get_by_label("Name of policy being assessed", exact=True))
    page.keyboard.type(answers["key_details"]["policy_name"])
    department = page.get_by_role("group", name="Department", exact=True)
    # The officer's own department is chosen already; Tab stops on it, then the button.
    expect(department.get_by_role("radio", name=answers["key_details"]["department"],
                                  exact=True)).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Start assessment"))
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text(answers["key_details"]["policy_name"])

    # Everything but the steps done by keyboard below comes through the JSON API.
    assessment_id = only_assessment().id
    api = api_as(officer)
    version = api.get(f"/assessments/{assessment_id}").get_json()["version"]
    prefill = copy.deepcopy(answers)
    for step_key in KEYBOARD_STEPS:
        for field in DEFINITION.step(step_key).fields:
            if field.path not in KEPT_FOR_THE_PAGE:
                del prefill[field.path.split(".")[0]][field.key]
    response = api.patch(f"/assessments/{assessment_id}", {"answers": prefill}, version)
    assert response.status_code == 200, response.get_json()

    # Section 2 from its first page, by keyboard, to the screening result.
    tab_to(page, page.get_by_role("link", name="Section 2: Screening"))
    page.keyboard.press("Enter")
    expect_step(page, "Is a full EHRIA already needed?")
    save_and_continue_with_keyboard(page)
    expect_step(page, "Research and consultation")
    fill_step_with_keyboard(page, DEFINITION.step("research-consultation"), answers)
    save_and_continue_with_keyboard(page)
    expect_step(page, "Monitoring impact")
    save_and_continue_with_keyboard(page)
    expect_step(page, "Potential impact on protected characteristics")
    save_and_continue_with_keyboard(page, max_presses=120)  # past 11 rows of answers
    expect_step(page, "Potential impact on human rights")
    save_and_continue_with_keyboard(page, max_presses=120)  # past 15 articles
    expect_step(page, "Decision")
    fill_step_with_keyboard(page, DEFINITION.step("decision"), answers)
    save_and_continue_with_keyboard(page)

    expect(heading(page)).to_have_text("A full EHRIA report is not required")
    tab_to(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Check and submit"))
    page.keyboard.press("Enter")

    # Check your answers: back from the end of the page to the declaration, then submit.
    expect(heading(page)).to_have_text("Check your answers before submitting")
    submit = page.get_by_role("button", name="Sign and submit")
    declaration = page.get_by_role("checkbox", name=re.compile("^I confirm"))
    # back past the footer's four links (Help, Accessibility, Privacy, Cookies) first
    footer_links = page.locator(".govuk-footer a")
    expect(footer_links).to_have_count(4)
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(submit).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(declaration).to_be_focused()
    page.keyboard.press("Space")
    expect(declaration).to_be_checked()
    page.keyboard.press("Tab")
    expect(submit).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-panel").get_by_role(
        "heading", name="Assessment submitted")).to_be_visible()
    assessment = stored(assessment_id)
    assert assessment.status == "submitted"
    assert assessment.revision.answers == answers


# --- 4: autosave ------------------------------------------------------------------------

Q1 = "1. What is new or changed in the policy? What has changed and why?"
Q2 = ("2. Does this relate to any other policy within your department, the Council or "
      "with other partner organisations?")
Q3 = ("3. Who are the people/ groups (target groups) affected and what is the intended "
      "change or outcome for them?")
SAVED_AT = re.compile(r"^Saved at \d{2}:\d{2}:\d{2}$")
AUTOSAVE_WAIT_MS = 10_000  # the page waits 3 seconds after the last key before saving


@pytest.fixture
def page_in_indian_time(browser: Browser, browser_context_args: dict) -> Iterator[Page]:
    """A window whose clock is in India (UTC+5:30), unlike the server's UTC and London's
    winter time, so that "Saved at" can be seen to be in the officer's own time."""
    context = browser.new_context(**{**browser_context_args, "timezone_id": "Asia/Kolkata"})
    yield context.new_page()
    context.close()


def new_draft(api_as, officer: User) -> int:
    """A draft with only its key details, made through the API."""
    body = {"answers": {"key_details": copy.deepcopy(EXAMPLE_02["key_details"])}}
    response = api_as(officer).post("/assessments", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_draft_saves_itself_and_a_clashing_save_in_another_tab_loses_neither(
    signed_in_page: SignedInPage, page_in_indian_time: Page, officer: User, api_as
) -> None:
    assessment_id = new_draft(api_as, officer)
    url = f"/assessments/{assessment_id}/steps/policy-definition"
    first = page_in_indian_time
    sign_in(first, officer.email)
    first.goto(url)
    second = signed_in_page(officer)  # the same officer in a second window, opened now
    second.goto(url)

    # The first tab: typing, a pause, "Saved at ...", and the text is stored.
    first.get_by_label(Q1, exact=True).press_sequentially("Opening hours change.")
    first.get_by_label(Q3, exact=True).press_sequentially("Library users, first tab.")
    status = first.get_by_role("status")
    expect(status).to_have_text("Unsaved changes")
    expect(status).to_have_text(SAVED_AT, timeout=AUTOSAVE_WAIT_MS)
    saved = stored(assessment_id)
    saved_at = saved.updated_at.replace(tzinfo=saved.updated_at.tzinfo or UTC)
    expect(status).to_have_text(
        f"Saved at {saved_at.astimezone(ZoneInfo('Asia/Kolkata')):%H:%M:%S}")
    policy = saved.revision.answers["policy"]
    assert policy == {"what_is_changing": "Opening hours change.",
                      "target_groups": "Library users, first tab."}
    first.reload()
    expect(first.get_by_label(Q1, exact=True)).to_have_value("Opening hours change.")

    # The second tab still holds the version from before that save: its autosave is
    # refused, it says so, and its typing stays on the page.
    second.get_by_label(Q2, exact=True).press_sequentially("Library strategy 2026.")
    second.get_by_label(Q3, exact=True).press_sequentially("Library users, second tab.")
    second_status = second.get_by_role("status")
    expect(second_status).to_have_text(
        re.compile(r"^Not saved: someone else saved this assessment since you opened"),
        timeout=AUTOSAVE_WAIT_MS)
    assert stored(assessment_id).revision.answers["policy"] == policy
    expect(second.get_by_label(Q2, exact=True)).to_have_value("Library strategy 2026.")
    assert_accessible(second)

    # "Save and continue" there shows both: what the first tab saved fills the boxes the
    # second left blank; where both typed, the second keeps its own and sees the other.
    second.get_by_role("button", name="Save and continue").click()
    summary = second.locator(".govuk-error-summary")
    expect(summary).to_contain_text("changed by someone else")
    expect(second.get_by_label(Q1, exact=True)).to_have_value("Opening hours change.")
    expect(second.get_by_label(Q2, exact=True)).to_have_value("Library strategy 2026.")
    expect(second.get_by_label(Q3, exact=True)).to_have_value("Library users, second tab.")
    meanwhile = second.locator(".ehria-saved-meanwhile")
    expect(meanwhile.get_by_role("term")).to_have_text([re.compile(r"^Q3 Who are the people")])
    expect(meanwhile.get_by_role("definition")).to_have_text(["Library users, first tab."])
    assert_accessible(second)
    second.get_by_role("button", name="Save and continue").click()
    expect_step(second, "The Equality Act 2010 duty")
    assert stored(assessment_id).revision.answers["policy"] == {
        "what_is_changing": "Opening hours change.",
        "related_policies": "Library strategy 2026.",
        "target_groups": "Library users, second tab.",
    }


def test_pressing_save_while_an_autosave_is_on_its_way_is_not_a_conflict(
    signed_in_page: SignedInPage, officer: User, api_as
) -> None:
    assessment_id = new_draft(api_as, officer)
    page = signed_in_page(officer)
    page.goto(f"/assessments/{assessment_id}/steps/policy-definition")
    answered: list = []

    def hold_the_answer(route) -> None:
        answered.append((route, route.fetch()))  # saved on the server; the page waits

    page.route("**/autosave", hold_the_answer)
    page.get_by_label(Q1, exact=True).press_sequentially("Typed, then saved at once.")
    for _ in range(100):
        if answered:
            break
        page.wait_for_timeout(100)
    assert answered, "the page did not autosave"

    # Pressed while the autosave waits for its answer: the page holds the press back
    # (sent now, with the version from before the autosave, it would be refused as a
    # conflict with the officer's own autosave) and sends it once the answer is in.
    page.get_by_role("button", name="Save and continue").click()
    route, response = answered[0]
    route.fulfill(response=response)

    expect_step(page, "The Equality Act 2010 duty")
    assert stored(assessment_id).revision.answers["policy"] == {
        "what_is_changing": "Typed, then saved at once."}
