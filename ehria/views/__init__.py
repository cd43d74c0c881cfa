"""The HTML blueprints, one per journey; each view stays thin."""

from flask import Flask


def register_views(app: Flask) -> None:
    from ehria.document_responses import DocumentPending
    from ehria.views import (
        admin,
        auth,
        council,
        downloads,
        home,
        infrastructure,
        officer,
        publication,
        scrutiny,
        template_helpers,
    )

    app.register_blueprint(admin.blueprint)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(council.blueprint)
    app.register_blueprint(home.blueprint)
    app.register_blueprint(infrastructure.blueprint)
    app.register_blueprint(officer.blueprint)
    app.register_blueprint(scrutiny.blueprint)
    app.register_blueprint(downloads.blueprint)
    app.register_blueprint(publication.blueprint)
    app.register_blueprint(publication.public_blueprint)
    # The public register's PDF, like the signed-in pages', may be still in the making.
    app.register_error_handler(DocumentPending, downloads.being_prepared)
    template_helpers.register(app)
    # Flask's own static route is public by nature.
    app.view_functions["static"].access = "public"
