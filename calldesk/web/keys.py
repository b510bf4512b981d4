"""The web front's own secrets, kept beside the store's settings (never in the store): the key that signs its
forms, sessions and status links, and the Open311 clients' API keys (only their SHA-256 is kept)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path

from calldesk.errors import InvalidInput
from calldesk.settings import data_home

CLIENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}")


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
    return hmac.compare_digest(status_token(secret, case_number), token)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def _clients(home: Path) -> dict[str, str]:
    path = home / "open311_clients.json"
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}


def add_client(home: Path, name: str) -> str:
    """Issue an Open311 client's API key (shown once; only its digest is kept). A name already issued is refused."""
    if not CLIENT_NAME.fullmatch(name):
        raise InvalidInput("A client's name is 1-80 letters, digits, spaces, . _ or -.", field="name")
    clients = _clients(home)
    if name in clients:
        raise InvalidInput(f"A key for '{name}' was already issued; remove it first to issue another.", field="name")
    key = secrets.token_urlsafe(32)
    clients[name] = _digest(key)
    _private(home / "open311_clients.json", json.dumps(clients, indent=1, sort_keys=True))
    return key


def remove_client(home: Path, name: str) -> bool:
    clients = _clients(home)
    if clients.pop(name, None) is None:
        return False
    _private(home / "open311_clients.json", json.dumps(clients, indent=1, sort_keys=True))
    return True


def client_of(home: Path, key: str) -> str | None:
    """The client whose API key `key` is, or None."""
    if not key or len(key) > 200:
        return None
    digest = _digest(key)
    return next((name for name, kept in _clients(home).items() if hmac.compare_digest(kept, digest)), None)
