"""Pages for administrators: departments, user accounts, the notification outbox and the
background jobs that kept failing."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from ehria import jobs, notifications
from ehria.accounts import (
    AccountError,
    all_departments,
    all_users,
    create_department,
    create_user,
    department_names,
    revoke_token,
    tokens_of,
    update_user,
)
from ehria.auth import session_max_age
from ehria.extensions import db
from ehria.models import FailedJob, Notification, User
from ehria.roles import Role
from ehria.route_access import signed_in
from ehria.sessions import end_all_sessions, live_session_count
from ehria.views.pages import error_list
from forms.admin import NO_DEPARTMENT, DepartmentForm, NewUserForm, UserRolesForm
from forms.base import BaseForm, same_value_choices

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


def _department_choices(form) -> None:
    form.department.choices = [
        *same_value_choices([NO_DEPARTMENT]), *same_value_choices(department_names())]
    form.department.choices[0].label = "No department (web team and administrators)"


@blueprint.get("/outbox")
@signed_in(Role.ADMIN)
def outbox():
    """The e-mails the service has written, newest first, with whether each was sent."""
    messages = db.session.scalars(
        select(Notification).order_by(Notification.id.desc()).limit(200)
    ).all()
    return render_template("admin/outbox.html", messages=messages,
                           failed=notifications.failed_count())


@blueprint.get("/jobs")
@signed_in(Role.ADMIN)
def failed_jobs():
    """Background jobs that failed on every retry (a PDF not made, an e-mail not sent)."""
    return render_template("admin/failed_jobs.html", failures=jobs.unresolved_failures())


@blueprint.post("/jobs/<int:failed_job_id>/retry")
@signed_in(Role.ADMIN)
def retry_job(failed_job_id: int):
    """Run a failed job again, with its retries afresh; it leaves the list meanwhile."""
    if not BaseForm().validate_on_submit():
        abort(400)
    failed = db.session.get(FailedJob, failed_job_id) or abort(404)
    if failed.retried_at is None:
        jobs.retry(failed, current_user.id)
        flash(f"Queued again: {failed.description}.", "success")
    return redirect(url_for("admin.failed_jobs"))


@blueprint.route("/departments", methods=["GET", "POST"])
@signed_in(Role.ADMIN)
def departments():
    form = DepartmentForm()
    if form.validate_on_submit():
        try:
            create_department(form.name.data)
        except AccountError as error:
            db.session.rollback()
            form.name.errors = [*form.name.errors, str(error)]
        else:
            db.session.commit()
            flash(f"Department {form.name.data.strip()} added.", "success")
            return redirect(url_for("admin.departments"))
    return render_template("admin/departments.html", form=form, errors=error_list(form),
                           departments=all_departments()), 400 if form.errors else 200


@blueprint.get("/users")
@signed_in(Role.ADMIN)
def users():
    return render_template("admin/users.html", users=all_users())


@blueprint.route("/users/new", methods=["GET", "POST"])
@signed_in(Role.ADMIN)
def new_user():
    form = NewUserForm()
    _department_choices(form)
    if not current_app.config["PASSWORD_SIGN_IN"]:
        del form.password  # council accounts only: they link by e-mail at first sign-in
    if form.validate_on_submit():
        try:
            password = form.password.data if "password" in form else None
            user = create_user(form.email.data, form.name.data, password,
                               form.roles.data, form.department.data or None)
        except AccountError as error:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(error)]
        else:
            db.session.commit()
            flash(f"Account created for {user.email}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, errors=error_list(form),
                           user=None), 400 if form.errors else 200


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@signed_in(Role.ADMIN)
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = UserRolesForm()
    _department_choices(form)
    if request.method == "GET":
        form.roles.data = sorted(role.value for role in user.roles)
        form.department.data = user.department.name if user.department else NO_DEPARTMENT
    if form.validate_on_submit():
        active = request.form.get("active") == "yes"
        if user.id == current_user.id and not active:
            form.roles.errors = [*form.roles.errors, "You cannot deactivate your own account"]
        else:
            try:
                update_user(user, form.roles.data, form.department.data or None, active)
            except AccountError as error:
                db.session.rollback()
                form.roles.errors = [*form.roles.errors, str(error)]
            else:
                db.session.commit()
                flash(f"Account of {user.email} updated.", "success")
                return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, errors=error_list(form), user=user,
        tokens=tokens_of(user), sessions=live_session_count(user, session_max_age()),
        action_form=BaseForm(),
    ), 400 if form.errors else 200


@blueprint.post("/users/<int:user_id>/sign-out-everywhere")
@signed_in(Role.ADMIN)
def sign_out_everywhere(user_id: int):
    """End every session of the user (a lost laptop, a shared computer left signed in)."""
    user = _user_or_404(user_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    count = end_all_sessions(user)
    db.session.commit()
    flash(f"{user.name} has been signed out everywhere ({count} session"
          f"{'s' if count != 1 else ''} ended).", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@blueprint.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@signed_in(Role.ADMIN)
def revoke_api_token(user_id: int, token_id: int):
    user = _user_or_404(user_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        revoke_token(user, token_id)
    except AccountError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(f"API token {token_id} of {user.name} revoked.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))
