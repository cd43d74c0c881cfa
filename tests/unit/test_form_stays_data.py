"""The form lives in the template alone (issue 12): no code outside the field-type registry
switches on a field's type, and no view, page template or PDF template names one of the
form's steps, sections or answers. A council changes its form, never our code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ehria import PROJECT_ROOT
from ehria.form import load_definition
from ehria.form.types import REGISTRY

REGISTRY_FOLDER = PROJECT_ROOT / "ehria" / "form" / "types"
# the types, and the form's choice lists, whose names its template uses as types (`type: yn`)
TYPE_NAMES = set(REGISTRY) | set(load_definition().choices)


def python_modules() -> list[Path]:
    return sorted(p for folder in ("ehria", "forms") for p in (PROJECT_ROOT / folder).rglob("*.py")
                  if REGISTRY_FOLDER not in p.parents)


def _names_a_type(node: ast.AST) -> bool:
    """A constant type name, or a tuple/list/set of them."""
    if isinstance(node, ast.Constant):
        return node.value in TYPE_NAMES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_a_type(e) for e in node.elts)
    return isinstance(node, ast.Name) and node.id.endswith("_TYPES")


def _is_a_type_name(node: ast.AST) -> bool:
    """`x.type`, or `x.kind.name`."""
    return isinstance(node, ast.Attribute) and (
        node.attr == "type" or (node.attr == "name" and isinstance(node.value, ast.Attribute)
                                and node.value.attr == "kind"))


def type_switches(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_a_type_name(s) for s in sides) and any(_names_a_type(s) for s in sides):
                lines.append(node.lineno)
    return lines


def test_no_python_module_outside_the_registry_switches_on_a_field_type():
    found = {str(p.relative_to(PROJECT_ROOT)): lines for p in python_modules()
             if (lines := type_switches(p))}
    assert found == {}


def test_the_check_finds_a_switch_when_there_is_one(tmp_path):
    module = tmp_path / "switch.py"
    module.write_text('if field.type in ("yn", "ynu"):\n    pass\n'
                      'ok = column.kind.name == "text"\n')
    assert type_switches(module) == [1, 3]


# -- templates ---------------------------------------------------------------------------

TEMPLATES = PROJECT_ROOT / "templates"
TYPE_PARTIALS = (TEMPLATES / "types", TEMPLATES / "pdf" / "types")
TYPE_SWITCH_IN_TEMPLATE = re.compile(r"\.type\s*(==|!=|\bin\b|\bnot in\b)|kind\.name")


def page_and_pdf_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html")
                  if not any(folder in p.parents for folder in TYPE_PARTIALS))


def form_keys() -> set[str]:
    """The council's steps, sections and answer paths (and the keys of its answers)."""
    definition = load_definition()
    keys = {s.key for s in definition.sections} | {s.key for s in definition.steps}
    for field in definition.fields():
        keys |= {field.path, field.key}
    return keys


def quoted_strings(text: str) -> set[str]:
    return set(re.findall(r"""["']([a-z0-9_.\-]+)["']""", text))


def test_no_page_or_pdf_template_switches_on_a_field_type():
    found = {str(p.relative_to(PROJECT_ROOT)): m.group(0) for p in page_and_pdf_templates()
             if (m := TYPE_SWITCH_IN_TEMPLATE.search(p.read_text(encoding="utf-8")))}
    assert found == {}


def test_no_page_or_pdf_template_names_a_step_section_or_answer_of_the_form():
    keys = form_keys()
    found = {}
    for path in page_and_pdf_templates():
        text = path.read_text(encoding="utf-8")
        named = (quoted_strings(text) & (keys - API_WORDS)) | {
            m.group(1) for m in re.finditer(r"\b(\w+)\.\w+", text) if m.group(1) in {
                s.key for s in load_definition().sections}}
        if named:
            found[str(path.relative_to(PROJECT_ROOT))] = sorted(named)
    assert found == {}


def test_no_view_names_a_step_section_or_answer_of_the_form():
    keys = form_keys() - API_WORDS
    found = {}
    for folder in ("views", "api"):
        for path in sorted((PROJECT_ROOT / "ehria" / folder).rglob("*.py")):
            constants = {node.value for node in ast.walk(ast.parse(path.read_text()))
                         if isinstance(node, ast.Constant) and isinstance(node.value, str)}
            if named := constants & keys:
                found[str(path.relative_to(PROJECT_ROOT))] = sorted(named)
    assert found == {}


# Words of the service's own that happen to be answer keys of the council's form too:
# the API's and the web team's filter (GET /assessments?department=...) and OpenAPI's.
API_WORDS = {"department", "summary"}
