"""The Word documents: opened with python-docx and read back, they hold the whole form as
the PDF does (real headings, numbered questions, tables with Yes/No columns, the plan,
the sign-off block), the depersonalised one without any of the personal data the PDF's
removes; the API and the pages serve them to the same people as the PDFs."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from functools import cache

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlalchemy import select

from ehria.documents import depersonalise, redactions_for, render_html
from ehria.extensions import db
from ehria.models import SignedRecord
from ehria.screening import screen
from ehria.word_document import DOCX_MIMETYPE, render_docx
from tests.integration.test_documents import (
    CHAIR_SIGNATURE,
    DEFINITION,
    LEAD_SIGNATURE,
    PERSONAL_DATA,
    RECORD_HASH,
    SHORT_BREAKS,
    TICK,
    assert_in_order,
    expected_sequence,
    source,
    squash,
)

PLAN = "report.improvement_plan"
CHARACTERISTICS = "screening.protected_characteristics"


@cache
def word(kind: str) -> bytes:
    """Example 02 as "full" or "depersonalised" drafts, or "signed" (full, signed off)."""
    if kind == "signed":
        return render_docx(source(signatures=(LEAD_SIGNATURE, CHAIR_SIGNATURE)),
                           signed=True, sha256=RECORD_HASH)
    return render_docx(source(), depersonalised=kind == "depersonalised")


def opened(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def cells_of(row) -> list[str]:
    """A row's cells, a merged cell once (python-docx repeats it for each grid column)."""
    seen, texts = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            texts.append(cell.text)
    return texts


def body_lines(document) -> list[str]:
    """The body in order: each paragraph, and each table cell row by row."""
    lines = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            lines.append(Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            for row in Table(element, document).rows:
                lines.extend(cells_of(row))
    return lines


def text_of(kind: str) -> str:
    return squash("\n".join(body_lines(opened(word(kind)))))


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def package_text(data: bytes) -> str:
    """Every part of the package (body, headers, footers, properties) as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "".join(package.read(name).decode("utf-8", "replace")
                       for name in package.namelist() if name.endswith((".xml", ".rels")))


def table_starting(document, header: list[str]) -> Table:
    found = [t for t in document.tables if cells_of(t.rows[0])[:len(header)] == header]
    assert len(found) >= 1, header
    return found[0]


# -- the full document --------------------------------------------------------------------


def test_the_full_document_holds_every_label_row_and_answer_in_form_order():
    assert assert_in_order(text_of("full"), expected_sequence(DEFINITION, SHORT_BREAKS)) > 200


def test_headings_are_word_headings_title_sections_steps_and_numbered_questions():
    document = opened(word("full"))
    outcome = screen(SHORT_BREAKS, DEFINITION)
    applying = [s for s in DEFINITION.sections if any(
        DEFINITION.applies(step, SHORT_BREAKS, outcome.report_required) for step in s.steps)]
    assert headings(document, 1) == [DEFINITION.title]
    assert headings(document, 2) == [s.title for s in applying] + [DEFINITION.sign_off.title]
    numbered = [f"{q.number}. {q.label}" for s in applying for step in s.steps
                if DEFINITION.applies(step, SHORT_BREAKS, outcome.report_required)
                for q in step.questions if q.number]
    assert [h for h in headings(document, 4) if re.match(r"\d+\. ", h)] == numbered
    assert len(numbered) >= 25  # Q1 to Q25 of a full report
    assert document.core_properties.title == SHORT_BREAKS["key_details"]["policy_name"]
    assert document.core_properties.author == ""


def test_the_characteristics_table_has_yes_no_columns_with_the_answer_ticked():
    document = opened(word("full"))
    field = DEFINITION.field(CHARACTERISTICS)
    marked = next(c for c in field.columns if c.choices and len(c.choices) == 2)
    table = next(t for t in document.tables if len(t.rows) > 2
                 and cells_of(t.rows[2])[0].startswith(field.rows[0].label))
    assert cells_of(table.rows[0])[1] == marked.label  # spans its Yes and No columns
    assert [c.text for c in table.rows[1].cells][1:3] == ["Yes", "No"]
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # header rows repeat per page
    for number, row in enumerate(field.rows, start=2):
        cells = [c.text for c in table.rows[number].cells]
        assert cells[0].startswith(row.label)
        chosen = SHORT_BREAKS["screening"]["protected_characteristics"][row.key][marked.key]
        assert cells[1:3] == [f"{TICK} Yes" if chosen == "yes" else "",
                              f"{TICK} No" if chosen == "no" else ""], row.key


def test_the_improvement_plan_is_a_table_of_its_rows():
    document = opened(word("full"))
    field = DEFINITION.field(PLAN)
    table = table_starting(document, [c.label for c in field.columns])
    written = SHORT_BREAKS["report"]["improvement_plan"]
    assert len(table.rows) == 1 + len(written)
    for row, answers in zip(table.rows[1:], written, strict=True):
        cells = cells_of(row)
        for column, cell in zip(field.columns, cells, strict=True):
            assert cell == column.kind.text(column, answers[column.key])


def test_the_sign_off_block_has_its_elements_and_the_signatures():
    lines = body_lines(opened(word("signed")))
    text = squash("\n".join(lines))
    assert_in_order(text, [
        ("anchor", DEFINITION.sign_off.title),
        ("anchor", "Equality and Human Rights Assessment Screening"), ("mark", "Yes"),
        ("anchor", "Equality and Human Rights Assessment Report"), ("mark", "Yes"),
        ("anchor", "1st Authorised Signature (EHRIA Lead Officer):"),
        ("text", "Priya Chauhan, Service Manager, Short Breaks"),
        ("text", "Date: 20 March 2026"),
        ("anchor", "2nd Authorised Signature (DEG Chair):"),
        ("text", "Sam Okafor, Chair, Departmental Equalities Group"),
        ("text", "Date: 2 April 2026"),
        ("text", f"The SHA-256 of the signed record is {RECORD_HASH}."),
    ])


def test_a_draft_says_draft_in_its_header_and_a_signed_one_gives_its_hash_instead():
    draft, signed = opened(word("full")), opened(word("signed"))
    assert draft.sections[0].header.paragraphs[0].text == "DRAFT"
    assert "DRAFT" not in signed.sections[0].header.paragraphs[0].text
    assert RECORD_HASH in signed.sections[0].footer.paragraphs[0].text
    assert "EHRIA-2026-0002 · Revision 3" in draft.sections[0].footer.paragraphs[0].text


def test_the_same_source_gives_the_same_bytes():
    assert render_docx(source()) == word("full")


# -- the depersonalised document -----------------------------------------------------------


def test_the_depersonalised_document_holds_none_of_the_personal_data_anywhere():
    everything = package_text(word("depersonalised"))
    for personal in PERSONAL_DATA:
        assert personal not in everything, personal
    assert "@example.gov.uk" not in everything
    assert "Priya Chauhan" in package_text(word("full"))  # the check can find a name


def test_it_removes_what_the_pdf_removes_and_prints_every_other_answer():
    redacted = depersonalise(source())
    text = text_of("depersonalised")
    assert assert_in_order(text, expected_sequence(DEFINITION, redacted.answers)) > 200
    items = redactions_for(source())
    assert len(items) >= 4
    html = render_html(source(), depersonalised=True)
    for item in items:  # the PDF's own HTML and the Word document agree
        assert squash(item["original"]) not in text
        assert squash(item["replacement"]) in text and item["replacement"] in html
    assert squash("Signed by the lead officer (Service Manager, Short Breaks) on "
                  "20 March 2026") in text


# -- served to the right people ------------------------------------------------------------


def start(api) -> int:
    response = api.post("/assessments", {"answers": copy.deepcopy(SHORT_BREAKS)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_the_api_serves_both_documents_to_the_same_people_as_the_pdfs(
    api_as, officer, factory
):
    author = api_as(officer)
    number = start(author)
    chair = api_as(factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor"))
    web = api_as(factory.user("web@example.gov.uk", "web_team", department=None))
    assert author.post(f"/assessments/{number}/submit", {"declaration": True}
                       ).status_code == 200

    draft = author.get(f"/assessments/{number}.docx")
    assert draft.status_code == 200 and draft.content_type == DOCX_MIMETYPE
    assert 'attachment; filename="' in draft.headers["Content-Disposition"]
    assert "-r1.docx" in draft.headers["Content-Disposition"]
    assert opened(draft.data).sections[0].header.paragraphs[0].text == "DRAFT"
    assert web.get(f"/assessments/{number}.docx").status_code == 404  # not signed yet
    assert chair.post(f"/assessments/{number}/sign-off", {}).status_code == 200
    record = db.session.scalar(select(SignedRecord).where(
        SignedRecord.assessment_id == number))

    full = chair.get(f"/assessments/{number}.docx")
    published = web.get(f"/assessments/{number}/published.docx")
    again = web.client.get(f"/api/v1/assessments/{number}/published.docx", headers={
        **web.headers, "If-None-Match": published.headers["ETag"]})

    assert web.get(f"/assessments/{number}.docx").status_code == 403
    assert full.status_code == 200 and record.sha256 in package_text(full.data)
    assert "Sam Okafor" in package_text(full.data)
    assert published.status_code == 200
    assert "-r1-published.docx" in published.headers["Content-Disposition"]
    assert record.sha256 in package_text(published.data)
    for personal in ("Priya Chauhan", "Sam Okafor"):
        assert personal not in package_text(published.data)
    assert again.status_code == 304
    assert api_as(None).get(f"/assessments/{number}.docx").status_code == 401


@pytest.mark.parametrize("path", ["document.docx", "published.docx"])
def test_the_pages_link_the_word_documents_beside_the_pdfs(client, api_as, officer, path):
    number = start(api_as(officer))
    client.post("/sign-in", data={"email": "officer@example.gov.uk",
                                  "password": "a-long-password"})
    pages = client.get(f"/assessments/{number}").get_data(as_text=True) + client.get(
        f"/assessments/{number}/redactions").get_data(as_text=True)
    assert f'href="/assessments/{number}/{path}"' in pages

    response = client.get(f"/assessments/{number}/{path}")

    assert response.status_code == 200 and response.content_type == DOCX_MIMETYPE
    lines = body_lines(opened(response.data))
    assert SHORT_BREAKS["key_details"]["policy_name"] in lines
    assert ("Priya Chauhan" in package_text(response.data)) == (path == "document.docx")


def test_every_field_type_names_a_word_layout_there_is():
    from ehria.form.types import REGISTRY
    from ehria.word_blocks import LAYOUTS

    assert {name: kind.word_layout for name, kind in REGISTRY.items()
            if kind.word_layout not in LAYOUTS} == {}
    assert set(LAYOUTS) == {kind.word_layout for kind in REGISTRY.values()}  # none unused


def test_characters_xml_cannot_hold_do_not_stop_the_document(api_as, officer):
    """JSON carries a vertical tab or an escape in an answer, which the API stores as
    text (it refuses only NULs and lone surrogates); the Word document shows each as
    U+FFFD rather than failing to be written."""
    answers = copy.deepcopy(SHORT_BREAKS)
    answers["policy"]["what_is_changing"] = "Merged\u000bunits\u001b and\ttabs\nkept"
    api = api_as(officer)
    response = api.post("/assessments", {"answers": answers})
    assert response.status_code == 201, response.get_json()

    document = api.get(f"/assessments/{response.get_json()['id']}.docx")

    assert document.status_code == 200
    assert "Merged\ufffdunits\ufffd and\ttabs\nkept" in body_lines(opened(document.data))
