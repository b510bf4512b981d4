"""`calldesk demo`: fill a store with realistic synthetic cases (admins only), routed by the protocol's rules."""

from __future__ import annotations

import typer

from calldesk.cli.output import JSON, progress_reporter, report
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import run_service
from calldesk.errors import InvalidInput


@refusals_exit
def demo(ctx: typer.Context,
         cases: int = typer.Option(1000, "--cases", help="How many cases to add."),
         seed: int = typer.Option(1, "--seed", help="The same seed makes the same cases (a rerun adds only the "
                                                    "missing ones)."),
         as_json: bool = JSON) -> None:
    """Fill the store with synthetic demo cases over two years: repeat callers, schools, tiers, follow-ups,
    callbacks, open and closed. Never use it on a store with real calls."""
    from calldesk.demo.fill import fill_demo

    if not 1 <= cases <= 10_000_000:
        raise InvalidInput("Give --cases between 1 and 10000000.", field="cases")
    with progress_reporter("Demo cases") as progress:
        summary = run_service(ctx, lambda uow, actor, profile: fill_demo(uow, actor, profile, cases, seed,
                                                                         progress=progress))
    report(vars(summary), as_json,
           f"Added {summary.cases} demo case(s) ({summary.skipped} already there) in {summary.seconds:.1f} s: "
           f"{summary.closed} closed, {summary.repeats} repeat calls, {summary.follow_ups} follow-ups, "
           f"{summary.callbacks} callbacks, {summary.audit_events} audit events.")
