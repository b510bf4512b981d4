"""Read-side queries the screens and rules need (no writes here)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from calldesk.models import Case, CasePublic, FollowUp, FollowUpPublic
from calldesk.rules.contact import normalise_name
from calldesk.rules.repeat import CallerKey, PriorCase
from calldesk.rules.routing import Speaker, languages_of


def _prior(case: Case) -> PriorCase:
    return PriorCase(case_number=case.case_number, opened_at=case.opened_at, phone_digits=case.phone_digits,
                     email=case.email, caller_name=case.caller_name, category=case.category, school=case.school,
                     status=case.status)


def _caller_filter(key: CallerKey) -> list[object]:
    conditions: list[object] = []
    if key.phone_digits:
        conditions.append(Case.phone_digits == key.phone_digits)
    if key.email:
        conditions.append(Case.email == key.email.strip().lower())
    if key.name and normalise_name(key.name):
        conditions.append(Case.caller_name_key == normalise_name(key.name))
    return conditions


def priors_for_caller(session: Session, key: CallerKey, *, since_days: int, now: datetime) -> list[PriorCase]:
    """The caller's cases opened in the last `since_days` days (by phone, email or name)."""
    conditions = _caller_filter(key)
    if not conditions:
        return []
    query = select(Case).where(or_(*conditions), Case.opened_at >= now - timedelta(days=since_days + 1))  # type: ignore[arg-type]
    return [_prior(c) for c in session.exec(query)]


def priors_at_school(session: Session, school: str | None, *, since_days: int, now: datetime) -> list[PriorCase]:
    if not school:
        return []
    query = select(Case).where(Case.school == school, Case.opened_at >= now - timedelta(days=since_days + 1))
    return [_prior(c) for c in session.exec(query)]


def caller_history(session: Session, *, phone_digits: str | None = None, email: str | None = None,
                   name: str | None = None, limit: int = 20) -> list[CasePublic]:
    """A caller's earlier cases, newest first (for the side panel while the agent types)."""
    conditions = _caller_filter(CallerKey(phone_digits, email, name))
    if not conditions:
        return []
    query = select(Case).where(or_(*conditions)).order_by(col(Case.opened_at).desc()).limit(limit)  # type: ignore[arg-type]
    return [CasePublic.model_validate(c) for c in session.exec(query)]


def open_queue(session: Session, *, limit: int = 500) -> list[CasePublic]:
    """Open cases, the most urgent deadline first."""
    query = (select(Case).where(Case.status == "open")
             .order_by(col(Case.next_deadline).asc().nulls_last(), col(Case.opened_at)).limit(limit))
    return [CasePublic.model_validate(c) for c in session.exec(query)]


def follow_ups_for(session: Session, case_id: int) -> list[FollowUpPublic]:
    """A case's follow-up entries, oldest first."""
    query = select(FollowUp).where(FollowUp.case_id == case_id).order_by(col(FollowUp.entry_at))
    return [FollowUpPublic.model_validate(e) for e in session.exec(query)]


def speakers(session: Session) -> list[Speaker]:
    """Active staff who take calls in some language (language routing reads them)."""
    from calldesk.models import User

    rows = session.exec(select(User).where(User.active == True, User.languages != ""))  # noqa: E712
    return [Speaker(u.username, u.role, languages_of(u.languages)) for u in rows]
