"""Error pages for people; the API blueprint answers its own errors in JSON."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("There is a problem with the request", "Go back and try again."),
    403: ("You do not have permission to see this page",
          "Ask your administrator if you think you should have access."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("Page not found", "This page cannot be used that way."),
    413: ("The request is too large", "Go back and send less at a time."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template(
            "errors/error.html",
            title="Your session has expired",
            message="For your security the form was not sent. Go back, reload the page "
            "and try again; nothing you saved before has been lost.",
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):
            from ehria.api import error_response

            return error_response(error.code or 500, error.description or "Error")
        title, message = MESSAGES.get(error.code or 500, (error.name, error.description))
        if error.description and error.description != type(error).description:
            message = error.description  # our own words, given to abort()
        return render_template("errors/error.html", title=title, message=message), error.code
