"""What every command shares: settings, opening the store, refusals as one line, rich or JSON output."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from calldesk.errors import CalldeskError, InvalidInput
from calldesk.rules.display import inert, json_text
from calldesk.rules.vocabulary import LARGEST_NUMBER
from calldesk.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.store.store import Store
    from calldesk.store.users import Actor

P = ParamSpec("P")
R = TypeVar("R")

# soft_wrap: a message is one line even when the output is not a terminal (Rich would wrap it at 80 columns).
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def shown(value: object) -> str:
    """A stored or typed value inside a one-line Rich-markup message: markup escaped, control characters
    (newlines too) inert."""
    return escape(inert(str(value), lines=False))


@dataclass
class Options:
    """Global options given before the subcommand."""

    db: str | None = None
    protocol: str | None = None

    def settings(self) -> Settings:
        return load_settings(database_url=self.db, protocol=self.protocol)


def options(ctx: typer.Context) -> Options:
    root = ctx.find_root()
    if not isinstance(root.obj, Options):
        root.obj = Options()
    return root.obj


def open_from(ctx: typer.Context, *, create: bool = False) -> Store:
    """Open the store the global options name; only `create` (`db upgrade`) makes a new one."""
    from calldesk.profiles import load_profile
    from calldesk.store.reference import ensure_reference
    from calldesk.store.store import open_store

    settings = options(ctx).settings()
    load_profile(settings.protocol)  # a misspelt or broken profile is refused before the store is touched
    return open_store(
        settings.database_url,
        create=create,
        protocol=settings.protocol,
        prepare=ensure_reference,
    )


@contextmanager
def opened(ctx: typer.Context, *, create: bool = False) -> Iterator[Store]:
    """The store for one command, closed when the command ends."""
    store = open_from(ctx, create=create)
    try:
        yield store
    finally:
        store.close()


def read_signed_in(ctx: typer.Context, query: Callable[[Session, Actor], R]) -> R:
    """Sign in (refused if unknown or deactivated), then run `query` in a read-only transaction as the signed-in
    user (who sees only what they may: calldesk.store.visibility)."""
    with opened(ctx) as store:
        actor = store.actor()
        with store.uow(readonly=True) as uow:
            return query(uow.session, actor)


def _option_name(args: tuple[Any, ...], kwargs: dict[str, Any], name: str) -> str:
    """How the command line spells parameter `name` (--if-version, ID), for a refusal."""
    ctx = kwargs.get("ctx", args[0] if args else None)  # (typer passes the click context it made, not typer's)
    params = getattr(getattr(ctx, "command", None), "params", [])
    found = next((p for p in params if p.name == name), None)
    if found is None:
        return name
    first = str((found.opts or [name])[0])
    return first if first.startswith("-") else str(found.metavar or (found.name or name).upper())


def _refuse_out_of_range(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    # Refused before any lookup: SQLite cannot even bind a number of 2**63 or more (an OverflowError).
    for name, value in kwargs.items():
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST_NUMBER:
            raise InvalidInput(f"{value} is out of range for {_option_name(args, kwargs, name)}: no number calldesk "
                               f"stores is larger than {LARGEST_NUMBER}.", field=name)


def refusals_exit(func: Callable[P, R]) -> Callable[P, R]:
    """A command that checks its numbers' range, then turns any refusal into one line on stderr and exit
    status 1 (a model's validation error is a refusal too)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            _refuse_out_of_range(args, kwargs)
            return func(*args, **kwargs)
        except CalldeskError as exc:
            err.print(f"[bold red]error:[/] {shown(exc.message)}")
            raise typer.Exit(1) from None
        except ValidationError as exc:
            from calldesk.store.intake import refusal_of

            err.print(f"[bold red]error:[/] {shown(refusal_of(exc).message)}")
            raise typer.Exit(1) from None
        except (KeyboardInterrupt, BrokenPipeError):
            raise typer.Exit(130) from None

    return wrapper


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
def progress_reporter(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar for long work, as the (done, total) callback the store's maintenance functions take."""
    with progress_bar(description) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
