"""The hand-written forms of the officer journey: starting an assessment, submitting."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovTextInput
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms.base import BaseForm


class StartAssessmentForm(BaseForm):
    policy_name = StringField(
        "Name of policy being assessed",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the name of the policy being assessed"),
                    Length(max=500, message="Name of policy must be 500 characters or fewer")],
    )
    department = RadioField(
        "Department",
        widget=GovRadioInput(),
        choices=[],
        validators=[InputRequired(message="Select the department")],
    )


class SubmitForm(BaseForm):
    declaration = BooleanField(
        "I confirm that this assessment is complete and accurate to the best of my knowledge",
        widget=GovCheckboxInput(),
        validators=[InputRequired(message="Confirm the declaration to submit the assessment")],
    )
    comment = TextAreaField(
        "Reply to the DEG chair (optional)",
        validators=[Optional(), Length(max=20_000,
                                       message="Reply must be 20,000 characters or fewer")],
    )
