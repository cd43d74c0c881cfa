"""`flask --app ehria <command>`: the commands of design/API.md."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app

from ehria import demo, jobs
from ehria.accounts import (
    AccountError,
    create_department,
    create_token,
    create_user,
    find_user,
    revoke_all_tokens,
    set_password,
)
from ehria.extensions import db
from ehria.roles import Role


def _fail(error: Exception) -> None:
    db.session.rollback()
    raise click.ClickException(str(error))


@click.command("create-department")
@click.argument("name")
def create_department_command(name: str) -> None:
    """Add a department (its DEG scrutinises what its officers submit)."""
    try:
        create_department(name)
    except AccountError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created department {name}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", required=True, help="At least 10 characters.")
@click.option(
    "--role", "roles", multiple=True, required=True,
    type=click.Choice([role.value for role in Role]),
)
@click.option("--department", default=None)
def create_user_command(
    email: str, name: str, password: str, roles: tuple[str, ...], department: str | None
) -> None:
    """Add a local account with one or more roles."""
    try:
        user = create_user(email, name, password, roles, department)
    except AccountError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created user {user.email} ({', '.join(sorted(roles))})")


def _user(email: str):
    user = find_user(email)
    if user is None:
        _fail(AccountError(f"No user has the e-mail {email}."))
    return user


@click.command("create-token")
@click.option("--email", required=True)
@click.option("--days", type=click.FloatRange(min=0, min_open=True), default=None,
              help="The token stops working this many days from now (default: never).")
def create_token_command(email: str, days: float | None) -> None:
    """Print a new API token for a user; the token itself is printed once, alone, last."""
    user = _user(email)
    token = create_token(user, days)
    db.session.commit()
    lapses = f", valid for {days:g} days" if days else ""
    click.echo(f"API token for {user.email} (keep it secret; it is not stored{lapses}):")
    click.echo(token)


@click.command("revoke-tokens")
@click.option("--email", required=True)
def revoke_tokens_command(email: str) -> None:
    """Revoke every API token of a user at once (a lost laptop, a leaver)."""
    user = _user(email)
    count = revoke_all_tokens(user)
    db.session.commit()
    click.echo(f"Revoked {count} API token{'s' if count != 1 else ''} of {user.email}")


@click.command("set-password")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 10 characters (asked for when left out).")
def set_password_command(email: str, password: str) -> None:
    """Give a user a new password; every session they have ends."""
    user = _user(email)
    try:
        set_password(user, password)
    except AccountError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Password of {user.email} changed; their sessions have ended")


@click.command("demo-data")
def demo_data_command() -> None:
    """Load demo departments, one user of each role and a few assessments (once)."""
    if current_app.config["EHRIA_ENV"] == "production":
        raise click.ClickException("demo-data is for development: set EHRIA_ENV=development.")
    created = demo.load_demo_data()
    db.session.commit()
    jobs.sweep()  # the signed-off examples' PDFs, made by the worker
    click.echo("Demo data loaded." if created else "Demo data was already loaded.")
    click.echo(f"Demo users (password: {demo.DEMO_PASSWORD}):")
    for email, roles in demo.DEMO_USERS_SUMMARY:
        click.echo(f"  {email:<36} {roles}")


@click.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32),
              help="Jobs run at once (threads).")
def worker_command(workers: int) -> None:
    """Run the background worker: signed PDFs, e-mails, schedules (ehria.tasks)."""
    from ehria.tasks import QueueConfigurationError, run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        run_worker(current_app._get_current_object(), workers)
    except QueueConfigurationError as error:
        raise click.ClickException(str(error)) from error


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Send today's reminders now (the worker does it each morning at 7); each goes once."""
    from ehria.tasks import send_reminders

    click.echo(f"{send_reminders()} reminder e-mails written to the outbox")


@click.command("backfill-impacts")
def backfill_impacts_command() -> None:
    """Write the insight impacts of records signed before migration 0034 (run after
    `db upgrade`; gunicorn's master does it itself; nothing to do on a second run)."""
    from ehria.signed_impacts import backfill

    click.echo(f"Impacts written for {backfill()} signed records")


def register_commands(app: Flask) -> None:
    for command in (
        create_department_command, create_user_command, create_token_command,
        revoke_tokens_command, set_password_command, demo_data_command, worker_command,
        send_reminders_command, backfill_impacts_command,
    ):
        app.cli.add_command(command)
