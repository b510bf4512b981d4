"""Unit of work: one transaction that rolls back unless committed, with the acting user resolved."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, event, inspect
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from calldesk.errors import CalldeskError, InvalidInput, StaleCase, StoreError
from calldesk.models import Case
from calldesk.rules.free_text import ABUSE_PLACEHOLDER, FREE_TEXT, NARRATIVE_LIMITS, narrative_columns, too_long
from calldesk.store.db.engine import readonly as readonly_engine


class UnitOfWork:
    """`with UnitOfWork(engine) as uow:` ... `uow.commit()`; leaving without commit rolls back."""

    def __init__(self, engine: Engine, *, readonly: bool = False) -> None:
        self.readonly = readonly
        self.engine = readonly_engine(engine) if readonly else engine
        self.session: Session = Session(self.engine, expire_on_commit=False, autoflush=True)
        self._committed = False
        self._joined = 0
        # Who acts, as the store knew them when this transaction first asked (calldesk.store.db.users.authorise):
        # the services one action joins read the user's row once, not once each.
        self.actors: dict[str, Any] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # A reader's objects stay loaded after close; a writer that did not commit rolls back (and expires).
        if not self._committed and not self.readonly:
            self.session.rollback()
        self.session.close()
        if exc is not None and not isinstance(exc, CalldeskError):
            translated = translate(exc)
            if translated is not None:
                raise translated from exc

    @contextmanager
    def one_commit(self) -> Iterator[None]:
        """Services called inside join one user action: their commits only flush, and the action commits once
        after the block (`uow.commit()`); any refusal inside rolls back everything they wrote."""
        self._joined += 1
        try:
            yield
        finally:
            self._joined -= 1

    def commit(self) -> None:
        if self._joined:
            self.flush()
            return
        try:
            self.session.commit()
        except Exception as exc:
            self.session.rollback()
            translated = translate(exc)
            if translated is not None:
                raise translated from exc
            raise
        self._committed = True

    def flush(self) -> None:
        try:
            self.session.flush()
        except Exception as exc:
            translated = translate(exc)
            if translated is not None:
                raise translated from exc
            raise


class BatchUnitOfWork(UnitOfWork):
    """Many writes in ONE transaction (a batch of an import): a service's `commit()` only flushes; `finish()`
    commits the whole batch."""

    def commit(self) -> None:
        self.flush()

    def finish(self) -> None:
        super().commit()


def translate(exc: BaseException) -> CalldeskError | None:
    """Database failures as sentences a person can act on (never a traceback)."""
    if isinstance(exc, UnicodeError) or isinstance(getattr(exc, "orig", None), UnicodeError):
        return InvalidInput("A value holds a character that cannot be stored (half of a surrogate pair).")
    if isinstance(exc, DBAPIError) and "append-only" in str(exc.orig):
        return StoreError("The audit trail is append-only: it cannot be changed or deleted.")
    if isinstance(exc, StaleDataError):
        return StaleCase("Someone else saved this case after you opened it; reload it to see their changes.")
    if isinstance(exc, OperationalError):
        text = str(exc.orig) if exc.orig is not None else str(exc)
        if "locked" in text or "busy" in text:
            return StoreError("The store is busy (another desk is saving); try again in a moment.")
        return StoreError(f"The store cannot be used: {text.splitlines()[0]}")
    if isinstance(exc, IntegrityError):
        text = str(exc.orig) if exc.orig is not None else str(exc)
        return StoreError(f"The store refused the change: {text.splitlines()[0]}")
    if isinstance(exc, DBAPIError):  # e.g. a value too long for its column on PostgreSQL
        text = str(exc.orig) if exc.orig is not None else type(exc).__name__
        return StoreError(f"The store refused the change: {text.splitlines()[0]}")
    return None


def _refuse_nul(session: Session, _ctx: Any, _instances: Any) -> None:
    # PostgreSQL cannot store NUL in text, and no backend can encode a lone surrogate: refuse both, naming
    # the field, the same way on SQLite.
    for obj in list(session.new) + list(session.dirty):
        for key, value in vars(obj).items():
            if isinstance(value, str):
                problem = unstorable(value)
                if problem:
                    raise InvalidInput(f"{key.replace('_', ' ').capitalize()} contains {problem}.", field=key)


_LIMITED = frozenset(table for table, _ in NARRATIVE_LIMITS)


def _refuse_too_long(session: Session, _ctx: Any, _instances: Any) -> None:
    # Every narrative's limit (calldesk.rules.free_text), under every service and so every channel: a new row's
    # narrative, or one a change sets (a row stored longer before the limit still takes other changes).
    for obj in list(session.new) + list(session.dirty):
        table = str(getattr(obj, "__tablename__", ""))
        if table not in _LIMITED:
            continue
        state = inspect(obj)
        values = {column: getattr(obj, column) for column in narrative_columns(table)
                  if obj in session.new or state.attrs[column].history.has_changes()}
        refused = too_long(table, values)
        if refused is not None:
            raise InvalidInput(refused[1], field=refused[0])


def unstorable(value: str) -> str | None:
    """What in `value` no store can keep (a NUL, a lone surrogate), in words; None when it can be stored."""
    if "\x00" in value:
        return "a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "half of a surrogate pair (a broken character)"
    return None


def _keep_no_narrative(session: Session, _ctx: Any, _instances: Any) -> None:
    # PROTOCOL.md section 4, enforced under every service: a row of a call marked as suspected abuse never
    # stores a narrative column (calldesk.rules.free_text), whatever code wrote it.
    for obj in list(session.new) + list(session.dirty):
        table = str(getattr(obj, "__tablename__", ""))
        columns = narrative_columns(table)
        if not columns:
            continue
        with session.no_autoflush:
            case = obj if table == "cases" else session.get(Case, getattr(obj, "case_id", None) or -1)
        if case is None or not case.abuse_marked:
            continue
        for column in columns:
            value = getattr(obj, column)
            if value and value != ABUSE_PLACEHOLDER:
                setattr(obj, column, ABUSE_PLACEHOLDER if column in FREE_TEXT[table].placeheld else "")


event.listen(Session, "before_flush", _refuse_nul)
event.listen(Session, "before_flush", _keep_no_narrative)
event.listen(Session, "before_flush", _refuse_too_long)  # after the scrub: a marked call's text is gone, not long

