"""Any answer in words, by its path: the one place that turns a stored answer into what
people read, through the type of the field or column it belongs to. Check your answers,
the chair's review, the revision history, the conflict notice, the PDF and the CSV all
say an answer this way ("Negative impact or impact unknown", "1 September 2026"), never
as its stored code (`negative_or_unknown`, `2026-09-01`)."""

from __future__ import annotations

from ehria.form.model import FormDefinition

NOT_ANSWERED = "Not answered"


def answer_words(definition: FormDefinition, path: str, value: object) -> str:
    """The answer at `path` in words; "Not answered" when there is none."""
    resolved = definition.resolve(path)
    if resolved is None:
        words = "" if value is None else str(value)
    else:
        found, rest = resolved
        target = found if not rest else definition.column_for(path)
        if target is not None:
            words = target.kind.text(target, value)
        elif len(rest) == 1 and (found.kind.has_rows or found.kind.repeats):
            # a whole row of a table: its cells in words
            words = found.kind.text(found, {rest[0]: value} if found.kind.has_rows
                                    else [value])
            words = words.split(": ", 1)[1] if ": " in words else words
        else:
            words = "" if value is None else str(value)
    return words if words.strip() else NOT_ANSWERED
