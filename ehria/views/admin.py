"""Pages for administrators: departments, user accounts and the notification outbox."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ehria.accounts import (
    AccountError,
    all_departments,
    all_users,
    create_department,
    create_user,
    department_names,
    update_user,
)
from ehria.extensions import db
from ehria.models import Notification, User
from ehria.permissions import signed_in
from ehria.roles import Role
from ehria.views.pages import error_list
from forms.admin import NO_DEPARTMENT, DepartmentForm, NewUserForm, UserRolesForm
from forms.base import same_value_choices

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
    return render_template("admin/outbox.html", messages=messages)


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
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data, form.name.data, form.password.data,
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


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@signed_in(Role.ADMIN)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
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
    return render_template("admin/user_form.html", form=form, errors=error_list(form),
                           user=user), 400 if form.errors else 200
