"""The form as data: the template that every page, check, document and rule reads.

    model.py        the template as objects (sections, steps, questions, fields, rows)
    parsing.py      reading and checking a template's sections, steps, questions, fields
    reader.py       the reader's helpers, naming the place and line of every problem
    template_blocks.py  choice lists, the assessment: block, sign-off, question prefix
    checks.py       the cross-references between the parts (conditions, rules, then:)
    conditions.py   shown-when / required-when, evaluated over the answers
    rules.py        the screening rules the template declares
    types/          one module per kind of answer: the registry of field types
    serialise.py    the template as JSON; store.py where templates come from
"""

from ehria.form.model import (
    Choice,
    Column,
    Field,
    FormDefinition,
    Question,
    Row,
    Section,
    SignOff,
    Step,
)
from ehria.form.parsing import parse_definition
from ehria.form.problems import DefinitionError, TemplateProblem, UnknownTemplateVersion
from ehria.form.store import (
    CURRENT_VERSION,
    DEFINITIONS_DIR,
    add_definition_folder,
    definition_from_yaml,
    load_definition,
)

__all__ = [
    "CURRENT_VERSION", "DEFINITIONS_DIR", "Choice", "Column", "DefinitionError", "Field",
    "FormDefinition", "Question", "Row", "Section", "SignOff", "Step", "TemplateProblem",
    "UnknownTemplateVersion", "add_definition_folder", "definition_from_yaml",
    "load_definition", "parse_definition",
]
