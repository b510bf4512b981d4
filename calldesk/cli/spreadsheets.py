"""Writing rows to CSV, XLSX, JSON Lines and Markdown, every spreadsheet cell neutralised against formulas."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from calldesk.errors import InvalidInput
from calldesk.rules.reporting import neutralise


@contextmanager
def text_target(out: Path | None) -> Iterator[IO[str]]:
    """The file to write (owner-only: it may hold a caller's data), or stdout."""
    if out is None:
        yield sys.stdout
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8", newline="", opener=_owner_only) as handle:
            yield handle
    except OSError as exc:
        raise InvalidInput(f"Cannot write {out}: {exc.strerror or exc}.") from None


def _owner_only(path: str | bytes, flags: int) -> int:
    return os.open(path, flags, 0o600)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return neutralise(json.dumps(value, default=str))
    return neutralise(value)


def write_csv(handle: IO[str], headers: Sequence[str], rows: Iterable[dict[str, Any]],
              step: Callable[[], None] | None = None) -> int:
    """Rows as CSV under `headers`; returns how many were written."""
    writer = csv.writer(handle)
    writer.writerow([neutralise(h) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(h)) for h in headers])
        count += 1
        if step:
            step()
    return count


def write_jsonl(handle: IO[str], rows: Iterable[dict[str, Any]], step: Callable[[], None] | None = None) -> int:
    count = 0
    for row in rows:
        handle.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
        count += 1
        if step:
            step()
    return count


def write_xlsx(out: Path, title: str, headers: Sequence[str], rows: Iterable[dict[str, Any]],
               step: Callable[[], None] | None = None) -> int:
    """Rows as one XLSX sheet (write-only mode, so memory stays flat); every cell is plain text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([neutralise(h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([_cell(row.get(h)) for h in headers])
        count += 1
        if step:
            step()
    buffer = io.BytesIO()
    book.save(buffer)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(buffer.getvalue())
    except OSError as exc:
        raise InvalidInput(f"Cannot write {out}: {exc.strerror or exc}.") from None
    return count


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table (pipes in cells escaped)."""
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
