"""Sending one e-mail from the outbox, once: by SMTP, or by GOV.UK Notify when
EHRIA_NOTIFY_API_KEY is set (councils use Notify).

The row is locked and checked unsent before the message goes, and marked sent in the same
transaction, so two workers given the same message (a retry, the sweep re-queuing lost
work) send it once: the second waits for the first's lock, then finds it sent. What no
queue can close is the moment between the mail server taking a message and our commit: a
worker killed exactly then leaves the row unsent and it goes again. The Message-ID (and
Notify's reference) is the same on every attempt, so mail clients can tell it is one.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Mapping
from email.message import EmailMessage

from sqlalchemy import update

from ehria.extensions import db
from ehria.models import Notification, utcnow

log = logging.getLogger(__name__)

Transport = Callable[[Notification, Mapping], None]


class SendFailed(RuntimeError):
    """The mail server or Notify refused or could not be reached; the job retries."""


def one_line(text: str) -> str:
    """A header value on one line: a line break in it would start another header (and
    Python's e-mail library refuses to send it at all)."""
    return " ".join(text.split())


def message_id(message: Notification, config: Mapping) -> str:
    domain = str(config.get("EHRIA_MAIL_FROM", "ehria@localhost")).rpartition("@")[2]
    return f"<ehria-notification-{message.id}@{domain or 'localhost'}>"


def send_by_smtp(message: Notification, config: Mapping) -> None:
    email = EmailMessage()
    email["From"] = config.get("EHRIA_MAIL_FROM", "ehria@localhost")
    email["To"] = message.to_email
    email["Subject"] = one_line(message.subject)
    email["Message-ID"] = message_id(message, config)
    email.set_content(message.body)
    port = int(config.get("EHRIA_SMTP_PORT", 25))
    with smtplib.SMTP(config["EHRIA_SMTP_HOST"], port, timeout=10) as smtp:
        smtp.send_message(email)


def send_by_notify(message: Notification, config: Mapping) -> None:
    """GOV.UK Notify, through one e-mail template of the council's whose subject is
    `((subject))` and whose body is `((body))` (EHRIA_NOTIFY_TEMPLATE_ID)."""
    from notifications_python_client.notifications import NotificationsAPIClient

    options = {"base_url": config["EHRIA_NOTIFY_BASE_URL"]} if config.get(
        "EHRIA_NOTIFY_BASE_URL") else {}
    client = NotificationsAPIClient(config["EHRIA_NOTIFY_API_KEY"], **options)
    client.send_email_notification(
        email_address=message.to_email,
        template_id=config["EHRIA_NOTIFY_TEMPLATE_ID"],
        personalisation={"subject": one_line(message.subject), "body": message.body},
        reference=f"ehria-notification-{message.id}",
    )


def transport(config: Mapping) -> Transport | None:
    """How e-mails go, or None when nothing is configured (they stay in the outbox)."""
    if config.get("EHRIA_NOTIFY_API_KEY"):
        return send_by_notify
    if config.get("EHRIA_SMTP_HOST"):
        return send_by_smtp
    return None


def send_once(notification_id: int, config: Mapping) -> bool:
    """Send one outbox message unless it was sent already; True when this call sent it.

    Raises SendFailed (after recording the reason on the row) so the queue retries.
    """
    send = transport(config)
    if send is None:
        log.info("E-mail %s kept in the outbox: no SMTP server or Notify key", notification_id)
        return False
    # The UPDATE takes the row's lock (the database's, on SQLite) until the commit below,
    # and matches nothing once the message is sent.
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.sent_at.is_(None))
        .values(error=None)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    message = db.session.get(Notification, notification_id)
    try:
        send(message, config)
    except Exception as error:
        db.session.rollback()
        reason = str(error)[:1000] or type(error).__name__
        # never silent: logged as an error, and the outbox page lists it as failed
        log.error("Could not send e-mail %s: %s", notification_id, reason)
        db.session.execute(update(Notification).where(Notification.id == notification_id)
                           .values(error=reason))
        db.session.commit()
        raise SendFailed(reason) from error
    message.sent_at = utcnow()
    message.error = None
    db.session.commit()
    return True
