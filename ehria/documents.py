"""The assessment as PDF documents: the full one, and the depersonalised one for publication.

Both are made by WeasyPrint from the Jinja templates in `templates/pdf/`, laid out as the
council's form is, with every heading, question and label read from the form definition
the revision was written on. The depersonalised one prints the answers and signatures
that `ehria.redaction` produces, the same ones the redactions preview lists.

Rendering fetches nothing but the application's own files under `static/pdf/` (the
stylesheet) and `data:` URLs: answers are always escaped text, and `LockedURLFetcher`
refuses every other URL, so an answer can never make the renderer read a file or reach
the network. Fonts come from the system's fontconfig (DejaVu), which is no URL fetch.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pydyf
from sqlalchemy import select
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ehria import STATIC_FOLDER, TEMPLATE_FOLDER
from ehria.document_layout import (
    assessment_name,
    environment,
    printed_sections,
    sign_off_context,
)
from ehria.extensions import db
from ehria.form import CURRENT_VERSION, FormDefinition, load_definition
from ehria.models import Assessment, Revision, Signature, User
from ehria.records import signatures_of
from ehria.redaction import Redacted, redact
from ehria.redaction_phrases import phrases_of
from ehria.screening import screen

PDF_STATIC_FOLDER = STATIC_FOLDER / "pdf"
PDF_TEMPLATE_FOLDER = TEMPLATE_FOLDER / "pdf"
PDF_VARIANT = "pdf/ua-1"  # tagged, with title and language (design/STACK-NOTES.md)

class RefusedURL(ValueError):
    """The renderer asked for something other than our own static/pdf files."""


class LockedURLFetcher(URLFetcher):
    """Serves files under `static/pdf/` and `data:` URLs; refuses everything else.

    WeasyPrint's own `allowed_protocols={'file', ...}` would still read any local file,
    so file URLs are resolved here (symbolic links and `..` included) and must land inside
    the folder. No HTTP, no redirects.
    """

    def __init__(self, root: Path = PDF_STATIC_FOLDER) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=1)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.local_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )
        raise RefusedURL(f"Only the application's own files may be fetched, not {url!r}")

    def local_path(self, url: str) -> Path:
        """The file a `file:` URL names, if it is one of ours; RefusedURL otherwise."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"Not a local file: {url!r}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"Not one of the application's PDF files: {url!r}")
        return path


@dataclass(frozen=True)
class DocumentSource:
    """What a document is made from: one revision's answers and what is known about it.

    `signatures` are `{role, name, at, job_title}` mappings (role `lead_officer` or
    `deg_chair`); `known_names` are the people the system knows, looked for in free text
    by the depersonalised version; `extra_phrases` are further phrases to redact.
    """

    reference: str
    revision: int
    answers: Mapping[str, Any]
    template_version: str = CURRENT_VERSION
    signatures: Sequence[Mapping[str, Any]] = ()
    known_names: Sequence[str] = ()
    extra_phrases: Sequence[str] = ()
    draft_definition: FormDefinition | None = None  # a form builder draft, previewed
    review_date: date | None = None  # set by the DEG chair at sign-off

    @property
    def definition(self) -> FormDefinition:
        return self.draft_definition or load_definition(self.template_version)


@dataclass(frozen=True)
class SignedDocuments:
    """Both PDFs of a signed-off revision, each with the SHA-256 of its own bytes."""

    full_pdf: bytes
    full_pdf_sha256: str
    published_pdf: bytes
    published_pdf_sha256: str


def render_pdf(
    source: DocumentSource,
    *,
    depersonalised: bool = False,
    signed: bool = False,
    sha256: str | None = None,
    url_fetcher: URLFetcher | None = None,
    history: Sequence[object] | None = None,
) -> bytes:
    """The assessment as a tagged A4 PDF; DRAFT on every page unless `signed`. `history`
    (ehria.history entries) is printed as an appendix of the full PDF, never of the
    depersonalised one."""
    html = render_html(source, depersonalised=depersonalised, signed=signed, sha256=sha256,
                       history=None if depersonalised else history)
    document = HTML(
        string=html,
        base_url=PDF_STATIC_FOLDER.as_uri() + "/",
        url_fetcher=url_fetcher or LockedURLFetcher(),
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT, finisher=scope_table_headers)


def render_documents_for_signing(source: DocumentSource, sha256: str,
                                 before_each: Callable[[], object] | None = None
                                 ) -> SignedDocuments:
    """Render both PDFs of a revision being signed off, to be stored with its record.

    `sha256` is the hash of the signed record (ehria.signed_records), printed on both;
    `before_each` is called before each render (the worker gives way to requests).
    """
    if before_each:
        before_each()
    full = render_pdf(source, signed=True, sha256=sha256)
    if before_each:
        before_each()
    published = render_pdf(source, depersonalised=True, signed=True, sha256=sha256)
    return SignedDocuments(full, sha256_of(full), published, sha256_of(published))


def scope_table_headers(document: object, pdf: pydyf.PDF) -> None:
    """Give every tagged TH a /Scope, which WeasyPrint 70 leaves out even with `scope=`.

    Headers in a THead read down their column; those in a body read along their row.
    """
    for element in pdf.objects:
        if isinstance(element, pydyf.Dictionary) and element.get("S") == "/TH":
            row = _referenced(pdf, element.get("P"))
            group = _referenced(pdf, row.get("P")) if row is not None else None
            in_head = group is not None and group.get("S") == "/THead"
            element["A"]["Scope"] = "/Column" if in_head else "/Row"


def _referenced(pdf: pydyf.PDF, reference: object) -> pydyf.Dictionary | None:
    if not isinstance(reference, bytes):
        return None
    found = pdf.objects[int(reference.split()[0])]
    return found if isinstance(found, pydyf.Dictionary) else None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def redactions_for(source: DocumentSource) -> list[dict[str, str]]:
    """What the depersonalised PDF removes, each with the form's label for where it was.

    Made by `depersonalise`, as the depersonalised PDF is, so preview and PDF agree.
    """
    redacted = depersonalise(source)
    definition = source.definition
    return [
        {**item.to_dict(), "label": _redaction_label(definition, item.path)}
        for item in redacted.redactions
    ]


def depersonalise(source: DocumentSource) -> Redacted:
    """The one redaction of a source that both the preview and the published PDF use."""
    return redact(
        source.answers,
        personal=source.definition.personal_data(),
        known_names=source.known_names,
        extra_phrases=source.extra_phrases,
        signatures=source.signatures,
    )


def _redaction_label(definition: FormDefinition, path: str) -> str:
    parts = path.split(".")
    if parts[0] == "signatures" and len(parts) == 3:
        label = definition.sign_off.signature_label(parts[1]) if definition.sign_off else None
        return label or parts[1]
    return definition.label_for(path)


def render_html(
    source: DocumentSource,
    *,
    depersonalised: bool = False,
    signed: bool = False,
    sha256: str | None = None,
    history: Sequence[object] | None = None,
) -> str:
    """The HTML WeasyPrint lays out; also handy to look at in a browser while styling."""
    context = document_context(source, depersonalised=depersonalised, signed=signed,
                               sha256=sha256)
    context["history"] = [] if depersonalised else list(history or [])
    return environment(PDF_TEMPLATE_FOLDER).get_template("assessment.html").render(context)


def document_context(
    source: DocumentSource, *, depersonalised: bool, signed: bool, sha256: str | None
) -> dict[str, Any]:
    definition = source.definition
    outcome = screen(source.answers, definition)
    answers: Mapping[str, Any] = source.answers
    signatures: Sequence[Mapping[str, Any]] = source.signatures
    if depersonalised:
        redacted = depersonalise(source)
        answers, signatures = redacted.answers, redacted.signatures
    return {
        "definition": definition,
        "title": assessment_name(definition, source.answers) or definition.title,
        "reference": source.reference,
        "revision": source.revision,
        "draft": not signed,
        "sha256": sha256 if signed else None,
        "depersonalised": depersonalised,
        "answers": answers,
        "outcome": outcome,
        "sections": printed_sections(definition, source.answers, outcome),
        "sign_off": sign_off_context(definition, source.answers, outcome, signatures),
        "wording": definition.sign_off,
        "review_date": source.review_date,
    }


# -- from the database ----------------------------------------------------------------------


def source_for(
    assessment: Assessment, signatures: Sequence[Signature] | None = None,
    revision: Revision | None = None,
) -> DocumentSource:
    """A revision of `assessment` (the current one unless given) as a DocumentSource.

    `signatures` defaults to those stored for the revision; the workflow passes its own
    at sign-off, before they are flushed.
    """
    revision = revision or assessment.revision
    if signatures is None:
        signatures = signatures_of(assessment, revision.number)
    return DocumentSource(
        reference=assessment.reference or f"EHRIA-{assessment.id}",
        revision=revision.number,
        answers=revision.answers,
        template_version=revision.template_version,
        signatures=[signature_dict(s) for s in signatures],
        known_names=db.session.scalars(select(User.name)).all(),
        extra_phrases=phrases_of(assessment),
        review_date=assessment.review_date,
    )


def signature_dict(signature: Signature) -> dict[str, Any]:
    return {
        "role": signature.role,
        "name": signature.name,
        "job_title": signature.job_title,
        "at": signature.at,
    }
