"""The base every page form builds on: Flask-WTF's CSRF protection, GOV.UK widgets."""

from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    """Every HTML form carries a CSRF token (Flask-WTF checks it on submit)."""
