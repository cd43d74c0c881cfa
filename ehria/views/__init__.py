"""The HTML blueprints, one per journey; each view stays thin."""

from flask import Flask


def register_views(app: Flask) -> None:
    from ehria.document_responses import DocumentPending
    from ehria.views import (
        admin,
        after_sign_off,
        auth,
        council,
        downloads,
        form_builder,
        history,
        home,
        infrastructure,
        officer,
        people,
        programmes,
        publication,
        reviews,
        scrutiny,
        service_pages,
        template_helpers,
        template_move,
        threads,
    )

    app.register_blueprint(admin.blueprint)
    app.register_blueprint(after_sign_off.blueprint)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(council.blueprint)
    app.register_blueprint(history.blueprint)
    app.register_blueprint(home.blueprint)
    app.register_blueprint(infrastructure.blueprint)
    app.register_blueprint(officer.blueprint)
    app.register_blueprint(people.blueprint)
    app.register_blueprint(programmes.blueprint)
    app.register_blueprint(threads.blueprint)
    app.register_blueprint(scrutiny.blueprint)
    app.register_blueprint(service_pages.blueprint)
    app.register_blueprint(downloads.blueprint)
    app.register_blueprint(form_builder.blueprint)
    app.register_blueprint(template_move.blueprint)
    app.register_blueprint(publication.blueprint)
    app.register_blueprint(publication.public_blueprint)
    app.register_blueprint(reviews.blueprint)
    # The public register's PDF, like the signed-in pages', may be still in the making.
    app.register_error_handler(DocumentPending, downloads.being_prepared)
    template_helpers.register(app)
    # Flask's own static route is public by nature.
    app.view_functions["static"].access = "public"
