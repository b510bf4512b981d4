"""A refused command: one line on stderr and exit status 1, never a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError

from calldesk.cli.output import err, shown
from calldesk.errors import CalldeskError, InvalidInput
from calldesk.rules.vocabulary import LARGEST_NUMBER

P = ParamSpec("P")
R = TypeVar("R")


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


def one_line(message: str, most: int = 1000) -> str:
    """A refusal as printed: inert, and not longer than `most` characters (a 100,000-character value it quotes
    is cut, said so)."""
    said = shown(message)
    return said if len(said) <= most else f"{said[:most]}... ({len(said) - most} more characters)"


def refusals_exit(func: Callable[P, R]) -> Callable[P, R]:
    """A command that checks its numbers' range, then turns any refusal into one line on stderr and exit
    status 1 (a model's validation error is a refusal too)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            _refuse_out_of_range(args, kwargs)
            return func(*args, **kwargs)
        except CalldeskError as exc:
            err.print(f"[bold red]error:[/] {one_line(exc.message)}")
            raise typer.Exit(1) from None
        except ValidationError as exc:
            from calldesk.store.services.typed_fields import refusal_of

            err.print(f"[bold red]error:[/] {one_line(refusal_of(exc).message)}")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        # (A write that finds its reader gone, `| head`, ends the command: the launcher ends it quietly, 141.)

    return wrapper
