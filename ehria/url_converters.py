"""URL parts the routes take, bounded to what the database can hold.

An id too large for its column can be no row's id, and passing it on makes the database
fail (PostgreSQL: "integer out of range" beyond 2**31 - 1, its INTEGER; SQLite: "Python
int too large" beyond 64 bits). The `int` converter used by every route is replaced by
one that matches at most 9 digits, so such URLs match no route at all: 404, whatever the
method, as for any id that does not exist. (Rejecting them after matching instead would
make Werkzeug answer 405 for a method another route takes on the same path.) Every
9-digit number fits an INTEGER, and no table of a council's assessments, users or tokens
comes near a thousand million rows.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MOST_DIGITS = 9  # 999,999,999 < 2,147,483,647: PostgreSQL's INTEGER, the ids' column type


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` as Werkzeug reads it (digits only, no sign), at most 9 digits."""

    regex = rf"\d{{1,{MOST_DIGITS}}}"


def init_url_converters(app: Flask) -> None:
    """Before any blueprint is registered: rules take their converter when added."""
    app.url_map.converters["int"] = DatabaseIdConverter
