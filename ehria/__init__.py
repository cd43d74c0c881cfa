"""EHRIA: Equality and Human Rights Impact Assessments for a council.

`create_app` is the only way the application is made (see design/API.md).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_FOLDER = PROJECT_ROOT / "templates"
STATIC_FOLDER = PROJECT_ROOT / "static"
INSTANCE_FOLDER = PROJECT_ROOT / "instance"
MIGRATIONS_FOLDER = PROJECT_ROOT / "migrations"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: paths, configuration, extensions, blueprints, error pages, CLI."""
    from ehria import cli, errors
    from ehria.api import api_blueprint
    from ehria.auth import init_auth
    from ehria.config import load_config, load_form_templates
    from ehria.council_auth import init_council_sign_in
    from ehria.database_outage import init_database_outage
    from ehria.extensions import csrf, db, migrate
    from ehria.security import init_security
    from ehria.tasks import init_tasks
    from ehria.url_converters import init_url_converters
    from ehria.views import register_views

    app = Flask(
        __name__,
        template_folder=str(TEMPLATE_FOLDER),
        static_folder=str(STATIC_FOLDER),
        instance_path=str(INSTANCE_FOLDER),
    )
    load_config(app, test_config)
    load_form_templates(app)
    init_url_converters(app)
    # Our templates first, then the GOV.UK Frontend macros and widgets from their packages,
    # under the prefixes their own templates import them by.
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(TEMPLATE_FOLDER)),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    db.init_app(app)
    init_tasks(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_FOLDER), render_as_batch=True)
    csrf.init_app(app)
    init_auth(app)
    init_council_sign_in(app)

    app.register_blueprint(api_blueprint)
    csrf.exempt(api_blueprint)  # the API takes bearer tokens only, never cookies
    register_views(app)
    errors.register_error_pages(app)
    cli.register_commands(app)
    init_security(app)
    init_database_outage(app)  # outermost: a request held through an outage runs whole
    return app
