"""Q8 appears only after a "No" at Q5-Q7, and the Q9 note only after a "No" at Q9."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def start_assessment(page) -> None:
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_label("Name of policy being assessed").fill("Library opening hours")
    page.get_by_role("button", name="Start assessment").click()


def test_q8_is_revealed_by_a_no_at_q5_to_q7(officer, signed_in_page):
    page = signed_in_page(officer)
    start_assessment(page)
    page.goto(page.url + "/steps/research-consultation")
    q8 = page.locator("#question-8")
    expect(q8).to_be_hidden()

    page.get_by_role("group", name="6.").get_by_label("No").check()

    expect(q8).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="6.").get_by_label("Yes").check()
    expect(q8).to_be_hidden()


def test_the_q9_note_is_revealed_by_a_no_at_q9(officer, signed_in_page):
    page = signed_in_page(officer)
    start_assessment(page)
    page.goto(page.url + "/steps/monitoring")
    note = page.get_by_text("you will need to ensure that monitoring systems")
    expect(note).to_be_hidden()

    page.get_by_role("group", name="b) enable open feedback").get_by_label("No").check()

    expect(note).to_be_visible()
    assert_accessible(page)
