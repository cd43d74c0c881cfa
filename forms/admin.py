"""Administrators' forms: departments and user accounts."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ehria.accounts import MIN_PASSWORD_LENGTH
from ehria.roles import ROLE_LABELS, Role
from forms.base import BaseForm

ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role]
NO_DEPARTMENT = ""


class DepartmentForm(BaseForm):
    name = StringField("Department name", widget=GovTextInput(), validators=[
        InputRequired(message="Enter the department's name"),
        Length(max=200, message="Department name must be 200 characters or fewer")])


class UserRolesForm(BaseForm):
    roles = SelectMultipleField("Roles", widget=GovCheckboxesInput(), choices=ROLE_CHOICES,
                                validators=[InputRequired(message="Select at least one role")])
    department = RadioField("Department", widget=GovRadioInput(), choices=[],
                            validate_choice=False)


class NewUserForm(UserRolesForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=[
        InputRequired(message="Enter an email address"),
        Length(max=320, message="Email address must be 320 characters or fewer")])
    name = StringField("Full name", widget=GovTextInput(), validators=[
        InputRequired(message="Enter the person's full name"),
        Length(max=200, message="Full name must be 200 characters or fewer")])
    password = PasswordField("Initial password", widget=GovPasswordInput(), validators=[
        InputRequired(message="Enter an initial password"),
        Length(min=MIN_PASSWORD_LENGTH,
               message=f"Initial password must be at least {MIN_PASSWORD_LENGTH} characters")])
