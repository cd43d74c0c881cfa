"""The web team's pages: what is ready to publish, what is published, the register's CSV
and ZIP, and "Mark as published"; plus the optional public register."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import URLField
from wtforms.validators import Length, Optional

from ehria import jobs
from ehria.accounts import department_names
from ehria.document_responses import DocumentPending, pdf_response
from ehria.documents import redactions_for, source_for
from ehria.extensions import db
from ehria.models import Assessment
from ehria.permissions import visible_revision
from ehria.publication_register import (
    published_record,
    published_rows,
    published_zip,
    ready_to_publish,
    register_csv,
)
from ehria.roles import Role
from ehria.route_access import public, signed_in
from ehria.views.pages import assessment_for_page, csv_download, error_list
from ehria.workflow import Action, WorkflowError, allowed_actions, apply
from forms.base import BaseForm

blueprint = Blueprint("publication", __name__, url_prefix="/publication")
public_blueprint = Blueprint("register", __name__, url_prefix="/register")
# The public PDF is public, and changes only when the web team publishes a new revision.
PUBLIC_CACHE = "public, max-age=3600"


class PublishForm(BaseForm):
    url = URLField("Web address where it is published", widget=GovTextInput(), validators=[
        Optional(), Length(max=2000, message="Web address must be 2,000 characters or fewer")])


def _filters() -> tuple[str | None, int | None]:
    """The department and year chosen; a year that is not one (say 99999999999) is 400."""
    department = request.args.get("department") or None
    year_text = request.args.get("year") or ""
    if not year_text:
        return department, None
    if not (year_text.isascii() and year_text.isdigit() and 1900 <= int(year_text) <= 9999):
        abort(400, description="Choose a year between 1900 and 9999.")
    return department, int(year_text)


@blueprint.get("/")
@signed_in(Role.WEB_TEAM)
def index():
    department, year = _filters()
    this_year = date.today().year
    return render_template(
        "publication/index.html",
        ready=ready_to_publish(department, year),
        published=published_rows(department, year),
        departments=department_names(), years=list(range(this_year, this_year - 6, -1)),
        department=department, year=year,
    )


@blueprint.route("/<int:assessment_id>", methods=["GET", "POST"])
@signed_in(Role.WEB_TEAM)
def prepare(assessment_id: int):
    """Preview what is redacted, download, and mark as published."""
    assessment = assessment_for_page(assessment_id)
    form = PublishForm()
    notice = None
    if form.validate_on_submit():
        try:
            outcome = apply(assessment, current_user, Action.PUBLISH,
                            {"url": form.url.data or None})
        except WorkflowError as error:
            db.session.rollback()
            notice = error.message
            for message in (error.details.get("fields") or {}).get("url", []):
                form.url.errors = [*form.url.errors, message]
        else:
            db.session.commit()
            jobs.after_commit(outcome.event, assessment, outcome.notifications)
            return redirect(url_for("publication.index"))
    return render_template(
        "publication/prepare.html", assessment=assessment, form=form, notice=notice,
        actions=allowed_actions(current_user, assessment),
        errors=error_list(form), redactions=redactions_for(source_for(
            assessment, revision=visible_revision(current_user, assessment))),
    ), 400 if (form.errors or notice) else 200


@blueprint.get("/register.csv")
@signed_in(Role.WEB_TEAM)
def register():
    department, year = _filters()
    return csv_download(register_csv(published_rows(department, year)),
                        "ehria-published-register.csv")


@blueprint.get("/published.zip")
@signed_in(Role.WEB_TEAM)
def published_pdfs():
    """The depersonalised PDFs of everything signed off in a period and published."""
    try:
        start = date.fromisoformat(request.args["from"]) if request.args.get("from") else None
        end = date.fromisoformat(request.args["to"]) if request.args.get("to") else None
    except ValueError:
        abort(400)
    rows = published_rows(signed_from=start, signed_to=end)
    return Response(published_zip(rows), mimetype="application/zip", headers={
        "Content-Disposition": 'attachment; filename="ehria-published.zip"'})


def _public_register_on() -> None:
    if not current_app.config.get("PUBLIC_REGISTER"):
        abort(404)


@public_blueprint.get("/")
@public
def public_register():
    _public_register_on()
    return render_template("publication/public_register.html", rows=published_rows())


@public_blueprint.get("/<int:assessment_id>.pdf")
@public
def public_pdf(assessment_id: int):
    _public_register_on()
    assessment = db.session.get(Assessment, assessment_id)
    record = published_record(assessment) if assessment is not None else None
    if record is None:
        abort(404)
    if not record.published_pdf or not record.published_pdf_sha256:
        raise DocumentPending(assessment, record.revision)  # published before it was made
    response = pdf_response(record.published_pdf,
                            f"{assessment.reference}-r{record.revision}-published.pdf",
                            PUBLIC_CACHE)
    response.set_etag(record.published_pdf_sha256)
    return response.make_conditional(request)
