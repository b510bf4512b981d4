"""One way to show times, deadlines and phones (rules.shown): worked out by hand from the calendar."""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import calldesk
from calldesk.rules.shown import deadline_words, due_words, moment_words, phone_words
from calldesk.rules.triage import format_due

LA = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 12, 7)  # Mon 7 Dec 2026


def test_a_day_deadline_reads_by_the_end_of_its_day() -> None:
    # A deadline counted in days ends at 23:59:59 local; 7 Dec 2026 is a Monday.
    assert deadline_words(datetime(2026, 12, 7, 23, 59, 59, tzinfo=LA), tz=LA, today=TODAY) == "by end of Mon 7 Dec"
    # The midnight that closes Mon 7 Dec is the same deadline.
    assert deadline_words(datetime(2026, 12, 8, 0, 0, tzinfo=LA), tz=LA, today=TODAY) == "by end of Mon 7 Dec"


def test_an_hour_deadline_reads_with_its_time_in_the_agencys_zone() -> None:
    # 23:00 UTC on 7 Dec is 15:00 in Los Angeles (PST, UTC-8).
    assert deadline_words(datetime(2026, 12, 7, 23, 0, tzinfo=UTC), tz=LA, today=TODAY) == "by Mon 7 Dec 15:00"
    # 06:00 UTC on 8 Dec is 22:00 on Mon 7 Dec in Los Angeles: the local day, not the UTC one.
    assert deadline_words(datetime(2026, 12, 8, 6, 0, tzinfo=UTC), tz=LA, today=TODAY) == "by Mon 7 Dec 22:00"


def test_the_year_is_said_only_when_it_is_not_this_year() -> None:
    # 4 Jan 2027 is a Monday; read in 2026 it says 2027, read in 2027 it does not.
    due = datetime(2027, 1, 4, 23, 59, 59, tzinfo=LA)
    assert deadline_words(due, tz=LA, today=TODAY) == "by end of Mon 4 Jan 2027"
    assert deadline_words(due, tz=LA, today=date(2027, 1, 2)) == "by end of Mon 4 Jan"
    assert moment_words(datetime(2025, 11, 3, 9, 5, tzinfo=LA), tz=LA, today=TODAY) == "Mon 3 Nov 2025 09:05"


def test_format_due_is_the_same_words() -> None:
    assert format_due(datetime(2026, 12, 15, 23, 59, 59, tzinfo=LA), with_time=True) == "end of Tue 15 Dec"
    assert format_due(datetime(2026, 12, 15, 23, 59, 59, tzinfo=LA), with_time=False) == "Tue 15 Dec"
    assert due_words(datetime(2026, 11, 30, 15, 0, tzinfo=LA)) == "Mon 30 Nov 15:00"


def test_phones_read_as_the_caller_would_write_them() -> None:
    assert phone_words("+12135550142") == "(213) 555-0142"  # stored E.164, a US number
    assert phone_words("213.555.0142") == "(213) 555-0142"
    assert phone_words("+442079460958") == "+44 20 7946 0958"  # abroad: the international form
    assert phone_words("call the office") == "call the office"  # not a number: as typed
    assert phone_words("\x1b[2Jx") == "\\x1b[2Jx"  # stored text stays inert
    assert phone_words(None) == "" and phone_words("") == ""


# Every time format of calldesk's own, outside rules.shown: each a machine format or a document's convention, and why.
# A time a person reads on a screen or in a command goes through rules.shown (day_words, due_words, deadline_words,
# moment_words) or cli/times.py; a new format here fails the test below until it is one of those, or listed.
OWN_FORMATS: dict[tuple[str, str], str] = {
    ("calldesk/rules/shown.py", "%H:%M"): "the one way itself",
    ("calldesk/rules/shown.py", "%H:%M:%S"): "the one way itself (a phone log's seconds)",
    ("calldesk/rules/letter.py", "%B"): "the response letter's date, a letter's convention (December 7, 2026)",
    ("calldesk/rules/letter.py", "%Y"): "the response letter's date, a letter's convention (December 7, 2026)",
    ("calldesk/rules/reporting.py", "%B %Y"): "the monthly report's month name",
    ("calldesk/screens/reports.py", "%B %Y"): "the monthly report's month name (matching the chain's warnings)",
    ("calldesk/rules/ferpa.py", "%H:%M"): "the FERPA record printed for a parent: a document, its dates in full",
    ("calldesk/screens/callbacks.py", "%Y-%m"): "a month typed as the period's key, not shown",
    ("calldesk/screens/resume.py", "%Y-%m-%d %H:%M"): "a draft's start without a profile: no agency zone, UTC said",
    ("calldesk/store/db/restore.py", "%Y-%m-%d %H:%M:%S.%f"): "a timestamp written into SQL",
    ("calldesk/rules/redaction.py", "%m/%d/%Y"): "a birth date's spellings, to find and redact them",
    ("calldesk/web/app.py", "%Y-%m-%d"): "the web pages (English and Spanish): a day in no one language",
    ("calldesk/rules/calendar.py", "isoformat"): "a programming error's message (a naive datetime), not a refusal",
    ("calldesk/rules/tracking_logs.py", "isoformat"): "a tracking log's cell (the spreadsheet's day)",
    ("calldesk/store/services/exports.py", "isoformat"): "an export's cell (a spreadsheet's day)",
    ("calldesk/screens/case/progress_dialogs.py", "isoformat"): "a plan step put back in its field as it is typed",
}
_DIRECTIVE = re.compile(r"%[a-zA-Z]")


def _formats_in(source: str, name: str) -> set[tuple[str, str]]:
    """(name, format) for each strftime, each f-string date format and each isoformat() inside an f-string."""
    found: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "strftime":
            first = node.args[0] if node.args else None
            found.add((name, first.value if isinstance(first, ast.Constant) else "(computed)"))
        if not isinstance(node, ast.FormattedValue):
            continue
        if node.format_spec is not None:
            spec = "".join(str(v.value) for v in ast.walk(node.format_spec) if isinstance(v, ast.Constant))
            if _DIRECTIVE.search(spec):  # (not a number's format: f"{share:.0%}")
                found.add((name, spec))
        if any(isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "isoformat"
               for sub in ast.walk(node.value)):
            found.add((name, "isoformat"))
    return found


def test_every_time_people_read_goes_through_rules_shown() -> None:
    root = Path(calldesk.__file__).parent
    found = set().union(*(_formats_in(path.read_text(encoding="utf-8"), path.relative_to(root.parent).as_posix())
                          for path in sorted(root.rglob("*.py"))))
    assert found - OWN_FORMATS.keys() == set(), "say these times with rules.shown (or list a machine format above)"
    assert OWN_FORMATS.keys() - found == set(), "no longer in the code: take them off the list"


def test_the_scan_finds_each_way_of_writing_a_time_of_ones_own() -> None:
    # What `case actions`, `case steps` and `user absent` did before (their times said their own way).
    sample = ('when = f"{calendar.local(moment):%a %d %b %Y %H:%M}"\n'
              'due = calendar.local(state.due).strftime("%a %d %b %H:%M")\n'
              'said = f"away since {day.isoformat()}; {share:.0%} on time"\n')
    assert _formats_in(sample, "x.py") == {("x.py", "%a %d %b %Y %H:%M"), ("x.py", "%a %d %b %H:%M"),
                                           ("x.py", "isoformat")}


def test_a_phone_log_says_its_seconds_the_same_way() -> None:
    at = datetime(2026, 12, 7, 23, 0, 42, tzinfo=UTC)
    assert moment_words(at, tz=LA, today=TODAY, seconds=True) == "Mon 7 Dec 15:00:42"
    assert moment_words(at, tz=LA, today=date(2027, 1, 4), seconds=True) == "Mon 7 Dec 2026 15:00:42"
