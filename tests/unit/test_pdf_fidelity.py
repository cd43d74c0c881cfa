"""The PDF keeps to the council's paper form (issue 12, "fidelity"): nothing that heads
what follows is left alone at the foot of a page, the improvement plan's heading is
printed once, every date reads "1 September 2026", Q21's "NB:" stays "NB:", and Q11 says
"(Please tick)" and links the Human Rights Act."""

from __future__ import annotations

import copy
import io
import re
from functools import cache

import pypdf
import pytest
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from ehria.documents import (
    PDF_STATIC_FOLDER,
    DocumentSource,
    LockedURLFetcher,
    render_html,
    render_pdf,
)
from ehria.examples import load_examples

EXAMPLES = load_examples()
SHORT_BREAKS = EXAMPLES["02-short-breaks-full-report"]["answers"]
# What must never end a page: headings, question labels, a field's label, a group row.
HEADS_SOMETHING = {"h1", "h2", "h3", "h4"}
HEADING_CLASSES = {"question-label", "field-label", "group"}


def source(answers: dict) -> DocumentSource:
    return DocumentSource(reference="EHRIA-2026-0002", revision=1, answers=answers)


def laid_out_pages(answers: dict):
    html = render_html(source(answers))
    return HTML(string=html, base_url=PDF_STATIC_FOLDER.as_uri() + "/",
                url_fetcher=LockedURLFetcher()).render().pages


def last_block(page) -> boxes.Box | None:
    """The last block (or table row) laid out on a page, in document order."""
    found = None

    def walk(box: boxes.Box) -> None:
        nonlocal found
        if isinstance(box, boxes.BlockBox | boxes.TableRowBox) and box.element is not None \
                and box.style["position"] != "fixed":
            found = box
        for child in getattr(box, "children", []):
            walk(child)

    walk(page._page_box)
    return found


def heads_something(box: boxes.Box) -> bool:
    classes = set((box.element.get("class") or "").split())
    return box.element_tag in HEADS_SOMETHING or bool(classes & HEADING_CLASSES)


@cache
def short_breaks_text() -> str:
    data = render_pdf(source(SHORT_BREAKS))
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def squash(text: str) -> str:
    return " ".join(text.split())


def lengthened(example: str, times: int) -> dict:
    """A worked example with each long answer written `times` over, so that page breaks
    fall in other places (without the PDF's break rules, each of these variants ends a
    page with a table's group row)."""
    answers = copy.deepcopy(EXAMPLES[example]["answers"])
    for section in ("policy", "screening", "report"):
        for key, value in (answers.get(section) or {}).items():
            if isinstance(value, str) and len(value) > 40:
                answers[section][key] = " ".join([value] * times)
    return answers


@pytest.mark.parametrize(("example", "times"), [
    ("01-departmental-plan-no-report", 1), ("02-short-breaks-full-report", 2),
    ("02-short-breaks-full-report", 4), ("02-short-breaks-full-report", 5),
])
def test_no_page_ends_with_a_heading_a_question_or_a_group_row(example, times):
    for answers in (lengthened(example, times),):
        pages = laid_out_pages(answers)
        assert len(pages) > 5
        ending = [(number, last.element_tag, last.element.get("class"))
                  for number, page in enumerate(pages, start=1)
                  if (last := last_block(page)) is not None and heads_something(last)]
        assert ending == []


def test_the_check_finds_a_heading_left_at_the_foot_of_a_page():
    """The same check on a page made to end with a heading fails, so it can fail."""
    html = ("<html><body style='margin:0'><div style='height:245mm'></div>"
            "<h3 style='break-after:auto;margin:0'>Alone</h3>"
            "<p style='margin:0;height:20mm'>Next page</p></body></html>")
    pages = HTML(string=html).render().pages
    assert len(pages) == 2 and heads_something(last_block(pages[0]))


def test_the_improvement_plans_heading_is_printed_once():
    assert squash(short_breaks_text()).count("Equality and human rights improvement plan") == 1


def test_every_date_reads_as_the_council_writes_it():
    text = squash(short_breaks_text())
    plan_dates = [row["by_when"] for row in SHORT_BREAKS["report"]["improvement_plan"]]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in plan_dates)
    for iso in plan_dates:
        assert iso not in text
    assert "1 July 2026" in text  # the plan's "By when", 2026-07-01
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)


def test_q21_keeps_its_nb_and_q11_its_tick_and_its_link():
    text = squash(short_breaks_text())
    assert "NB: i) If you have identified adverse impact" in text
    assert "Note: NB" not in text
    assert "protected characteristics? (Please tick)" in text
    assert "https://www.legislation.gov.uk/ukpga/1998/42/contents" in text
