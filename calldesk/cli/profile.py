"""`calldesk profile show|check`: the protocol profile's numbers (the seed's, or the agency's own settings) and
what in it needs a person's attention (a reporting chain due out of order)."""

from __future__ import annotations

import typer

from calldesk.cli.output import JSON, out, print_json, print_table, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import options
from calldesk.profiles import load_profile
from calldesk.rules.own_settings import profile_numbers
from calldesk.rules.profile import Profile
from calldesk.rules.reporting import chain_warnings

app = typer.Typer(help="The protocol profile: its numbers and its warnings.", no_args_is_help=True)


def opened_profile(ctx: typer.Context) -> Profile:
    """The profile the command runs under (--protocol, $CALLDESK_PROTOCOL or the settings'), validated."""
    return load_profile(options(ctx).settings().protocol)


@app.command()
@refusals_exit
def show(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Every number of the profile, each marked as the seed's or the agency's own setting."""
    profile = opened_profile(ctx)
    rows = profile_numbers(profile)
    own = [{"setting": o.setting, "note": o.note} for o in profile.own_settings]
    if as_json:
        print_json({"profile": profile.name, "title": profile.title,
                    "numbers": [{"setting": k, "value": v, "whose": w} for k, v, w in rows], "own_settings": own})
        return
    out.print(f"[bold]{shown(profile.title)}[/] ({shown(profile.name)})")
    print_table("Numbers (own setting: the seed does not set it; the agency chose it)", ["setting", "value", "whose"],
                [list(row) for row in rows])
    if own:
        print_table("The agency's own settings", ["setting", "why"], [[o["setting"], o["note"]] for o in own])


@app.command()
@refusals_exit
def check(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Load and validate the profile; warn of a reporting chain with a step due before an earlier one."""
    from calldesk.models import utcnow

    profile = opened_profile(ctx)
    warnings = chain_warnings(profile, utcnow().astimezone(profile.tz).date())
    if as_json:
        print_json({"profile": profile.name, "valid": True, "warnings": warnings})
        return
    out.print(f"{shown(profile.name)}: the profile is valid.")
    for warning in warnings:
        out.print(f"[yellow]warning:[/] {shown(warning)}")
