"""The states of an assessment, and what each allows: one enum, asked by predicates
(`assessment.is_editable`), never compared as strings in views or templates.

    draft --submit--> submitted --sign off--> signed_off --publish--> published
      ^                   |
      +-----return--------+   (returned: back with the DEG chair's comments)
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    SIGNED_OFF = "signed_off"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """ "Signed off": how the pages name it."""
        return self.value.replace("_", " ").capitalize()

    @property
    def is_editable(self) -> bool:
        """Its authors may change the answers (a draft, or returned with comments)."""
        return self in EDITABLE

    @property
    def is_signed(self) -> bool:
        """Signed off, and perhaps published: the record is frozen."""
        return self in SIGNED

    @property
    def before_sign_off(self) -> bool:
        """Not yet signed: its PDFs are drafts, phrases to redact may still be added."""
        return self not in SIGNED


EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
SIGNED = frozenset({Status.SIGNED_OFF, Status.PUBLISHED})
# Chairs scrutinise what has been sent to them; drafts stay private to their authors.
SEEN_BY_CHAIRS = frozenset({Status.SUBMITTED, Status.RETURNED, Status.SIGNED_OFF,
                            Status.PUBLISHED})
SEEN_BY_WEB_TEAM = SIGNED
