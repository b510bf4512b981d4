"""Writing rows to CSV, XLSX, JSON Lines and Markdown, every spreadsheet cell neutralised against formulas."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol

from calldesk.output_files import no_follow, replacing
from calldesk.rules.display import inert, json_text
from calldesk.rules.reporting import neutralise


class Writer(Protocol):
    """Where rows are written: a file being written, or the screen."""

    def write(self, text: str, /) -> int: ...


class InertScreen:
    """Standard output, for text that may hold stored values: control characters (ESC, bidi overrides...) are
    written as visible escapes, whether it goes to a terminal or a pipe (a file written with --out keeps them)."""

    def write(self, text: str, /) -> int:
        return sys.stdout.write(inert(text.replace("\r\n", "\n")))  # CSV's \r\n: a line end, not a control


@contextmanager
def text_target(target: Path | None, what: str) -> Iterator[Writer]:
    """The file to write, or the screen (inert). A file is checked before anything is written, written new and
    owner-only (it may hold a caller's data) under a temporary name, and renamed into place once whole
    (calldesk.output_files)."""
    if target is None:
        yield InertScreen()
        return
    with replacing(target, what) as partial, text_file(partial) as handle:
        yield handle


def text_file(partial: Path) -> IO[str]:
    """The temporary file `replacing` made, opened for text (UTF-8, line ends as written)."""
    return open(partial, "w", encoding="utf-8", newline="", opener=no_follow)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return neutralise(json.dumps(value, default=str))
    return neutralise(value)


def _sheet_cell(value: Any) -> str:
    # A worksheet is XML, which cannot hold most control characters (openpyxl refuses the whole file): they are
    # written as visible escapes, as on a terminal.
    return _cell(inert(value) if isinstance(value, str) else value)


def write_csv(handle: Writer, headers: Sequence[str], rows: Iterable[dict[str, Any]],
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


def write_jsonl(handle: Writer, rows: Iterable[dict[str, Any]], step: Callable[[], None] | None = None) -> int:
    count = 0
    for row in rows:
        handle.write(json_text(row) + "\n")
        count += 1
        if step:
            step()
    return count


def write_json_array(handle: Writer, rows: Iterable[dict[str, Any]], step: Callable[[], None] | None = None,
                     columns: Sequence[str] | None = None) -> int:
    """Rows as one JSON array, written as they are read (each row whole, or only `columns`, in their order: what
    the CSV of the same rows holds); returns how many were written."""
    handle.write("[")
    count = 0
    for row in rows:
        shown = row if columns is None else {c: row.get(c) for c in columns}
        handle.write(("," if count else "") + "\n  " + json_text(shown))
        count += 1
        if step:
            step()
    handle.write("\n]\n" if count else "]\n")
    return count


def write_xlsx(partial: Path, title: str, headers: Sequence[str], rows: Iterable[dict[str, Any]],
               step: Callable[[], None] | None = None) -> int:
    """Rows as one XLSX sheet (write-only mode, so memory stays flat) into the temporary file `replacing` made;
    every cell is plain text, its control characters as visible escapes (calldesk.rules.display.inert)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([_sheet_cell(h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([_sheet_cell(row.get(h)) for h in headers])
        count += 1
        if step:
            step()
    with open(partial, "wb", opener=no_follow) as handle:
        book.save(handle)
    return count


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table (pipes in cells escaped)."""
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
