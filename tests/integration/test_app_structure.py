"""The shape of the app: paths, declared access on every route, migrations matching models."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ehria import INSTANCE_FOLDER, PROJECT_ROOT, STATIC_FOLDER, TEMPLATE_FOLDER
from ehria.extensions import db

# The web layer: the app factory and Flask glue, the pages, the API. Every other module of
# ehria/ is domain logic (or the tables), testable with plain data and no request.
WEB_LAYER = {
    "__init__.py", "auth.py", "cli.py", "config.py", "database_outage.py",
    "document_responses.py", "errors.py", "extensions.py", "route_access.py", "security.py",
    "url_converters.py", "word_responses.py",
}
WEB_PACKAGES = ("views", "api")
# What a domain module may not import: request state, sessions, forms, views, the API.
# (flask.current_app, for settings, is allowed: it is the app, not a request.)
REQUEST_STATE = {"request", "session", "g", "abort", "redirect", "render_template",
                 "url_for", "current_user", "login_user", "logout_user"}


def test_flask_folders_are_the_absolute_top_level_folders(app):
    assert Path(app.template_folder) == TEMPLATE_FOLDER and TEMPLATE_FOLDER.is_dir()
    assert Path(app.static_folder) == STATIC_FOLDER and STATIC_FOLDER.is_dir()
    assert Path(app.instance_path) == INSTANCE_FOLDER and INSTANCE_FOLDER.is_dir()
    assert all(p.is_absolute() for p in (TEMPLATE_FOLDER, STATIC_FOLDER, INSTANCE_FOLDER))


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        rule.rule for rule in app.url_map.iter_rules()
        if not hasattr(app.view_functions[rule.endpoint], "access")
    ]
    assert undeclared == []


def test_the_migrations_create_exactly_the_models_tables(app, database):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def domain_modules() -> list[Path]:
    package = PROJECT_ROOT / "ehria"
    return sorted(
        path for path in package.rglob("*.py")
        if path.relative_to(package).parts[0] not in WEB_PACKAGES
        and str(path.relative_to(package)) not in WEB_LAYER
    )


def test_there_are_domain_modules_to_check():
    names = {str(p.relative_to(PROJECT_ROOT / "ehria")) for p in domain_modules()}
    assert {"answers.py", "screening.py", "workflow.py", "permissions.py", "documents.py",
            "form/model.py", "form/types/tables.py"} <= names


def test_domain_modules_import_no_request_state_forms_views_or_api():
    wrong = []
    for path in domain_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                module, names = node.module, {alias.name for alias in node.names}
            elif isinstance(node, ast.Import):
                module, names = "", {alias.name for alias in node.names}
            else:
                continue
            roots = {module.split(".")[0]} | {n.split(".")[0] for n in names if not module}
            if roots & {"forms", "flask_wtf"} or module.startswith(("ehria.views", "ehria.api")):
                wrong.append((path.name, module or names))
            if module in ("flask", "flask_login") and names & REQUEST_STATE:
                wrong.append((path.name, module, sorted(names & REQUEST_STATE)))
    assert wrong == []
