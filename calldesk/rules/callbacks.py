"""Returning telephone calls (LA DCFS): when a callback is due and when a supervisor covers it."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.rules.calendar import OpenCalendar, calendar_for, require_aware
from calldesk.rules.profile import Profile
from calldesk.rules.shown import day_words, deadline_words
from calldesk.rules.typed_dates import not_in_future


def callback_due(profile: Profile, *, received_at: datetime, urgent: bool, from_superior: bool) -> datetime:
    """When a message must be returned: urgent calls and calls from superiors immediately (the time
    received), all others within the profile's callback span counted in business days, even for
    school-day profiles (1 business day: the end of the next business day).
    """
    business = calendar_for(profile, day_kind="business")
    if urgent or from_superior:
        return business.local(received_at)
    return business.add_span(received_at, profile.callback_within)


def check_received(received_at: datetime, *, now: datetime) -> datetime:
    """The time a message was received, as entered with it (a voicemail typed in late is due from when it came);
    InvalidInput when it has no time zone or lies in the future."""
    try:
        require_aware(received_at, "time received")
    except ValueError as exc:
        raise InvalidInput(str(exc), field="received_at") from None
    return not_in_future(received_at, now=now, field="received_at",
                         refusal="The message cannot have been received in the future: give when it came in.")


def check_present(username: str, *, absent_since: date | None, today: date) -> None:
    """RuleRefused when `username` is away (absent since a day on or before `today`): a callback is never handed
    to someone who is absent."""
    if absent_since is not None and absent_since <= today:
        raise RuleRefused(f"{username} is away since {day_words(absent_since, this_year=today.year)}: hand the "
                          "callback to someone who is present.")


def returned_on_time(*, due_at: datetime, done_at: datetime | None) -> bool:
    """A callback is returned on time when it was returned by its due time (later: late)."""
    return done_at is not None and done_at <= due_at


def on_time_words(*, on_time: int, returned: int) -> str:
    """The share of callbacks returned on time, in words: "83% returned on time (5 of 6)", or "none returned"."""
    if returned == 0:
        return "none returned yet"
    return f"{round(100 * on_time / returned)}% returned on time ({on_time} of {returned})"


def covering_supervisor_needed(*, absent_since: date | None, today: date, calendar: OpenCalendar) -> bool:
    """True when staff have been absent more than one open day, so their supervisor takes their callbacks."""
    if absent_since is None:
        return False
    return calendar.count_open_days(absent_since, today) > 1


ATTEMPT_RESULTS = ("reached", "voicemail", "no_answer")


def attempt_result(text: str) -> str:
    """A typed attempt result ("no-answer", "No answer") as the stored word; ValueError if it is none of them."""
    word = text.strip().lower().replace("-", "_").replace(" ", "_")
    if word not in ATTEMPT_RESULTS:
        raise ValueError(f"'{text}' is not an attempt result: reached, voicemail or no-answer.")
    return word


def attempts_words(attempts: int, last: str | None) -> str:
    """The tries at a callback for its list: "" before any, "2 tries, last: no answer"."""
    if not attempts:
        return ""
    return f"{attempts} {'try' if attempts == 1 else 'tries'}" + (f", last: {last.replace('_', ' ')}" if last else "")


def intake_callback_needed(*, needs_follow_up: bool, case_has_callback: bool) -> bool:
    """"Needs a call back" ticked on a call makes one callback for its case when the call is saved (and only one:
    saving the call again, or after the callback was returned, adds none)."""
    return needs_follow_up and not case_has_callback


def intake_callback_message(case_number: str, category: str | None) -> str:
    """What a callback made from a call says: its case and category (the caller's words stay on the case)."""
    return f"Call back about case {case_number}" + (f" ({category})" if category else "") + "."


def describe_due(due_at: datetime, *, now: datetime, tz: tzinfo, today: date) -> str:
    """When a callback is due, in words: "due now", "overdue by 1 day 3 h", "due by Mon 30 Nov 17:00" or, for a
    day's end, "due by end of Mon 30 Nov" (rules.shown, in the agency's zone `tz`; the year when not `today`'s)."""
    late = now - due_at
    if late.total_seconds() >= 60:
        minutes = int(late.total_seconds() // 60)
        days, rest = divmod(minutes, 24 * 60)
        hours, mins = divmod(rest, 60)
        parts = ([f"{days} day{'s' if days != 1 else ''}"] if days else []) + ([f"{hours} h"] if hours else [])
        if not days and (mins or not hours):
            parts.append(f"{mins} min")
        return "overdue by " + " ".join(parts)
    if late.total_seconds() >= 0:
        return "due now"
    return "due " + deadline_words(due_at, tz=tz, today=today)
