"""The assessment as a Word document (.docx), full or depersonalised.

Made with python-docx from the very context the PDF template is given
(`ehria.documents.document_context`): the same sections and steps, the same blocks of
answers, the same Section 4, and for the depersonalised one the same redacted answers and
signatures from `ehria.documents.depersonalise`, so the PDF and the Word document can
never disagree on what is removed. Only the layout is Word's: real headings (the title,
sections, steps and questions at levels 1 to 4, as the PDF's h1 to h4), tables with
header rows, and each field type's block laid out by ehria.word_blocks.

The bytes depend on the source alone: the package's timestamps are fixed and its
properties hold no author, so the same revision gives the same file (and ETag).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document as new_document
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ehria.document_layout import PrintedSection, format_date, question_blocks, role_words
from ehria.documents import DocumentSource, document_context
from ehria.form import Question, Step
from ehria.form.paths import get_path
from ehria.word_blocks import (
    LAYOUTS,
    NOT_ANSWERED,
    TICK,
    body_row,
    header_row,
    heading,
    new_table,
    paragraph,
    xml_safe,
)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "en-GB"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a ZIP entry can say


def render_docx(source: DocumentSource, *, depersonalised: bool = False,
                signed: bool = False, sha256: str | None = None) -> bytes:
    """The assessment as a .docx; "DRAFT" in every page's header unless `signed`."""
    context = document_context(source, depersonalised=depersonalised, signed=signed,
                               sha256=sha256)
    doc = new_document()
    _properties(doc, context)
    _page_furniture(doc, context)
    _title_block(doc, context)
    for printed in context["sections"]:
        _section(doc, printed, context)
    if context["wording"]:
        _sign_off(doc, context)
    return _fixed_package(doc)


def _properties(doc: Document, context: dict[str, Any]) -> None:
    """Title, subject and language for assistive technology and search; no author."""
    properties = doc.core_properties
    properties.title = xml_safe(context["title"])
    properties.subject = context["definition"].title
    properties.keywords = context["reference"]
    properties.language = LANGUAGE
    properties.author = properties.last_modified_by = properties.comments = ""
    properties.revision = context["revision"]
    core = properties._element
    for tag in ("dcterms:created", "dcterms:modified"):  # python-docx's template's dates
        for element in core.findall(qn(tag)):
            core.remove(element)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LANGUAGE)
    doc.styles["Normal"].element.get_or_add_rPr().append(language)


def _reference_line(context: dict[str, Any]) -> str:
    line = f"{context['reference']} · Revision {context['revision']}"
    return line + (" · Depersonalised" if context["depersonalised"] else "")


def _page_furniture(doc: Document, context: dict[str, Any]) -> None:
    section = doc.sections[0]
    if context["draft"]:
        section.header.paragraphs[0].add_run("DRAFT").bold = True
    footer = section.footer.paragraphs[0]
    footer.text = xml_safe(_reference_line(context))
    if context["sha256"]:
        footer.add_run(f"\nSigned record SHA-256: {context['sha256']}")


def _title_block(doc: Document, context: dict[str, Any]) -> None:
    definition = context["definition"]
    heading(doc, definition.title, 1)
    paragraph(doc, context["title"], bold=True)
    paragraph(doc, _reference_line(context))
    if context["sha256"]:
        paragraph(doc, f"Signed record SHA-256: {context['sha256']}")
    if context["draft"]:
        paragraph(doc, "DRAFT: this assessment has not been signed off.", bold=True)
    if context["depersonalised"]:
        paragraph(doc, "Depersonalised version for publication: the names, telephone "
                       "numbers and e-mail addresses of the people involved have been "
                       "removed.", bold=True)
    for text in definition.introduction:
        paragraph(doc, text)


def _section(doc: Document, printed: PrintedSection, context: dict[str, Any]) -> None:
    section = printed.section
    heading(doc, section.title, 2)
    for text in section.intro:
        paragraph(doc, text)
    for entry in printed.steps:
        step = entry.step
        if entry.heading:
            heading(doc, entry.heading, 3)
        for text in step.intro:
            paragraph(doc, text)
        if section.layout == "table":
            _labelled_table(doc, step, context["answers"])
        else:
            for question in step.questions:
                _question(doc, question, context["answers"], step.heading)
        for text in step.note:
            paragraph(doc, text, italic=True)
    if section.prints_outcome:
        _outcome(doc, context)


def _question(doc: Document, question: Question, answers: Any, step_heading: str | None
              ) -> None:
    """As the PDF's `question` macro: a question that only repeats its step's heading
    (the improvement plan's) is not headed twice."""
    for text in question.intro:
        paragraph(doc, text)
    if question.number or not step_heading or not step_heading.endswith(question.label):
        number = f"{question.number}. " if question.number else ""
        heading(doc, number + question.label, 4)
    if question.hint:
        paragraph(doc, question.hint, italic=True)
    if question.link:
        paragraph(doc, f"{question.link['text']}: {question.link['href']}", italic=True)
    for block in question_blocks(question):
        LAYOUTS[block.kind.word_layout](doc, block, question, answers)
    for text in question.note:
        paragraph(doc, text, italic=True)


def _labelled_table(doc: Document, step: Step, answers: Any) -> None:
    """A section laid out as one table of labels and answers (the key details)."""
    table = new_table(doc, 2)
    for question in step.questions:
        lines = []
        for field in question.fields:
            value = field.kind.text(field, get_path(answers, field.path)) or NOT_ANSWERED
            lines.append(f"{field.label}: {value}" if len(question.fields) > 1 else value)
        body_row(table, [question.label, "\n".join(lines)])


def _outcome(doc: Document, context: dict[str, Any]) -> None:
    outcome, words = context["outcome"], context["definition"].rules.outcome
    heading(doc, "Screening outcome", 4)
    if outcome.report_required:
        paragraph(doc, f"{words.required} because:")
        for reason in outcome.reasons:
            paragraph(doc, reason.message, style="ListBullet")
    else:
        paragraph(doc, words.none_found)
    if outcome.problems:
        paragraph(doc, "These answers contradict each other and must be put right before "
                       "submission:")
        for problem in outcome.problems:
            paragraph(doc, problem.message, style="ListBullet")


def _sign_off(doc: Document, context: dict[str, Any]) -> None:
    """Section 4: the completed elements, then each authorised signature (by role and job
    title only in the depersonalised one), then the record's hash."""
    wording, sign_off = context["wording"], context["sign_off"]
    heading(doc, wording.title, 2)
    for text in wording.intro:
        paragraph(doc, text)
    heading(doc, wording.heading, 3)
    paragraph(doc, wording.elements_text)
    table = new_table(doc, 2)
    header_row(table, ["", "Completed"])
    for label, completed in sign_off["elements"]:
        body_row(table, [label, f"{TICK} Yes" if completed else "No"])
    for entry in sign_off["signatures"]:
        signature = entry["signature"]
        paragraph(doc, f"{entry['label']}:", bold=True)
        if signature is None:
            paragraph(doc, "Not yet signed")
            paragraph(doc, f"{wording.date_label}: ")
        elif context["depersonalised"]:
            job = f" ({signature['job_title']})" if signature.get("job_title") else ""
            paragraph(doc, f"Signed by {role_words(entry['role'])}{job} on "
                           f"{format_date(signature['at'])}")
        else:
            job = f", {signature['job_title']}" if signature.get("job_title") else ""
            paragraph(doc, f"{signature['name']}{job}")
            paragraph(doc, f"{wording.date_label}: {format_date(signature['at'])}")
    if context["sha256"]:
        paragraph(doc, f"The SHA-256 of the signed record is {context['sha256']}.")


def _fixed_package(doc: Document) -> bytes:
    """The saved package with every entry's timestamp fixed: the same document, the same
    bytes."""
    saved = io.BytesIO()
    doc.save(saved)
    fixed = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(fixed, "w") as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME),
                            source.read(entry), compress_type=zipfile.ZIP_DEFLATED)
    return fixed.getvalue()
