"""The base every page form builds on: Flask-WTF's CSRF protection, GOV.UK widgets."""

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


class BaseForm(FlaskForm):
    """Every HTML form carries a CSRF token (Flask-WTF checks it on submit)."""


def same_value_choices(values: Iterable[str]) -> list[SelectChoice]:
    """Choices whose value is also their label, such as department names."""
    return [SelectChoice(value, value) for value in values]
