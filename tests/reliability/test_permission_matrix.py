"""The role table, tested as a matrix on both backends: every service function x every role, plus an unknown
and a deactivated user. Allowed calls must succeed; refused ones raise and leave the store unchanged. The
README's role table must say exactly what rules/permissions.py enforces."""

from __future__ import annotations

import atexit
import itertools
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from calldesk.demo.fill import fill_demo
from calldesk.errors import PermissionDenied, UnknownUser
from calldesk.models import (
    AuditEvent,
    CallbackCreate,
    CaseUpdate,
    ConsentCreate,
    FollowUpCreate,
    QualityReviewCreate,
    ResolutionUpdate,
    StudentCreate,
    UserCreate,
)
from calldesk.profiles import load_profile
from calldesk.rules.permissions import PERMISSIONS, ROLE_LABELS
from calldesk.rules.phone import parse_event
from calldesk.rules.profile import ROLES
from calldesk.rules.resources import ResourceEntry
from calldesk.store.db import users
from calldesk.store.db.grants import grant_login
from calldesk.store.db.store import Store
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor
from calldesk.store.services import (
    callbacks,
    case_steps,
    clocks,
    confidentiality,
    drafts,
    escalation,
    letters,
    reference,
    web_accounts,
    web_logins,
)
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services import referrals_meetings_reviews as handling
from calldesk.store.services.assignments import assign_cases, reassign
from calldesk.store.services.cases import close_case, mark_abuse, update_case
from calldesk.store.services.mail import receive_message
from calldesk.store.services.mail_out import outbox
from calldesk.store.services.phone import phone_log, record_event
from tests.conftest import add_user
from tests.integration.helpers import call, lausd, submit_letter

ROOT = Path(__file__).resolve().parents[2]
_names = itertools.count()
Action = Callable[[UnitOfWork, Actor, str], object]


VIC = Actor("vic", "supervisor")  # a second supervisor: the one who approves a letter never signs it
SCHOOL = "Roosevelt High"  # every prepared case is about the respondent's school, so rex may see it


_LETTERS = Path(tempfile.mkdtemp(prefix="calldesk-matrix-"))  # this process's own, gone with the run
atexit.register(shutil.rmtree, _LETTERS, True)


def _letter() -> Path:
    letter = _LETTERS / "signed-letter.pdf"
    letter.write_bytes(b"%PDF-1.4 signed")
    return letter


def _fresh(prefix: str) -> str:
    return f"{prefix}{next(_names)}"


CALLERS = itertools.count(100)


def _meeting_time() -> datetime:
    """A meeting's time after the prepared case was opened (now): a meeting before it is refused."""
    return datetime.now(UTC) + timedelta(days=2)


def _case(store: Store, sue: Actor, kind: str) -> str:
    """A case ready for the action (prepared by the supervisor), about the respondent's school."""
    if kind == "letter_draft" or kind == "letter_approved" or kind == "letter_signed":
        n = next(CALLERS)
        number = call(store, sue, call_type="complaint", category="Transportation", claim="Bus", school=SCHOOL,
                      caller_name=f"Maria {n}", phone=f"21355{n:05d}").case.case_number
        with store.uow() as uow:
            casework.set_resolution(uow, actor=sue, case_number=number,
                                    data=ResolutionUpdate(response="Fixed", alleged_violation="IDEA 300.101"))
        submit_letter(store, sue, number)
        steps = {"letter_draft": [], "letter_approved": ["approve"], "letter_signed": ["approve", "attach"]}[kind]
        for step in steps:  # approved by another supervisor: whoever is tested next may sign it
            with store.uow() as uow:
                casework.advance_letter(uow, actor=VIC if step == "approve" else sue, case_number=number, step=step,
                                        attachment=_letter())
        return number
    n = next(CALLERS)  # a new caller each time: a repeat caller's call would become a specialist's concern
    number = call(store, sue, relationship="parent_guardian", caller_name=f"Maria {n}", subcategory="New enrollment",
                  phone=f"21355{n:05d}", school=SCHOOL).case.case_number
    if kind == "concern":
        return call(store, sue, call_type="concern", category="Transportation", caller_name=f"Rosa {n}",
                    phone=f"21356{n:05d}", school=SCHOOL).case.case_number
    if kind == "resolved":
        with store.uow() as uow:
            casework.set_resolution(uow, actor=sue, case_number=number, data=ResolutionUpdate(response="Done"))
    if kind in ("student", "consent"):
        with store.uow() as uow:
            student = confidentiality.add_student(uow, actor=sue, case_number=number,
                                                  data=StudentCreate(name="Leo", student_ref=f"R{number}"))
    if kind == "consent":
        with store.uow() as uow:
            confidentiality.record_consent(uow, actor=sue, case_number=number, student_id=student.id,
                                           today=date(2026, 11, 23), data=ConsentCreate(
                                               signed_by="Maria Gomez", signed_on=date(2026, 9, 1),
                                               records="attendance", purpose="support", recipient="Rosa"))
    if kind == "meeting":
        with store.uow() as uow:
            handling.schedule_meeting(uow, actor=sue, case_number=number, kind="resolution",
                                      when=_meeting_time(), parties=["Parent", "Teacher"])
    if kind == "merge":
        n = next(CALLERS)
        SURVIVORS[number] = call(store, sue, caller_name=f"Maria {n}", subcategory="New enrollment",
                                 phone=f"21355{n:05d}", school=SCHOOL).case.case_number
    if kind == "callback":
        with store.uow() as uow:
            callbacks.add_callback(uow, actor=sue, profile=lausd(), data=CallbackCreate(
                caller_name="Maria", message="Call back", case_number=number))
    return number


def _student_id(uow: UnitOfWork, number: str) -> int:
    from calldesk.models import Student
    from calldesk.store.read.one_case import get_case

    case = get_case(uow.session, number, viewer=None)
    return uow.session.exec(select(Student.id).where(Student.case_id == case.id)).one()  # type: ignore[return-value]


def _consent_id(uow: UnitOfWork, number: str) -> int:
    from calldesk.models import Consent

    return uow.session.exec(select(Consent.id).where(Consent.student_id == _student_id(uow, number))).one()  # type: ignore[return-value]


SURVIVORS: dict[str, str] = {}  # merged case -> the case it is merged into


def _resource_id(uow: UnitOfWork, *, last: bool = False) -> int:
    """An active entry of the LAUSD directory as the store seeded it: the first (edited), or the last (retired)."""
    from calldesk.models import Resource

    ids = list(uow.session.exec(select(Resource.id).where(Resource.protocol == "lausd", col(Resource.active))
                                .order_by(col(Resource.id))))
    return (ids[-1] if last else ids[0]) or 0


def _meeting_id(uow: UnitOfWork, number: str) -> int:
    from calldesk.models import Meeting
    from calldesk.store.read.one_case import get_case

    case = get_case(uow.session, number, viewer=None)
    return uow.session.exec(select(Meeting.id).where(Meeting.case_id == case.id)).one()  # type: ignore[return-value]


def _callback_id(uow: UnitOfWork, number: str) -> int:
    from calldesk.models import Callback
    from calldesk.store.read.one_case import get_case

    case = get_case(uow.session, number, viewer=None)
    return uow.session.exec(select(Callback.id).where(Callback.case_id == case.id)).one()  # type: ignore[return-value]


DESK = ("agent", "program_specialist", "specialist", "supervisor", "admin")
DOCUMENTERS = ("respondent", *DESK)  # a respondent documents the steps and the resolution of their place's cases
# service -> (case prepared for it, the call, roles expected to be allowed)
MATRIX: dict[str, tuple[str, Action, tuple[str, ...]]] = {
    "users.add_user": ("plain", lambda u, a, n: users.add_user(
        u, actor=a, data=UserCreate(username=_fresh("new"), role="agent")), ("admin",)),
    "users.set_role": ("plain", lambda u, a, n: users.set_role(u, actor=a, username="zoe", role="agent"),
                       ("admin",)),
    "users.set_active": ("plain", lambda u, a, n: users.set_active(u, actor=a, username="zoe", active=True),
                         ("admin",)),
    "users.set_absence (someone else)": ("plain", lambda u, a, n: users.set_absence(
        u, actor=a, username="zoe", absent_since=date(2026, 11, 23)), ("supervisor", "admin")),
    "users.set_absence (oneself)": ("plain", lambda u, a, n: users.set_absence(
        u, actor=a, username=a.username, absent_since=None), ROLES),
    "assignments.assign_cases": ("plain", lambda u, a, n: assign_cases(u, actor=a, case_numbers=[n], to_user="zoe"),
                           ("supervisor",)),
    "users.set_languages": ("plain", lambda u, a, n: users.set_languages(
        u, actor=a, username="zoe", languages="English, Spanish"), ("admin",)),
    "users.set_supervisor": ("plain", lambda u, a, n: users.set_supervisor(
        u, actor=a, username="zoe", supervisor=None), ("admin",)),
    "reference.sync_reference": ("plain", lambda u, a, n: reference.sync_reference(
        u, actor=a, profile=lausd()), ("admin",)),
    "cases.open_case": ("plain", lambda u, a, n: call_in(u, a), (*DESK, "admin")),
    "cases.update_case": ("plain", lambda u, a, n: update_case(
        u, actor=a, profile=lausd(), case_number=n, expected_version=_version(u, n),
        changes=CaseUpdate(school="Roosevelt High")), DESK),
    "cases.mark_abuse": ("plain", lambda u, a, n: mark_abuse(u, actor=a, case_number=n), DOCUMENTERS),
    "cases.close_case": ("resolved", lambda u, a, n: close_case(u, actor=a, case_number=n), DESK),
    "assignments.reassign": ("plain", lambda u, a, n: reassign(u, actor=a, case_number=n, to_user="sam"),
                       ("supervisor",)),
    "casework.add_follow_up": ("plain", lambda u, a, n: casework.add_follow_up(
        u, actor=a, profile=lausd(), case_number=n, data=FollowUpCreate(done="Called", pending="")), DOCUMENTERS),
    "escalation.escalate": ("plain", lambda u, a, n: escalation.escalate(
        u, actor=a, profile=lausd(), case_number=n, reason="Caller asked", expected_version=_version(u, n)), DESK),
    "escalation.appeal": ("resolved", lambda u, a, n: escalation.appeal(  # (Area Offices sets a written appeal)
        u, actor=a, profile=load_profile("area_offices"), case_number=n, reason="Written appeal"), DESK),
    "handling.refer": ("plain", lambda u, a, n: handling.refer(
        u, actor=a, case_number=n, kind="safety", contact="Director Smith"), DESK),
    "handling.schedule_meeting": ("plain", lambda u, a, n: handling.schedule_meeting(
        u, actor=a, case_number=n, kind="mediation", when=_meeting_time(),
        parties=["Parent", "Principal"]), DESK),
    "handling.record_meeting_outcome": ("meeting", lambda u, a, n: handling.record_meeting_outcome(
        u, actor=a, case_number=n, meeting_id=_meeting_id(u, n), outcome="Agreed", parent_satisfied=True), DESK),
    "handling.review_case": ("plain", lambda u, a, n: handling.review_case(
        u, actor=a, case_number=n, data=QualityReviewCreate(contact_accurate=True, labelled_right=True,
                                                            claim_evidence_written=True, urgency=True,
                                                            follow_ups_on_time=True, score=5,
                                                            comment="The other points next time")),
                              ("supervisor",)),
    "case_steps.record_step": ("plain", lambda u, a, n: case_steps.record_step(
        u, actor=a, profile=lausd(), case_number=n, step="request_satisfied", note="The caller was satisfied"),
        DOCUMENTERS),
    "reference.add_resource": ("plain", lambda u, a, n: reference.add_resource(
        u, actor=a, profile=lausd(), entry=ResourceEntry("Family Support Line", "Parenting classes by phone.")),
        ("supervisor",)),
    "reference.edit_resource": ("plain", lambda u, a, n: reference.edit_resource(
        u, actor=a, profile=lausd(), resource_id=_resource_id(u), entry=ResourceEntry("Family Support Line",
                                                                                     "Parenting classes.")),
        ("supervisor",)),
    "reference.retire_resource": ("plain", lambda u, a, n: reference.retire_resource(
        u, actor=a, profile=lausd(), resource_id=_resource_id(u, last=True)), ("supervisor",)),
    "handling.merge_cases": ("merge", lambda u, a, n: handling.merge_cases(
        u, actor=a, case_number=n, into=SURVIVORS[n]), ("program_specialist", "specialist", "supervisor")),
    "casework.set_resolution": ("plain", lambda u, a, n: casework.set_resolution(
        u, actor=a, case_number=n, data=ResolutionUpdate(response="Answered")), DOCUMENTERS),
    "casework.advance_letter (approve)": ("letter_draft", lambda u, a, n: casework.advance_letter(
        u, actor=a, case_number=n, step="approve"), ("supervisor",)),
    "letters.draft_letter": ("letter_draft", lambda u, a, n: letters.draft_letter(
        u, actor=a, profile=lausd(), case_number=n, text="Dear parent, the route is restored.", submit=True),
        ("specialist", "supervisor")),
    "letters.return_letter": ("letter_draft", lambda u, a, n: letters.return_letter(
        u, actor=a, case_number=n, note="Name the remedy"), ("supervisor",)),
    "casework.advance_letter (attach)": ("letter_approved", lambda u, a, n: casework.advance_letter(
        u, actor=a, case_number=n, step="attach", attachment=_letter()), ("specialist", "supervisor")),
    "clocks.meet_clock": ("plain", lambda u, a, n: clocks.meet_clock(
        u, actor=a, case_number=n, expected_version=_version(u, n), kind="reply"), DESK),
    "clocks.extend_clock": ("plain", lambda u, a, n: clocks.extend_clock(
        u, actor=a, profile=lausd(), case_number=n, expected_version=_version(u, n), kind="reply",
        new_due=date(2099, 1, 5), notice="Letter sent"), ("program_specialist", "specialist", "supervisor")),
    "clocks.set_plan": ("concern", lambda u, a, n: clocks.set_plan(
        u, actor=a, profile=lausd(), case_number=n, expected_version=_version(u, n),
        steps=[("Call the school", date.today() + timedelta(days=1))]), DOCUMENTERS),
    "casework.advance_letter (inform)": ("letter_signed", lambda u, a, n: casework.advance_letter(
        u, actor=a, case_number=n, step="inform"), ("specialist", "supervisor")),
    "confidentiality.add_student": ("plain", lambda u, a, n: confidentiality.add_student(
        u, actor=a, case_number=n, data=StudentCreate(name="Ana")), DESK),
    "confidentiality.record_consent": ("student", lambda u, a, n: confidentiality.record_consent(
        u, actor=a, case_number=n, student_id=_student_id(u, n), today=date(2026, 11, 23),
        data=ConsentCreate(signed_by="Maria Gomez", signed_on=date(2026, 9, 1), records="attendance",
                           purpose="support", recipient="Rosa", valid_until=date(2027, 6, 30))), DESK),
    "confidentiality.disclose": ("student", lambda u, a, n: confidentiality.disclose(
        u, actor=a, case_number=n, student_id=_student_id(u, n), records=["attendance"]), DESK),
    "confidentiality.revoke_consent": ("consent", lambda u, a, n: confidentiality.revoke_consent(
        u, actor=a, case_number=n, consent_id=_consent_id(u, n)), DESK),
    "confidentiality.student_record": ("student", lambda u, a, n: confidentiality.student_record(
        u, actor=a, student_ref=f"R{n}"), ("supervisor", "admin")),
    "callbacks.add_callback": ("plain", lambda u, a, n: callbacks.add_callback(
        u, actor=a, profile=lausd(), data=CallbackCreate(caller_name="Maria", case_number=n)), DESK),
    "callbacks.complete_callback": ("callback", lambda u, a, n: callbacks.complete_callback(
        u, actor=a, callback_id=_callback_id(u, n)), DESK),
    "callbacks.record_attempt": ("callback", lambda u, a, n: callbacks.record_attempt(
        u, actor=a, callback_id=_callback_id(u, n), result="voicemail"), DESK),
    "callbacks.reassign_callback": ("callback", lambda u, a, n: callbacks.reassign_callback(
        u, actor=a, profile=lausd(), callback_id=_callback_id(u, n), to_user="sam"), ("supervisor",)),
    "callbacks.reassess_urgency": ("callback", lambda u, a, n: callbacks.reassess_urgency(
        u, actor=a, profile=lausd(), callback_id=_callback_id(u, n), urgent=True), ("supervisor",)),
    "drafts.save_draft": ("plain", lambda u, a, n: drafts.save_draft(
        u, actor=a, client_id=_fresh("draft"), form={"caller_name": "Maria"}), (*DESK, "admin")),
    "demo.fill_demo": ("plain", lambda u, a, n: fill_demo(u, a, lausd(), 3, 1), ("admin",)),
    "drafts.discard_draft": ("plain", lambda u, a, n: drafts.discard_draft(u, actor=a, client_id="none"),
                             (*DESK, "admin")),
    # The phone and the mailbox (issue 26).
    "phone.record_event": ("plain", lambda u, a, n: record_event(u, actor=a, profile=lausd(), event=parse_event(
        {"event": "newCall", "callId": _fresh("call")})), DESK),
    "phone.phone_log": ("plain", lambda u, a, n: phone_log(u.session, viewer=a, since=datetime(2026, 1, 1, tzinfo=UTC)),
                        ("supervisor", "admin")),
    "mail.receive_message": ("plain", lambda u, a, n: receive_message(u, actor=a, profile=lausd(), raw=(
        f"From: a@example.org\r\nMessage-ID: <{_fresh('m')}@example.org>\r\nSubject: Re: [Case {n}]\r\n\r\n"
        "Thanks\r\n").encode()), ("supervisor", "admin")),
    "mail.outbox": ("plain", lambda u, a, n: outbox(u.session, viewer=a), DESK),
    # The web front's accounts and keys (issue 25): the admins'; the web front's own login checks them.
    "web_logins.set_respondent_sign_in": ("plain", lambda u, a, n: web_logins.set_respondent_sign_in(
        u, actor=a, username="rex", password="a long web password", login_password=None), ("admin",)),
    "web_accounts.add_web_key": ("plain", lambda u, a, n: web_accounts.add_web_key(u, actor=a, name=_fresh("k")),
                                 ("admin",)),
    "web_accounts.web_keys": ("plain", lambda u, a, n: web_accounts.web_keys(u.session, viewer=a), ("admin",)),
    "web_accounts.import_web_files": ("plain", lambda u, a, n: web_accounts.import_web_files(
        u, actor=a, accounts={}, keys={}), ("admin",)),
    "web_accounts.web_sign_in": ("plain", lambda u, a, n: web_accounts.web_sign_in(
        u, actor=a, username="rex", password="not it"), DESK),
    "web_accounts.web_client": ("plain", lambda u, a, n: web_accounts.web_client(u.session, viewer=a, key="k"),
                                DESK),
}


def call_in(uow: UnitOfWork, actor: Actor) -> object:
    from calldesk.models import CaseCreate
    from calldesk.store.services.cases import open_case

    n = next(CALLERS)  # a new caller each time: a repeat caller's call would become a specialist's concern
    return open_case(uow, actor=actor, profile=lausd(), data=CaseCreate(
        caller_name=f"Rosa {n}", phone=f"21355{n:05d}", category="Enrollment", claim="Her enrollment form was lost."))



def _version(uow: UnitOfWork, number: str) -> int:
    from calldesk.store.read.one_case import get_case

    return get_case(uow.session, number, viewer=None).version


def _events(store: Store) -> int:
    with store.uow(readonly=True) as uow:
        return uow.session.exec(select(func.count()).select_from(AuditEvent)).one()


@pytest.fixture
def people(store: Store, staff: dict[str, Actor]) -> dict[str, Actor]:
    everyone = dict(staff)
    everyone["unknown"] = Actor("ghost", "admin")  # claims to be an admin; not in the store
    add_user(store, staff["admin"], "zoe", "agent")
    add_user(store, staff["admin"], "vic", "supervisor")
    everyone["respondent"] = add_user(store, staff["admin"], "rex", "respondent", places=SCHOOL)
    gone = add_user(store, staff["admin"], "gone", "admin")
    with store.uow() as uow:
        users.set_active(uow, actor=staff["admin"], username="gone", active=False)
        uow.commit()
    everyone["deactivated"] = gone
    return everyone


def _yours(store: Store, sue: Actor, number: str, who: str, actor: Actor) -> None:
    """The prepared case is the tested person's (a case they may not see does not exist for them)."""
    if who in ("unknown", "deactivated", "respondent", "supervisor") or who == "admin":
        return
    from calldesk.store.read.one_case import get_case

    with store.uow() as uow:
        if get_case(uow.session, number, viewer=None).assigned_to != actor.username:
            reassign(uow, actor=sue, case_number=number, to_user=actor.username)


@pytest.mark.slow
def test_every_service_function_for_every_role(store: Store, people: dict[str, Actor]) -> None:
    sue = people["supervisor"]
    outcomes: dict[tuple[str, str], str] = {}
    for service, (kind, action, allowed) in MATRIX.items():
        for who, actor in people.items():
            number = _case(store, sue, kind)
            _yours(store, sue, number, who, actor)
            before = _events(store)
            try:
                with store.uow() as uow:
                    action(uow, actor, number)
                    uow.commit()
                outcomes[service, who] = "ok"
            except (PermissionDenied, UnknownUser) as exc:
                outcomes[service, who] = type(exc).__name__
                assert _events(store) == before, (service, who)  # a refusal writes nothing
            expected = "ok" if who in allowed else ("UnknownUser" if who in ("unknown", "deactivated")
                                                   else "PermissionDenied")
            assert outcomes[service, who] == expected, (service, who, outcomes[service, who])


def test_grant_login_is_admin_only_and_postgresql_only(store: Store, people: dict[str, Actor]) -> None:
    from calldesk.errors import InvalidInput

    for who, actor in people.items():
        with store.uow() as uow:
            if who != "admin":
                with pytest.raises(UnknownUser if who in ("unknown", "deactivated") else PermissionDenied):
                    grant_login(uow, actor=actor, username="ana")
            elif store.backend == "sqlite":
                with pytest.raises(InvalidInput, match="PostgreSQL"):
                    grant_login(uow, actor=actor, username="ana")


def _readme_table() -> dict[str, set[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- role table -->")[1].split("<!-- end of role table -->")[0]
    rows = [line for line in block.splitlines() if line.startswith("| `")]
    heading = next(ln for ln in block.splitlines() if ln.startswith("| action"))
    header = [h.strip() for h in heading.strip("|").split("|")]
    table = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        action = re.sub(r"`(\w+)`.*", r"\1", cells[0])
        table[action] = {header[i] for i, c in enumerate(cells) if c == "yes"}
    return table


def test_the_readme_role_table_is_what_the_store_enforces() -> None:
    table = _readme_table()
    expected = {action: {ROLE_LABELS[r] for r in roles} for action, roles in PERMISSIONS.items()}
    assert table == expected


def test_the_readme_visibility_table_is_the_rule_the_store_applies() -> None:
    from calldesk.rules.permissions import SCOPES

    block = (ROOT / "README.md").read_text(encoding="utf-8").split("<!-- visibility table -->")[1]
    block = block.split("<!-- end of visibility table -->")[0]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines() if line.startswith("| ")]
    table = {cells[0]: re.match(r"`(\w+)`", cells[1]).group(1) for cells in rows[1:]}  # type: ignore[union-attr]
    assert table == {ROLE_LABELS[role]: scope for role, scope in SCOPES.items()}


def test_every_table_is_accounted_for_by_an_action_or_as_read_only() -> None:
    """A table a migration adds is written by nobody until an action names it: the grants are derived from the
    role table, so a table no action names would silently be read-only for every staff login."""
    from sqlmodel import SQLModel

    import calldesk.models  # noqa: F401
    from calldesk.rules.permissions import AUDIT_TABLE, READ_ONLY_TABLES, REFERENCE_TABLES, WRITES

    named = {table for writes in WRITES.values() for table in writes if table != "*"}
    unaccounted = set(SQLModel.metadata.tables) - named - {AUDIT_TABLE, *READ_ONLY_TABLES, *REFERENCE_TABLES}
    assert unaccounted == set(), f"tables no action of the role table writes: {sorted(unaccounted)}"
    assert not (named & set(READ_ONLY_TABLES)), "a table both written by an action and read-only"
