"""URL parts the routes take, bounded to what the database can hold.

An id in a URL longer than 64 bits can be no row's id, and passing it on makes the
database fail (SQLite: "Python int too large", PostgreSQL: out of range for bigint). The
`int` converter used by every route is replaced by one that matches at most 18 digits, so
such URLs match no route at all: 404, whatever the method, as for any id that does not
exist. (Rejecting them after matching instead would make Werkzeug answer 405 for a method
another route takes on the same path.) Every 18-digit number fits in 64 bits, and no
sequence of ours comes near 10**18.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MOST_DIGITS = 18  # 10**18 - 1 < 2**63 - 1, PostgreSQL's bigint and SQLite's INTEGER


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` as Werkzeug reads it (digits only, no sign), at most 18 digits."""

    regex = rf"\d{{1,{MOST_DIGITS}}}"


def init_url_converters(app: Flask) -> None:
    """Before any blueprint is registered: rules take their converter when added."""
    app.url_map.converters["int"] = DatabaseIdConverter
