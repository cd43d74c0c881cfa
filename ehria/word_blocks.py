"""How the Word document lays out one block of a question's answers, by the layout its
field type names (`FieldType.word_layout` in ehria.form.types): the Word counterpart of
the PDF's partials in templates/pdf/types/, given the same blocks (document_layout's
`question_blocks`) and the same answers (redacted already for the depersonalised one).

Tables keep their header rows as headers (repeated on each page, read as headers by
screen readers), and a chosen answer is a tick and its label in its own column, as the
council's paper form has boxes: "✔ Yes" under Yes, nothing under No.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from ehria.document_layout import Block, row_groups
from ehria.form import Choice, Question
from ehria.form.paths import get_path

TICK = "\u2714"
NOT_ANSWERED = "Not answered"
Answers = Mapping[str, Any]
# What XML 1.0 cannot hold, which an answer may (JSON allows "\u000b" and lone
# surrogates): lxml refuses the whole document for one of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text with each character XML cannot hold shown as U+FFFD, the replacement
    character: the answer stays readable and the document can be written."""
    return _NOT_XML.sub("\ufffd", text)


def paragraph(doc: Document, text: str, *, bold: bool = False, italic: bool = False,
              style: str | None = None) -> Paragraph:
    """A paragraph of plain text; its line breaks stay line breaks. `style` is a style
    id of python-docx's template ("Heading1" for "Heading 1"), set directly: python-docx
    resolves a style by name afresh for every paragraph by scanning the styles, which
    was half of a document's rendering time."""
    added = doc.add_paragraph()
    if style:
        added._p.style = style
    run = added.add_run(xml_safe(text))
    run.bold, run.italic = bold or None, italic or None
    return added


def heading(doc: Document, text: str, level: int) -> Paragraph:
    """A real Word heading (style "Heading <level>"), as the PDF's h1 to h4."""
    return paragraph(doc, text, style=f"Heading{level}")


def mark(value: object, choice: Choice) -> str:
    return f"{TICK} {choice.label}" if value == choice.value else ""


def new_table(doc: Document, columns: int) -> Table:
    table = doc.add_table(rows=0, cols=columns)
    table._tbl.tblStyle_val = "TableGrid"  # "Table Grid", without the lookup by name
    return table


def header_row(table: Table, texts: Sequence[str]) -> _Row:
    """A row of bold column headers, marked as a header row of the table."""
    row = table.add_row()
    for cell, text in zip(row.cells, texts, strict=True):
        set_text(cell, text, bold=True)
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)
    return row


def body_row(table: Table, texts: Sequence[str], *, first_bold: bool = True) -> _Row:
    row = table.add_row()
    for index, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
        set_text(cell, text, bold=first_bold and index == 0)
    return row


def set_text(cell: Any, text: str, *, bold: bool = False) -> None:
    """The cell's text, in the paragraph a new cell has; none for "", so that an empty
    cell stays empty and merges into its neighbour without leaving a blank line."""
    if not text:
        return
    run = cell.paragraphs[0].add_run(xml_safe(text))
    run.bold = bold or None


# -- the layouts --------------------------------------------------------------------------


def answer(doc: Document, block: Block, question: Question, answers: Answers) -> None:
    """One answer in words under its label (when the field's label is not the question's)."""
    field = block.fields[0]
    if field.label != question.label:
        paragraph(doc, field.label, bold=True)
    text = field.kind.text(field, get_path(answers, field.path))
    paragraph(doc, text or NOT_ANSWERED, italic=not text)


def marks(doc: Document, block: Block, question: Question, answers: Answers) -> None:
    """Neighbouring choices of one list as one grid: a column per choice, a tick in the
    one chosen; a lone field named as its question has no row header."""
    single = len(block.fields) == 1 and block.fields[0].label == question.label
    labels = [choice.label for choice in block.choices]
    table = new_table(doc, len(labels) + (0 if single else 1))
    header_row(table, labels if single else ["", *labels])
    for field in block.fields:
        value = get_path(answers, field.path)
        cells = [mark(value, choice) for choice in block.choices]
        body_row(table, cells if single else [field.label, *cells], first_bold=not single)


def keyed_table(doc: Document, block: Block, question: Question, answers: Answers) -> None:
    """Fixed rows (the protected characteristics, the articles): a column whose choices
    print as marks opens into a column per choice under its label; the others print
    their answer in words; row groups (Parts 1 and 2) head their rows."""
    field = block.fields[0]
    columns = field.columns
    spans = [len(c.choices) if c.kind.prints_as_marks(c) else 1 for c in columns]
    with_marks = any(c.kind.prints_as_marks(c) for c in columns)
    width = 1 + sum(spans)
    table = new_table(doc, width)
    top = header_row(table, [""] * width)
    under = header_row(table, [""] * width) if with_marks else None
    position = 1
    for column, span in zip(columns, spans, strict=True):
        if column.kind.prints_as_marks(column):
            for offset, choice in enumerate(column.choices):
                set_text(under.cells[position + offset], choice.label, bold=True)
            if span > 1:
                top.cells[position].merge(top.cells[position + span - 1])
        elif under is not None:
            top.cells[position].merge(under.cells[position])
        set_text(top.cells[position], column.label, bold=True)
        position += span
    if under is not None:
        top.cells[0].merge(under.cells[0])
    for group, rows in row_groups(field):
        if group:
            heading = body_row(table, [""] * width)
            heading.cells[0].merge(heading.cells[-1])
            set_text(heading.cells[0], group, bold=True)
        for row in rows:
            cells = [row.label + (f"\n{row.hint}" if row.hint else "")]
            for column in columns:
                value = get_path(answers, f"{field.path}.{row.key}.{column.key}")
                if column.kind.prints_as_marks(column):
                    cells += [mark(value, choice) for choice in column.choices]
                else:
                    cells.append(column.kind.text(column, value))
            body_row(table, cells)


def repeating_rows(doc: Document, block: Block, question: Question, answers: Answers
                   ) -> None:
    """Repeating rows (the improvement plan): as many rows as the officer wrote."""
    field = block.fields[0]
    table = new_table(doc, len(field.columns))
    header_row(table, [column.label for column in field.columns])
    rows = get_path(answers, field.path) or []
    for row in rows:
        body_row(table, [column.kind.text(column, get_path(row, column.key))
                         for column in field.columns], first_bold=False)
    if not rows:
        empty = body_row(table, [""] * len(field.columns), first_bold=False)
        empty.cells[0].merge(empty.cells[-1])
        set_text(empty.cells[0], NOT_ANSWERED)


LAYOUTS: dict[str, Callable[[Document, Block, Question, Answers], None]] = {
    "answer": answer,
    "marks": marks,
    "table": keyed_table,
    "rows": repeating_rows,
}
