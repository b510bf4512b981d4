"""Files attached to a case (the signed response letter): copied into the store, owner-only.

On SQLite the copy goes into an `attachments` folder next to the store's file (0700, each file 0600); on
PostgreSQL (and an in-memory SQLite store) the bytes go into the database. A copy written for a transaction
that then fails is removed again (see `discard_unsaved`)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from calldesk.errors import InvalidInput, NotFound, StoreError
from calldesk.models import Attachment
from calldesk.store.engine import sqlite_path

MAX_BYTES = 20 * 1024 * 1024  # a signed letter is a few pages; refuse what is clearly not one
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment_folder(engine: Engine) -> Path | None:
    """Where a SQLite store keeps its attachments (None: the database holds them)."""
    path = sqlite_path(str(engine.url.render_as_string(hide_password=False)))
    return None if path is None else path.parent / f"{path.stem}-attachments"


def read_source(source: Path) -> bytes:
    """The file to attach, refused in words if it is missing, empty, unreadable or too large."""
    if not source.is_file():
        raise InvalidInput(f"No file at {source}.", field="attachment")
    try:
        size = source.stat().st_size
        if size == 0:
            raise InvalidInput(f"{source} is empty.", field="attachment")
        if size > MAX_BYTES:
            raise InvalidInput(f"{source} is larger than {MAX_BYTES // (1024 * 1024)} MB.", field="attachment")
        return source.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"Cannot read {source}: {exc.strerror or exc}.", field="attachment") from exc


def prepare(engine: Engine, *, case_id: int, case_number: str, source: Path, by_user: str) -> tuple[Attachment,
                                                                                                   Path | None]:
    """The attachment row for `source`, and the copy written for it (None when the bytes go in the row)."""
    data = read_source(source)
    digest = hashlib.sha256(data).hexdigest()
    name = _SAFE.sub("_", source.name)[:200] or "letter"
    row = Attachment(case_id=case_id, kind="signed_letter", filename=name, size=len(data), sha256=digest,
                     by_user=by_user)
    folder = attachment_folder(engine)
    if folder is None:
        row.content = data
        return row, None
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
        target = folder / f"{case_number}-{digest[:16]}-{name}"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(target, 0o600)
    except OSError as exc:
        raise StoreError(f"Cannot copy the letter into {folder}: {exc.strerror or exc}.") from exc
    row.stored_as = str(target)
    return row, target


def discard_unsaved(copy: Path | None) -> None:
    """Remove a copy whose transaction did not commit."""
    if copy is not None:
        copy.unlink(missing_ok=True)


def content_of(row: Attachment) -> bytes:
    """The attached file's bytes, wherever they are kept."""
    if row.content is not None:
        return row.content
    if row.stored_as is None:
        raise StoreError("The attachment has no content.")
    return Path(row.stored_as).read_bytes()


def signed_letter(session: Session, case_number: str) -> tuple[str, bytes]:
    """The case's signed response letter: (the name it was attached under, its bytes)."""
    from calldesk.store.cases import get_case

    case = get_case(session, case_number)
    row = session.exec(select(Attachment).where(Attachment.case_id == case.id, Attachment.kind == "signed_letter")
                       .order_by(col(Attachment.at).desc())).first()
    if row is None:
        raise NotFound(f"Case {case_number} has no signed letter attached.")
    return row.filename, content_of(row)
