"""Form template versions an admin drafts, edits and publishes (issue 13).

Versions live in `form_templates`; the shipped YAML files (ehria/definitions/) become
stored versions the first time the builder needs them. Exactly one version is live: new
assessments start on it. Only a draft's source ever changes; a published version is read
by ehria.form.store through the loader this module registers, once per process, which is
safe because it never changes again. Every change is a `template_events` row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ehria.extensions import db
from ehria.form import FormDefinition, load_definition
from ehria.form.parsing import parse_definition
from ehria.form.problems import DefinitionError, TemplateProblem, read_yaml
from ehria.form.store import CURRENT_VERSION, DEFINITIONS_DIR, shipped_versions
from ehria.models import Assessment, Revision, User, utcnow
from ehria.models_templates import FormTemplate, TemplateEvent

DRAFT, LIVE, RETIRED = "draft", "live", "retired"
_NUMBERED = re.compile(r"^(?P<stem>.+?)-v(?P<number>\d+)$")


class TemplateRefused(Exception):
    """A builder action refused; `status` is the HTTP status an API answers with."""

    def __init__(self, message: str, status: int = 422,
                 problems: list[TemplateProblem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.problems = problems or []


@dataclass(frozen=True)
class VersionSummary:
    version: str
    status: str
    created_at: Any
    created_by: str | None
    published_at: Any
    assessments: int

    def to_dict(self) -> dict[str, Any]:
        def when(value: Any) -> str | None:
            return value.isoformat() if value is not None else None

        return {"version": self.version, "status": self.status,
                "created_at": when(self.created_at), "created_by": self.created_by,
                "published_at": when(self.published_at), "assessments": self.assessments}


# -- reading ---------------------------------------------------------------------------

def pinned_version() -> str | None:
    """The live version the environment pins (EHRIA_FORM_VERSION), if it does: then the
    builder may draft and preview but not publish."""
    return current_app.config.get("FORM_LIVE_VERSION")


def live_version() -> str:
    """The version new assessments start on: the pinned one, else the published live one,
    else the shipped form."""
    if pinned := pinned_version():
        return pinned
    stored = db.session.scalar(select(FormTemplate.version).where(FormTemplate.status == LIVE))
    return stored or CURRENT_VERSION


def stored_definition(version: str) -> FormDefinition | None:
    """A published (live or retired) stored version, for ehria.form.store's loader."""
    try:
        template = db.session.scalar(select(FormTemplate).where(
            FormTemplate.version == version, FormTemplate.status != DRAFT))
    except RuntimeError:  # outside an application context: only the files count
        return None
    return definition_of(template) if template is not None else None


def definition_of(template: FormTemplate) -> FormDefinition:
    return parse_definition(template.source, f"version {template.version}")


def find(version: str) -> FormTemplate | None:
    seed_shipped_versions()
    return db.session.scalar(select(FormTemplate).where(FormTemplate.version == version))


def summaries() -> list[VersionSummary]:
    """Every version, newest first, with how many assessments are on it now."""
    seed_shipped_versions()
    in_use = dict(db.session.execute(
        select(Revision.template_version, func.count())
        .join(Assessment, (Assessment.id == Revision.assessment_id)
              & (Assessment.current_revision == Revision.number))
        .group_by(Revision.template_version)).all())
    templates = db.session.scalars(select(FormTemplate).order_by(FormTemplate.id.desc()))
    return [VersionSummary(t.version, t.status, t.created_at,
                           t.created_by.email if t.created_by else None, t.published_at,
                           in_use.get(t.version, 0)) for t in templates]


def events_of(template: FormTemplate) -> list[TemplateEvent]:
    return list(db.session.scalars(select(TemplateEvent).where(
        TemplateEvent.template_id == template.id).order_by(TemplateEvent.id)))


def version_tag(template: FormTemplate) -> str:
    """The ETag of a version (If-Match when it is changed)."""
    return f"{template.version}.{template.lock_version}"


# -- seeding ---------------------------------------------------------------------------

def seed_shipped_versions() -> None:
    """Store the template files not yet stored: the live one (pinned or shipped) as live
    when nothing is live, the others as retired. Two workers seeding at once is harmless:
    the version is unique, the loser rolls back its savepoint."""
    stored = set(db.session.scalars(select(FormTemplate.version)))
    missing = [v for v in shipped_versions(_app_folders()) if v not in stored]
    if not missing:
        return
    has_live = db.session.scalar(select(FormTemplate.id).where(FormTemplate.status == LIVE))
    first_live = pinned_version() or CURRENT_VERSION
    for version in missing:
        status = LIVE if version == first_live and not has_live else RETIRED
        definition = load_definition(version)
        try:
            with db.session.begin_nested():
                template = FormTemplate(version=version, status=status,
                                        source=_source(definition),
                                        published_at=utcnow())
                db.session.add(template)
                db.session.flush()
                _event(template, None, "seeded", {"from": "file", "status": status})
        except IntegrityError:
            continue
    db.session.commit()


def _app_folders() -> list[Path]:
    """The shipped folder and this app's own (FORM_FOLDERS), not every folder another app
    in the same process added."""
    return [DEFINITIONS_DIR, *(Path(f).resolve() for f in
                               current_app.config.get("FORM_FOLDERS") or [])]


# -- changing --------------------------------------------------------------------------

def create_draft(actor: User, *, from_version: str | None = None,
                 source: object = None, yaml_text: str | None = None) -> FormTemplate:
    """A new draft: a copy of a version, or a definition given whole (JSON or YAML)."""
    seed_shipped_versions()
    if from_version is not None:
        base = find(from_version)
        if base is None:
            raise TemplateRefused(f"There is no version {from_version!r}.", 404)
        data: dict[str, Any] = dict(base.source)
        based_on = base.version
    else:
        data, checked = _read(source, yaml_text)
        based_on = None
    version = next_version_name(str(data.get("version") or live_version()))
    data["version"] = version
    if from_version is None:
        checked["version"] = version
        _check(checked)
    template = FormTemplate(version=version, status=DRAFT, source=data, based_on=based_on,
                            created_by_id=actor.id)
    db.session.add(template)
    db.session.flush()
    _event(template, actor, "created", {"from": based_on} if based_on else {"from": "upload"})
    db.session.commit()
    return template


def update_draft(template: FormTemplate, actor: User, expected_tag: str | None, *,
                 source: object = None, yaml_text: str | None = None) -> FormTemplate:
    """Replace a draft's whole source, checked; refused when published or stale."""
    if template.status != DRAFT:
        raise TemplateRefused(f"Version {template.version} is {template.status}: published "
                              "versions never change. Create a new draft from it.", 409)
    if expected_tag is None:
        raise TemplateRefused("Say which version of the draft you changed (If-Match).", 428)
    if expected_tag != version_tag(template):
        raise TemplateRefused("Someone else saved this draft since you loaded it. Reload "
                              "it to see their changes; nothing was saved.", 412)
    data, checked = _read(source, yaml_text)
    data["version"] = checked["version"] = template.version
    new = _check(checked)
    from ehria.template_changes import changes_between

    changes = changes_between(definition_of(template), new)
    template.source = data
    template.updated_at = utcnow()
    _event(template, actor, "edited", {"changes": [c.to_dict() for c in changes]})
    try:
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise TemplateRefused("Someone else saved this draft at the same moment; nothing "
                              "was saved.", 412) from error
    return template


def publish(template: FormTemplate, actor: User) -> FormTemplate:
    """Make a draft live; the live one before it is retired. Assessments keep theirs."""
    if template.status != DRAFT:
        raise TemplateRefused(f"Version {template.version} is already {template.status}.",
                              409)
    if pinned := pinned_version():
        raise TemplateRefused(f"The environment pins the live form to {pinned} "
                              "(EHRIA_FORM_VERSION): unset it to publish from here.", 409)
    _check(dict(template.source))
    previous = db.session.scalar(select(FormTemplate).where(FormTemplate.status == LIVE)
                                 .with_for_update())
    now = utcnow()
    if previous is not None:
        previous.status = RETIRED
        _event(previous, actor, "retired", {"replaced_by": template.version})
    template.status, template.published_at = LIVE, now
    _event(template, actor, "published",
           {"replaces": previous.version if previous is not None else None})
    db.session.commit()
    load_definition.cache_clear()
    return template


def next_version_name(based_on: str) -> str:
    """`<stem>-v<N+1>` for the highest N stored with that stem (lcc-ehria-v1 -> -v2)."""
    match = _NUMBERED.match(based_on)
    stem = match["stem"] if match else based_on
    taken = set(db.session.scalars(select(FormTemplate.version).where(
        FormTemplate.version.like(f"{stem}-v%"))))
    taken |= {v for v in shipped_versions(_app_folders()) if v.startswith(f"{stem}-v")}
    numbers = [int(m["number"]) for v in taken if (m := _NUMBERED.match(v))
               and m["stem"] == stem]
    return f"{stem}-v{max(numbers, default=0) + 1}"


def _source(definition: FormDefinition) -> dict[str, Any]:
    from ehria.form.source import definition_source

    return definition_source(definition)


def _read(source: object, yaml_text: str | None) -> tuple[dict[str, Any], Any]:
    """The template source to store (plain JSON) and to check: an upload is checked as
    read, so its problems name their lines; JSON (the shape GET returns) as converted."""
    from ehria.form.source import source_from_json

    if yaml_text is not None:
        try:
            located = read_yaml(yaml_text, "the uploaded template")
        except DefinitionError as error:
            raise TemplateRefused(str(error), 422, error.problems) from error
    else:
        located = source_from_json(source)
    if not isinstance(located, Mapping):
        raise TemplateRefused("A template is a mapping of settings (version, title, "
                              "sections ...).", 422,
                              [TemplateProblem("the template", "must be a mapping")])
    return _plain(located), located


def _plain(data: object) -> Any:
    """JSON-ready copies (the YAML reader's line-remembering dicts become plain ones)."""
    if isinstance(data, Mapping):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _check(data: Mapping[str, Any]) -> FormDefinition:
    try:
        return parse_definition(data, f"version {data.get('version')}")
    except DefinitionError as error:
        count = len(error.problems)
        raise TemplateRefused(f"The template has {count} problem{'s' if count != 1 else ''}"
                              "; nothing was saved.", 422, error.problems) from error


def _event(template: FormTemplate, actor: User | None, action: str,
           detail: dict[str, Any]) -> None:
    db.session.add(TemplateEvent(template_id=template.id,
                                 actor_id=actor.id if actor is not None else None,
                                 action=action, detail=detail))
