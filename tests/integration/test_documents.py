"""The assessment PDFs: read back with pypdf, they hold the whole form and every answer
(the depersonalised one without the personal data), are tagged and safe to render, and
the API serves them to the right people.

Example 02 is rendered once per module (rendering takes about a second each).
"""

from __future__ import annotations

import copy
import io
import re
import socket
import sys
from collections.abc import Iterator
from functools import cache

import pypdf
import pytest
from sqlalchemy import select

from ehria.demo import load_examples
from ehria.documents import (
    PDF_STATIC_FOLDER,
    DocumentSource,
    LockedURLFetcher,
    RefusedURL,
    SignedDocuments,
    render_documents_for_signing,
    render_pdf,
    sha256_of,
)
from ehria.extensions import db
from ehria.form import Field, FormDefinition, load_definition
from ehria.models import Assessment, SignedRecord
from ehria.redaction import redact
from ehria.screening import screen

EXAMPLES = load_examples()
SHORT_BREAKS = EXAMPLES["02-short-breaks-full-report"]["answers"]
NO_REPORT = EXAMPLES["01-departmental-plan-no-report"]["answers"]
DEFINITION = load_definition()
LEAD_SIGNATURE = {
    "role": "lead_officer", "name": "Priya Chauhan",
    "job_title": "Service Manager, Short Breaks", "at": "2026-03-20T10:00:00+00:00",
}
CHAIR_SIGNATURE = {
    "role": "deg_chair", "name": "Sam Okafor",
    "job_title": "Chair, Departmental Equalities Group", "at": "2026-04-02T15:30:00+00:00",
}
RECORD_HASH = "3f" * 32
PERSONAL_DATA = (
    "Priya Chauhan", "Chauhan", "Tom Ellis", "Ellis", "tom.ellis@example.gov.uk",
    "0116 305 0000", "Sam Okafor", "Okafor",
)
TICK = "\u2714"


# -- rendering once, reading back ----------------------------------------------------------


def source(answers: dict = SHORT_BREAKS, signatures=(LEAD_SIGNATURE,)) -> DocumentSource:
    return DocumentSource(
        "EHRIA-2026-0002", 3, answers, signatures=list(signatures), known_names=["Sam Okafor"]
    )


@cache
def signed_documents() -> SignedDocuments:
    return render_documents_for_signing(
        source(signatures=(LEAD_SIGNATURE, CHAIR_SIGNATURE)), RECORD_HASH
    )


@cache
def pdf(kind: str) -> bytes:
    """Example 02 as "full" or "depersonalised" drafts, or "signed" (full, signed off)."""
    if kind == "signed":
        return signed_documents().full_pdf
    return render_pdf(source(), depersonalised=kind == "depersonalised")


@cache
def pages(kind: str) -> tuple[str, ...]:
    return tuple(page_texts(pdf(kind)))


def squash(text: str) -> str:
    """Text without any white space: lines wrap (even after hyphens) where they will."""
    return re.sub(r"\s+", "", text)


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    """All of a PDF's text, squashed, page furniture included."""
    return squash("".join(page_texts(data)))


def whole_text(kind: str) -> str:
    return body_text(pages(kind))


def body_text(page_texts: tuple[str, ...] | list[str]) -> str:
    """The pages' text joined without their furniture, which would split answers running
    over a page break: the DRAFT mark, the running head, and the footer lines.
    """
    total = len(page_texts)
    body = []
    for number, text in enumerate(page_texts, start=1):
        text = squash(text)
        for furniture in (f"Page{number}of{total}", "DRAFT", *running_heads()):
            head, found, tail = text.rpartition(furniture)
            text = head + tail if found else text
        body.append(text)
    return "".join(body)


def running_heads() -> tuple[str, ...]:
    """What the templates put in every page's margins: the policy name, reference lines."""
    return (
        squash(f"Signed record SHA-256: {RECORD_HASH}"),
        squash(SHORT_BREAKS["key_details"]["policy_name"]),
        squash(NO_REPORT["key_details"]["policy_name"]),
        squash("EHRIA-2026-0002 · Revision 3"),
    )


# -- what the form says, in the order the PDF must say it ---------------------------------


def expected_sequence(definition: FormDefinition, answers: dict) -> Iterator[tuple[str, str]]:
    """("anchor", label), ("text", answer) and ("mark", chosen label) in document order."""
    outcome = screen(answers, definition)
    for section in definition.sections:
        for step in section.steps:
            if not definition.applies(step, answers, outcome.report_required):
                continue
            for question in step.questions:
                number = f"{question.number}. " if question.number else ""
                yield "anchor", number + question.label
                for f in question.fields:
                    yield from _expected_field(f, question.label, answers)


def _expected_field(f: Field, question_label: str, answers: dict):
    value = _get(answers, f.path)
    if f.choices:
        if f.label != question_label:
            yield "anchor", f.label
        if value:
            yield "mark", f.choice_label(value)
    elif f.is_keyed_table:
        for row in f.rows:
            yield "anchor", row.label
            for column in f.columns:
                cell = _get(answers, f"{f.path}.{row.key}.{column.key}")
                if cell and column.type in ("yn", "ynu"):
                    yield "mark", column.choice_label(cell)
                elif cell:
                    yield "text", column.choice_label(cell) or cell
    elif f.is_list:
        for row in value or []:
            for column in f.columns:
                yield "text", _in_words(row[column.key])  # "By when" dates in words too
    else:
        if f.label != question_label:
            yield "anchor", f.label
        yield "text", _printed(f, value)


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def _in_words(value: str) -> str:
    """An ISO date as the council writes it ("1 September 2026"); other text as it is."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        year, month, day = value.split("-")
        return f"{int(day)} {MONTHS[int(month) - 1]} {year}"
    return value


def _printed(f: Field, value: str | None) -> str:
    return _in_words(value) if value else "Not answered"


def _get(answers: dict, path: str):
    value = answers
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def assert_in_order(text: str, sequence: Iterator[tuple[str, str]]) -> int:
    """Each expected piece is found after the previous one; a mark is the next tick."""
    position, checked = 0, 0
    for kind, expected in sequence:
        if kind == "mark":
            tick = text.find(TICK, position)
            assert text.startswith(squash(f"{TICK} {expected}"), tick), (
                f"expected {TICK} {expected} next, found {text[tick:tick + 40]!r}"
            )
            position = tick + 1
        else:
            found = text.find(squash(expected), position)
            assert found >= 0, f"{kind} missing after position {position}: {expected!r}"
            position = found + len(squash(expected))
        checked += 1
    return checked


# -- the full PDF -----------------------------------------------------------------------------


def test_full_pdf_prints_every_label_row_and_answer_of_example_02_in_form_order():
    checked = assert_in_order(whole_text("full"), expected_sequence(DEFINITION, SHORT_BREAKS))
    assert checked > 200


def test_full_pdf_prints_every_characteristic_and_article_row_in_both_sections():
    text = whole_text("full")
    for path in ("screening.protected_characteristics", "screening.human_rights",
                 "report.recognised_impact", "report.human_rights"):
        table = DEFINITION.field(path)
        for group in {row.group for row in table.rows} - {None}:
            assert squash(group) in text
        assert_in_order(text, (("anchor", row.label) for row in table.rows))


def test_full_pdf_gives_the_screening_reasons_and_the_sign_off_block():
    text = whole_text("full")
    for reason in screen(SHORT_BREAKS, DEFINITION).reasons:
        assert squash(reason.message) in text
    assert_in_order(text, [
        ("anchor", "Section 4: Sign off and scrutiny"),
        ("anchor", "Equality and Human Rights Assessment Screening"),
        ("mark", "Yes"),
        ("anchor", "Equality and Human Rights Assessment Report"),
        ("mark", "Yes"),
        ("anchor", "1st Authorised Signature (EHRIA Lead Officer):"),
        ("text", "Priya Chauhan, Service Manager, Short Breaks"),
        ("text", "Date: 20 March 2026"),
        ("anchor", "2nd Authorised Signature (DEG Chair):"),
        ("text", "Date:"),
    ])


def test_every_page_is_a4_and_its_footer_gives_reference_revision_and_page_n_of_m():
    reader = pypdf.PdfReader(io.BytesIO(pdf("full")))
    total = len(reader.pages)
    assert total >= 8
    for number, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595, 842)
        text = squash(page.extract_text())
        assert squash(f"Page {number} of {total}") in text
        assert squash("EHRIA-2026-0002 · Revision 3") in text


def test_unsigned_pdfs_say_draft_on_every_page():
    for kind in ("full", "depersonalised"):
        assert all("DRAFT" in page for page in pages(kind)), kind


def test_a_signed_pdf_has_no_draft_mark_and_prints_the_record_hash_on_every_page():
    assert not any("DRAFT" in page for page in pages("signed"))
    assert all(RECORD_HASH in squash(page) for page in pages("signed"))
    assert_in_order(whole_text("signed"), [
        ("anchor", "2nd Authorised Signature (DEG Chair):"),
        ("text", "Sam Okafor, Chair, Departmental Equalities Group"),
        ("text", "Date: 2 April 2026"),
    ])


def test_section_3_is_printed_only_when_a_report_is_required():
    report = DEFINITION.section("report")
    report_intro = squash(report.intro[0])
    first_report_question = squash(report.steps[0].questions[0].label)
    assert report_intro in whole_text("full")
    assert first_report_question in whole_text("full")

    text = body_text(page_texts(render_pdf(source(NO_REPORT))))
    assert report_intro not in text
    assert first_report_question not in text
    assert squash(DEFINITION.field("report.improvement_plan").columns[0].label) not in text
    assert_in_order(text, expected_sequence(DEFINITION, NO_REPORT))


# -- accessibility ----------------------------------------------------------------------------


def structure_elements(reader: pypdf.PdfReader) -> Iterator[pypdf.generic.DictionaryObject]:
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if not isinstance(node, pypdf.generic.DictionaryObject):
            continue
        yield node
        kids = node.get("/K")
        if isinstance(kids, pypdf.generic.ArrayObject):
            stack.extend(kids)
        elif kids is not None:
            stack.append(kids)


def test_the_pdf_is_tagged_in_english_with_the_policy_name_as_title():
    reader = pypdf.PdfReader(io.BytesIO(pdf("full")))
    root = reader.trailer["/Root"]

    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == SHORT_BREAKS["key_details"]["policy_name"]
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_headings_and_table_headers_are_tagged_and_every_header_has_a_scope():
    elements = list(structure_elements(pypdf.PdfReader(io.BytesIO(pdf("full")))))
    kinds = {element.get("/S") for element in elements}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD"} <= kinds

    headers = [e for e in elements if e.get("/S") == "/TH"]
    assert {h["/A"]["/Scope"] for h in headers} == {"/Row", "/Column"}


# -- the depersonalised PDF -------------------------------------------------------------------


def test_depersonalised_pdf_holds_none_of_the_personal_data():
    text = "".join(pages("depersonalised"))
    for personal in PERSONAL_DATA:
        assert squash(personal) not in squash(text), personal
    assert "@example.gov.uk" not in text


def test_depersonalised_pdf_prints_every_other_answer_as_the_redactions_preview_says():
    redacted = redact(SHORT_BREAKS, known_names=["Sam Okafor"], signatures=[LEAD_SIGNATURE])
    assert_in_order(
        whole_text("depersonalised"), expected_sequence(DEFINITION, redacted.answers)
    )
    for path in ("key_details.lead_officer_job_title", "key_details.implementing_officers",
                 "report.summary"):
        assert squash(_get(SHORT_BREAKS, path)) in whole_text("depersonalised")


def test_depersonalised_signatures_keep_role_job_title_and_date():
    assert squash(
        "Signed by the lead officer (Service Manager, Short Breaks) on 20 March 2026"
    ) in whole_text("depersonalised")


def test_documents_for_signing_come_with_the_hashes_of_their_own_bytes():
    documents = signed_documents()
    assert documents.full_pdf_sha256 == sha256_of(documents.full_pdf)
    assert documents.published_pdf_sha256 == sha256_of(documents.published_pdf)
    published = pdf_text(documents.published_pdf)
    assert RECORD_HASH in published and "DRAFT" not in published
    assert squash("Okafor") not in published


# -- rendering safety -------------------------------------------------------------------------

HOSTILE = {
    "what_is_changing": '<b>bold</b> <script>alert("x")</script>\n'
    '<style>@import url("https://example.com/x.css");</style>',
    "related_policies": '@import url("file:///etc/hostname"); '
    "body { background: url(http://example.com/b.png) }",
    "target_groups": '<img src="http://example.com/pixel.png" alt="pixel"> '
    '<link rel="stylesheet" href="http://example.com/s.css">',
    "equality_duty_how": 'See file:///etc/hostname and <iframe src="file:///etc/passwd"></iframe>',
}


class RecordingFetcher(LockedURLFetcher):
    """The locked fetcher, writing down every URL the renderer asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        return super().fetch(url, headers)


class Watch:
    """Python audit events for file opens and network use, while switched on."""

    events: list[tuple[str, object]] | None = None

    @classmethod
    def hook(cls, event: str, args: tuple) -> None:
        if cls.events is not None and event in (
            "open", "socket.connect", "socket.getaddrinfo", "urllib.Request"
        ):
            cls.events.append((event, args[0] if args else None))


sys.addaudithook(Watch.hook)  # cannot be removed; records nothing unless switched on


def test_hostile_answers_are_printed_as_text_and_nothing_outside_static_pdf_is_fetched(
    monkeypatch,
):
    def no_network(*args, **kwargs):
        raise AssertionError("the renderer tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    answers = copy.deepcopy(SHORT_BREAKS)
    answers["policy"].update(HOSTILE)
    fetcher = RecordingFetcher()

    Watch.events = []
    try:
        data = render_pdf(source(answers), url_fetcher=fetcher)
    finally:
        events, Watch.events = Watch.events, None

    text = body_text(page_texts(data))
    for answer in HOSTILE.values():
        assert squash(answer) in text
    assert fetcher.asked == [(PDF_STATIC_FOLDER / "document.css").as_uri()]
    opened = {str(path) for event, path in events if event == "open"}
    assert opened <= {str(PDF_STATIC_FOLDER / "document.css")}
    assert not [event for event, _ in events if event != "open"]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/style.css",
        "https://example.com/font.woff2",
        "ftp://example.com/x",
        "file:///etc/hostname",
        "file:///etc/passwd",
        (PDF_STATIC_FOLDER / ".." / "css" / "council.css").as_uri(),
        PDF_STATIC_FOLDER.as_uri() + "/../../ehria/documents.py",
        PDF_STATIC_FOLDER.as_uri() + "/missing.css",
        "file://otherhost" + str(PDF_STATIC_FOLDER / "document.css"),
    ],
)
def test_the_url_fetcher_refuses_the_network_and_files_outside_static_pdf(url):
    with pytest.raises(RefusedURL):
        LockedURLFetcher().fetch(url)


def test_the_url_fetcher_refuses_a_symbolic_link_leading_out_of_static_pdf(tmp_path):
    link = PDF_STATIC_FOLDER / f"test-link-{tmp_path.name}.css"
    link.symlink_to("/etc/hostname")
    try:
        with pytest.raises(RefusedURL):
            LockedURLFetcher().fetch(link.as_uri())
    finally:
        link.unlink()


def test_the_url_fetcher_serves_static_pdf_files_and_data_urls():
    css = LockedURLFetcher().fetch((PDF_STATIC_FOLDER / "document.css").as_uri())
    assert b"@page" in css.read() and css.content_type == "text/css"
    data = LockedURLFetcher().fetch("data:text/plain;base64,SGVsbG8=")
    assert data.read() == b"Hello"


# -- the API ------------------------------------------------------------------------------------


def start(api, answers: dict = SHORT_BREAKS) -> dict:
    response = api.post("/assessments", {"answers": copy.deepcopy(answers)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def submit(api, assessment: dict) -> None:
    response = api.post(f"/assessments/{assessment['id']}/submit", {"declaration": True})
    assert response.status_code == 200, response.get_json()


def test_an_author_downloads_the_full_draft_pdf_of_the_current_revision(api_as, officer):
    api = api_as(officer)
    created = start(api)

    response = api.get(f"/assessments/{created['id']}.pdf")

    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert f'filename="{created["reference"]}-r1.pdf"' in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "DRAFT" in text and squash("Priya Chauhan") in text
    assert squash(f"{created['reference']} · Revision 1") in text


def test_documents_need_a_token(client):
    for path in ("/assessments/1.pdf", "/assessments/1/published.pdf",
                 "/assessments/1/redactions"):
        assert client.get("/api/v1" + path).status_code == 401


def test_documents_of_an_assessment_you_may_not_see_are_not_found(api_as, officer, factory):
    created = start(api_as(officer))
    stranger = api_as(factory.user("other@example.gov.uk", "lead_officer", name="Ann Other"))
    web_team = api_as(factory.user("web@example.gov.uk", "web_team", department=None))
    for api in (stranger, web_team):  # the web team sees only what is signed off
        for suffix in (".pdf", "/published.pdf", "/redactions"):
            assert api.get(f"/assessments/{created['id']}{suffix}").status_code == 404
    assert stranger.get("/assessments/999999.pdf").status_code == 404


def test_the_departments_chair_previews_redactions_and_the_published_pdf_once_submitted(
    api_as, officer, factory
):
    author = api_as(officer)
    created = start(author)
    chair = api_as(factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor"))
    assert chair.get(f"/assessments/{created['id']}/redactions").status_code == 404
    submit(author, created)

    redactions = chair.get(f"/assessments/{created['id']}/redactions")
    published = chair.get(f"/assessments/{created['id']}/published.pdf")

    assert redactions.status_code == 200
    items = redactions.get_json()
    assert {"path": "key_details.lead_officer_name", "original": "Priya Chauhan",
            "replacement": "[name removed]", "label": "Name of lead officer"} in items
    assert {item["path"] for item in items} >= {
        "key_details.contact_telephone", "key_details.other_contributors",
        "signatures.lead_officer.name",
    }
    assert published.status_code == 200 and published.content_type == "application/pdf"
    text = pdf_text(published.data)
    for item in items:
        assert squash(item["original"]) not in text
    assert squash("Signed by the lead officer") in text


def test_an_admin_who_is_not_involved_may_read_but_not_prepare_the_publication(
    api_as, officer, factory
):
    created = start(api_as(officer))
    admin = api_as(factory.user("admin@example.gov.uk", "admin", department=None))
    assert admin.get(f"/assessments/{created['id']}/redactions").status_code == 403
    assert admin.get(f"/assessments/{created['id']}/published.pdf").status_code == 403


def test_after_sign_off_the_pdf_has_no_draft_mark_and_prints_the_record_hash(
    api_as, officer, factory
):
    author = api_as(officer)
    created = start(author)
    submit(author, created)
    chair = api_as(factory.user("chair@example.gov.uk", "deg_chair", name="Sam Okafor"))
    signed = chair.post(f"/assessments/{created['id']}/sign-off", {})
    assert signed.status_code == 200, signed.get_json()
    record = db.session.scalar(
        select(SignedRecord).where(SignedRecord.assessment_id == created["id"])
    )

    response = chair.get(f"/assessments/{created['id']}.pdf")

    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "DRAFT" not in text
    assert record.sha256 in text
    assert squash("Sam Okafor, Chair") in text


def test_a_stored_signed_pdf_is_served_as_stored_with_an_etag(api_as, officer, factory):
    author = api_as(officer)
    created = start(author)
    assessment = db.session.get(Assessment, created["id"])
    assessment.status = "signed_off"
    stored = b"%PDF-1.7 stored at sign-off"
    db.session.add(SignedRecord(
        assessment_id=assessment.id, revision=1, canonical_json="{}", sha256=RECORD_HASH,
        full_pdf=stored, full_pdf_sha256=sha256_of(stored),
    ))
    db.session.commit()

    response = author.get(f"/assessments/{created['id']}.pdf")
    again = author.client.get(
        f"/api/v1/assessments/{created['id']}.pdf",
        headers={**author.headers, "If-None-Match": f'"{sha256_of(stored)}"'},
    )

    assert response.status_code == 200 and response.data == stored
    assert response.content_type == "application/pdf"
    assert response.headers["ETag"] == f'"{sha256_of(stored)}"'
    assert response.headers["Cache-Control"] == "private, no-cache"  # revalidated each time
    assert again.status_code == 304 and again.data == b""
