"""The data lifecycle: `calldesk purge`, `hold ...` and `caller export|erase`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from calldesk.cli.output import JSON, out, print_json, print_table, report, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import read_signed_in, run_service, signed_in, store_profile
from calldesk.cli.spreadsheets import InertScreen, text_file
from calldesk.cli.times import day_text, moment_text
from calldesk.output_files import checked_target, replacing
from calldesk.profiles import load_profile
from calldesk.rules.case_numbers import full_case_number
from calldesk.rules.display import json_text
from calldesk.rules.typed_dates import typed_day

holds = typer.Typer(help="Litigation holds: a held case is never purged or erased.", no_args_is_help=True)
caller = typer.Typer(help="A caller's request: their own data, or its erasure.", no_args_is_help=True)


@refusals_exit
def purge(ctx: typer.Context,
          closed_before: str = typer.Option(..., "--closed-before", help="Only cases closed before this day "
                                                                         "(YYYY-MM-DD) and past their retention."),
          dry_run: bool = typer.Option(False, "--dry-run", help="Count what would be purged; change nothing."),
          as_json: bool = JSON) -> None:
    """Remove closed cases past the profile's retention (held cases stay), with their details and letters."""
    from calldesk.store.services.retention import purge as run_purge

    before = typed_day(closed_before, "--closed-before", "closed_before")
    result, profile = run_service(ctx, lambda uow, actor, profile: (run_purge(
        uow, actor=actor, profile=profile, closed_before=before, dry_run=dry_run), profile))
    if as_json:
        print_json({**asdict(result), "cases": result.cases})
        return
    verb = "Would purge" if dry_run else "Purged"
    detail = ", ".join(f"{n} {name}" for name, n in result.by_class.items())
    out.print(f"{verb} {result.cases} case(s) closed before {day_text(profile, before)} ({detail}); "
              f"{result.held} kept under a litigation hold; {result.attachments} attached letter(s); "
              f"{result.phone_events} phone event(s) past their retention.")


@holds.command("place")
@refusals_exit
def hold_place(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="Case number."),
               reason: str = typer.Option(..., "--reason", help="The matter the hold is for."),
               as_json: bool = JSON) -> None:
    """Place a litigation hold on a case."""
    from calldesk.store.services.retention import place_hold

    run_service(ctx, lambda uow, actor, _: place_hold(uow, actor=actor, case_number=number, reason=reason))
    report({"case_number": number, "held": True}, as_json,
           f"Case {number} is under a litigation hold: no purge or erasure will touch it.")


@holds.command("release")
@refusals_exit
def hold_release(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="Case number."),
                 as_json: bool = JSON) -> None:
    """Release a case's litigation hold."""
    from calldesk.store.services.retention import release_hold

    run_service(ctx, lambda uow, actor, _: release_hold(uow, actor=actor, case_number=number))
    report({"case_number": number, "held": False}, as_json, f"Released the litigation hold on case {number}.")


@holds.command("list")
@refusals_exit
def hold_list(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Every litigation hold."""
    from calldesk.store.services.retention import holds as list_holds

    found, profile = run_service(ctx, lambda uow, actor, profile: (list_holds(uow, actor=actor), profile),
                                 readonly=True)
    if as_json:
        print_json([{**h, "placed_at": h["placed_at"].isoformat(timespec="seconds")} for h in found])
        return
    print_table("Litigation holds", ["case", "reason", "placed by", "placed at"],
                [(h["case_number"], h["reason"], h["placed_by"], moment_text(profile, h["placed_at"])) for h in found],
                whole=("case",))


@caller.command("export")
@refusals_exit
def caller_export(ctx: typer.Context, who: str = typer.Argument(..., help="The caller's phone number or email."),
                  target: Path | None = typer.Option(None, "--out", help="Write the JSON to this file."),
                  as_json: bool = typer.Option(True, "--json", help="JSON is the only format (kept for scripts).")
                  ) -> None:
    """Everything stored about one caller, for their own request (admins; audited)."""
    from calldesk.store.services.retention import caller_export as run_export

    if target is not None:
        checked_target(target, "export")  # before the store is touched
    with signed_in(ctx) as (store, actor), store.uow() as uow:
        with uow.one_commit():  # its audit event is committed below, once the data is written
            found = run_export(uow, actor=actor, profile=load_profile(store.protocol), who=who)
        text = json_text(found, indent=2) + "\n"
        if target is None:
            uow.commit()  # before the data reaches the screen: an interrupted export is on record
            InertScreen().write(text)
        else:
            with replacing(target, "export") as partial:
                with text_file(partial) as handle:
                    handle.write(text)
                uow.commit()  # the file is whole; it takes the target's name next
    if target is not None:
        out.print(f"Wrote {len(found)} record(s) to {shown(target)}.")


@caller.command("erase")
@refusals_exit
def caller_erase(ctx: typer.Context, who: str = typer.Argument(..., help="The caller's phone number or email."),
                 as_json: bool = JSON) -> None:
    """Erase one caller's personal details from their cases (held cases stay; audited by counts)."""
    from calldesk.store.services.retention import caller_erase as run_erase

    result = run_service(ctx, lambda uow, actor, profile: run_erase(uow, actor=actor, profile=profile, who=who))
    report(asdict(result), as_json,
           f"Erased the caller's details from {result.cases} case(s) and {result.callbacks} callback(s); "
           f"{result.held} case(s) kept under a litigation hold.")


@caller.command("find")
@refusals_exit
def caller_find(ctx: typer.Context,
                typed: str = typer.Argument(..., help="A phone number in any format (or its first digits), an "
                                                      "email address (or its beginning), or the start of a name."),
                limit: int = typer.Option(20, "--limit", min=1, max=500, help="At most this many cases."),
                as_json: bool = JSON) -> None:
    """The cases of a caller, found as the desk finds them while the agent types."""
    from calldesk.cli.times import moment_text
    from calldesk.rules.shown import phone_words
    from calldesk.store.read.queries import lookup_callers

    cases = read_signed_in(ctx, lambda session, actor: lookup_callers(session, typed, viewer=actor, limit=limit))
    if as_json:
        print_json(cases)
        return
    profile = store_profile(ctx)
    print_table("Caller's cases", ["case", "opened", "caller", "phone", "email", "category", "status"],
                [(c.case_number, moment_text(profile, c.opened_at), c.caller_name, phone_words(c.phone), c.email,
                  c.category, c.status) for c in cases], whole=("case", "phone"))
