"""Just enough SMTP to take messages, as a real mail server would, on a free local port."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class SmtpSink(socketserver.StreamRequestHandler):
    received: list[bytes] = []

    def handle(self) -> None:
        self.wfile.write(b"220 sink ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 sink\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                message = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    message += chunk
                self.received.append(message)
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@contextmanager
def smtp_sink() -> Iterator[tuple[int, list[bytes]]]:
    """(port, messages received): the list fills as messages arrive."""
    received: list[bytes] = []
    handler = type("Sink", (SmtpSink,), {"received": received})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()
