"""What leaves the store case by case: tracking logs, case exports (JSONL/CSV/Open311).

Cases are read in batches (never all at once); every free-text value is redacted with the case's own personal
details matched exactly plus PII patterns, and cases are named by stable pseudonyms. Only an admin may export
unredacted, and every export is audited (what, how many, by whom) without a single identifier in the trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from calldesk.models import Case, ClockEvent, Consent, Escalation, FollowUp, Meeting, Referral, Resolution, Student
from calldesk.rules.clocks import ClockRecord, clock_log_values
from calldesk.rules.profile import TIER_LABELS, Profile
from calldesk.rules.redaction import KnownPII, Redactor, date_forms, pseudonym
from calldesk.rules.reporting import CALL_TYPE_LABELS, SOURCE_LABELS
from calldesk.rules.tracking_logs import LOG_COLUMNS, StaffAction, actions_taken, log_level
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.counting import counted
from calldesk.store.services.reports import local_day, pseudonym_secret, sla_outcome

BATCH = 500
Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class CaseDetails:
    """One case with the children an export needs, read in its batch."""

    case: Case
    sla: str  # open | on_time | late | no_target, by the report's own rule
    students: list[Student]
    signers: list[str]
    resolution: Resolution | None
    actions: list[StaffAction] = field(default_factory=list)  # what staff did (the logs' Action Taken)
    safety: str = ""  # the referral to the safety office (Rochester OPE 5.1), with its day
    clocks: list[ClockEvent] = field(default_factory=list)  # oldest first

    def known(self) -> KnownPII:
        """Every personal detail stored on the case, for exact-match redaction."""
        c = self.case
        return KnownPII(
            names=[n for n in (c.caller_name, *(s.name for s in self.students), *self.signers) if n],
            ids=[i for i in (c.case_number, *(s.student_ref for s in self.students)) if i],
            phones=[p for p in (c.phone,) if p],
            emails=[e for e in (c.email,) if e],
            addresses=[a for a in (c.address,) if a],
            dates=[d for s in self.students if s.birth_date for d in date_forms(s.birth_date)],
        )


def _in_range(profile: Profile, since: datetime | None, until: datetime | None, *, once: bool = False) -> Any:
    """Cases of the profile opened in [since, until); `once`: a merged duplicate is left out (a tracking log
    lists each consolidated matter once, as its survivor)."""
    conditions = [col(Case.protocol) == profile.name]
    if once:
        conditions.append(counted())
    if since is not None:
        conditions.append(col(Case.opened_at) >= since)
    if until is not None:
        conditions.append(col(Case.opened_at) < until)
    return and_(*conditions)


def count_cases(session: Session, profile: Profile, since: datetime | None, until: datetime | None, *,
                once: bool = False) -> int:
    where = _in_range(profile, since, until, once=once)
    return int(session.scalar(select(func.count()).select_from(Case).where(where)) or 0)


def iter_details(session: Session, where: Any, tz: Any = UTC) -> Iterator[CaseDetails]:
    """Cases matching `where`, oldest first, with their students, consent signers and resolution, in batches."""
    result = session.execute(select(Case, sla_outcome()).where(where).order_by(col(Case.opened_at), col(Case.id))
                             .execution_options(yield_per=BATCH))
    for partition in result.partitions(BATCH):
        ids = [c.id for c, _ in partition]
        students: dict[int, list[Student]] = {}
        for student in session.scalars(select(Student).where(col(Student.case_id).in_(ids))):
            students.setdefault(student.case_id, []).append(student)
        signers: dict[int, list[str]] = {}
        for case_id, signer in session.execute(
                select(col(Student.case_id), col(Consent.signed_by))
                .join(Consent, col(Consent.student_id) == col(Student.id)).where(col(Student.case_id).in_(ids))):
            signers.setdefault(case_id, []).append(signer)
        resolutions = {r.case_id: r for r in session.scalars(select(Resolution).where(
            col(Resolution.case_id).in_(ids)))}
        actions, safety = _staff_actions(session, ids, resolutions, tz)
        clocks: dict[int, list[ClockEvent]] = {}
        for event in session.scalars(select(ClockEvent).where(col(ClockEvent.case_id).in_(ids))
                                     .order_by(col(ClockEvent.at), col(ClockEvent.id))):
            clocks.setdefault(event.case_id, []).append(event)
        for case, sla in partition:
            assert case.id is not None
            yield CaseDetails(case, str(sla), students.get(case.id, []), signers.get(case.id, []),
                              resolutions.get(case.id), actions.get(case.id, []), safety.get(case.id, ""),
                              clocks.get(case.id, []))


def _staff_actions(session: Session, ids: list[Any], resolutions: dict[int, Resolution], tz: Any
                   ) -> tuple[dict[int, list[StaffAction]], dict[int, str]]:
    """What staff did on each case (follow-ups, referrals, escalations, meetings, the resolution), dated in the
    agency's zone, and each case's safety referral."""
    found: dict[int, list[StaffAction]] = {}
    safety: dict[int, str] = {}

    def add(case_id: int, moment: datetime, what: str) -> None:
        found.setdefault(case_id, []).append(StaffAction(moment.astimezone(tz).date(), what))

    for f in session.scalars(select(FollowUp).where(col(FollowUp.case_id).in_(ids)).order_by(col(FollowUp.id))):
        add(f.case_id, f.entry_at, f"follow-up: {f.done}" + (f" (next: {f.pending})" if f.pending else ""))
    for r in session.scalars(select(Referral).where(col(Referral.case_id).in_(ids)).order_by(col(Referral.id))):
        add(r.case_id, r.referred_at, f"referred to {r.office}" + (f": {r.note}" if r.note else ""))
        if r.kind == "safety":
            safety[r.case_id] = f"{r.office} ({r.referred_at.astimezone(tz).date().isoformat()})"
    for e in session.scalars(select(Escalation).where(col(Escalation.case_id).in_(ids)).order_by(col(Escalation.id))):
        add(e.case_id, e.at, f"{e.kind} to {e.title}")
    for m in session.scalars(select(Meeting).where(col(Meeting.case_id).in_(ids)).order_by(col(Meeting.id))):
        add(m.case_id, m.scheduled_at, f"{m.kind} meeting set with {m.parties}")
        if m.outcome_at is not None:
            add(m.case_id, m.outcome_at, f"{m.kind} meeting held: {m.outcome or ''}".rstrip(": "))
    for case_id, res in resolutions.items():
        if res.response:
            add(case_id, res.updated_at, f"resolution: {res.response}")
    return found, safety


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _referred_to(profile: Profile, case: Case) -> str:
    if case.route_to:
        return case.route_to
    steps = {step.level: step.title for step in profile.ladder}
    return steps.get(case.escalation_level, "")


def case_values(profile: Profile, details: CaseDetails, *, secret: str, redacted: bool = True) -> dict[str, Any]:
    """Every value the logs and exports draw on, free text redacted unless `redacted` is False."""
    case, resolution = details.case, details.resolution
    redactor = Redactor(details.known())

    def text(value: str | None) -> str:
        return redactor(value or "") if redacted else (value or "")

    def place(value: str | None) -> str:
        return redactor.place(value or "") if redacted else (value or "")

    values: dict[str, Any] = {
        "pseudonym": pseudonym(case.case_number, secret),
        "opened_on": local_day(profile, case.opened_at),
        "opened_at": _iso(case.opened_at),
        "updated_at": _iso(case.updated_at),
        "opened_by": case.opened_by,
        "channel": case.channel,
        "source": SOURCE_LABELS.get(case.source, case.source),
        "call_type": CALL_TYPE_LABELS.get(case.call_type, case.call_type),
        "category": case.category or "",
        "subcategory": case.subcategory or "",
        # A place is typed too: a caller's name or number typed into it is taken out (calldesk.rules.redaction).
        "school": place(case.school),
        "department": place(case.department),
        "place": place(case.school or case.department),
        "language": case.language,
        "tier": TIER_LABELS.get(case.tier or "", case.tier or ""),
        "level": log_level(case.call_type),
        "status": case.status,
        "reportable": case.reportable,
        "routed_to": "" if case.reportable else (case.route_to or ""),
        "referred_to": _referred_to(profile, case),
        "steps_confirmed": "yes" if case.steps_confirmed else "no",
        "description": text(case.claim),
        "evidence": text(case.evidence),
        # Each action's text redacted, its day kept (a date in free text is over-redacted as a birth date might be).
        "action_taken": actions_taken([StaffAction(a.on, text(a.what)) for a in details.actions]),
        "steps_taken": text(case.steps_taken),
        "safety_referral": details.safety,
        "case_number": case.case_number,
        "resolution": text(resolution.response if resolution else ""),
        "outcome": text(resolution.outcome if resolution else ""),
        "respond_by": _iso(case.respond_by),
        "resolve_by": local_day(profile, case.resolve_by),
        "deadline": _iso(case.resolve_by or case.next_deadline),
        "closed_on": local_day(profile, case.closed_at),
        "sla": details.sla,
        "escalation_level": case.escalation_level,
        **clock_log_values(profile, acknowledge_by=case.acknowledge_by, respond_by=case.respond_by, events=[
            ClockRecord(e.kind, e.event, e.due_at, e.new_due_at, e.at, text(e.note)) for e in details.clocks]),
    }
    if not redacted:
        values.update({
            "caller_name": case.caller_name, "relationship": case.relationship,
            "phone": case.phone or "", "email": case.email or "", "address": case.address or "",
            "students": [{"name": s.name, "student_ref": s.student_ref or "",
                          "birth_date": s.birth_date.isoformat() if s.birth_date else ""} for s in details.students],
        })
    return values


# The fields of a case export, in order (redacted); an unredacted export adds the caller's details first.
EXPORT_FIELDS = ("pseudonym", "opened_at", "channel", "source", "call_type", "category", "subcategory", "school",
                 "department", "tier", "status", "reportable", "routed_to", "description", "evidence",
                 "steps_taken", "action_taken", "resolution", "outcome", "respond_by", "resolve_by", "closed_on", "sla",
                 "escalation_level")
PERSONAL_FIELDS = ("case_number", "caller_name", "relationship", "phone", "email", "address", "students")


def open311(profile: Profile, values: dict[str, Any]) -> dict[str, Any]:
    """A GeoReport v2 service request: no caller data, the school site's address as location."""
    site = values["school"] or values["department"]
    return {
        "service_request_id": values["pseudonym"],
        "status": "closed" if values["status"] == "closed" else "open",
        "status_notes": values["outcome"],
        "service_name": values["category"] or values["call_type"],
        "service_code": (values["category"] or values["call_type"]).lower().replace(" ", "_"),
        "description": values["description"],
        "agency_responsible": values["routed_to"] or profile.title,
        "service_notice": "",
        "requested_datetime": values["opened_at"],
        "updated_datetime": values["updated_at"],
        "expected_datetime": values["deadline"],
        "address": profile.sites.get(site, ""),
        "address_id": site,
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
        "source": "phone" if values["channel"] in ("phone", "voicemail") else values["channel"],
    }


@dataclass
class Export:
    """An export to be audited once written: how many rows, and how to read them (in a read-only session, so no
    lock is held); `record` writes its audit event."""

    total: int
    rows: Callable[[Session], Iterator[dict[str, Any]]]
    action: str
    what: str

    def record(self, uow: UnitOfWork, *, actor: Actor, written: int) -> None:
        """The export's audit event (what, how many rows, by whom; no identifier), committed. The CLI records it
        before the first row reaches the screen, and for a file once the file is whole, before it is renamed into
        place: an export refused or failed before that leaves no event."""
        audit.record(uow.session, actor=actor.username, action=self.action, entity="export", entity_id=self.what,
                     field="count", new=written)
        uow.commit()


def export_cases(uow: UnitOfWork, *, actor: Actor, profile: Profile, since: datetime | None,
                 until: datetime | None, form: str, redacted: bool = True) -> Export:
    """Cases opened in [since, until) as export rows (`form` "cases" or "open311"), read lazily; not yet audited
    (Export.record). Commits the store's pseudonym key if this is its first use."""
    actor = authorise(uow, actor, "report" if redacted else "export_personal")
    session = uow.session
    secret = pseudonym_secret(session)
    total = count_cases(session, profile, since, until)
    uow.commit()
    fields = EXPORT_FIELDS if redacted else (*PERSONAL_FIELDS, *EXPORT_FIELDS)

    def rows(reader: Session) -> Iterator[dict[str, Any]]:
        for details in iter_details(reader, _in_range(profile, since, until), profile.tz):
            values = case_values(profile, details, secret=secret, redacted=redacted)
            yield open311(profile, values) if form == "open311" else {k: values[k] for k in fields}

    return Export(total, rows, "export.cases", form if redacted else f"{form} unredacted")


def export_log(uow: UnitOfWork, *, actor: Actor, profile: Profile, since: datetime, until: datetime,
               log: str | None = None) -> tuple[list[str], Export]:
    """The profile's tracking log (or `log`) for cases opened in [since, until): headers and redacted rows, not
    yet audited (Export.record)."""
    actor = authorise(uow, actor, "report")
    name = log or profile.report_log
    columns = LOG_COLUMNS[name]
    session = uow.session
    secret = pseudonym_secret(session)
    total = count_cases(session, profile, since, until, once=True)
    uow.commit()

    def rows(reader: Session) -> Iterator[dict[str, Any]]:
        for details in iter_details(reader, _in_range(profile, since, until, once=True), profile.tz):
            values = case_values(profile, details, secret=secret)
            yield {header: values[key] for header, key in columns}

    return [header for header, _ in columns], Export(total, rows, "export.log", name)
