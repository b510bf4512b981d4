"""Clocks that can be met (acknowledgement, written response, reply), extensions, the prescribed plan, and the
read of a case's work (follow-ups, plan, clocks, letter, what closing still needs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from calldesk.errors import RuleRefused
from calldesk.models import (
    Attachment,
    AttachmentPublic,
    Case,
    CasePublic,
    ClockEvent,
    ClockEventPublic,
    FollowUp,
    FollowUpPublic,
    PlanStep,
    PlanStepPublic,
    Resolution,
    ResolutionPublic,
    utcnow,
)
from calldesk.profiles import load_profile
from calldesk.rules.calendar import calendar_for
from calldesk.rules.clocks import (
    CLOCK_COLUMNS,
    CLOCK_WORDS,
    check_clock,
    extended_due,
    extension_moves,
    lateness_note,
    met_late,
)
from calldesk.rules.followup import is_follow_up_overdue, plan_due
from calldesk.rules.free_text import ABUSE_PLACEHOLDER
from calldesk.rules.letter import letter_missing
from calldesk.rules.profile import Profile
from calldesk.rules.required import missing_fields
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.services.cases import after_opening, load_for_change, refresh_next_deadline


def _open_for_change(uow: UnitOfWork, case_number: str, expected_version: int | None, actor: Actor) -> Case:
    case = load_for_change(uow.session, case_number, expected_version, viewer=actor)
    if case.status == "closed":
        raise RuleRefused(f"Case {case_number} is closed.")
    return case


def meet_clock(uow: UnitOfWork, *, actor: Actor, case_number: str, expected_version: int | None, kind: str,
               note: str = "", at: datetime | None = None) -> CasePublic:
    """Record that a clock was met (the constituent acknowledged, answered in writing, replied to): it no longer
    drives the case's next deadline."""
    actor = authorise(uow, actor, "record_clock")
    case = _open_for_change(uow, case_number, expected_version, actor)
    column = CLOCK_COLUMNS.get(kind)
    check_clock(kind, tier=case.tier, due=getattr(case, column) if column else None, case_number=case_number)
    assert column is not None
    due = getattr(case, column)
    when = at or utcnow()
    text = "" if case.abuse_marked else note.strip()
    event = ClockEvent(case_id=case.id, kind=kind, event="met", due_at=due, note=text,  # type: ignore[arg-type]
                       by_user=actor.username, at=when)
    uow.session.add(event)
    setattr(case, column, None)
    late = met_late(load_profile(case.protocol), due=due, met_at=when)
    if late is not None:  # met after its due time: the case counts as breached (rules.sla)
        case.late_clocks = (case.late_clocks or 0) + 1
    refresh_next_deadline(case)
    case.updated_at = utcnow()
    uow.flush()
    audit.record(uow.session, actor=actor.username, action=f"clock.{kind}", entity="case", entity_id=case_number,
                 case_id=case.id, field=column, old=due, new=None)
    if late is not None:
        audit.record(uow.session, actor=actor.username, action=f"clock.{kind}.late", entity="case",
                     entity_id=case_number, case_id=case.id, field="late_clocks", old=case.late_clocks - 1,
                     new=case.late_clocks)
    if text:
        audit.record(uow.session, actor=actor.username, action=f"clock.{kind}", entity="clockevent",
                     entity_id=event.id, case_id=case.id, field="note", new=text)
    uow.commit()
    return CasePublic.model_validate(case)


def extend_clock(uow: UnitOfWork, *, actor: Actor, profile: Profile, case_number: str, expected_version: int | None,
                 kind: str, new_due: date, notice: str) -> CasePublic:
    """An extension: the written notice sent to the constituent and the new due date (the end of that day)."""
    actor = authorise(uow, actor, "extend_clock")
    case = _open_for_change(uow, case_number, expected_version, actor)
    column = CLOCK_COLUMNS.get(kind)
    check_clock(kind, tier=case.tier, due=getattr(case, column) if column else None, case_number=case_number)
    assert column is not None
    current = getattr(case, column)
    moment = extended_due(profile, current=current, new_day=new_due, notice=notice,
                          today=calendar_for(profile).local(utcnow()).date())
    text = ABUSE_PLACEHOLDER if case.abuse_marked else notice.strip()
    event = ClockEvent(case_id=case.id, kind=kind, event="extended", due_at=current,  # type: ignore[arg-type]
                       new_due_at=moment, note=text, by_user=actor.username, at=utcnow())
    uow.session.add(event)
    setattr(case, column, moment)
    moved = extension_moves(kind, moment, {name: getattr(case, name) for name in ("resolve_by", "resolve_max")})
    before = {name: getattr(case, name) for name in moved}
    for name, when in moved.items():
        setattr(case, name, when)
    refresh_next_deadline(case)
    case.updated_at = utcnow()
    uow.flush()
    audit.record(uow.session, actor=actor.username, action=f"clock.extend.{kind}", entity="case",
                 entity_id=case_number, case_id=case.id, field=column, old=current, new=moment)
    for name, when in moved.items():
        audit.record(uow.session, actor=actor.username, action=f"clock.extend.{kind}", entity="case",
                     entity_id=case_number, case_id=case.id, field=name, old=before[name], new=when)
    audit.record(uow.session, actor=actor.username, action=f"clock.extend.{kind}", entity="clockevent",
                 entity_id=event.id, case_id=case.id, field="note", new=text)
    uow.commit()
    return CasePublic.model_validate(case)


def set_plan(uow: UnitOfWork, *, actor: Actor, profile: Profile, case_number: str, expected_version: int | None,
             steps: list[tuple[str, date]]) -> list[PlanStepPublic]:
    """Prescribe the steps and their timeline for a concern or complaint (replaces the earlier plan)."""
    actor = authorise(uow, actor, "follow_up")
    case = _open_for_change(uow, case_number, expected_version, actor)
    if case.abuse_marked:
        raise RuleRefused("This call was marked as suspected child abuse: do not document it here.")
    today = calendar_for(profile).local(utcnow()).date()
    if not steps:
        plan_due(profile, case.tier, case_number=case_number, step="", day=today,  # type: ignore[arg-type]
                 resolve_by=case.resolve_by, today=today)
    planned = [(text.strip(), plan_due(profile, case.tier, case_number=case_number, step=text, day=day,  # type: ignore[arg-type]
                                       resolve_by=case.resolve_by, today=today)) for text, day in steps]
    for _, due in planned:  # (the end of its day: a step due the day the case was opened is after the opening)
        after_opening(case, due, refused="A step of the plan cannot be due", field="step", later="date")
    old = list(uow.session.exec(select(PlanStep).where(PlanStep.case_id == case.id)))
    for row in old:
        uow.session.delete(row)
    rows = [PlanStep(case_id=case.id, step=text, due_at=due, by_user=actor.username, at=utcnow())  # type: ignore[arg-type]
            for text, due in sorted(planned, key=lambda p: p[1])]
    uow.session.add_all(rows)
    case.updated_at = utcnow()
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="plan.set", entity="case", entity_id=case_number,
                 case_id=case.id, field="plan", old=len(old), new=len(rows))
    for row in rows:
        audit.record(uow.session, actor=actor.username, action="plan.set", entity="planstep", entity_id=row.id,
                     case_id=case.id, field="step", new=row.step)
    uow.commit()
    return [PlanStepPublic.model_validate(r) for r in rows]


@dataclass
class CaseWork:
    """Everything worked on a case after the call, as screens and the CLI show it."""

    case: CasePublic
    follow_ups: list[FollowUpPublic] = field(default_factory=list)
    plan: list[PlanStepPublic] = field(default_factory=list)
    clocks: list[ClockEventPublic] = field(default_factory=list)
    resolution: ResolutionPublic | None = None
    attachments: list[AttachmentPublic] = field(default_factory=list)
    follow_up_overdue: bool = False
    missing_to_close: list[str] = field(default_factory=list)
    late: dict[int, str] = field(default_factory=dict)  # clock event id -> how late it was met ("3 school days late")
    late_notes: list[str] = field(default_factory=list)  # each clock met late, in words

    def pending_clocks(self) -> dict[str, datetime]:
        """Each clock still due: {words: due}."""
        pending = {"acknowledgement": self.case.acknowledge_by, "response": self.case.respond_by,
                   "follow-up": self.case.next_follow_up_by, "resolution": self.case.resolve_by}
        return {k: v for k, v in pending.items() if v is not None}


def case_work(session: Session, *, case_number: str, viewer: Actor | None, now: datetime | None = None,
              profile: Profile | None = None) -> CaseWork:
    """The case's follow-ups, plan, clocks, resolution and letter, whether its follow-up is overdue, and what
    closing it still needs (each in words)."""
    from calldesk.store.read.one_case import get_case

    case = get_case(session, case_number, viewer=viewer)
    profile = profile or load_profile(case.protocol)
    entries = list(session.exec(select(FollowUp).where(FollowUp.case_id == case.id)
                                .order_by(col(FollowUp.entry_at), col(FollowUp.id))))
    resolution = session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    work = CaseWork(
        case=CasePublic.model_validate(case),
        follow_ups=[FollowUpPublic.model_validate(e) for e in entries],
        plan=[PlanStepPublic.model_validate(p) for p in session.exec(
            select(PlanStep).where(PlanStep.case_id == case.id).order_by(col(PlanStep.due_at)))],
        clocks=[ClockEventPublic.model_validate(c) for c in session.exec(
            select(ClockEvent).where(ClockEvent.case_id == case.id).order_by(col(ClockEvent.at)))],
        resolution=ResolutionPublic.model_validate(resolution) if resolution is not None else None,
        attachments=[AttachmentPublic.model_validate(a) for a in session.exec(
            select(Attachment).where(Attachment.case_id == case.id).order_by(col(Attachment.at)))],
    )
    for event in work.clocks:
        late = met_late(profile, due=event.due_at, met_at=event.at) if event.event == "met" else None
        if late is not None and event.due_at is not None:
            work.late[event.id] = late
            work.late_notes.append(lateness_note(profile, event.kind, due=event.due_at, met_at=event.at))
    work.follow_up_overdue = is_follow_up_overdue(
        profile, case.tier, opened_at=case.opened_at,  # type: ignore[arg-type]
        last_entry_at=entries[-1].entry_at if entries else None, now=now or utcnow(), is_open=case.status == "open")
    if case.status == "open":
        written = {"response": resolution.response, "outcome": resolution.outcome} if resolution else {}
        fields = missing_fields(profile, tier=case.tier, values={**case.model_dump(), **written},  # type: ignore[arg-type]
                                stage="close", abuse_marked=case.abuse_marked)
        work.missing_to_close = [s.rstrip(".") for s in fields.values()] + letter_missing(
            alleged_violation=resolution.alleged_violation if resolution else None,
            letter_status=resolution.letter_status if resolution else "none")
    return work


def clock_words(kind: str) -> str:
    return CLOCK_WORDS.get(kind, kind)
