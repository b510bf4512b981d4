"""`calldesk case step` and `case steps`: the protocol's recorded steps on a case (the profile's `[[steps]]`), the
same service calls as the case's work menu (calldesk/screens/case/steps.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import typer

from calldesk.cli.cases import app
from calldesk.cli.casework_actions import VERSION
from calldesk.cli.output import JSON, out, print_json, report, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import read_signed_in, run_service, store_profile
from calldesk.rules.case_numbers import full_case_number
from calldesk.rules.typed_dates import local_moment


@app.command("step")
@refusals_exit
def step(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="Case number."),
         name: str = typer.Argument(..., help="The step's name (`calldesk case steps N` lists them)."),
         party: str = typer.Option("", "--party", help="Who was contacted, told or informed."),
         note: str = typer.Option("", "--note", help="What was said, found or decided."),
         on: str | None = typer.Option(None, "--on", help="When it happened, local (default: now)."),
         version: int | None = VERSION, as_json: bool = JSON) -> None:
    """Record that one of the protocol's steps was done on a case (who, when, with whom, a note)."""
    from calldesk.store.services.case_steps import record_step

    row = run_service(ctx, lambda u, a, p: record_step(
        u, actor=a, profile=p, case_number=number, step=name, party=party, note=note, expected_version=version,
        happened_at=local_moment(p, on, "--on") if on is not None else None))
    report(row, as_json, f"Recorded on {shown(number)}: {shown(row.label)}.")


@app.command("steps")
@refusals_exit
def steps(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="Case number."),
          as_json: bool = JSON) -> None:
    """The protocol's steps for a case: recorded (by whom, when) or still to do (who records it, by when)."""
    from calldesk.cli.times import due_text, moment_text
    from calldesk.store.read.one_case import get_case
    from calldesk.store.read.step_states import case_steps

    profile = store_profile(ctx)

    def read(session: Any, actor: Any) -> list[Any]:
        return case_steps(session, profile=profile, case=get_case(session, number, viewer=actor))

    found = read_signed_in(ctx, read)
    now = datetime.now(UTC)
    if as_json:
        print_json([{"step": s.rule.name, "label": s.rule.label, "who": s.who,
                     "due": s.due.isoformat() if s.due else None, "late": s.late(now),
                     "recorded": s.recorded.model_dump(mode="json") if s.recorded else None} for s in found])
        return
    out.print(shown(f"Case {number}: {len(found)} step{'s' if len(found) != 1 else ''} of the {profile.title} "
                    "protocol"))
    for state in found:
        due = f", due by {due_text(profile, state.due)}" if state.due else ""
        late = " (LATE)" if state.late(now) else ""
        if state.recorded is None:
            line = f"  [ ] {state.rule.name}: {state.rule.label} - to do, by {state.who}{due}{late}"
        else:
            row = state.recorded
            whom = f" with {row.party}" if row.party else ""
            said = f": {row.note}" if row.note else ""
            line = (f"  [x] {state.rule.name}: {state.rule.label} - {moment_text(profile, row.happened_at)}"
                    f"{whom}, recorded by {row.by_user}{late}{said}")
        out.print(shown(line))
