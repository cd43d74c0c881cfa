"""E-mails through GOV.UK Notify when EHRIA_NOTIFY_API_KEY is set, against a local stand-in
for Notify's API that checks what the real one would: the JWT signed with the key's
secret for its service, and the e-mail, template and personalisation."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from sqlalchemy import select

from ehria.extensions import db
from ehria.models import Notification
from tests.integration.workflow_helpers import create, submit

SERVICE_ID, SECRET, TEMPLATE_ID = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())


class FakeNotify(BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 201

    def do_POST(self) -> None:
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append({"path": self.path, "iss": claims["iss"], **body})
        reply = json.dumps({"id": str(uuid.uuid4())} if self.status == 201
                           else {"errors": [{"error": "BadRequestError",
                                             "message": "Can't send to this recipient"}]})
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def notify(app) -> Iterator[type[FakeNotify]]:
    handler = type("Notify", (FakeNotify,), {"received": [], "status": 201})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config.update(EHRIA_NOTIFY_API_KEY=f"ehria_test-{SERVICE_ID}-{SECRET}",
                      EHRIA_NOTIFY_TEMPLATE_ID=TEMPLATE_ID,
                      EHRIA_NOTIFY_BASE_URL=f"http://127.0.0.1:{server.server_port}")
    yield handler
    for key in ("EHRIA_NOTIFY_API_KEY", "EHRIA_NOTIFY_TEMPLATE_ID", "EHRIA_NOTIFY_BASE_URL"):
        app.config.pop(key)
    server.shutdown()
    server.server_close()


def test_with_a_notify_key_e_mails_go_through_gov_uk_notify(api_as, people, notify):
    officer = api_as(people["officer"])
    submit(officer, create(officer)["id"])
    message = db.session.scalar(select(Notification))
    assert message.sent_at is not None and message.error is None
    [sent] = notify.received
    assert sent["path"] == "/v2/notifications/email" and sent["iss"] == SERVICE_ID
    assert sent["email_address"] == "chair@example.gov.uk"
    assert sent["template_id"] == TEMPLATE_ID
    assert sent["personalisation"] == {"subject": message.subject, "body": message.body}
    assert sent["reference"] == f"ehria-notification-{message.id}"


def test_an_e_mail_notify_refuses_is_kept_as_failed(api_as, people, notify):
    notify.status = 400
    officer = api_as(people["officer"])
    assert submit(officer, create(officer)["id"])["status"] == "submitted"
    message = db.session.scalar(select(Notification))
    assert message.sent_at is None and "Can't send to this recipient" in message.error
