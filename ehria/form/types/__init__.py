"""The registry of field types: the one place that knows how each kind of answer behaves.

Code elsewhere asks a field's `kind` (its FieldType) rather than comparing its type name:
a test fails if any module outside this package switches on a type name.
"""

from __future__ import annotations

from ehria.form.types.base import Checking, FieldType
from ehria.form.types.carried import PreviousActionsType
from ehria.form.types.scalars import (
    ChoiceType,
    DateType,
    DepartmentType,
    LineType,
    TextType,
    WhenType,
)
from ehria.form.types.tables import KeyedTableType, RowsType

_TYPES: tuple[FieldType, ...] = (
    TextType(), LineType(), WhenType(), DateType(), DepartmentType(), ChoiceType(),
    KeyedTableType(), RowsType(), PreviousActionsType(),
)
REGISTRY: dict[str, FieldType] = {kind.name: kind for kind in _TYPES}
CHOICE = REGISTRY[ChoiceType.name]


def kind_of(name: str) -> FieldType:
    """The type a template's `type:` names. A name that is no type's is one of the
    template's choice lists (parsing has checked that it is): a choice of that list."""
    return REGISTRY.get(name, CHOICE)


def type_names(*, columns: bool = False) -> list[str]:
    """Every type's name a template may give (as a column's type, with `columns`);
    the template's own choice lists' names may be given too."""
    return sorted(name for name, kind in REGISTRY.items() if kind.may_be_column or not columns)


__all__ = ["CHOICE", "REGISTRY", "Checking", "FieldType", "kind_of", "type_names"]
