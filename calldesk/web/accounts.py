"""Respondents' web accounts: a password per person (argon2id, memory-hard; only the hash is kept, beside the web
front's secret), lockout after repeated failures, and signed sessions that expire. Who they are, their role and
their schools stay the store's (a calldesk user of role respondent)."""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from calldesk.errors import InvalidInput
from calldesk.store.users import USERNAME
from calldesk.web.keys import _private

SESSION_COOKIE = "calldesk_session"
SESSION_SECONDS = 30 * 60
FAILURES_BEFORE_LOCK = 5
LOCK_SECONDS = 15 * 60
PASSWORD_LENGTH = (12, 200)
_HASHER = PasswordHasher()  # argon2id, 64 MiB, 3 passes (the library's RFC 9106 low-memory profile)
_DUMMY = _HASHER.hash("not a password of anyone's")


def _accounts_file(home: Path) -> Path:
    return home / "respondents.json"


def _accounts(home: Path) -> dict[str, str]:
    path = _accounts_file(home)
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}


def set_password(home: Path, username: str, password: str) -> None:
    """Keep `username`'s new password (its argon2id hash only)."""
    if not USERNAME.fullmatch(username):
        raise InvalidInput(f"{username!r} is not a calldesk user name.", field="username")
    if not PASSWORD_LENGTH[0] <= len(password) <= PASSWORD_LENGTH[1]:
        raise InvalidInput(f"A password has {PASSWORD_LENGTH[0]} to {PASSWORD_LENGTH[1]} characters.",
                           field="password")
    accounts = _accounts(home)
    accounts[username] = _HASHER.hash(password)
    _private(_accounts_file(home), json.dumps(accounts, indent=1, sort_keys=True))


@dataclass
class Lockout:
    """Failed sign-ins per user name: after FAILURES_BEFORE_LOCK in a row, refused for LOCK_SECONDS."""

    failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def locked(self, username: str) -> bool:
        with self.lock:
            count, since = self.failures.get(username, (0, 0.0))
            return count >= FAILURES_BEFORE_LOCK and time.monotonic() - since < LOCK_SECONDS

    def failed(self, username: str) -> None:
        with self.lock:
            count, since = self.failures.get(username, (0, 0.0))
            if count >= FAILURES_BEFORE_LOCK and time.monotonic() - since >= LOCK_SECONDS:
                count = 0  # the lock ran out: counting starts again
            self.failures[username] = (count + 1, time.monotonic())

    def cleared(self, username: str) -> None:
        with self.lock:
            self.failures.pop(username, None)


def password_ok(home: Path, username: str, password: str) -> bool:
    """True when `password` is `username`'s (the same work is done for an unknown name: no timing tells)."""
    kept = _accounts(home).get(username) if USERNAME.fullmatch(username or "") else None
    try:
        return _HASHER.verify(kept or _DUMMY, password[:PASSWORD_LENGTH[1]]) and kept is not None
    except (VerificationError, InvalidHashError):
        return False


class Sessions:
    """Signed, expiring session cookies naming the signed-in respondent."""

    def __init__(self, secret: bytes) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="calldesk-session")

    def issue(self, username: str) -> str:
        return str(self._signer.dumps({"u": username}))

    def who(self, cookie: str | None) -> str | None:
        if not cookie or len(cookie) > 400:
            return None
        try:
            found = self._signer.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        name = found.get("u") if isinstance(found, dict) else None
        return name if isinstance(name, str) and USERNAME.fullmatch(name) else None


def _logins_file(home: Path) -> Path:
    return home / "respondent_logins.json"


def new_login_password(home: Path, username: str) -> str:
    """A fresh random database password for respondent `username`'s login, kept (owner-readable only) for the
    web front to sign in as them (PostgreSQL)."""
    path = _logins_file(home)
    kept = dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}
    kept[username] = secrets.token_urlsafe(32)
    _private(path, json.dumps(kept, indent=1, sort_keys=True))
    return str(kept[username])


def login_password(home: Path, username: str) -> str | None:
    path = _logins_file(home)
    return dict(json.loads(path.read_text(encoding="utf-8"))).get(username) if path.exists() else None
