"""Where templates come from: one YAML file per version, in the shipped folder and any
folder added (a test's second council, say). Each version is read and checked once per
process; an assessment keeps the version it was started on, so a template file never
changes once used."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from ehria.form.model import FormDefinition
from ehria.form.parsing import VERSION, parse_definition
from ehria.form.problems import DefinitionError, UnknownTemplateVersion, read_yaml

CURRENT_VERSION = "lcc-ehria-v1"  # the version new assessments start on
DEFINITIONS_DIR = Path(__file__).resolve().parent.parent / "definitions"
_folders: list[Path] = [DEFINITIONS_DIR]
# where published versions beyond the files are found (the form builder's table)
_loaders: list[Callable[[str], FormDefinition | None]] = []


def add_definition_loader(loader: Callable[[str], FormDefinition | None]) -> None:
    """Ask `loader` for a version no file holds. A loader must only ever answer with
    versions that never change again (a published version), as answers are cached."""
    if loader not in _loaders:
        _loaders.append(loader)


def shipped_versions(folders: list[Path] | None = None) -> list[str]:
    """The versions the template files hold (in `folders`, or every folder), in order."""
    found: list[str] = []
    for folder in _folders if folders is None else folders:
        for file in sorted(folder.glob("*.yaml")):
            if VERSION.match(file.stem) and file.stem not in found:
                found.append(file.stem)
    return found


def add_definition_folder(folder: Path) -> None:
    """Look for template files in `folder` too (after the shipped ones)."""
    folder = folder.resolve()
    if folder not in _folders:
        _folders.append(folder)
        load_definition.cache_clear()


def definition_from_yaml(text: str, source: str = "the template") -> FormDefinition:
    """A template given as YAML text, checked; DefinitionError names every problem."""
    return parse_definition(read_yaml(text, source), source)


@cache
def load_definition(version: str = CURRENT_VERSION) -> FormDefinition:
    """The template of that version, read once per process and checked as it loads."""
    if not isinstance(version, str) or not VERSION.match(version):
        raise UnknownTemplateVersion(f"Unknown form version: {version!r}")
    for folder in _folders:
        file = folder / f"{version}.yaml"
        if file.is_file():
            definition = definition_from_yaml(file.read_text(encoding="utf-8"), file.name)
            if definition.version != version:
                raise DefinitionError(f"it says it is version {definition.version!r}",
                                      file.name)
            return definition
    for loader in _loaders:
        if (definition := loader(version)) is not None:
            return definition
    raise UnknownTemplateVersion(f"Unknown form version: {version!r}")
