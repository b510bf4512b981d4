"""A month of OC CCTS cases opened through the service layer, and planted personal data to look for."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, select

from calldesk.models import Case, CaseCreate, ResolutionUpdate, StudentCreate
from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import close_case, open_case
from calldesk.store.services.confidentiality import add_student
from calldesk.store.services.follow_ups_resolution import set_resolution

LA = ZoneInfo("America/Los_Angeles")


def oc() -> Profile:
    return load_profile("oc_ccts")


def la(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LA)


@dataclass(frozen=True)
class Spec:
    call_type: str
    category: str
    channel: str
    department: str
    source: str
    sla: str  # open | on_time | late: how the case ends up
    opened: datetime


# October 2026 in Los Angeles; the last one is opened at 23:30 on 31 Oct (already 1 Nov in UTC).
OCTOBER = [
    Spec("complaint", "Poor service", "phone", "CalWORKs", "board", "late", la(10, 1)),
    Spec("complaint", "Rude or unresponsive employee", "email", "CalWORKs", "none", "open", la(10, 2)),
    Spec("inquiry", "General information", "phone", "Medi-Cal", "none", "on_time", la(10, 5)),
    Spec("inquiry", "General information", "voicemail", "Medi-Cal", "ceo", "open", la(10, 6)),
    Spec("compliment", "Compliment", "letter", "CalFresh", "none", "on_time", la(10, 7)),
    Spec("concern", "Facilities", "walk_in", "CalFresh", "board", "open", la(10, 8)),
    Spec("concern", "Business process", "phone", "Medi-Cal", "none", "late", la(10, 9)),
    Spec("complaint", "Poor service", "phone", "Medi-Cal", "none", "open", la(10, 31, 23, 30)),
]
DISCRIMINATION = Spec("complaint", "Discrimination", "phone", "CalWORKs", "none", "open", la(10, 14))
OUTSIDE = [  # 30 Sep 23:30 and 1 Nov 00:30 local: not October
    Spec("inquiry", "General information", "phone", "Medi-Cal", "none", "open", la(9, 30, 23, 30)),
    Spec("inquiry", "General information", "phone", "Medi-Cal", "none", "open", la(11, 1, 0, 30)),
]


def expected_counts(specs: list[Spec]) -> dict[str, dict[str, int]]:
    """The October counts, worked out from the specs alone."""
    return {
        "call_type": dict(Counter(s.call_type for s in specs)),
        "category": dict(Counter(s.category for s in specs)),
        "channel": dict(Counter(s.channel for s in specs)),
        "place": dict(Counter(s.department for s in specs)),
        "source": dict(Counter(s.source for s in specs)),
        "sla": dict(Counter(s.sla for s in specs)),
    }


# A subcategory for each category the specs use (closing an immediate inquiry needs one: the profile says so).
SUBCATEGORY = {"Business process": "Forms", "Compliment": "Office", "Discrimination": "Language access",
               "Facilities": "Parking", "General information": "How to apply", "Poor service": "Long wait",
               "Rude or unresponsive employee": "Rude", "Eligibility and case actions": "CalFresh"}


def open_spec(store: Store, staff: dict[str, Actor], spec: Spec, index: int, **extra: object) -> Case:
    """Open (and, as the spec says, resolve and close) one case; returns the stored row."""
    profile = oc()
    values: dict[str, object] = {
        "caller_name": f"Caller Number{index}", "phone": f"(714) 555-{1000 + index:04d}",
        "call_type": spec.call_type, "category": spec.category, "channel": spec.channel,
        "department": spec.department, "source": spec.source, "opened_at": spec.opened,
        "subcategory": SUBCATEGORY.get(spec.category), "claim": "The caller's account of what happened.", **extra}
    with store.uow() as uow:
        number = open_case(uow, actor=staff["agent"], profile=profile, data=CaseCreate(**values)).case.case_number
    if spec.sla != "open":
        close(store, staff, number, spec.sla)
    with store.uow(readonly=True) as uow:
        return uow.session.exec(select(Case).where(Case.case_number == number)).one()


def close(store: Store, staff: dict[str, Actor], number: str, sla: str, *, closed_at: datetime | None = None,
          response: str = "Answered the question.") -> None:
    """Resolve and close a case, then date the closing as the test needs (on time, late, or `closed_at`)."""
    supervisor = staff["supervisor"]
    with store.uow() as uow:
        set_resolution(uow, actor=supervisor, case_number=number, data=ResolutionUpdate(response=response))
    with store.uow() as uow:
        close_case(uow, actor=supervisor, case_number=number)
    with store.uow() as uow:
        case = uow.session.exec(select(Case).where(Case.case_number == number)).one()
        if closed_at is None:
            anchor = case.resolve_by or case.opened_at
            closed_at = anchor - timedelta(hours=1) if sla == "on_time" else anchor + timedelta(days=1)
            closed_at = max(closed_at, case.opened_at)
        uow.session.execute(update(Case).where(col(Case.case_number) == number).values(closed_at=closed_at))
        uow.commit()


# Planted personal data: found in no report and no redacted export.
NAME, FIRST, LAST = "Quintessa Marblewright", "Quintessa", "Marblewright"
PHONE, PHONE_DIGITS = "(714) 555-0187", "5550187"
EMAIL = "qmarble@example.org"
STUDENT, STUDENT_ID = "Bartholomew Zinkovic", "SID778812"
MARKERS = (FIRST, LAST, PHONE_DIGITS, "555-0187", "555.0187", EMAIL, "qmarble", "Bartholomew", "Zinkovic", "778812")


def planted_case(store: Store, staff: dict[str, Actor], *, opened: datetime | None = None,
                 name: str = NAME, phone: str = PHONE, email: str = EMAIL, student: str = STUDENT,
                 student_id: str = STUDENT_ID, call_type: str = "complaint") -> str:
    """A case whose every field and free text carries the caller's and the student's details."""
    first = name.split()[0]
    digits = "".join(ch for ch in phone if ch.isdigit())
    dotted = f"{digits[:3]}.{digits[3:6]}.{digits[6:]}"
    claim = f"{name} ({email}, {dotted}) says {student}, id {student_id}, was sent home. Call {first} at {phone}."
    with store.uow() as uow:
        number = open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name=name, phone=phone, email=email, call_type=call_type, category="Poor service",
            subcategory="Long wait", channel="phone", department="CalWORKs", claim=claim,
            steps_taken=f"Spoke to {first} {phone}",
            evidence=f"Email from {email}", opened_at=opened or la(10, 20))).case.case_number
    with store.uow() as uow:
        add_student(uow, actor=staff["agent"], case_number=number,
                    data=StudentCreate(name=student, student_ref=student_id))
    return number
