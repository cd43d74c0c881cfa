"""What scrutiny writes down about an assessment, read in one place: the authorised
signatures of a revision, its signed record, and the comments made on it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ehria.extensions import db
from ehria.models import Assessment, Comment, Signature, SignedRecord, User


def signatures_of(assessment: Assessment, revision: int | None = None) -> list[Signature]:
    """The signatures of a revision (the current one unless given), in the order given."""
    number = assessment.current_revision if revision is None else revision
    return list(db.session.scalars(
        select(Signature)
        .where(Signature.assessment_id == assessment.id, Signature.revision == number)
        .order_by(Signature.at)
    ))


def signed_record_of(assessment: Assessment, revision: int | None = None) -> SignedRecord | None:
    number = assessment.current_revision if revision is None else revision
    return db.session.scalar(select(SignedRecord).where(
        SignedRecord.assessment_id == assessment.id, SignedRecord.revision == number))


def comments_of(assessment: Assessment, up_to_revision: int | None = None) -> list[Comment]:
    """The comments made on it, oldest first, up to a revision (what a reader may see);
    their authors' names come with them (one statement, no roles)."""
    statement = (
        select(Comment).where(Comment.assessment_id == assessment.id).order_by(Comment.id)
        .options(joinedload(Comment.author).lazyload(User.role_rows))
    )
    if up_to_revision is not None:
        statement = statement.where(Comment.revision <= up_to_revision)
    return list(db.session.scalars(statement))


def comments_by_path(comments: list[Comment]) -> dict[str | None, list[Comment]]:
    """The comments by the answer path they are on (None: about the whole assessment)."""
    by_path: dict[str | None, list[Comment]] = {}
    for comment in comments:
        by_path.setdefault(comment.path, []).append(comment)
    return by_path
