"""The shape of the app: paths, declared access on every route, migrations matching models."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ehria import INSTANCE_FOLDER, PROJECT_ROOT, STATIC_FOLDER, TEMPLATE_FOLDER
from ehria.extensions import db

PURE_DOMAIN_MODULES = ("form_definition.py", "answers.py", "screening.py")


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


def test_pure_domain_modules_import_no_web_layer():
    for name in PURE_DOMAIN_MODULES:
        tree = ast.parse((PROJECT_ROOT / "ehria" / name).read_text())
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in getattr(node, "names", [])
        }
        assert not {m for m in imported if m and m.split(".")[0] in {"flask", "forms"}}, name
        assert not {m for m in imported if m and m.startswith(("ehria.views", "ehria.api"))}
