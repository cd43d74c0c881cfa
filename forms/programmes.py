"""Naming the programme an assessment is part of: only what was typed, and the CSRF
token; ehria.programmes decides (its length, who may)."""

from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField

from forms.base import BaseForm


class ProgrammeForm(BaseForm):
    programme = StringField("Programme", widget=GovTextInput())
