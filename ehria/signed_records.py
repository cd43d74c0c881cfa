"""Freezing a signed-off revision: a canonical record and the SHA-256 that seals it.

The record is serialised canonically (sorted keys, UTF-8, no insignificant white space),
so anyone holding it can recompute the hash and compare it with the one shown on the
assessment and printed on its PDF.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from ehria.models import Assessment, Signature, SignedRecord, utcnow


def canonical_json(record: dict) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def signature_record(signature: Signature) -> dict:
    return {
        "role": signature.role,
        "name": signature.name,
        "email": signature.user.email,
        "job_title": signature.job_title,
        "at": _iso(signature.at),
    }


def build_record(
    assessment: Assessment, signatures: list[Signature], screening: dict
) -> dict:
    """Everything that was signed: answers, template version, outcome and signatures."""
    revision = assessment.revision
    return {
        "assessment_id": assessment.id,
        "reference": assessment.reference,
        "revision": revision.number,
        "template_version": revision.template_version,
        "department": assessment.department.name,
        "answers": revision.answers,
        "screening_outcome": screening,
        "signatures": [signature_record(s) for s in signatures],
    }


def freeze(assessment: Assessment, signatures: list[Signature], screening: dict) -> SignedRecord:
    """Seal the current revision: store its canonical record and hash; mark it frozen."""
    text = canonical_json(build_record(assessment, signatures, screening))
    now = utcnow()
    assessment.revision.frozen_at = now
    return SignedRecord(
        assessment_id=assessment.id,
        revision=assessment.current_revision,
        canonical_json=text,
        sha256=sha256_hex(text),
        signed_at=now,
    )


def verify(record: SignedRecord) -> bool:
    """The stored hash matches the stored record, and the record is still canonical."""
    return (
        sha256_hex(record.canonical_json) == record.sha256
        and canonical_json(json.loads(record.canonical_json)) == record.canonical_json
    )
