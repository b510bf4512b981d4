"""The web front's accounts and keys, as rules: who may have a password, how long it is, when repeated failures
lock an account and for how long, and what an Open311 client's name may be. The store applies them (SQLite in
Python, PostgreSQL in the database's own sign-in function, made from these same numbers)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

FAILURES_BEFORE_LOCK = 5
LOCK_SECONDS = 15 * 60
PASSWORD_LENGTH = (12, 200)
UNTYPABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # (the respondent signs in at a browser's one-line box)
CLIENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}")


def password_refusal(password: str) -> str | None:
    """Why `password` cannot be a web password, in words; None when it can."""
    if not PASSWORD_LENGTH[0] <= len(password) <= PASSWORD_LENGTH[1]:
        return f"A password has {PASSWORD_LENGTH[0]} to {PASSWORD_LENGTH[1]} characters."
    if UNTYPABLE.search(password):
        return "A password has no control characters (NUL, tab, escape...): a browser's password box cannot type them."
    return None


def client_name_refusal(name: str) -> str | None:
    if not CLIENT_NAME.fullmatch(name):
        return "A client's name is 1-80 letters, digits, spaces, . _ or -."
    return None


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def after_failure(failures: int, locked_until: datetime | None, now: datetime) -> tuple[int, datetime | None]:
    """(failures, locked_until) after one more failed sign-in: a lock that ran out starts the count again; the
    FAILURES_BEFORE_LOCK-th failure in a row locks the account for LOCK_SECONDS."""
    count = 1 if locked_until is not None else failures + 1
    return count, (now + timedelta(seconds=LOCK_SECONDS) if count >= FAILURES_BEFORE_LOCK else None)
