"""The forms of "People working on this assessment": invite, remove, hand the lead on.
They only carry what was typed (and the CSRF token); ehria.co_authors decides."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import RadioField, StringField

from forms.base import BaseForm


class InviteForm(BaseForm):
    email = StringField("E-mail address of the lead officer to invite", widget=GovTextInput())


class HandLeadForm(BaseForm):
    lead = RadioField("Who will lead this assessment?", widget=GovRadioInput(), choices=[],
                      validate_choice=False)
    job_title = StringField("Their job title", widget=GovTextInput())
