"""The sign-in limit: after SIGN_IN_MAX_FAILURES failures within SIGN_IN_WINDOW for an
e-mail address, or from a client address, further attempts are refused for a while.

Checking the count and counting the attempt are one atomic step, taken before the
password is checked: `reserve_attempt` holds a lock on both keys while it counts and
records the attempt as a failure, and commits. Of any number of attempts sent at once,
exactly the limit's worth get their password checked; a right password then takes its
own failure back (`clear_failures`). The lock is PostgreSQL's transaction-level advisory
lock on each key; on SQLite the first write of the transaction takes the database's
write lock, which serialises the same way.

Failures are counted in the database, not in a worker's memory, so the limit holds
however many workers and machines there are; only keyed hashes of what was typed are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, or_, select, text, update

from ehria.accounts import normalise_email
from ehria.extensions import db
from ehria.models import utcnow
from ehria.models_security import SignInAttempt


def _digest(kind: str, value: str) -> str:
    """A keyed hash, so the table never holds what was typed or who typed it."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _keys(email: str | None, address: str | None) -> tuple[str, str]:
    return (
        _digest("email", normalise_email(email or "")),
        _digest("address", (address or "unknown").strip()),
    )


def _window_start() -> datetime:
    return utcnow() - current_app.config["SIGN_IN_WINDOW"]


def _lock(*keys: str) -> None:
    """Hold each key until the transaction ends (in one order, so two never deadlock)."""
    if db.engine.dialect.name != "postgresql":
        return  # SQLite: the DELETE that follows takes the one write lock
    for key in sorted(set(keys)):
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": int(key[:15], 16)})


def failures(email: str | None, address: str | None) -> tuple[int, int]:
    """Failed sign-ins in the current window: (for this e-mail, from this address)."""
    email_hash, address_hash = _keys(email, address)
    row = db.session.execute(
        select(
            func.count().filter(SignInAttempt.email_hash == email_hash),
            func.count().filter(SignInAttempt.address_hash == address_hash),
        ).where(
            or_(SignInAttempt.email_hash == email_hash,
                SignInAttempt.address_hash == address_hash),
            SignInAttempt.at > _window_start(),
        )
    ).one()
    return int(row[0]), int(row[1])


def reserve_attempt(email: str | None, address: str | None) -> bool:
    """Whether this attempt may have its password checked; if so it is already counted
    as a failure (committed). False, counting nothing, once the limit is reached."""
    email_hash, address_hash = _keys(email, address)
    limit = int(current_app.config["SIGN_IN_MAX_FAILURES"])
    _lock(email_hash, address_hash)
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.at <= _window_start()))
    by_email, by_address = failures(email, address)
    if by_email >= limit or by_address >= limit:
        db.session.commit()  # (the old rows' deletion; ends the lock)
        return False
    db.session.add(SignInAttempt(email_hash=email_hash, address_hash=address_hash))
    db.session.commit()
    return True


def clear_failures(email: str | None) -> None:
    """After a successful sign-in, that e-mail's failures no longer count (those from the
    client address, other than this attempt's own, still do). Commits."""
    email_hash, _ = _keys(email, None)
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.email_hash == email_hash))
    db.session.commit()


def reserve_callback_attempt(address: str | None) -> str | None:
    """For a sign-in where nothing was typed (the return from the council's sign-in): the
    limit of the client address alone. The attempt gets an e-mail key of its own, since
    one key shared by every such attempt would let ten forged returns from anywhere
    refuse everyone's council sign-in. Returns that key (for `settle_callback_attempt`),
    counted as a failure and committed, or None once the address is at the limit."""
    key = "callback:" + secrets.token_urlsafe(16)
    return key if reserve_attempt(key, address) else None


def settle_callback_attempt(key: str, email: str | None, succeeded: bool) -> None:
    """After the return was checked. Signed in: the attempt is taken back and that
    e-mail's failures are cleared, as a right password does. Refused: it stays a failure,
    counted against the token's e-mail when one was read. Commits."""
    key_hash, _ = _keys(key, None)
    if succeeded:
        db.session.execute(delete(SignInAttempt).where(SignInAttempt.email_hash == key_hash))
        db.session.commit()
        if email:
            clear_failures(email)
        return
    if email:
        email_hash, _ = _keys(email, None)
        db.session.execute(update(SignInAttempt).where(SignInAttempt.email_hash == key_hash)
                           .values(email_hash=email_hash))
    db.session.commit()
