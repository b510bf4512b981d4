"""Respondents' web sessions, and what the web host keeps for them. Their passwords (argon2id) and lockout counters
are in the store (calldesk.store.services.web_accounts); who they are, their role and their schools are the store's
users.

Kept here, beside the web front's secret (readable by its owner only): each respondent's database login password
(PostgreSQL), generated, so the web front signs in as them. It is a credential to the database itself, like the
web front's own login password in its store URL: in the store its readers would be logins that could then act as
the respondent. `old_accounts` reads an earlier calldesk's file of password hashes for their one import."""

from __future__ import annotations

import json
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from calldesk.store.db.users import USERNAME
from calldesk.web.keys import _private

SESSION_COOKIE = "calldesk_session"
SESSION_SECONDS = 30 * 60
OLD_ACCOUNTS = "respondents.json"


class Sessions:
    """Signed, expiring session cookies naming the signed-in respondent and their account's session count when
    they signed in (the store's: signing out or a new password moves it on, and the cookie is void)."""

    def __init__(self, secret: bytes) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="calldesk-session")

    def issue(self, username: str, epoch: int) -> str:
        return str(self._signer.dumps({"u": username, "e": epoch}))

    def who(self, cookie: str | None) -> tuple[str, int] | None:
        """The respondent and session count the cookie names, if it is ours and has not expired."""
        if not cookie or len(cookie) > 400:
            return None
        try:
            found = self._signer.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        name, epoch = (found.get("u"), found.get("e")) if isinstance(found, dict) else (None, None)
        if not isinstance(name, str) or not USERNAME.fullmatch(name) or type(epoch) is not int:
            return None
        return name, epoch


def old_accounts(home: Path) -> dict[str, str]:
    """The respondents' password hashes an earlier calldesk kept in a file (username -> argon2id hash)."""
    path = home / OLD_ACCOUNTS
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}


def _logins_file(home: Path) -> Path:
    return home / "respondent_logins.json"


def keep_login_password(home: Path, username: str, password: str) -> None:
    """Keep `password` (owner-readable only) as respondent `username`'s login password, for the web front: once
    the login has it (a password kept first would leave the web front signing in with one the login never got)."""
    path = _logins_file(home)
    kept = dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}
    kept[username] = password
    _private(path, json.dumps(kept, indent=1, sort_keys=True))


def login_password(home: Path, username: str) -> str | None:
    path = _logins_file(home)
    return dict(json.loads(path.read_text(encoding="utf-8"))).get(username) if path.exists() else None
