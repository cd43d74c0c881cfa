"""The form builder's pages (issue 13), for admins: versions, drafts edited step by step or
as YAML, preview, what changed, publishing. Domain work is in ehria.template_versions,
ehria.template_editing, ehria.template_changes and ehria.template_moves."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ehria.documents import DocumentSource, render_pdf
from ehria.examples import load_examples
from ehria.extensions import db
from ehria.form import FormDefinition, load_definition
from ehria.form.source import definition_yaml
from ehria.form.store import CURRENT_VERSION
from ehria.models_templates import FormTemplate
from ehria.progress import applicable_steps
from ehria.roles import Role
from ehria.route_access import signed_in
from ehria.screening import screen
from ehria.template_changes import changes_between
from ehria.template_editing import (
    ADDABLE_TYPES,
    EditProblem,
    edit_choices,
    edit_rules,
    edit_step,
    group_titles,
    paragraphs_text,
    rows_of,
    rule_set,
    step_of,
    steps_of,
    table_fields,
)
from ehria.template_moves import carry_over
from ehria.template_versions import (
    DRAFT,
    TemplateRefused,
    create_draft,
    definition_of,
    events_of,
    find,
    live_version,
    pinned_version,
    publish,
    summaries,
    update_draft,
    version_tag,
)
from forms.base import BaseForm

blueprint = Blueprint("builder", __name__, url_prefix="/admin/templates")


def _version(version: str) -> FormTemplate:
    template = find(version)
    if template is None:
        abort(404)
    return template


def _draft(version: str) -> FormTemplate:
    template = _version(version)
    if template.status != DRAFT:
        abort(409, description=f"Version {version} is {template.status}: published versions "
                               "never change. Create a new draft from it.")
    return template


def problem_items(error: TemplateRefused | EditProblem) -> list[dict[str, str]]:
    """The GOV.UK error summary's items: each problem with its place and line."""
    if isinstance(error, EditProblem):
        return [{"text": str(error)}]
    return [{"text": str(problem)} for problem in error.problems] or [{"text": error.message}]


@blueprint.get("/")
@signed_in(Role.ADMIN)
def versions():
    return render_template("builder/versions.html", versions=summaries(), form=BaseForm(),
                           live=live_version(), pinned=pinned_version())


@blueprint.post("/")
@signed_in(Role.ADMIN)
def new_draft():
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        template = create_draft(current_user, from_version=request.form.get("from")
                                or live_version())
    except TemplateRefused as error:
        db.session.rollback()
        flash(error.message)
        return redirect(url_for("builder.versions"))
    return redirect(url_for("builder.version", version=template.version))


@blueprint.get("/<version>")
@signed_in(Role.ADMIN)
def version(version: str):
    template = _version(version)
    definition = definition_of(template)
    return render_template("builder/version.html", template=template, definition=definition,
                           steps=list(steps_of(template.source)), events=events_of(template),
                           compare_with=template.based_on or live_version(), form=BaseForm(),
                           pinned=pinned_version())


@blueprint.get("/<version>.yaml")
@signed_in(Role.ADMIN)
def download(version: str):
    template = _version(version)
    return Response(definition_yaml(definition_of(template)), mimetype="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{version}.yaml"'})


def _save(template: FormTemplate, page: str, **edit):
    """Store an edit, or the page again with every problem and what was typed."""
    try:
        update_draft(template, current_user, request.form.get("tag"), **edit)
    except TemplateRefused as error:
        db.session.rollback()
        return None, problem_items(error), 412 if error.status == 412 else 400
    flash(f"Saved {page}.", "success")
    return redirect(url_for("builder.version", version=template.version)), [], 200


@dataclass
class Edited:
    """What an editing page shows: the source (as posted, when refused), its problems."""

    form: BaseForm
    source: dict
    errors: list[dict[str, str]]
    status: int = 200
    done: Response | None = None


def _edit(template: FormTemplate, page: str,
          edit: Callable[[dict, Mapping[str, str]], dict]) -> Edited:
    """A GET shows the draft; a POST applies `edit` to it and saves it whole, or shows
    the edited source again with every problem (nothing saved)."""
    form = BaseForm()
    if request.method != "POST":
        return Edited(form, template.source, [])
    if not form.validate_on_submit():
        abort(400)
    try:
        source = edit(template.source, request.form)
    except EditProblem as error:
        return Edited(form, template.source, problem_items(error), 400)
    done, errors, status = _save(template, page, source=source)
    return Edited(form, source, errors, status, done)


def _tag(template: FormTemplate) -> str:
    return request.form.get("tag") or version_tag(template)


@blueprint.route("/<version>/steps/<step_key>", methods=["GET", "POST"])
@signed_in(Role.ADMIN)
def edit_step_page(version: str, step_key: str):
    template = _draft(version)
    try:
        _, step = step_of(template.source, step_key)
    except KeyError:
        abort(404)
    edited = _edit(template, f"the step {step['title']!r}",
                   lambda source, posted: edit_step(source, step_key, posted))
    if edited.done:
        return edited.done
    section, step = step_of(edited.source, step_key)
    choice_lists = sorted(template.source.get("choices") or {})
    return render_template(
        "builder/edit_step.html", template=template, section=section, step=step,
        errors=edited.errors, form=edited.form, tag=_tag(template), rows_of=rows_of,
        table_fields=table_fields, group_titles=group_titles,
        paragraphs_text=paragraphs_text, types=[*ADDABLE_TYPES, *choice_lists]
    ), edited.status


@blueprint.route("/<version>/choices", methods=["GET", "POST"])
@signed_in(Role.ADMIN)
def edit_choices_page(version: str):
    template = _draft(version)
    edited = _edit(template, "the choice lists", edit_choices)
    if edited.done:
        return edited.done
    return render_template("builder/edit_choices.html", template=template, form=edited.form,
                           choices=edited.source.get("choices") or {}, errors=edited.errors,
                           tag=_tag(template)), edited.status


@blueprint.route("/<version>/rules", methods=["GET", "POST"])
@signed_in(Role.ADMIN)
def edit_rules_page(version: str):
    template = _draft(version)
    edited = _edit(template, "the screening rules", edit_rules)
    if edited.done:
        return edited.done
    return render_template("builder/edit_rules.html", template=template, form=edited.form,
                           rule_set=rule_set(edited.source), errors=edited.errors,
                           tag=_tag(template), condition_yaml=_condition_yaml), edited.status


def _condition_yaml(condition: object) -> str:
    import yaml

    return yaml.safe_dump(condition, default_flow_style=True, width=200).strip() if (
        condition) else ""


@blueprint.route("/<version>/upload", methods=["GET", "POST"])
@signed_in(Role.ADMIN)
def upload(version: str):
    template = _draft(version)
    form = BaseForm()
    errors, status, text = [], 200, None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        file = request.files.get("file")
        text = file.read().decode("utf-8", "replace") if file and file.filename else (
            request.form.get("yaml") or "")
        done, errors, status = _save(template, "the uploaded template", yaml_text=text)
        if done:
            return done
    return render_template("builder/upload.html", template=template, form=form,
                           errors=errors, text=text if text is not None else definition_yaml(
                               definition_of(template)),
                           tag=request.form.get("tag") or version_tag(template)), status


def _preview_answers(definition: FormDefinition, example: str) -> tuple[dict, list[str]]:
    """A worked example's answers as they carry onto `definition`, and what does not."""
    examples = load_examples()
    chosen = examples.get(example) or next(iter(examples.values()))
    carry = carry_over(chosen["answers"], load_definition(CURRENT_VERSION), definition)
    return carry.answers, carry.not_carried


@blueprint.get("/<version>/preview")
@signed_in(Role.ADMIN)
def preview(version: str):
    template = _version(version)
    definition = definition_of(template)
    example = request.args.get("example") or next(iter(load_examples()))
    answers, not_carried = _preview_answers(definition, example)
    outcome = screen(answers, definition)
    return render_template(
        "builder/preview.html", template=template, definition=definition, answers=answers,
        outcome=outcome, steps=applicable_steps(definition, answers, outcome),
        not_carried=[load_definition(CURRENT_VERSION).label_for(p) for p in not_carried],
        examples=list(load_examples()), example=example)


@blueprint.get("/<version>/preview.pdf")
@signed_in(Role.ADMIN)
def preview_pdf(version: str):
    template = _version(version)
    definition = definition_of(template)
    answers, _ = _preview_answers(definition, request.args.get("example") or "")
    pdf = render_pdf(DocumentSource(reference=f"PREVIEW-{version}", revision=1,
                                    answers=answers, template_version=version,
                                    draft_definition=definition))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{version}.pdf"'})


@blueprint.get("/<a>/changes/<b>")
@signed_in(Role.ADMIN)
def changes(a: str, b: str):
    old, new = _version(a), _version(b)
    return render_template("builder/changes.html", old=old, new=new,
                           changes=changes_between(definition_of(old), definition_of(new)),
                           versions=[s.version for s in summaries()])


@blueprint.route("/<version>/publish", methods=["GET", "POST"])
@signed_in(Role.ADMIN)
def publish_page(version: str):
    template = _draft(version)
    form = BaseForm()
    live = live_version()
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            publish(template, current_user)
        except TemplateRefused as error:
            db.session.rollback()
            errors = problem_items(error)
        else:
            flash(f"Version {version} is live: new assessments start on it.", "success")
            return redirect(url_for("builder.versions"))
    found = changes_between(load_definition(live), definition_of(template))
    return render_template("builder/publish.html", template=template, live=live, form=form,
                           changes=found, errors=errors,
                           pinned=pinned_version()), 400 if errors else 200

