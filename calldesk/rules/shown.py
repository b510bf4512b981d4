"""Times, deadlines and phone numbers as people read them: one way on every screen and in every command.

Every moment is shown in the agency's time zone. A deadline due at the end of a day (a deadline counted in days)
reads "by end of Mon 7 Dec"; a deadline counted in hours reads "by Mon 7 Dec 15:00"; either says its year only
when it is not this year ("by end of Mon 4 Jan 2027"). Phones read as the caller would write them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from calldesk.rules.calendar import END_OF_DAY
from calldesk.rules.display import inert

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(day: date, *, this_year: int | None = None) -> str:
    """"Mon 7 Dec"; with `this_year`, a day in another year says it ("Mon 4 Jan 2027")."""
    text = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if this_year is not None and day.year != this_year else text


def ends_a_day(local: datetime) -> bool:
    """A deadline counted in days: due at the end of its day (23:59:59, or the midnight that closes it)."""
    return local.time() in (END_OF_DAY, time.min)


def due_words(local: datetime, *, this_year: int | None = None) -> str:
    """A deadline already in the agency's zone, without "by": "end of Mon 7 Dec" for a day deadline (a midnight
    is the end of the day before), "Mon 7 Dec 15:00" for an hour deadline."""
    if local.time() == time.min:
        return "end of " + day_words((local - timedelta(days=1)).date(), this_year=this_year)
    if local.time() == END_OF_DAY:
        return "end of " + day_words(local.date(), this_year=this_year)
    return f"{day_words(local.date(), this_year=this_year)} {local:%H:%M}"


def deadline_words(moment: datetime, *, tz: tzinfo, today: date) -> str:
    """A deadline as people read it, in the agency's zone `tz`: "by end of Mon 7 Dec" (a day deadline),
    "by Mon 7 Dec 15:00" (an hour deadline); the year when it is not `today`'s."""
    return "by " + due_words(moment.astimezone(tz), this_year=today.year)


def moment_words(moment: datetime, *, tz: tzinfo, today: date, seconds: bool = False) -> str:
    """A moment something happened, in the agency's zone: "Mon 7 Dec 15:00" (the year when not `today`'s);
    with `seconds`, "Mon 7 Dec 15:00:42" (a phone log's ring, answer and hang-up)."""
    local = moment.astimezone(tz)
    return f"{day_words(local.date(), this_year=today.year)} {local:%H:%M:%S}" if seconds \
        else f"{day_words(local.date(), this_year=today.year)} {local:%H:%M}"


def phone_words(stored: str | None, region: str = "US") -> str:
    """A stored phone as the caller would write it: "(213) 555-0142" for a number of `region`, "+44 20 7946 0958"
    for one abroad; text that is not a number stays as typed (inert); "" for none."""
    raw = (stored or "").strip()
    if not raw:
        return ""
    import phonenumbers  # (loaded on the first number shown)

    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return inert(raw, lines=False)
    if not phonenumbers.is_possible_number(number):
        return inert(raw, lines=False)
    home = number.country_code == phonenumbers.country_code_for_region(region)  # (NANP: Canada reads the same)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return str(phonenumbers.format_number(number, style))
