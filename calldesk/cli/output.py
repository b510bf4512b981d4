"""How a command prints: one-line messages, rich tables, JSON for scripts, a progress bar on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from calldesk.rules.display import inert, json_text

R = TypeVar("R")

# soft_wrap: a message is one line even when the output is not a terminal (Rich would wrap it at 80 columns).
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
# The one `--json` option every command that prints a result takes.
JSON = typer.Option(False, "--json", help="Print JSON.")


def shown(value: object) -> str:
    """A stored or typed value inside a one-line Rich-markup message: markup escaped, control characters
    (newlines too) inert."""
    return escape(inert(str(value), lines=False))


def to_jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def print_json(value: Any) -> None:
    """`value` as JSON on stdout: the data exact, every character that acts on a terminal a \\u escape."""
    sys.stdout.write(json_text(to_jsonable(value), indent=2) + "\n")


def report(result: R, as_json: bool, line: Callable[[R], str] | str) -> R:
    """A command's result: as JSON (`--json`), else one line (Rich markup: `shown` the stored values in it)."""
    if as_json:
        print_json(result)
    else:
        out.print(line(result) if callable(line) else line)
    return result


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
                whole: Sequence[str] = ()) -> None:
    """A table of `rows`; the columns named in `whole` (a case number) are never cut, however narrow."""
    cells = [[Text("" if v is None else inert(str(v))) for v in row] for row in rows]  # never read as markup
    table = Table(title=Text(inert(title)), title_justify="left")
    for n, column in enumerate(columns):
        if column in whole:
            width = max([len(column), *(len(row[n].plain) for row in cells)])
            table.add_column(column, no_wrap=True, min_width=width)
        else:
            table.add_column(column)
    for row in cells:
        table.add_row(*row)
    out.print(table)


def progress_bar(description: str) -> Progress:
    """A rich progress bar on stderr (stdout stays clean for scripts)."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=not err.is_terminal,  # scripts' stderr holds only messages
    )


@contextmanager
def progress_reporter(description: str) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar for long work, as the (done, total) callback the store's maintenance functions take; a total
    of None (not known yet) leaves the bar as it is (rich: pulsing until a total is given), never at 0%."""
    with progress_bar(description) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
