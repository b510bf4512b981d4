"""`calldesk report reviews`: the quality review summed up per person (supervisors), the same read as the queue's
review summary screen (calldesk/screens/review_summary.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import typer

from calldesk.cli.output import JSON, out, print_json, print_table, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.reports import app
from calldesk.cli.running import read_signed_in, store_profile
from calldesk.rules.typed_dates import day_start, typed_day


@app.command("reviews")
@refusals_exit
def reviews(ctx: typer.Context,
            since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD), local."),
            until: str | None = typer.Option(None, "--until", help="Day after the last (YYYY-MM-DD), local."),
            as_json: bool = JSON) -> None:
    """Per person whose work was reviewed: reviews, average score, and how often each checklist point was met."""
    from calldesk.rules.handling import review_points
    from calldesk.store.read.quality import review_summary

    profile = store_profile(ctx)

    def moment(text: str | None, what: str) -> datetime | None:
        return day_start(profile, typed_day(text, what)).astimezone(UTC) if text is not None else None

    start, end = moment(since, "--since"), moment(until, "--until")
    found = read_signed_in(ctx, lambda s, a: review_summary(s, viewer=a, profile=profile, since=start, until=end))
    points = review_points([(p.name, p.label) for p in profile.review_checklist])
    if as_json:
        print_json([{"person": p.person, "reviews": p.reviews, "average_score": p.average,
                     "points": {name: {"met": met, "of": of} for name, (met, of) in p.points.items()}}
                    for p in found])
        return
    if not found:
        out.print("No quality reviews in that period.")
        return
    header = ["Person", "Reviews", "Average", *(label for _, label in points)]
    rows: list[list[Any]] = [[p.person, p.reviews, f"{p.average:.2f}",
                              *(f"{p.points.get(name, [0, 0])[0]}/{p.points.get(name, [0, 0])[1]}"
                                for name, _ in points)] for p in found]
    print_table(f"Quality reviews, {profile.title}", header, rows, whole=("Person",))
    out.print(shown(f"{sum(p.reviews for p in found)} reviews; a point reads met/reviewed."))
