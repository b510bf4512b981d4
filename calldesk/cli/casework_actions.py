"""`calldesk case escalate|appeal|refer|meeting|merge|review|history` and `calldesk student record`: the same
service calls as the case dialogs (calldesk/screens/case/action_dialogs.py)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from calldesk.cli.cases import app
from calldesk.cli.output import JSON, out, print_json, report, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import read_signed_in, run_service, store_profile
from calldesk.cli.spreadsheets import text_target
from calldesk.errors import InvalidInput
from calldesk.output_files import checked_target
from calldesk.profiles import load_profile
from calldesk.rules.case_numbers import full_case_number
from calldesk.rules.typed_dates import local_moment, typed_day

if TYPE_CHECKING:
    from calldesk.rules.profile import Profile
    from calldesk.store.db.uow import UnitOfWork
    from calldesk.store.db.users import Actor

student = typer.Typer(help="A student's FERPA record: consents, requests and disclosures.", no_args_is_help=True)
VERSION = typer.Option(None, "--version", help="The case version you saw (refused if someone saved since).")


def _case_line(case: Any, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(case)
        return
    from calldesk.rules.escalation import escalation_step

    step = escalation_step(load_profile(case.protocol), case.escalation_level)
    where = step.title if step else "the desk"
    out.print(f"{verb} {shown(case.case_number)}: now with the {shown(where)} (level {case.escalation_level}, "
              f"{case.status}).")


@app.command()
@refusals_exit
def escalate(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="Case number."),
             reason: str = typer.Option(..., "--reason", help="Why the case goes up the ladder."),
             principal: bool = typer.Option(False, "--principal-involved",
                                            help="The concern directly involves the principal: refer directly."),
             version: int | None = VERSION, as_json: bool = JSON) -> None:
    """Escalate a case one rung up the agency's ladder (or directly when the principal is involved)."""
    from calldesk.store.services.escalation import escalate as service

    case = run_service(ctx, lambda u, a, p: service(u, actor=a, profile=p, case_number=number, reason=reason,
                                             expected_version=version, principal_involved=principal))
    _case_line(case, as_json, "Escalated")


@app.command()
@refusals_exit
def appeal(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="Case number."),
           reason: str = typer.Option(..., "--reason", help="What the written appeal asks."),
           received: str | None = typer.Option(None, "--received", help="When the appeal came (default: now)."),
           version: int | None = VERSION, as_json: bool = JSON) -> None:
    """A written appeal of the decision: within the profile's window it escalates the case."""
    from calldesk.store.services.escalation import appeal as service

    case = run_service(ctx, lambda u, a, p: service(
        u, actor=a, profile=p, case_number=number, reason=reason, expected_version=version,
        received_at=local_moment(p, received, "--received", "received") if received is not None else None))
    _case_line(case, as_json, "Appeal taken on")


@app.command()
@refusals_exit
def refer(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="Case number."),
          to: str = typer.Option(..., "--to", help="safety (Safety and Security) or civil_rights."),
          contact: str = typer.Option(..., "--contact", help="Whom at that office."),
          note: str = typer.Option("", "--note", help="What was passed on."),
          version: int | None = VERSION, as_json: bool = JSON) -> None:
    """Refer a case to Safety and Security or to the civil rights coordinator."""
    from calldesk.store.services.referrals_meetings_reviews import refer as service

    row = run_service(ctx, lambda u, a, p: service(u, actor=a, case_number=number, kind=to, contact=contact, note=note,
                                            expected_version=version))
    report(row, as_json, f"Referred {shown(number)} to {shown(row.office)} ({shown(row.contact)}).")


@app.command()
@refusals_exit
def meeting(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="Case number."),
            kind: str = typer.Option("resolution", "--kind", help="resolution or mediation."),
            when: str | None = typer.Option(None, "--when", help="Local date and time, e.g. 2026-12-01 15:00."),
            parties: str = typer.Option("", "--parties", help="Every party, separated by commas."),
            place: str = typer.Option("", "--place", help="Where."),
            outcome: str | None = typer.Option(None, "--outcome", help="Record the outcome of --meeting ID."),
            meeting_id: int | None = typer.Option(None, "--meeting", help="The meeting whose outcome it is."),
            satisfied: bool | None = typer.Option(None, "--satisfied/--not-satisfied",
                                                  help="Whether the parent was satisfied."),
            version: int | None = VERSION, as_json: bool = JSON) -> None:
    """Schedule a resolution/mediation meeting (--when, --parties), or record its outcome (--meeting, --outcome,
    --satisfied/--not-satisfied)."""
    from calldesk.store.services import referrals_meetings_reviews as handling

    if outcome is not None:
        if meeting_id is None or satisfied is None:
            raise InvalidInput("An outcome needs --meeting ID and --satisfied or --not-satisfied.")
        row = run_service(ctx, lambda u, a, p: handling.record_meeting_outcome(
            u, actor=a, case_number=number, meeting_id=meeting_id, outcome=outcome, parent_satisfied=satisfied,
            expected_version=version))
        message = f"Meeting {row.id}: outcome recorded; parent {'satisfied' if satisfied else 'not satisfied'}."
    else:
        if when is None:
            raise InvalidInput("Give --when for the meeting (or --outcome to record one).")
        row = run_service(ctx, lambda u, a, p: handling.schedule_meeting(
            u, actor=a, case_number=number, kind=kind, when=local_moment(p, when, "--when", "when"),
            parties=parties.split(","), place=place, expected_version=version))
        message = f"Meeting {row.id} ({row.kind}) scheduled with {shown(row.parties)}."
    report(row, as_json, message)


@app.command()
@refusals_exit
def merge(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="The duplicate case."),
          into: str = typer.Option(..., "--into", help="The case that survives."),
          reason: str = typer.Option("", "--reason", help="Why they are the same matter."),
          version: int | None = VERSION, as_json: bool = JSON) -> None:
    """Merge a duplicate into another case: it is closed as merged and the survivor shows both histories."""
    from calldesk.store.services.referrals_meetings_reviews import merge_cases

    case = run_service(ctx, lambda u, a, p: merge_cases(u, actor=a, case_number=number, into=into, reason=reason,
                                                 expected_version=version))
    report(case, as_json, f"Merged {shown(number)} into {shown(case.case_number)}.")


@app.command()
@refusals_exit
def review(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="Case number."),
           score: int = typer.Option(..., "--score", help="1 (poor) to 5 (excellent)."),
           met: str = typer.Option("", "--met", help="The profile's checklist points met, comma-separated, or all "
                                   "(`calldesk case review N --score 5 --met list` names them)."),
           comment: str = typer.Option("", "--comment", help="What to keep or improve."),
           version: int | None = VERSION, as_json: bool = JSON) -> None:
    """A supervisor's quality review with the profile's checklist, a score and a comment."""
    from calldesk.models import QualityReviewCreate
    from calldesk.rules.handling import review_points
    from calldesk.store.services.referrals_meetings_reviews import review_case

    def act(u: UnitOfWork, a: Actor, p: Profile) -> Any:
        names = [name for name, _ in review_points([(q.name, q.label) for q in p.review_checklist])]
        if met.strip() == "list":
            raise InvalidInput(f"The checklist's points: {', '.join(names)}.", field="met")
        ticked = names if met.strip() == "all" else [m.strip() for m in met.split(",") if m.strip()]
        data = QualityReviewCreate(score=score, comment=comment, met=ticked)
        return review_case(u, actor=a, case_number=number, data=data, expected_version=version, profile=p), names

    row, names = run_service(ctx, act)
    if as_json:
        print_json(row)
    else:
        ticked = sum(1 for v in json.loads(row.points).values() if v)
        out.print(f"Reviewed {shown(number)}: score {row.score}, {ticked} of {len(names)} points met.")


@student.command("record")
@refusals_exit
def student_record(ctx: typer.Context, ref: str = typer.Argument(..., help="The student's district id."),
                   to: Path | None = typer.Option(None, "--out", help="Write the printable text to this file."),
                   as_json: bool = JSON) -> None:
    """A student's consents, requests and disclosures (34 CFR 99.32), printable for a parent's inspection."""
    from calldesk.rules.calendar import calendar_for
    from calldesk.rules.ferpa import record_text
    from calldesk.store.services.confidentiality import student_record as service

    if to is not None:
        checked_target(to, "record")  # before the store is touched
    record = run_service(ctx, lambda u, a, p: (service(u, actor=a, student_ref=ref), p))
    found, profile = record
    if as_json:
        print_json(dataclasses.asdict(found))
        return
    calendar = calendar_for(profile)
    text = record_text(found, tz=calendar.tz, today=calendar.local(datetime.now(UTC)).date())
    with text_target(to, "record") as handle:
        handle.write(text)
    if to is not None:
        out.print(f"Wrote the record of {shown(ref)} to {shown(to)}.")


@student.command("revoke")
@refusals_exit
def student_revoke(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number,
                                                       help="The case the consent is on."),
                   consent_id: int = typer.Argument(..., help="The consent's number."),
                   on: str | None = typer.Option(None, "--on", help="The day it was revoked (default today)."),
                   as_json: bool = JSON) -> None:
    """Record that a parent revoked a written consent (it allows nothing from that day)."""
    from calldesk.store.services.confidentiality import revoke_consent

    day = typed_day(on, "--on") if on is not None else None
    row = run_service(ctx, lambda u, a, p: revoke_consent(u, actor=a, case_number=number, consent_id=consent_id,
                                                   revoked_on=day))
    report(row, as_json, f"Consent {row.id} revoked on {row.revoked_on}.")


@app.command("actions")
@refusals_exit
def actions(ctx: typer.Context, number: str = typer.Argument(..., callback=full_case_number, help="Case number."),
            as_json: bool = JSON) -> None:
    """The case's escalations, referrals, meetings (with their numbers, for --outcome) and quality reviews."""
    from calldesk.cli.times import moment_text
    from calldesk.store.read.one_case import get_case
    from calldesk.store.services.escalation import escalations_for
    from calldesk.store.services.referrals_meetings_reviews import meetings_for, referrals_for, reviews_for

    def read(session: Any, actor: Any) -> dict[str, list[Any]]:
        case_id = get_case(session, number, viewer=actor).id
        return {"escalations": escalations_for(session, case_id), "referrals": referrals_for(session, case_id),
                "meetings": meetings_for(session, case_id), "reviews": reviews_for(session, case_id)}

    found = read_signed_in(ctx, read)
    if as_json:
        print_json({k: [r.model_dump(mode="json") for r in v] for k, v in found.items()})
        return
    profile = store_profile(ctx)

    def when(moment: datetime) -> str:
        return moment_text(profile, moment)

    lines = [f"Case {number}"]
    lines += [f"  {when(e.at)}  {e.kind} to level {e.level}, {e.title}, by {e.by_user}: {e.reason}"
              for e in found["escalations"]]
    lines += [f"  {when(r.referred_at)}  referred to {r.office} ({r.contact}) by {r.referred_by}"
              for r in found["referrals"]]
    lines += [f"  meeting {m.id}: {m.kind} on {when(m.scheduled_for)} with {m.parties}; "
              + ("no outcome yet" if m.outcome is None else
                 f"outcome: {m.outcome}; parent {'satisfied' if m.parent_satisfied else 'not satisfied'}")
              for m in found["meetings"]]
    lines += [f"  {when(q.reviewed_at)}  review by {q.reviewed_by}: score {q.score}; {q.comment}"
              for q in found["reviews"]]
    if len(lines) == 1:  # (a heading alone reads as a command that printed nothing)
        lines[0] += ": no escalation, referral, meeting or quality review yet."
    for line in lines:
        out.print(shown(line))
