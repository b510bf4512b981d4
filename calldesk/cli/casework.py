"""`calldesk case follow-up|plan|ack|respond|reply|extend|resolve|letter|close|work`: working a case after the
call, through the same services as the case screen's dialogs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from calldesk.cli.cases import app
from calldesk.cli.output import JSON, out, print_json, print_table, report, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import read_signed_in, run_service, store_profile
from calldesk.cli.times import day_text, due_text, moment_text
from calldesk.errors import InvalidInput
from calldesk.models import utcnow
from calldesk.output_files import checked_target, write_file
from calldesk.rules.case_numbers import full_case_number
from calldesk.rules.display import inert
from calldesk.rules.typed_dates import typed_day

if TYPE_CHECKING:
    from calldesk.rules.profile import Profile
    from calldesk.store.db.users import Actor
    from calldesk.store.services.clocks import CaseWork

NUMBER = typer.Argument(..., callback=full_case_number, help="Case number, e.g. 2026-000123.")
EXPECT = typer.Option(None, "--if-version", help="Refuse if the case changed since this version was read.")


def when(profile: Profile, moment: datetime | None) -> str:
    """A deadline in the agency's time zone, as people read it (rules.shown); "-" for none."""
    return due_text(profile, moment) or "-"


def at(profile: Profile, moment: datetime | None) -> str:
    """A moment something happened, in the agency's time zone, as people read it (rules.shown); "-" for none."""
    return moment_text(profile, moment) or "-"


def _case_line(profile: Profile, case: Any, done: str) -> None:
    out.print(f"Case {case.case_number}: {done}; next deadline {when(profile, case.next_deadline)}.")


@app.command("follow-up")
@refusals_exit
def follow_up(ctx: typer.Context, number: str = NUMBER,
              done: str = typer.Option(..., "--done", help="What was done."),
              pending: str = typer.Option("", "--pending", help="What is pending for the next step."),
              expected: int | None = EXPECT, as_json: bool = JSON) -> None:
    """Write a follow-up entry (every 48 hours for concerns and complaints)."""
    from calldesk.models import FollowUpCreate
    from calldesk.store.services.follow_ups_resolution import add_follow_up

    entry = run_service(ctx, lambda uow, actor, profile: add_follow_up(
        uow, actor=actor, profile=profile, case_number=number, expected_version=expected,
        data=FollowUpCreate(done=done, pending=pending)))
    profile = store_profile(ctx)
    if as_json:
        print_json(entry)
        return
    work = read_signed_in(ctx, lambda session, actor: _work(session, actor, number))
    out.print(f"Case {number}: follow-up written; next follow-up by {when(profile, work.case.next_follow_up_by)}.")


@app.command("plan")
@refusals_exit
def plan(ctx: typer.Context, number: str = NUMBER,
         steps: list[str] = typer.Option(..., "--step", help="A step and its date: 'Call the principal@2026-11-25'."),
         expected: int | None = EXPECT, as_json: bool = JSON) -> None:
    """Prescribe the steps and their timeline for a concern or complaint (replaces the plan)."""
    from calldesk.store.services.clocks import set_plan

    parsed = []
    for step in steps:
        text, _, day = step.rpartition("@")
        if not text:
            raise InvalidInput(f"'{step}' needs a date: write 'what is done@YYYY-MM-DD'.", field="step")
        parsed.append((text, typed_day(day, "--step", "step")))
    rows = run_service(ctx, lambda uow, actor, profile: set_plan(
        uow, actor=actor, profile=profile, case_number=number, expected_version=expected, steps=parsed))
    profile = store_profile(ctx)
    if as_json:
        print_json(rows)
        return
    print_table(f"Plan for case {number}", ["by", "step"], [(when(profile, r.due_at), r.step) for r in rows])


def _meet(ctx: typer.Context, number: str, kind: str, note: str, expected: int | None, as_json: bool) -> None:
    from calldesk.store.services.clocks import clock_words, meet_clock

    case = run_service(ctx, lambda uow, actor, profile: meet_clock(
        uow, actor=actor, case_number=number, expected_version=expected, kind=kind, note=note))
    profile = store_profile(ctx)
    if as_json:
        print_json(case)
        return
    late = _late_words(ctx, profile, case.case_number, kind)
    _case_line(profile, case, f"{clock_words(kind)} recorded" + (f", met late: {late}" if late else ""))


def _late_words(ctx: typer.Context, profile: Profile, number: str, kind: str) -> str | None:
    """How late the clock just met was (its newest met event), or None when on time."""
    from calldesk.rules.clocks import met_late
    from calldesk.store.services.clocks import case_work

    found = read_signed_in(ctx, lambda session, actor: case_work(session, case_number=number, viewer=actor,
                                                                 profile=profile))
    met = [c for c in found.clocks if c.kind == kind and c.event == "met"]
    return met_late(profile, due=met[-1].due_at, met_at=met[-1].at) if met else None


NOTE = typer.Option("", "--note", help="How and what was said (a call, a letter, an email).")


@app.command("ack")
@refusals_exit
def ack(ctx: typer.Context, number: str = NUMBER, note: str = NOTE, expected: int | None = EXPECT,
        as_json: bool = JSON) -> None:
    """Record the acknowledgement to the constituent (Area Offices: within 2 school days)."""
    _meet(ctx, number, "acknowledge", note, expected, as_json)


@app.command("respond")
@refusals_exit
def respond(ctx: typer.Context, number: str = NUMBER, note: str = NOTE, expected: int | None = EXPECT,
            as_json: bool = JSON) -> None:
    """Record the written response sent (Area Offices: within 10 school days)."""
    _meet(ctx, number, "written_response", note, expected, as_json)


@app.command("reply")
@refusals_exit
def reply(ctx: typer.Context, number: str = NUMBER, note: str = NOTE, expected: int | None = EXPECT,
          as_json: bool = JSON) -> None:
    """Record the reply to an inquiry that needed follow-up (within 48 hours)."""
    _meet(ctx, number, "reply", note, expected, as_json)


@app.command("extend")
@refusals_exit
def extend(ctx: typer.Context, number: str = NUMBER,
           due: str = typer.Option(..., "--due", help="The new due date, YYYY-MM-DD."),
           notice: str = typer.Option(..., "--notice", help="The written notice sent to the constituent."),
           clock: str = typer.Option("written_response", "--clock",
                                     help="written_response, acknowledge or reply."),
           expected: int | None = EXPECT, as_json: bool = JSON) -> None:
    """Extend a clock: the written notice and the new due date."""
    from calldesk.store.services.clocks import clock_words, extend_clock

    day = typed_day(due, "--due", "due")
    case = run_service(ctx, lambda uow, actor, profile: extend_clock(
        uow, actor=actor, profile=profile, case_number=number, expected_version=expected, kind=clock,
        new_due=day, notice=notice))
    profile = store_profile(ctx)
    if as_json:
        print_json(case)
        return
    _case_line(profile, case, f"{clock_words(clock)} extended to {day_text(profile, day)}")


@app.command("resolve")
@refusals_exit
def resolve(ctx: typer.Context, number: str = NUMBER,
            outcome: str = typer.Option(..., "--outcome", help="The outcome."),
            response: str = typer.Option("", "--response", help="The response/resolution/remedy."),
            violation: str = typer.Option("", "--violation", help="A complaint's alleged violation."),
            expected: int | None = EXPECT, as_json: bool = JSON) -> None:
    """Write the Resolution tab; an alleged violation starts the response letter (draft)."""
    from calldesk.models import ResolutionUpdate
    from calldesk.store.services.follow_ups_resolution import set_resolution

    res = run_service(ctx, lambda uow, actor, profile: set_resolution(
        uow, actor=actor, case_number=number, expected_version=expected,
        data=ResolutionUpdate(response=response, outcome=outcome, alleged_violation=violation or None)))
    if as_json:
        print_json(res)
        return
    letter = "" if res.letter_status == "none" else f"; letter {res.letter_status.replace('_', ' ')}"
    out.print(f"Case {number}: resolution written{letter}.")


@app.command("letter")
@refusals_exit
def letter(ctx: typer.Context, number: str = NUMBER,
           step: str = typer.Argument(..., help="draft, submit, show, return, approve, pdf, attach or inform."),
           file: Path | None = typer.Argument(None, help="attach: the signed letter (e.g. a PDF)."),
           text_file: Path | None = typer.Option(None, "--text-file", help="draft/submit: the letter's text "
                                                 "(UTF-8); without it the draft starts from the profile's template."),
           note: str = typer.Option("", "--note", help="return: what to change."),
           out_file: Path | None = typer.Option(None, "--out", help="pdf: where to write it (owner-only, new)."),
           expected: int | None = EXPECT, as_json: bool = JSON) -> None:
    """The response letter: draft its text (the specialist; --text-file, else the profile's template filled from
    the case), submit it, show it, return it with a note or approve it (a supervisor), write the approved text as a
    PDF for signing, attach the signed copy (not the approver), inform the coordinator."""
    from calldesk.cli.letters import letter_step

    letter_step(ctx, number, step, file=file, text_file=text_file, note=note, out_file=out_file, expected=expected,
                as_json=as_json)


@app.command("letter-copy")
@refusals_exit
def letter_copy(ctx: typer.Context, number: str = NUMBER,
                out_file: Path = typer.Argument(..., help="Where to write the signed letter (owner-only).")) -> None:
    """Write out a case's signed response letter (from the store's attachment area or the database)."""
    from calldesk.store.services.attachments import signed_letter

    checked_target(out_file, "letter", new_only=True)  # before the store is touched
    name, data = read_signed_in(ctx, lambda session, actor: signed_letter(session, number, viewer=actor))
    write_file(out_file, data, "letter", new_only=True)
    out.print(f"Case {shown(number)}: signed letter ({shown(name)}, {len(data)} bytes) written to {shown(out_file)}.")


@app.command("close")
@refusals_exit
def close(ctx: typer.Context, number: str = NUMBER,
          reason: str = typer.Option("resolved", "--reason", help="Why the case is closed."),
          expected: int | None = EXPECT, as_json: bool = JSON) -> None:
    """Close a case; refused with one line naming every missing step."""
    from calldesk.store.services.cases import close_case

    case = run_service(ctx, lambda uow, actor, profile: close_case(
        uow, actor=actor, case_number=number, expected_version=expected, reason=reason))
    profile = store_profile(ctx)
    report(case, as_json, f"Case {number}: closed {at(profile, case.closed_at)}.")


def _work(session: Any, actor: Actor, number: str) -> CaseWork:
    from calldesk.store.services.clocks import case_work

    return case_work(session, case_number=number, viewer=actor)


@app.command("work")
@refusals_exit
def work(ctx: typer.Context, number: str = NUMBER, as_json: bool = JSON) -> None:
    """A case's follow-ups, plan, clocks, letter and what closing it still needs."""
    profile = store_profile(ctx)
    found = read_signed_in(ctx, lambda session, actor: _work(session, actor, number))
    if as_json:
        print_json({"case": found.case, "follow_ups": found.follow_ups, "plan": found.plan, "clocks": found.clocks,
                    "resolution": found.resolution, "attachments": found.attachments,
                    "pending": {k: v.isoformat() for k, v in found.pending_clocks().items()},
                    "follow_up_overdue": found.follow_up_overdue, "missing_to_close": found.missing_to_close})
        return
    print_work(found, profile)


def print_work(found: CaseWork, profile: Profile) -> None:
    from calldesk.store.services.clocks import clock_words

    # A deadline passed on an open case says so on its own row ("follow-up" once, not a second row of its own).
    now, still_open = utcnow(), found.case.status == "open"
    late = {what for what, due in found.pending_clocks().items() if still_open and due < now}
    if found.follow_up_overdue:
        late.add("follow-up")
    rows = [(what, f"{when(profile, due)}, OVERDUE" if what in late else when(profile, due))
            for what, due in found.pending_clocks().items()]
    if "follow-up" in late and "follow-up" not in found.pending_clocks():
        rows.append(("follow-up", "OVERDUE"))
    print_table(f"Case {found.case.case_number}: deadlines", ["clock", "due"], rows)
    print_table("Follow-ups", ["at", "by", "done", "pending"],
                [(at(profile, f.entry_at), f.by_user, f.done, f.pending) for f in found.follow_ups])
    if found.plan:
        print_table("Plan", ["by", "step"], [(when(profile, p.due_at), p.step) for p in found.plan])
    if found.clocks:
        print_table("Clocks", ["at", "clock", "event", "due", "new due", "note"],
                    [(at(profile, c.at), clock_words(c.kind),
                      f"met late ({found.late[c.id]})" if c.id in found.late else c.event, when(profile, c.due_at),
                      when(profile, c.new_due_at) if c.new_due_at else "", c.note) for c in found.clocks])
    if found.resolution is not None:
        res = found.resolution
        out.print(inert(f"Outcome: {res.outcome or '-'}; letter: {res.letter_status.replace('_', ' ')}"
                        + (f" (approved by {res.approved_by})" if res.approved_by else "")
                        + (f" (signed by {res.signed_by})" if res.signed_by else ""), lines=False), markup=False)
        if res.letter_status == "draft" and res.letter_note:  # the supervisor's note, until the next return
            out.print(inert(f"Letter returned by {res.returned_by}: {res.letter_note}", lines=False), markup=False)
    if found.missing_to_close:
        out.print(inert("To close: " + "; ".join(found.missing_to_close) + ".", lines=False), markup=False)
