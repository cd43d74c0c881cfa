"""What can be wrong with a template, said so that its author can find and mend it.

Every problem names where it is: the file (or "the template" for one sent over the API),
the line of the YAML, and the place in the form (section, step, question, field, row),
e.g. `lcc-ehria-v1.yaml, line 252: step 'protected-characteristics', question 10, field
'screening.protected_characteristics', column 'impact': unknown type 'impcat'`. The parser
collects every problem rather than stopping at the first, so one upload lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class TemplateProblem:
    place: str  # "step 'decision', question 12, field 'screening.barriers'"
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.place}: {self.message}" if self.place else f"{where}{self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "place": self.place, "message": self.message}


class DefinitionError(ValueError):
    """The template is broken; `problems` lists every problem found, each with its place."""

    def __init__(self, problems: Iterable[TemplateProblem] | str, source: str = "the template"):
        if isinstance(problems, str):
            problems = [TemplateProblem("", problems)]
        self.problems = list(problems)
        self.source = source
        listed = "; ".join(str(p) for p in self.problems[:20])
        more = f" (and {len(self.problems) - 20} more)" if len(self.problems) > 20 else ""
        super().__init__(f"{source}: {listed}{more}")


class UnknownTemplateVersion(LookupError):
    """No form template has that version (e.g. an assessment names a removed file)."""


class LocatedDict(dict):
    """A mapping read from YAML that remembers the line it started on."""

    line: int | None = None


class LocatedList(list):
    line: int | None = None


def line_of(value: object) -> int | None:
    return getattr(value, "line", None)


class _LocatingLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and lists know their line, and which refuses a key that
    appears twice in one mapping (YAML itself would silently keep the last)."""

    duplicates: list[TemplateProblem]


def _mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> LocatedDict:
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if isinstance(key, str | int | bool) and key in seen:
            loader.duplicates.append(TemplateProblem(
                "", f"the key {key!r} appears twice in one mapping (also on line "
                    f"{seen[key]})", line))
        elif isinstance(key, str | int | bool):
            seen[key] = line
    mapping = LocatedDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


def _sequence(loader: _LocatingLoader, node: yaml.SequenceNode) -> LocatedList:
    items = LocatedList(loader.construct_sequence(node, deep=True))
    items.line = node.start_mark.line + 1
    return items


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def read_yaml(text: str, source: str) -> object:
    """Parse YAML safely, keeping lines; a syntax error or a repeated key is a
    DefinitionError naming its line."""
    loader = _LocatingLoader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or str(error)
        raise DefinitionError([TemplateProblem("", f"the YAML cannot be read: {problem}",
                                               line)], source) from error
    except yaml.YAMLError as error:
        raise DefinitionError([TemplateProblem("", f"the YAML cannot be read: {error}")],
                              source) from error
    finally:
        loader.dispose()
    if loader.duplicates:
        raise DefinitionError(loader.duplicates, source)
    return data
