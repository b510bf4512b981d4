"""Files attached to a case (the signed response letter): copied into the store, owner-only.

The bytes go into the database on both backends (the SQLite file is owner-only; on PostgreSQL the row is the
store's), so `calldesk db backup` and `restore` carry the letters with their cases and a failed transaction
leaves no copy behind. Rows written by an earlier release may still name a copy on disk (`stored_as`): they are
read from there."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from calldesk.errors import InvalidInput, NotFound, StoreError
from calldesk.models import Attachment
from calldesk.store.db.users import Actor

MAX_BYTES = 20 * 1024 * 1024  # a signed letter is a few pages; refuse what is clearly not one
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def read_source(source: Path) -> bytes:
    """The file to attach, refused in words if it is missing, empty, unreadable or too large."""
    try:
        if not source.is_file():
            raise InvalidInput(f"No file at {source}.", field="attachment")
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
    """The attachment row for `source`, its bytes in the row, and the copy written outside it (always None now:
    the signature stays for the callers that discard an unsaved copy)."""
    data = read_source(source)
    digest = hashlib.sha256(data).hexdigest()
    name = _SAFE.sub("_", source.name)[:200] or "letter"
    row = Attachment(case_id=case_id, kind="signed_letter", filename=name, size=len(data), sha256=digest,
                     by_user=by_user)
    row.content = data
    return row, None


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


def signed_letter(session: Session, case_number: str, *, viewer: Actor | None) -> tuple[str, bytes]:
    """The case's signed response letter: (the name it was attached under, its bytes), if `viewer` sees the case."""
    from calldesk.store.read.one_case import get_case

    case = get_case(session, case_number, viewer=viewer)
    row = session.exec(select(Attachment).where(Attachment.case_id == case.id, Attachment.kind == "signed_letter")
                       .order_by(col(Attachment.at).desc())).first()
    if row is None:
        raise NotFound(f"Case {case_number} has no signed letter attached.")
    return row.filename, content_of(row)
