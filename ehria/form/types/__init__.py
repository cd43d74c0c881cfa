"""The registry of field types: the one place that knows how each kind of answer behaves.

Code elsewhere asks a field's `kind` (its FieldType) rather than comparing its type name:
a test fails if any module outside this package switches on a type name.
"""

from __future__ import annotations

from ehria.form.types.base import Checking, FieldType
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
    KeyedTableType(), RowsType(),
)
REGISTRY: dict[str, FieldType] = {
    name: kind for kind in _TYPES for name in (kind.name, *kind.aliases)
}


def kind_of(name: str) -> FieldType:
    """The type a template's `type:` names; KeyError for a name no type has."""
    return REGISTRY[name]


def type_names(*, columns: bool = False) -> list[str]:
    """Every name a template may give as a type (as a column's type, with `columns`)."""
    return sorted(name for name, kind in REGISTRY.items() if kind.may_be_column or not columns)


__all__ = ["REGISTRY", "Checking", "FieldType", "kind_of", "type_names"]
