"""The web front's accounts and keys in the store (several `calldesk serve` processes on one PostgreSQL share
them): respondents' web passwords (argon2id) and their lockout counters, and the Open311 clients' API keys
(SHA-256). Admins manage them (`manage_web`); the web front's own login checks a sign-in or a key (`serve_web`).

No login but the owner reads a hash or a digest on PostgreSQL (column privileges): the web front reads an
account's argon2 parameters and salt, computes the hash of what was typed, and the database compares it, counts
the failure and locks the account (calldesk.store.db.security_web). On SQLite, whose file has one owner, the same
steps run here, by the same rule (calldesk.rules.web_accounts)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher, Type
from argon2.low_level import hash_secret
from sqlalchemy import insert, text, update
from sqlalchemy import select as columns_of
from sqlmodel import Session, col, select

from calldesk.errors import InvalidInput
from calldesk.models import WebAccount, WebKey, WebKeyPublic, utcnow
from calldesk.rules.web_accounts import PASSWORD_LENGTH, after_failure, client_name_refusal, is_locked, password_refusal
from calldesk.store.db.audit import record
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import USERNAME, Actor, actor_for, authorise, check

HASHER = PasswordHasher()  # argon2id, 64 MiB, 3 passes, 4 lanes, 32 bytes (RFC 9106's low-memory profile)
_DUMMY_PREFIX = HASHER.hash("not a password of anyone's").rsplit("$", 1)[0]
SignIn = Literal["ok", "no", "locked"]


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _hash_with(prefix: str, password: str) -> str | None:
    """The encoded argon2 hash of `password` under an account's parameters and salt (`prefix`, the encoded hash
    without its last part); None if the prefix is not one this calldesk makes."""
    try:
        _, kind, version, params, salt = prefix.split("$")
        cost = dict(p.split("=") for p in params.split(","))
        raw_salt = base64.b64decode(salt + "=" * (-len(salt) % 4))
        if kind != "argon2id" or version != "v=19":
            return None
        return hash_secret(password.encode("utf-8"), raw_salt, time_cost=int(cost["t"]),
                           memory_cost=int(cost["m"]), parallelism=int(cost["p"]), hash_len=HASHER.hash_len,
                           type=Type.ID).decode("ascii")
    except (ValueError, KeyError):
        return None


def check_respondent(session: Session, username: str) -> None:
    """InvalidInput (or NotFound) unless `username` is a respondent: the only users with a web password."""
    if not USERNAME.fullmatch(username or ""):
        raise InvalidInput(f"{username!r} is not a calldesk user name.", field="username")
    if actor_for(session, username).role != "respondent":
        raise InvalidInput(f"{username} is not a respondent (calldesk user set-role {username} respondent).",
                           field="username")


def write_web_password(uow: UnitOfWork, *, actor: Actor, username: str, password: str) -> None:
    """Give respondent `username` a web password (its argon2id hash kept; their failures forgotten, their sessions
    ended); admins. No commit: calldesk.store.services.web_logins.set_respondent_sign_in holds it in one
    transaction with the respondent's login password."""
    authorise(uow, actor, "manage_web")
    check_respondent(uow.session, username)
    refusal = password_refusal(password)
    if refusal is not None:
        raise InvalidInput(refusal, field="password")
    hashed, now = HASHER.hash(password), utcnow()
    exists = uow.session.exec(select(WebAccount.username).where(WebAccount.username == username)).first()
    if exists is None:
        uow.session.execute(insert(WebAccount).values(username=username, password_hash=hashed, failures=0,
                                                      password_set_at=now, created_by=actor.username))
    else:
        uow.session.execute(update(WebAccount).where(col(WebAccount.username) == username).values(
            password_hash=hashed, failures=0, locked_until=None, password_set_at=now,
            session_epoch=col(WebAccount.session_epoch) + 1))  # every session on the old password ends
    record(uow.session, actor=actor.username, action="web.password_set", entity="webaccount", entity_id=username)


def web_sign_in(uow: UnitOfWork, *, actor: Actor, username: str, password: str) -> SignIn:
    """Check a respondent's web sign-in and keep the count: "ok", "no" (wrong name or password), or "locked"
    (too many failures in a row: refused, whatever was typed, until the lock runs out). The same argon2 work is
    done for an unknown name (no timing tells)."""
    authorise(uow, actor, "serve_web")
    typed = password[:PASSWORD_LENGTH[1]]
    known = bool(USERNAME.fullmatch(username or ""))
    if _postgres(uow.session):
        prefix = uow.session.execute(text("SELECT public.calldesk_web_salt(:u)"), {"u": username}).scalar() \
            if known else None
        computed = _hash_with(prefix or _DUMMY_PREFIX, typed)
        if prefix is None:
            return "no"
        found = uow.session.execute(text("SELECT public.calldesk_web_sign_in(:u, :h)"),
                                    {"u": username, "h": computed}).scalar()
        uow.commit()
        return "ok" if found == "ok" else "locked" if found == "locked" else "no"
    account = uow.session.get(WebAccount, username) if known else None
    prefix = account.password_hash.rsplit("$", 1)[0] if account is not None else _DUMMY_PREFIX
    computed = _hash_with(prefix, typed)
    if account is None:
        return "no"
    now = utcnow()
    if is_locked(account.locked_until, now):
        return "locked"
    if computed is not None and secrets.compare_digest(computed, account.password_hash):
        account.failures, account.locked_until = 0, None
        uow.commit()
        return "ok"
    account.failures, account.locked_until = after_failure(account.failures, account.locked_until, now)
    uow.commit()
    return "no"  # (the failure that locks the account is told as a failure; the next attempt, as locked)


def web_session(session: Session, *, viewer: Actor, username: str) -> int | None:
    """Respondent `username`'s session count (a session cookie is good while it names this one), or None when
    they have no web account (the web front's login asks)."""
    check(session, viewer, "serve_web")
    if not USERNAME.fullmatch(username or ""):
        return None
    if _postgres(session):
        found = session.execute(text("SELECT public.calldesk_web_session(:u)"), {"u": username}).scalar()
        return int(found) if found is not None else None
    return session.exec(select(WebAccount.session_epoch).where(WebAccount.username == username)).first()


def web_sign_out(uow: UnitOfWork, *, actor: Actor, username: str) -> None:
    """End every web session of respondent `username` (they signed out): their session count moves on."""
    authorise(uow, actor, "serve_web")
    if _postgres(uow.session):
        uow.session.execute(text("SELECT public.calldesk_web_sign_out(:u)"), {"u": username})
    else:
        uow.session.execute(update(WebAccount).where(col(WebAccount.username) == username).values(
            session_epoch=col(WebAccount.session_epoch) + 1))
    uow.commit()


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def add_web_key(uow: UnitOfWork, *, actor: Actor, name: str) -> str:
    """Issue Open311 client `name` an API key and return it (shown once: only its SHA-256 is kept); admins. A
    name with a key in force is refused (revoke it first)."""
    authorise(uow, actor, "manage_web")
    refusal = client_name_refusal(name)
    if refusal is not None:
        raise InvalidInput(refusal, field="name")
    if _in_force(uow.session, name):
        raise InvalidInput(f"A key for '{name}' is in force; revoke it first to issue another.", field="name")
    key = secrets.token_urlsafe(32)
    uow.session.execute(insert(WebKey).values(name=name, digest=digest_of(key), issued_at=utcnow(),
                                              issued_by=actor.username))
    record(uow.session, actor=actor.username, action="web.key_issued", entity="webkey", entity_id=name)
    uow.commit()
    return key


def _in_force(session: Session, name: str) -> bool:
    return session.exec(select(WebKey.id).where(WebKey.name == name, col(WebKey.revoked_at).is_(None))).first() \
        is not None


def revoke_web_key(uow: UnitOfWork, *, actor: Actor, name: str) -> None:
    """Revoke client `name`'s key (its calls are refused from now on; the row stays, naming who); admins."""
    authorise(uow, actor, "manage_web")
    if not _in_force(uow.session, name):
        raise InvalidInput(f"No client named {name!r} has a key in force.", field="name")
    uow.session.execute(update(WebKey).where(col(WebKey.name) == name, col(WebKey.revoked_at).is_(None)).values(
        revoked_at=utcnow(), revoked_by=actor.username))
    record(uow.session, actor=actor.username, action="web.key_revoked", entity="webkey", entity_id=name)
    uow.commit()


def web_keys(session: Session, *, viewer: Actor) -> list[WebKeyPublic]:
    """Every key issued, newest first (never a digest); admins."""
    check(session, viewer, "manage_web")
    rows = session.execute(columns_of(col(WebKey.name), col(WebKey.issued_at), col(WebKey.issued_by),
                                      col(WebKey.revoked_at), col(WebKey.revoked_by))
                           .order_by(col(WebKey.issued_at).desc(), col(WebKey.id).desc()))
    return [WebKeyPublic(name=r[0], issued_at=r[1], issued_by=r[2], revoked_at=r[3], revoked_by=r[4]) for r in rows]


def web_client(session: Session, *, viewer: Actor, key: str) -> str | None:
    """The client whose API key in force `key` is, or None (the web front's login asks)."""
    check(session, viewer, "serve_web")
    if not key or len(key) > 200:
        return None
    digest = digest_of(key)
    if _postgres(session):
        found = session.execute(text("SELECT public.calldesk_web_client(:d)"), {"d": digest}).scalar()
        return str(found) if found is not None else None
    return session.exec(select(WebKey.name).where(WebKey.digest == digest,
                                                  col(WebKey.revoked_at).is_(None))).first()


@dataclass
class Imported:
    accounts: int = 0
    keys: int = 0
    skipped: int = 0


def import_web_files(uow: UnitOfWork, *, actor: Actor, accounts: dict[str, str], keys: dict[str, str]) -> Imported:
    """Bring the web front's old files into the store, once (admins): `accounts` username -> argon2 hash,
    `keys` client -> SHA-256 digest. What the store already has, or what is not a respondent, is skipped."""
    authorise(uow, actor, "manage_web")
    done, now = Imported(), utcnow()
    for username, hashed in sorted(accounts.items()):
        have = uow.session.exec(select(WebAccount.username).where(WebAccount.username == username)).first()
        try:
            check_respondent(uow.session, username)
        except InvalidInput:
            have = username
        if have is not None or not hashed.startswith("$argon2id$") or len(hashed) > 200:
            done.skipped += 1
            continue
        uow.session.execute(insert(WebAccount).values(username=username, password_hash=hashed, failures=0,
                                                      password_set_at=now, created_by=actor.username))
        done.accounts += 1
    for name, digest in sorted(keys.items()):
        taken = uow.session.exec(select(WebKey.id).where(WebKey.digest == digest)).first() is not None
        if taken or _in_force(uow.session, name) or client_name_refusal(name) or len(digest) != 64:
            done.skipped += 1
            continue
        uow.session.execute(insert(WebKey).values(name=name, digest=digest, issued_at=now, issued_by=actor.username))
        done.keys += 1
    record(uow.session, actor=actor.username, action="web.imported", entity="webaccount",
           new=f"{done.accounts} accounts, {done.keys} keys, {done.skipped} skipped", field="imported")
    uow.commit()
    return done
