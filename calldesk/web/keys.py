"""The web front's own secret, kept beside the store's settings (not in the store): the key that signs its forms,
respondents' sessions and status links. Whoever reads it can sign a session as any respondent; in the store its
readers would be every login of the web front's role (a desk role: every agent), here only the web host's own
account. Several web processes share it by the same file (copy it to each host). The Open311 clients' keys and
respondents' passwords are in the store (calldesk.store.services.web_accounts); `old_clients` reads an earlier
calldesk's
file of key digests for their one import."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from calldesk.settings import data_home

OLD_CLIENTS = "open311_clients.json"


def web_home() -> Path:
    """Where `calldesk serve` keeps its secret and its clients' keys (CALLDESK_WEB_DIR, else the data folder)."""
    return Path(os.environ.get("CALLDESK_WEB_DIR") or data_home() / "web")


def _private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def web_secret(home: Path) -> bytes:
    """The web front's signing key, made (256 random bits, readable by its owner only) on first use."""
    path = home / "secret"
    if not path.exists():
        _private(path, secrets.token_hex(32))
    return bytes.fromhex(path.read_text(encoding="utf-8").strip())


def status_token(secret: bytes, case_number: str) -> str:
    """The private part of a request's status link: unguessable without the web front's secret."""
    return hmac.new(secret, f"status:{case_number}".encode(), hashlib.sha256).hexdigest()[:32]


def status_token_ok(secret: bytes, case_number: str, token: str) -> bool:
    """Whether `token` is the status link's for `case_number` (compared as bytes: a link may hold any character)."""
    return hmac.compare_digest(status_token(secret, case_number).encode(), token.encode("utf-8", "replace"))


def old_clients(home: Path) -> dict[str, str]:
    """The Open311 clients' key digests an earlier calldesk kept in a file (client -> SHA-256), for the one import
    into the store (calldesk.store.services.web_accounts.import_web_files)."""
    path = home / OLD_CLIENTS
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}
