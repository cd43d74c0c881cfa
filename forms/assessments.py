"""The hand-written forms of the officer journey: starting an assessment, submitting."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovTextInput
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ehria.assessments import start_messages
from ehria.form import FormDefinition
from forms.base import BaseForm


class StartAssessmentForm(BaseForm):
    """Its name and department: the template's `assessment:` answers, labelled as the
    template labels them (`label_from`)."""

    name = StringField(widget=GovTextInput(), validators=[Length(max=500)])
    department = RadioField(widget=GovRadioInput(), choices=[], validate_choice=False)

    def label_from(self, definition: FormDefinition) -> None:
        """The template's labels and the messages for what is missing or too long."""
        name = definition.field(definition.assessment.name)
        self.name.label.text = name.label
        self.name.validators = [
            InputRequired(message=start_messages(definition)[name.path]),
            Length(max=500, message=f"{name.label} must be 500 characters or fewer")]
        department = definition.field(definition.assessment.department)
        self.department.label.text = department.label
        self.department.validators = [
            InputRequired(message=start_messages(definition)[department.path])]


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
