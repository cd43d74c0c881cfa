"""Draft PDFs rendered once and reused: a repeated preview costs no render.

A draft changes, so its PDF cannot be stored for good as a signed one is. Instead the last
rendering of each kind (full, depersonalised) is kept with a fingerprint of everything
that was printed on it: the source (answers, revision, signatures, the names and phrases
redacted) and the renderer itself (the PDF templates and stylesheet). The same fingerprint
means the same PDF, so the stored bytes are served; anything else renders afresh and
replaces them. Two workers rendering the same draft at once both serve their own
rendering and one of them is kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ehria.documents import PDF_STATIC_FOLDER, PDF_TEMPLATE_FOLDER, DocumentSource, render_pdf
from ehria.extensions import db
from ehria.models import DraftDocument, utcnow
from ehria.signed_records import canonical_json, sha256_hex


@cache
def renderer_fingerprint() -> str:
    """The PDF templates and stylesheet as deployed: a change of either renders anew."""
    digest = hashlib.sha256()
    for folder in (PDF_TEMPLATE_FOLDER, PDF_STATIC_FOLDER):
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(file.relative_to(folder).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def source_fingerprint(source: DocumentSource, depersonalised: bool) -> str:
    printed = _plain({key: value for key, value in asdict(source).items()
                      if key != "draft_definition"})  # previews are never cached
    return sha256_hex(canonical_json({"source": printed, "depersonalised": depersonalised,
                                      "renderer": renderer_fingerprint()}))


def draft_pdf(assessment_id: int, source: DocumentSource, *, depersonalised: bool
              ) -> tuple[bytes, str]:
    """The draft PDF and its SHA-256: the stored rendering when nothing has changed."""
    kind = "depersonalised" if depersonalised else "full"
    fingerprint = source_fingerprint(source, depersonalised)
    stored = db.session.scalar(select(DraftDocument).where(
        DraftDocument.assessment_id == assessment_id, DraftDocument.kind == kind))
    if stored is not None and stored.fingerprint == fingerprint:
        return stored.pdf, stored.pdf_sha256
    data = render_pdf(source, depersonalised=depersonalised)
    digest = hashlib.sha256(data).hexdigest()
    try:
        with db.session.begin_nested():
            if stored is None:
                stored = DraftDocument(assessment_id=assessment_id, kind=kind)
                db.session.add(stored)
            stored.fingerprint, stored.pdf, stored.pdf_sha256 = fingerprint, data, digest
            stored.rendered_at = utcnow()
        db.session.commit()
    except IntegrityError:  # another worker stored its rendering first: serve ours
        db.session.rollback()
    return data, digest
