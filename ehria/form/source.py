"""The template's own source (what its YAML says) from its JSON (GET /api/v1/template).

The JSON carries derived keys beside the template's words (`path`, `max_length`, each
choice field's list written out, each row's group). The form builder lets a script GET a
version, change a row and PUT it back in that same shape, and offers any version as YAML
to download: both need the template language again, which this gives, losslessly
(tests/unit/test_template_source.py reads every template back to an equal definition).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from ehria.form.model import FormDefinition

DERIVED = ("path", "max_length", "choice_list")


def _tidy(data: Mapping[str, Any]) -> dict[str, Any]:
    """Without the settings left at nothing (null, empty lists), as a person writes it."""
    return {key: value for key, value in data.items() if value is not None and value != []}


def _rows_source(rows: list[Mapping[str, Any]]) -> dict[str, Any]:
    """`rows`, or `row_groups` when the rows carry group titles (runs of one group)."""
    plain = [_tidy({"key": r.get("key"), "label": r.get("label"), "hint": r.get("hint")})
             for r in rows]
    if not any(isinstance(r, Mapping) and r.get("group") for r in rows):
        return {"rows": plain}
    groups: list[dict[str, Any]] = []
    for row, item in zip(rows, plain, strict=True):
        title = row.get("group")
        if not groups or groups[-1]["title"] != title:
            groups.append({"title": title, "rows": []})
        groups[-1]["rows"].append(item)
    return {"row_groups": groups}


def _field_source(item: Mapping[str, Any], lists: Mapping[str, Any]) -> dict[str, Any]:
    data = {key: value for key, value in item.items() if key not in DERIVED}
    type_name = data.get("type")
    if type_name == "choice" and not isinstance(item.get("choices"), str):
        data["choices"] = item.get("choice_list") or next(
            (name for name, choices in lists.items() if choices == item.get("choices")), None)
    elif type_name in lists:
        data.pop("choices", None)
    if isinstance(data.get("columns"), list):
        data["columns"] = [_field_source(c, lists) for c in data["columns"] if
                           isinstance(c, Mapping)]
    if isinstance(data.get("rows"), list) and "row_groups" not in data:
        data.update(_rows_source(data.pop("rows")))
    return _tidy(data)


def _question_source(item: Mapping[str, Any], lists: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(item)
    if isinstance(data.get("fields"), list):
        data["fields"] = [_field_source(f, lists) if isinstance(f, Mapping) else f
                          for f in data["fields"]]
    return _tidy(data) | ({"number": None} if data.get("number") is None else {})


def _each(items: object, convert: Any, *args: Any) -> object:
    if not isinstance(items, list):
        return items
    return [convert(item, *args) if isinstance(item, Mapping) else item for item in items]


def _step_source(item: Mapping[str, Any], lists: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(item, questions=_each(item.get("questions"), _question_source, lists))
    return _tidy(data) | ({"heading": None} if data.get("heading") is None else {})


def _section_source(item: Mapping[str, Any], lists: Mapping[str, Any]) -> dict[str, Any]:
    return _tidy(dict(item, steps=_each(item.get("steps"), _step_source, lists)))


def source_from_json(data: object) -> object:
    """The template language from the JSON shape (anything else is returned as it is, for
    the reader to refuse with its own words)."""
    if not isinstance(data, Mapping):
        return data
    lists = data.get("choices") if isinstance(data.get("choices"), Mapping) else {}
    source = dict(data)
    source["sections"] = _each(data.get("sections"), _section_source, lists)
    return _tidy(source)


def definition_source(definition: FormDefinition) -> dict[str, Any]:
    """A definition as the template a person would write for it."""
    return source_from_json(definition.to_dict())  # type: ignore[return-value]


def definition_yaml(definition: FormDefinition) -> str:
    """A definition as a YAML template, to download, edit and upload again."""
    header = (f"# {definition.title}, version {definition.version}.\n"
              "# Every setting is explained in docs/template-format.md.\n")
    return header + yaml.safe_dump(definition_source(definition), sort_keys=False,
                                   allow_unicode=True, width=88)
