"""Open days and open hours: the clock every protocol deadline runs on.

Business days are weekdays that are not US federal holidays (observed days included);
school days are business days that are not one of the profile's school closures.
All arithmetic happens on local calendar days of the agency's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from calldesk.rules.profile import DayKind, Profile, Span

END_OF_DAY = time(23, 59, 59)
_ZONES = (ZoneInfo, timezone)  # zones whose utcoffset is never None


@lru_cache(maxsize=256)
def federal_holidays(year: int) -> frozenset[date]:
    """US federal holidays falling in `year`, observed days included (built once per year)."""
    # Asking for the neighbouring years too catches observed days that cross a year end (31 Dec).
    import holidays  # imported on first use: it is slow to import and only deadlines need it

    calendar = holidays.US(years=(year - 1, year, year + 1), observed=True)
    days = frozenset(day for day in calendar if day.year == year)
    _LOADED.add(year)
    return days


_LOADED: set[int] = set()  # the years federal_holidays has built


def holidays_loaded(year: int) -> bool:
    """Whether `year`'s holidays are built already (asking for them then costs nothing)."""
    return year in _LOADED


def require_aware(value: datetime, what: str = "time") -> datetime:
    """Return `value` unchanged, or raise ValueError if it carries no time zone."""
    zone = value.tzinfo
    if zone is None or (type(zone) not in _ZONES and value.utcoffset() is None):
        raise ValueError(f"the {what} {value.isoformat()} has no time zone; calldesk never guesses one")
    return value


@dataclass(frozen=True)
class OpenCalendar:
    """Which local days are open for an agency, and how deadlines add up on them."""

    tz: ZoneInfo
    day_kind: DayKind
    closures: frozenset[date] = frozenset()

    def local(self, moment: datetime) -> datetime:
        """`moment` expressed in the calendar's time zone (it must be timezone-aware)."""
        return require_aware(moment).astimezone(self.tz)

    def is_open_day(self, day: date) -> bool:
        """True if `day` counts: a business day, and for school calendars not a closure."""
        if isinstance(day, datetime):
            day = self.local(day).date()
        if day.weekday() >= 5 or day in federal_holidays(day.year):
            return False
        return not (self.day_kind == "school" and day in self.closures)

    def next_open_day(self, day: date) -> date:
        """The first open day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_open_day(day):
            day += timedelta(days=1)
        return day

    def open_day_on_or_after(self, day: date) -> date:
        """`day` if it is open, else the next open day."""
        return day if self.is_open_day(day) else self.next_open_day(day)

    def start_of_day(self, day: date) -> datetime:
        """Local midnight at the start of `day`."""
        return datetime.combine(day, time.min, tzinfo=self.tz)

    def end_of_day(self, day: date) -> datetime:
        """Local 23:59:59 of `day`: the moment a day deadline falls due."""
        return datetime.combine(day, END_OF_DAY, tzinfo=self.tz)

    def next_open_moment(self, moment: datetime) -> datetime:
        """`moment` (in local time) if its day is open, else 00:00 of the next open day."""
        local = self.local(moment)
        if self.is_open_day(local.date()):
            return local
        return self.start_of_day(self.next_open_day(local.date()))

    def add_open_days(self, start: datetime, days: int) -> datetime:
        """End of the `days`-th open day after the start's local day (the start day is day 0).

        With `days` = 0 the result is the end of the start day if it is open, else of the next open day.
        """
        if days < 0:
            raise ValueError("a deadline cannot be a negative number of days")
        return _end_of_open_days_after(self, self.local(start).date(), days)

    def add_open_hours(self, start: datetime, hours: int) -> datetime:
        """The moment `hours` open hours after `start` (each open day counts as 24 wall-clock hours).

        A start on a closed day begins counting at 00:00 of the next open day; a span used up exactly at the
        end of an open day ends at that midnight (PROTOCOL.md section 3), not at the start of the next open day.
        """
        if hours < 0:
            raise ValueError("a deadline cannot be a negative number of hours")
        begin = self.next_open_moment(start)
        into_day = timedelta(hours=begin.hour, minutes=begin.minute, seconds=begin.second,
                             microseconds=begin.microsecond)
        whole_days, remainder = divmod(into_day + timedelta(hours=hours), timedelta(days=1))
        if whole_days and not remainder:
            # Used up exactly at the end of an open day: the midnight that ends it (the earliest such moment).
            last = _open_days_after(self, begin.date(), whole_days - 1)
            return datetime.combine(last + timedelta(days=1), time.min, tzinfo=self.tz)
        day = _open_days_after(self, begin.date(), whole_days)
        # Wall-clock arithmetic, so a DST change does not move a deadline off the hour it names.
        return (datetime.combine(day, time.min) + remainder).replace(tzinfo=self.tz)

    def open_days_between(self, earlier: datetime, later: datetime) -> int:
        """Number of open days d with earlier's local day < d <= later's local day (negative if reversed)."""
        first, last = self.local(earlier).date(), self.local(later).date()
        if last < first:
            return -self.count_open_days(last + timedelta(days=1), first)
        return self.count_open_days(first + timedelta(days=1), last)

    def count_open_days(self, first: date, last: date) -> int:
        """Number of open days from `first` to `last`, both included (0 if `last` is before `first`)."""
        count, day = 0, first
        while day <= last:
            count += self.is_open_day(day)
            day += timedelta(days=1)
        return count

    def add_span(self, start: datetime, span: Span) -> datetime:
        """`start` plus `span`, counted in open days or open hours as the span says."""
        if span.unit == "days":
            return self.add_open_days(start, span.amount)
        return self.add_open_hours(start, span.amount)


@lru_cache(maxsize=65536)  # pure: a bulk import asks for the same days' deadlines again and again
def _open_days_after(calendar: OpenCalendar, day: date, count: int) -> date:
    """The `count`-th open day after `day` (`day` itself for 0)."""
    for _ in range(count):
        day = calendar.next_open_day(day)
    return day


def calendar_for(profile: Profile, *, day_kind: DayKind | None = None) -> OpenCalendar:
    """The profile's calendar; pass `day_kind="business"` for rules that always count business days."""
    return OpenCalendar(tz=profile.tz, day_kind=day_kind or profile.day_kind, closures=profile.closures)


@lru_cache(maxsize=65536)  # pure: every case opened on one day has the same day deadlines
def _end_of_open_days_after(calendar: OpenCalendar, day: date, count: int) -> datetime:
    """The end of the `count`-th open day after `day` (of `day` itself if open, else of the next, for 0)."""
    if count == 0:
        return calendar.end_of_day(calendar.open_day_on_or_after(day))
    return calendar.end_of_day(_open_days_after(calendar, day, count))
