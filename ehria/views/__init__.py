"""The HTML blueprints, one per journey; each view stays thin."""

from flask import Flask


def register_views(app: Flask) -> None:
    from ehria.views import (
        admin,
        auth,
        council,
        downloads,
        history,
        home,
        infrastructure,
        officer,
        people,
        publication,
        scrutiny,
        service_pages,
        template_helpers,
        threads,
    )

    app.register_blueprint(admin.blueprint)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(council.blueprint)
    app.register_blueprint(history.blueprint)
    app.register_blueprint(home.blueprint)
    app.register_blueprint(infrastructure.blueprint)
    app.register_blueprint(officer.blueprint)
    app.register_blueprint(people.blueprint)
    app.register_blueprint(threads.blueprint)
    app.register_blueprint(scrutiny.blueprint)
    app.register_blueprint(service_pages.blueprint)
    app.register_blueprint(downloads.blueprint)
    app.register_blueprint(publication.blueprint)
    app.register_blueprint(publication.public_blueprint)
    template_helpers.register(app)
    # Flask's own static route is public by nature.
    app.view_functions["static"].access = "public"
