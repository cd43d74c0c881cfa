"""The HTML blueprints, one per journey; each view stays thin."""

from flask import Flask


def register_views(app: Flask) -> None:
    from ehria.views import admin, auth, home, infrastructure

    app.register_blueprint(admin.blueprint)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(home.blueprint)
    app.register_blueprint(infrastructure.blueprint)
    # Flask's own static route is public by nature.
    app.view_functions["static"].access = "public"
