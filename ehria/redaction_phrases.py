"""Further phrases to redact, asked for by an author or the DEG chair before sign-off."""

from __future__ import annotations

from sqlalchemy import select

from ehria.assessments import record_event
from ehria.extensions import db
from ehria.models import Assessment, RedactionPhrase, User
from ehria.permissions import is_chair_of

MAX_PHRASE_LENGTH = 200


class PhraseRefused(ValueError):
    """Why the phrase was not added; `status` is the HTTP status it maps to."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def phrases_of(assessment: Assessment) -> list[str]:
    return list(db.session.scalars(
        select(RedactionPhrase.phrase)
        .where(RedactionPhrase.assessment_id == assessment.id)
        .order_by(RedactionPhrase.id)
    ))


def add_phrase(assessment: Assessment, user: User, phrase: object) -> None:
    if not (assessment.is_author(user) or is_chair_of(user, assessment)):
        raise PhraseRefused("Only its authors and its DEG chair can add phrases to redact.",
                            403)
    if assessment.is_signed:
        raise PhraseRefused("Phrases can be added only before sign-off: the published "
                            "version of a signed-off revision never changes.", 409)
    if not isinstance(phrase, str) or not phrase.strip():
        raise PhraseRefused("Enter the phrase to redact.", 422)
    if len(phrase) > MAX_PHRASE_LENGTH:
        raise PhraseRefused("The phrase must be 200 characters or fewer.", 422)
    db.session.add(RedactionPhrase(assessment_id=assessment.id, phrase=phrase.strip(),
                                   added_by_id=user.id))
    record_event(assessment, user, "redaction_phrase_added")
