"""After an abuse mark, SQLite's WAL is folded into the main file and truncated: never given up silently.

An emptied narrative still sits in the `-wal` file (the page images written before the mark) until a
checkpoint copies the new pages over and truncates the log. A checkpoint cannot finish while another desk
holds a read on an older snapshot, so the mark tries once without waiting; if that fails it writes a small
marker beside the store (`<file>-scrub-pending`, holding only a time) and a background thread retries with a
bounded backoff until the checkpoint succeeds, then removes the marker. The next start of calldesk (any
command that opens the store) completes a marker left by a process that ended first; `calldesk db check`
says whether a scrub is pending.
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import datetime, tzinfo
from pathlib import Path

from sqlalchemy import Engine

from calldesk.models import utcnow
from calldesk.rules.shown import moment_words
from calldesk.store.db.engine import checkpoint

MARKER_SUFFIX = "-scrub-pending"
FIRST_DELAY = 0.05
MAX_DELAY = 2.0
_retrying: set[Path] = set()
_retrying_lock = threading.Lock()


def marker_path(engine: Engine) -> Path | None:
    """Where the pending-scrub marker of a SQLite store lives (None on PostgreSQL or in memory)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + MARKER_SUFFIX)


def scrub_files(engine: Engine) -> bool:
    """Fold the WAL now if no reader holds it; else record the scrub as pending and retry in the background.

    Returns True when the files hold no old page images any more (always True on PostgreSQL).
    """
    marker = marker_path(engine)
    if marker is None:
        return True
    if checkpoint(engine):
        marker.unlink(missing_ok=True)
        return True
    if not marker.exists():
        fd = os.open(marker, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"since": utcnow().isoformat()}, handle)
    _retry_in_background(engine, marker)
    return False


def resume_pending(engine: Engine) -> bool:
    """On opening the store: complete a scrub a previous process left pending. True when none is pending."""
    marker = marker_path(engine)
    if marker is None or not marker.exists():
        return True
    return scrub_files(engine)


def pending_since(engine: Engine) -> datetime | None:
    """When the pending scrub was recorded, or None when no scrub is pending."""
    marker = marker_path(engine)
    if marker is None:
        return None
    try:
        since = json.loads(marker.read_text(encoding="utf-8")).get("since")
        return datetime.fromisoformat(since)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, AttributeError):
        return datetime.fromtimestamp(0).astimezone()  # a damaged marker still means pending


def describe_scrub(engine: Engine, *, tz: tzinfo) -> str:
    """One line for `calldesk db check` (since when, in the agency's zone `tz`, as rules.shown says it)."""
    since = pending_since(engine)
    if since is None:
        return "scrub: ok (no emptied narrative left in the store's files)"
    when = moment_words(since, tz=tz, today=utcnow().astimezone(tz).date())
    return (f"scrub pending: since {when} text emptied by an abuse mark is still in the "
            "-wal file, because another desk holds a read; it is folded in as soon as that desk lets go "
            "(calldesk retries in the background and on its next start).")


def _retry_in_background(engine: Engine, marker: Path) -> None:
    with _retrying_lock:
        if marker in _retrying:
            return
        _retrying.add(marker)
    threading.Thread(target=_retry, args=(engine, marker), name="calldesk-scrub", daemon=True).start()


def _retry(engine: Engine, marker: Path) -> None:
    delay = FIRST_DELAY
    try:
        while marker.exists():
            time.sleep(delay)
            try:
                if checkpoint(engine):
                    marker.unlink(missing_ok=True)
                    return
            except Exception:  # noqa: BLE001 - the store went away (closed, deleted): the marker stays for later
                if not marker.parent.exists():
                    return
            delay = min(delay * 2, MAX_DELAY)
    finally:
        with _retrying_lock:
            _retrying.discard(marker)
