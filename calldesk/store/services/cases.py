"""Case services: open, change, mark abuse, close. Each call applies the rules, writes, audits, commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, insert, or_, update
from sqlalchemy import case as sql_case
from sqlmodel import Session, SQLModel, col, select

from calldesk.errors import InvalidInput, MissingFields, PermissionDenied, RuleRefused, StaleCase
from calldesk.models import (
    Attachment,
    Case,
    CaseCreate,
    CaseLink,
    CasePublic,
    CaseUpdate,
    ClockEvent,
    Draft,
    FollowUp,
    Resolution,
    utcnow,
)
from calldesk.profiles import load_profile
from calldesk.rules.calendar import calendar_for
from calldesk.rules.clocks import DRIVING_COLUMNS, ClockMark, next_deadline, settle
from calldesk.rules.followup import next_follow_up_due
from calldesk.rules.free_text import ABUSE_PLACEHOLDER, CASE_ROWS, FREE_TEXT, narrative_columns
from calldesk.rules.letter import check_retype, closing_sentence, letter_missing
from calldesk.rules.permissions import may_hand_down, may_mark_closed_case
from calldesk.rules.profile import Profile, a_role, role_rank
from calldesk.rules.repeat import RepeatDecision, TrendDecision, trend_of, trend_since
from calldesk.rules.required import Stage, missing_fields
from calldesk.rules.routing import ROUTING_INPUTS, Routing, route
from calldesk.rules.triage import TriageDecision
from calldesk.rules.typed_dates import not_before_opening
from calldesk.store.db import audit
from calldesk.store.db.maintenance import vacuum_after_scrub
from calldesk.store.db.numbering import next_case_number, one_save_per_client
from calldesk.store.db.scrub import scrub_files
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.one_case import get_case
from calldesk.store.read.queries import priors_for_caller, school_window, staff_board
from calldesk.store.services.drafts import scrub_drafts
from calldesk.store.services.new_case_rows import DEADLINE_FIELDS, caller_key, case_row, decide, opening_records
from calldesk.store.services.typed_fields import clean_fields, spelled_as_known


@dataclass
class CaseOutcome:
    """A saved case and what the protocol decided about it, in words for the agent."""

    case: CasePublic
    reasons: list[str] = field(default_factory=list)
    repeat: RepeatDecision | None = None
    trend: TrendDecision | None = None
    created: bool = True
    row: Case | None = field(default=None, repr=False)  # the stored row, for the service that joined this one


def load_for_change(session: Session, case_number: str, expected_version: int | None, *, viewer: Actor) -> Case:
    """The case `viewer` may see, locked, refused as StaleCase if someone saved it since the caller loaded
    `expected_version`."""
    case = get_case(session, case_number, viewer=viewer, for_update=True)
    if expected_version is not None and case.version != expected_version:
        raise StaleCase(
            f"Case {case_number} was saved by someone else after you opened it; reload it to see their changes."
        )
    return case


def after_opening(case: Case, moment: datetime, *, refused: str, field: str, later: str = "time") -> datetime:
    """`moment`, given about `case`, when it is not before the case was opened; else InvalidInput in the words of
    rules.typed_dates.not_before_opening (the opening in the case's agency's zone)."""
    return not_before_opening(moment, opened_at=case.opened_at, refused=refused, field=field,
                              tz=load_profile(case.protocol).tz, now=utcnow(), later=later)


def _apply_triage(case: Case, decision: TriageDecision) -> None:
    case.tier = decision.tier
    case.owner_role = decision.owner_role
    for name in DEADLINE_FIELDS:
        setattr(case, name, getattr(decision.deadlines, name))
    refresh_next_deadline(case)


def _route(case: Case, routing: Routing, *, actor: Actor, at: datetime) -> list[str]:
    """Apply the rules' routing to the case (tier, owner, deadlines, reportability, due-process closing);
    returns the reasons in words."""
    case.call_type = routing.call_type
    _apply_triage(case, routing.decision)
    report = routing.report
    case.reportable, case.route_to, case.not_reportable_reason = report.reportable, report.route_to, report.reason
    if routing.decision.close_now:
        case.status, case.closed_at, case.closed_by = "closed", at, actor.username
        case.close_reason = "already in due process"
        refresh_next_deadline(case)
    return routing.reasons


def require_fields(profile: Profile, *, tier: str | None, values: dict[str, Any], stage: Stage,
                   abuse_marked: bool) -> None:
    """Refuse (MissingFields, every empty field at once) what the profile requires before a save or close."""
    missing = missing_fields(profile, tier=tier, values=values, stage=stage,  # type: ignore[arg-type]
                             abuse_marked=abuse_marked)
    if missing:
        raise MissingFields(missing)


def refresh_next_deadline(case: Case) -> None:
    """The queue's sort key: the soonest deadline still ahead of an open case."""
    case.next_deadline = next_deadline(case.status, {name: getattr(case, name) for name in DRIVING_COLUMNS})


def _snapshot(case: Case) -> dict[str, Any]:
    return case.model_dump(exclude={"id", "version", "updated_at"})


def _trend(session: Session, profile: Profile, school: str | None, opened_at: datetime) -> TrendDecision | None:
    """The school trend of a case opened at `opened_at`: the cases at `school` in the trend window before it."""
    if not school:
        return None
    earlier, latest = school_window(session, school, since=trend_since(profile, opened_at), until=opened_at)
    return trend_of(profile, school=school, earlier=earlier, latest=latest)


def open_case(uow: UnitOfWork, *, actor: Actor, profile: Profile, data: CaseCreate,
              abuse_marked: bool = False) -> CaseOutcome:
    """Open a case from the intake form. A retried save (same client_id) returns the case already saved."""
    actor = authorise(uow, actor, "take_call")
    session = uow.session
    fields = spelled_as_known(session, clean_fields(data.model_dump(exclude={"client_id", "opened_at"}), profile,
                                                    abuse_marked=abuse_marked))
    opened_at = data.opened_at or utcnow()
    if opened_at.tzinfo is None:
        raise InvalidInput("The opening time needs a time zone.", field="opened_at")

    priors = priors_for_caller(session, caller_key(fields), since_days=profile.repeat_window_days, now=opened_at)
    logged_at = utcnow()
    opening = decide(profile, fields=fields, opened_at=opened_at, logged_at=logged_at, priors=priors,
                     trend=_trend(session, profile, fields.get("school"), opened_at), opener=actor.username,
                     staff=staff_board(session, today=calendar_for(profile).local(logged_at).date()))
    year = calendar_for(profile).local(opened_at).year
    # A retried save racing the first one waits for it, then finds its case here.
    one_save_per_client(session, data.client_id)
    found = session.exec(select(Case.id).where(Case.client_id == data.client_id)).first()
    if found is not None:  # (its id first: the whole row is read only when there is one)
        existing = session.get_one(Case, found)
        return CaseOutcome(CasePublic.model_validate(existing), ["Already saved."], created=False, row=existing)
    require_fields(profile, tier=opening.tier, values=fields, stage="save", abuse_marked=abuse_marked)
    number = next_case_number(session, year)  # last: a refused save takes no number

    row = case_row(profile, opening, fields=fields, client_id=data.client_id, case_number=number,
                   opener=actor.username, opened_at=opened_at, logged_at=logged_at, abuse=abuse_marked)
    case = Case(**row)
    session.add(case)
    uow.flush()
    assert case.id is not None
    # The earlier case by its id from the caller's priors: the agent may not be allowed to read that case.
    linked = next((p.id for p in priors if opening.repeat and p.case_number == opening.repeat.linked_case_number),
                  None)
    records = opening_records(row, case.id, opening, actor=actor.username, at=logged_at,
                              key=audit.audit_key(session), linked_id=linked)
    for table, rows in records.items():
        if rows:
            session.execute(insert(SQLModel.metadata.tables[table]), rows)
    discard_draft_rows(session, data.client_id)
    uow.commit()
    return CaseOutcome(CasePublic.model_validate(case), opening.reasons, opening.repeat, opening.trend, row=case)


def update_case(uow: UnitOfWork, *, actor: Actor, profile: Profile, case_number: str,
                expected_version: int | None, changes: CaseUpdate) -> CaseOutcome:
    """Change a case's fields; changing type, category or flags recomputes its tier and deadlines."""
    actor = authorise(uow, actor, "edit_case")
    session = uow.session
    case = load_for_change(session, case_number, expected_version, viewer=actor)
    if case.status == "closed":
        raise RuleRefused(f"Case {case_number} is closed; it can no longer be changed.")
    wanted = changes.model_dump(exclude_unset=True)
    fields = spelled_as_known(session, clean_fields(wanted, profile, abuse_marked=case.abuse_marked))
    # Read before changing anything: an autoflush mid-save would bump the version twice.
    repeated = session.exec(select(CaseLink).where(CaseLink.case_id == case.id, CaseLink.kind == "repeat")).first()
    last_entry = session.exec(select(FollowUp.entry_at).where(FollowUp.case_id == case.id)
                              .order_by(col(FollowUp.entry_at).desc())).first()
    resolution = session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    marks = [ClockMark(r.kind, r.event, r.new_due_at) for r in session.exec(  # type: ignore[arg-type]
        select(ClockEvent).where(ClockEvent.case_id == case.id).order_by(col(ClockEvent.at), col(ClockEvent.id)))]
    before = _snapshot(case)
    retriage = bool(ROUTING_INPUTS & {k for k in wanted if before.get(k) != fields.get(k)})
    board = staff_board(session, today=calendar_for(profile).local(utcnow()).date()) if retriage else None
    if "call_type" in fields and resolution is not None:
        check_retype(case_number=case_number, before=before["call_type"], after=fields["call_type"],
                     alleged_violation=resolution.alleged_violation, letter_status=resolution.letter_status)
    for key, value in fields.items():
        setattr(case, key, value)
    reasons: list[str] = []
    if retriage:
        # A linked repeat call stays at least a concern; earlier notes (repeat caller, trend) stay too. The person
        # stays while they may still own it (role, language); else it reaches one who may.
        routing = route(profile, fields=case.model_dump(), opened_at=case.opened_at, linked_repeat=repeated is not None,
                        opener=case.assigned_to or actor.username, staff=board)
        decided = _route(case, routing, actor=actor, at=utcnow())
        if case.status == "open" and routing.assign_to != case.assigned_to:
            assign(case, routing.assign_to, at=utcnow())
        # A clock already met stays met, an extended one keeps its new date.
        for name, due in settle({n: getattr(case, n) for n in DEADLINE_FIELDS}, marks).items():
            setattr(case, name, due)
        if not may_hand_down(actor.role, before["owner_role"], case.owner_role):
            raise PermissionDenied(f"Case {case_number} belongs to {a_role(before['owner_role'])}; "
                                   "only they or a higher rank may re-type it for a lower one.")
        recompute_follow_up(case, profile, last_entry)  # the cadence runs from the last entry, not the opening
        reasons = ["Type, category or flags changed: tier and deadlines recomputed.", *decided]
        case.routing_notes = "\n".join(filter(None, [case.routing_notes, *decided]))
    require_fields(profile, tier=case.tier, values=case.model_dump(), stage="save", abuse_marked=case.abuse_marked)
    changed = audit.record_changes(session, actor=actor.username, action="case.update", entity="case",
                                   entity_id=case_number, case_id=case.id, before=before, after=_snapshot(case))
    if reasons:
        audit.record(session, actor=actor.username, action="case.retriage", entity="case", entity_id=case_number,
                     case_id=case.id, field="tier", old=before.get("tier"), new=case.tier)
    if not changed:  # no new version either: a colleague's edit of the case is not refused as stale for this
        return CaseOutcome(CasePublic.model_validate(case), ["Nothing changed."], created=False, row=case)
    case.updated_at = utcnow()
    uow.commit()
    return CaseOutcome(CasePublic.model_validate(case), reasons, created=False, row=case)


def mark_abuse(uow: UnitOfWork, *, actor: Actor, case_number: str) -> CasePublic:
    """Suspected child abuse: empty every narrative column of the case and its rows (calldesk.rules.free_text),
    and the narrative keys of its draft; then fold SQLite's WAL (and vacuum PostgreSQL's dead rows) so no old
    page keeps the text."""
    actor = authorise(uow, actor, "mark_abuse")
    session = uow.session
    case = get_case(session, case_number, viewer=actor, for_update=True)
    if case.status == "closed" and not may_mark_closed_case(
            actor.role, actor.username, people=(case.opened_by, case.assigned_to, case.closed_by)):
        raise PermissionDenied(f"Case {case_number} is closed: only who worked it or a supervisor may mark it.")
    narrative = {name: getattr(case, name) for name in sorted(narrative_columns("cases"))}
    after = {name: _cleared("cases", name, value) for name, value in narrative.items()}
    for name, value in after.items():
        setattr(case, name, value)
    case.abuse_marked = True
    case.updated_at = utcnow()
    uow.flush()
    for name in CASE_ROWS:
        table = SQLModel.metadata.tables[name]
        columns = {column: _cleared_sql(table, column) for column in sorted(narrative_columns(name))}
        session.execute(update(table).where(table.c.case_id == case.id).values(columns))
    scrub_drafts(session, case.client_id)
    # A signed letter about the call goes too (its bytes, or its copy in the attachment folder once committed).
    letters = list(session.exec(select(Attachment).where(Attachment.case_id == case.id)))
    copies = [Path(a.stored_as) for a in letters if a.stored_as]
    for letter in letters:
        session.delete(letter)
        audit.record(session, actor=actor.username, action="case.abuse_marked", entity="attachment",
                     entity_id=letter.id, case_id=case.id, field="sha256", old=None, new="")
    # The removed text leaves no fingerprint at all: only that it was there and is gone; earlier events lose theirs.
    assert case.id is not None
    audit.forget_narrative(session, case.id)
    for name in (k for k, v in narrative.items() if v):
        audit.record(session, actor=actor.username, action="case.abuse_marked", entity="case",
                     entity_id=case_number, case_id=case.id, field=name, old=None, new="")
    audit.record(session, actor=actor.username, action="case.abuse_marked", entity="case", entity_id=case_number,
                 case_id=case.id, field="abuse_marked", old=False, new=True)
    uow.commit()
    for copy in copies:
        copy.unlink(missing_ok=True)
    scrub_files(uow.engine)  # old page images of the narrative must not linger in SQLite's WAL
    vacuum_after_scrub(uow.engine)  # nor (as far as this role may) in PostgreSQL's dead row versions
    return CasePublic.model_validate(case)


def _cleared(table: str, column: str, value: object) -> object:
    """What a narrative column holds once the call is marked: the placeholder where it must say why, else empty."""
    if column in FREE_TEXT[table].placeheld:
        return ABUSE_PLACEHOLDER if value else value
    return None if value is None else ""


def _cleared_sql(table: Table, column: str) -> Any:
    target = table.c[column]
    if column in FREE_TEXT[table.name].placeheld:
        return sql_case((or_(target.is_(None), target == ""), target), else_=ABUSE_PLACEHOLDER)
    return None if target.nullable else ""


def close_case(uow: UnitOfWork, *, actor: Actor, case_number: str, expected_version: int | None = None,
               reason: str = "resolved", profile: Profile | None = None) -> CasePublic:
    """Close a case: what the profile requires before a close must be filled in (a resolution, for most tiers),
    and for a violation the letter must be signed and the coordinator informed. `profile` defaults to the
    case's own protocol."""
    actor = authorise(uow, actor, "close_case")
    session = uow.session
    case = load_for_change(session, case_number, expected_version, viewer=actor)
    if case.status == "closed":
        raise RuleRefused(f"Case {case_number} is already closed.")
    if actor.username != case.assigned_to and role_rank(actor.role) < role_rank(case.owner_role):
        raise PermissionDenied(f"Case {case_number} belongs to {a_role(case.owner_role)}; "
                               "only they, their assignee or a supervisor may close it.")
    from calldesk.store.read.step_states import steps_missing_before  # it reads cases through this module

    steps_missing_before(session, case, "close", profile)
    resolution = session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    written = {"response": resolution.response, "outcome": resolution.outcome} if resolution is not None else {}
    missing = missing_fields(profile or load_profile(case.protocol), tier=case.tier,  # type: ignore[arg-type]
                             values={**case.model_dump(), **written}, stage="close", abuse_marked=case.abuse_marked)
    letter = letter_missing(alleged_violation=resolution.alleged_violation if resolution else None,
                            letter_status=resolution.letter_status if resolution else "none")
    if missing or letter:  # one line naming every missing step; each field's sentence still goes under it
        refusal = MissingFields({**missing, **({"letter_status": "; ".join(letter)} if letter else {})})
        refusal.message = closing_sentence(case_number, missing, letter)
        raise refusal
    reason = ABUSE_PLACEHOLDER if case.abuse_marked else reason.strip()
    if not reason or len(reason) > 200:
        raise InvalidInput("Give a reason for closing of at most 200 characters.", field="close_reason")
    before = {"status": case.status, "close_reason": case.close_reason}
    case.status, case.closed_at, case.closed_by, case.close_reason = "closed", utcnow(), actor.username, reason
    refresh_next_deadline(case)
    audit.record_changes(session, actor=actor.username, action="case.close", entity="case", entity_id=case_number,
                         case_id=case.id, before=before, after={"status": "closed", "close_reason": reason})
    uow.commit()
    return CasePublic.model_validate(case)


def assign(case: Case, username: str | None, *, at: datetime) -> None:
    """Give the case to `username` (None: back to its role's queue), noting when (round robin) and who had it
    (who hands a case on keeps it in sight: calldesk.store.db.visibility; PostgreSQL's trigger says the same)."""
    if username != case.assigned_to and case.assigned_to is not None:
        case.previous_assignee = case.assigned_to
    case.assigned_to, case.assigned_at = username, at if username is not None else None


def recompute_follow_up(case: Case, profile: Profile, last_entry_at: datetime | None) -> None:
    """After a follow-up entry: the next one is due 2 open days later (concerns and complaints)."""
    case.next_follow_up_by = next_follow_up_due(profile, case.tier, opened_at=case.opened_at,  # type: ignore[arg-type]
                                                last_entry_at=last_entry_at)
    refresh_next_deadline(case)


def discard_draft_rows(session: Session, client_id: str) -> None:
    """The call's draft goes with its save (one statement, whether there is one or not)."""
    session.execute(delete(Draft).where(col(Draft.client_id) == client_id))
