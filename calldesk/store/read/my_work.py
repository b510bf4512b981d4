"""My work: what one person must do next, soonest first, read from the store (the desk's list and `case mine`).

Everyone sees the open cases assigned to them with each clock due on them, the cases waiting in their role's queue
(with how long they have waited) and the callbacks they must return. A respondent sees their places' open cases.
A supervisor also sees what waits for them: letters and reports to approve, their team's breached cases, and the
open cases of the colleagues they cover while those are away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from calldesk.models import Case, Report, Resolution, User
from calldesk.rules.assignment import plural
from calldesk.rules.calendar import calendar_for
from calldesk.rules.callbacks import covering_supervisor_needed
from calldesk.rules.profile import Profile
from calldesk.rules.shown import day_words, deadline_words
from calldesk.store.db.users import Actor, actor_for, check, named_user
from calldesk.store.db.visibility import scope, sees
from calldesk.store.read.step_states import steps_for_role, steps_to_do


@dataclass
class WorkItem:
    """One line of My work: what is due, on which case (or callback, or report), by when."""

    # case, step, queue, follow-up, acknowledgement, written response, callback, letter draft, letter, report,
    # breached, cover
    kind: str
    what: str
    due: datetime | None
    overdue: bool
    case_number: str | None = None
    callback_id: int | None = None
    report_id: int | None = None


# The case's own clocks, as My work names them.
CASE_CLOCKS = (("next_follow_up_by", "follow-up"), ("acknowledge_by", "acknowledgement"),
               ("respond_by", "written response"))
MY_WORK_CASES = 200  # the soonest open cases of each kind My work lists (more: the queue)
SUPERVISES = ("supervisor",)  # who sees letters and reports to approve, the team's breaches, absent staff's work
OTHERS_WORK = "reassign"  # someone else's My work is read by those who hand work on (`case mine --user`)


def _label(case: Case) -> str:
    return f"{case.call_type}: {case.category or 'no category'} · {case.caller_name or 'no name'}"


def _breached(case: Case, now: datetime) -> bool:
    """Its next deadline passed, or a clock was met after its due time (rules.sla: breached)."""
    return (case.next_deadline is not None and case.next_deadline < now) or (case.late_clocks or 0) > 0


def _met_late(case: Case) -> str:
    late = case.late_clocks or 0
    return f" · {late} deadline{'s' if late != 1 else ''} met late" if late else ""


def _days(since: datetime, now: datetime) -> int:
    return max(0, (now - since).days)


def _waited(since: datetime, now: datetime) -> str:
    days = _days(since, now)
    return "since today" if days == 0 else f"{days} day{'s' if days != 1 else ''}"


def _ago(since: datetime, now: datetime) -> str:
    days = _days(since, now)
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"


def _soonest(query: object, limit: int) -> object:
    return query.order_by(col(Case.next_deadline).asc().nulls_last(), col(Case.id)).limit(max(1, limit))  # type: ignore[attr-defined]


def whose_work(session: Session, signed_in: Actor, username: str | None) -> Actor:
    """Whose My work `signed_in` reads: their own, or `username`'s (active) for those who may hand work on;
    refused in words for another role ("Only supervisors may see someone else's work") or no such user."""
    if not username or username == signed_in.username:
        return signed_in
    check(session, signed_in, OTHERS_WORK, asked="see someone else's work")
    named_user(session, username)  # "No user named 'x'.", not the sign-in's advice to add them
    return actor_for(session, username)


def my_work(session: Session, *, profile: Profile, viewer: Actor, now: datetime, today: date | None = None,
            limit: int = MY_WORK_CASES) -> list[WorkItem]:
    """What `viewer` must do, soonest first (nothing due last); each kind bounded by `limit` cases."""
    from calldesk.store.read.callbacks_due import callbacks_for

    username = viewer.username
    day = today or calendar_for(profile).local(now).date()
    items: list[WorkItem] = []
    kind = scope(viewer)
    if kind == "places":  # a respondent: their schools' and departments' open cases
        mine = and_(col(Case.status) == "open", sees(viewer))
    else:
        mine = and_(col(Case.status) == "open", col(Case.assigned_to) == username)
    own = list(session.exec(_soonest(select(Case).where(mine), limit)))  # type: ignore[call-overload]
    for case in own:
        due = case.next_deadline
        items.append(WorkItem("case", _label(case) + _met_late(case), due, _breached(case, now),
                              case_number=case.case_number))
        for name, clock in CASE_CLOCKS:
            when = getattr(case, name)
            if when is not None:
                items.append(WorkItem(clock, f"{clock} due on {case.case_number}", when, when < now,
                                      case_number=case.case_number))
    # The protocol's steps still to record on them (and, for a step only some roles record, on others' cases).
    steps = steps_to_do(session, profile=profile, cases=own, role=viewer.role, sole=viewer.sole)
    if kind != "places":
        steps += steps_for_role(session, profile=profile, role=viewer.role, not_assigned_to=username, limit=limit,
                                visible=sees(viewer))
    for case, state in steps:
        items.append(WorkItem("step", f"{state.rule.label} on {case.case_number}", state.due,
                              state.due is not None and state.due < now, case_number=case.case_number))
    if kind != "places":
        # The role's queue: cases nobody could take yet, each with how long it has waited.
        waiting = and_(col(Case.status) == "open", col(Case.assigned_to).is_(None),
                       *(() if viewer.sole else (col(Case.owner_role) == viewer.role,)))
        for case in session.exec(_soonest(select(Case).where(waiting), limit)):  # type: ignore[call-overload]
            due = case.next_deadline
            items.append(WorkItem("queue", f"waiting {_waited(case.opened_at, now)} in the {plural(case.owner_role)}' "
                                           f"queue · {_label(case)}", due, due is not None and due < now,
                                  case_number=case.case_number))
    if kind != "places":
        items += _letters_to_draft(session, username=username, limit=limit)
    for callback in callbacks_for(session, profile=profile, username=username, today=day):
        number = None
        if callback.case_id is not None:
            number = session.exec(select(Case.case_number).where(Case.id == callback.case_id)).first()
        who = callback.caller_name or callback.phone or "a caller"
        items.append(WorkItem("callback", f"call back {who}", callback.due_at, callback.due_at < now,
                              case_number=number, callback_id=callback.id))
    if viewer.sole or viewer.role in SUPERVISES:
        items += _supervising(session, profile=profile, viewer=viewer, now=now, today=day, limit=limit)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(items, key=lambda i: (i.due is None, i.due or far))


def _letters_to_draft(session: Session, *, username: str, limit: int) -> list[WorkItem]:
    """The response letters on `username`'s open cases still to write or submit, a returned one with its note."""
    drafts = (select(Case, Resolution).join(Resolution, col(Resolution.case_id) == Case.id)
              .where(Case.status == "open", Case.assigned_to == username, Resolution.letter_status == "draft",
                     col(Resolution.submitted_at).is_(None))
              .order_by(col(Case.next_deadline).asc().nulls_last()).limit(max(1, limit)))
    items: list[WorkItem] = []
    for case, res in session.exec(drafts):  # type: ignore[call-overload]
        what = (f"letter on {case.case_number} returned by {res.returned_by}: {res.letter_note}" if res.letter_note
                else f"draft and submit the response letter on {case.case_number}")
        items.append(WorkItem("letter draft", what, case.next_deadline, False, case_number=case.case_number))
    return items


def _supervising(session: Session, *, profile: Profile, viewer: Actor, now: datetime, today: date,
                 limit: int) -> list[WorkItem]:
    """A supervisor's own list: letters and reports waiting for approval, their team's breached cases (and the
    queues'), and the open cases of the colleagues they cover while those are away over an open day."""
    items: list[WorkItem] = []
    letters = (select(Case, Resolution.submitted_at).join(Resolution, col(Resolution.case_id) == Case.id)
               .where(Case.status == "open", Resolution.letter_status == "draft",
                      col(Resolution.submitted_at).is_not(None))
               .order_by(col(Resolution.submitted_at)).limit(limit))
    for case, since in session.exec(letters):  # type: ignore[call-overload]
        items.append(WorkItem("letter", f"read and approve (or return) the response letter on {case.case_number} "
                                        f"(submitted {_ago(since or now, now)})", case.next_deadline, False,
                              case_number=case.case_number))
    for report in session.exec(select(Report).where(Report.status == "draft", Report.protocol == profile.name)
                               .order_by(col(Report.run_at)).limit(limit)):
        items.append(WorkItem("report", f"approve the {report.kind} report {report.period} (run by {report.run_by})",
                              None, False, report_id=report.id))
    team = [u.username for u in session.exec(select(User).where(User.supervisor == viewer.username,
                                                                 User.active == True))]  # noqa: E712
    # Breached: a deadline passed, or a clock was met after its due time (rules.sla).
    breached = and_(col(Case.status) == "open", or_(col(Case.next_deadline) < now, col(Case.late_clocks) > 0),
                    or_(col(Case.assigned_to).in_(team), col(Case.assigned_to).is_(None)))
    for case in session.exec(_soonest(select(Case).where(breached), limit)):  # type: ignore[call-overload]
        who = case.assigned_to or f"the {plural(case.owner_role)}' queue"
        items.append(WorkItem("breached", f"BREACHED with {who} · {_label(case)}{_met_late(case)}",
                              case.next_deadline, True, case_number=case.case_number))
    calendar = calendar_for(profile, day_kind="business")
    away = [u for u in session.exec(select(User).where(User.supervisor == viewer.username, User.active == True,  # noqa: E712
                                                        col(User.absent_since).is_not(None)))
            if covering_supervisor_needed(absent_since=u.absent_since, today=today, calendar=calendar)]
    for user in away:
        assert user.absent_since is not None  # (only those away are covered)
        away_since = day_words(user.absent_since, this_year=today.year)
        cases = _soonest(select(Case).where(Case.status == "open", Case.assigned_to == user.username), limit)
        for case in session.exec(cases):  # type: ignore[call-overload]
            due = case.next_deadline
            items.append(WorkItem("cover", f"cover for {user.username} (away since {away_since}) · "
                                           f"{_label(case)}", due, due is not None and due < now,
                                  case_number=case.case_number))
    return items


@dataclass
class WorkLine:
    """One line of the desk's My work: a case once (whatever is due on it), or a callback or report of its own;
    `next` is the soonest thing to do on it, in words."""

    what: str
    next: str
    due: datetime | None
    overdue: bool
    case_number: str | None = None
    callback_id: int | None = None
    report_id: int | None = None
    more: int = 0  # other things due on the same case, after the next one


# Each kind of item's next step, in words (the other kinds' own words say it: a step's label, "call back Rosa").
NEXT_WORDS = {"follow-up": "write a follow-up entry", "acknowledgement": "acknowledge the caller",
              "written response": "send the written response", "case": "work the case to its next deadline",
              "queue": "take it from the queue", "breached": "act now: a deadline has passed",
              "cover": "cover it while its owner is away"}
CASE_KINDS = ("case", "breached", "cover", "queue")  # the items that name the case itself


def _next_words(item: WorkItem) -> str:
    if item.kind in NEXT_WORDS:
        return NEXT_WORDS[item.kind]
    return item.what.removesuffix(f" on {item.case_number}") if item.case_number else item.what


def due_column(line: WorkLine, *, profile: Profile, today: date) -> str:
    """When a line is due, as rules.shown says it: "by end of Tue 8 Dec", "OVERDUE by Mon 23 Nov 15:00"."""
    if line.due is None:
        return "no deadline"
    by = deadline_words(line.due, tz=calendar_for(profile).tz, today=today)
    return f"OVERDUE {by}" if line.overdue else by


def work_lines(items: list[WorkItem]) -> list[WorkLine]:
    """My work for a person to read: each case once, with its next step in words (the soonest thing due on it)
    and how many more things are due on it; callbacks without a case and reports on lines of their own; soonest
    first."""
    far = datetime.max.replace(tzinfo=UTC)
    soonest = sorted(items, key=lambda i: (i.due is None, i.due or far))
    lines: list[WorkLine] = []
    by_case: dict[str, list[WorkItem]] = {}
    for item in soonest:
        if item.case_number is None:
            lines.append(WorkLine(item.what, _next_words(item), item.due, item.overdue,
                                  callback_id=item.callback_id, report_id=item.report_id))
        else:
            by_case.setdefault(item.case_number, []).append(item)
    for number, on_case in by_case.items():
        named = next((i for i in on_case if i.kind in CASE_KINDS), None)
        # The next step: the soonest thing due (a clock, a step, a letter, a callback before the case's own
        # deadline when they fall together).
        first = min(on_case, key=lambda i: (i.due is None, i.due or far, i.kind in CASE_KINDS))
        what = named.what if named is not None else f"case {number}"
        more = sum(1 for i in on_case if i is not first and i.kind not in CASE_KINDS)
        lines.append(WorkLine(what, _next_words(first), first.due, any(i.overdue for i in on_case),
                              case_number=number, callback_id=first.callback_id, more=more))
    return sorted(lines, key=lambda line: (line.due is None, line.due or far))
