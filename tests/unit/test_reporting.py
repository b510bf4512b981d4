"""The OC CCTS reporting chain in business days, checked against dates worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from calldesk.errors import InvalidInput
from calldesk.profiles import load_profile
from calldesk.rules.profile import ReportStep
from calldesk.rules.reporting import (
    StepDone,
    chain_out_of_order,
    chain_status,
    chain_warnings,
    differences,
    month_period,
    monthly_chain,
    months_ending,
    neutralise,
    previous_month,
    quarter_period,
    quarterly_chain,
    retention_cutoff,
)

OC = load_profile("oc_ccts")


def _dates(month: str) -> dict[str, date]:
    return {step.step: step.due for step in monthly_chain(OC, month_period(month))}


def test_october_2026_chain() -> None:
    # Sat 31 Oct: the last business day is Fri 30 Oct. November: Mon 2, Tue 3, Wed 4, Thu 5, Fri 6 (5th),
    # Mon 9 (6th); the approved report by Tue 10 Nov (a business day; Veterans Day is Wed 11).
    assert _dates("2026-10") == {"log_compiled": date(2026, 10, 30), "compilation_sent": date(2026, 11, 6),
                                 "draft_for_review": date(2026, 11, 9), "report_submitted": date(2026, 11, 10)}


def test_november_2026_chain() -> None:
    # Thanksgiving Thu 26 Nov does not move Mon 30 Nov, the last business day. December: Tue 1, Wed 2, Thu 3,
    # Fri 4, Mon 7 (5th), Tue 8 (6th); the report by Thu 10 Dec.
    assert _dates("2026-11") == {"log_compiled": date(2026, 11, 30), "compilation_sent": date(2026, 12, 7),
                                 "draft_for_review": date(2026, 12, 8), "report_submitted": date(2026, 12, 10)}


def test_business_days_skip_veterans_day_and_thanksgiving() -> None:
    # Counted through November 2026 for October's report: 2 3 4 5 6 | 9 10 (11 Veterans Day) 12 13 |
    # 16 17 18 19 20 | 23 24 25 (26 Thanksgiving) 27: the 8th is Thu 12, the 15th Mon 23, the 18th Fri 27.
    steps = [ReportStep(step=f"day{n}", label=f"day {n}", due="business_day", day=n) for n in (8, 15, 18)]
    profile = replace(OC, report_chain=steps)
    dates = {s.step: s.due for s in monthly_chain(profile, month_period("2026-10"))}
    assert dates["day8"] == date(2026, 11, 12) and dates["day15"] == date(2026, 11, 23)
    assert dates["day18"] == date(2026, 11, 27)


def test_a_due_day_on_a_weekend_moves_back_to_the_business_day_before() -> None:
    # September 2026's report: 10 Oct is a Saturday, so it is due Fri 9 Oct; Columbus Day (Mon 12) is after it.
    assert _dates("2026-09")["report_submitted"] == date(2026, 10, 9)
    assert _dates("2026-12")["log_compiled"] == date(2026, 12, 31)  # Thu 31 Dec; New Year's Day is Fri 1 Jan


def test_chain_status_says_what_is_done_due_or_late() -> None:
    chain = monthly_chain(OC, month_period("2026-10"))
    # Sat 7 Nov, nothing marked: Fri 30 Oct and Fri 6 Nov have passed (8 days and 1 day), Mon 9 Nov is next.
    statuses = chain_status(chain, today=date(2026, 11, 7), done={})
    assert [(s.state, s.days_late) for s in statuses] == [("overdue", 8), ("overdue", 1), ("due", 0),
                                                          ("upcoming", 0)]
    assert statuses[0].words == "overdue, 8 days late"
    # Done only when marked: the log compiled on its day, the compilation sent Mon 9 Nov (due Fri 6 Nov: 3 days
    # late), the draft on its day; on Wed 11 Nov the report (due Tue 10 Nov) is 1 day overdue.
    done = {"log_compiled": StepDone("sue", date(2026, 10, 30)), "compilation_sent": StepDone("vic", date(2026, 11, 9)),
            "draft_for_review": StepDone("sue", date(2026, 11, 9))}
    statuses = chain_status(chain, today=date(2026, 11, 11), done=done)
    assert [s.state for s in statuses] == ["done", "done_late", "done", "overdue"]
    assert statuses[1].words == "done by vic on Mon 9 Nov, 3 days late"  # (read in 2026: no year)
    assert statuses[0].words == "done by sue on Fri 30 Oct" and statuses[3].days_late == 1


def test_a_chain_due_before_an_earlier_step_is_flagged() -> None:
    # December 2026: January 2027's business days are Mon 4, Tue 5, Wed 6, Thu 7, Fri 8 (5th), Mon 11 (6th; New
    # Year's Day Fri 1 is a holiday), so the draft goes out Mon 11 Jan, but "by the 10th" (Sun 10) is Fri 8 Jan.
    december = monthly_chain(OC, month_period("2026-12"))
    pairs = [(step.step, earlier.step) for step, earlier in chain_out_of_order(december)]
    assert pairs == [("report_submitted", "draft_for_review")]
    warnings = chain_warnings(OC, date(2026, 12, 7))
    # (read in 2026: January's days say 2027, as rules.shown does)
    assert any("December 2026" in w and "Fri 8 Jan 2027" in w and "Mon 11 Jan 2027" in w for w in warnings)
    assert chain_out_of_order(monthly_chain(OC, month_period("2026-10"))) == []  # October's is in order
    # Rochester's one-step chain (the log compiled on the month's last business day) is never out of order.
    assert chain_warnings(load_profile("rochester"), date(2026, 12, 7)) == []


def test_periods_parse_and_refuse_in_words() -> None:
    assert (month_period("2026-10").first, month_period("2026-10").last) == (date(2026, 10, 1), date(2026, 10, 31))
    quarter = quarter_period("2026Q3")
    assert (quarter.first, quarter.last, [m.label for m in quarter.months()]) == (
        date(2026, 7, 1), date(2026, 9, 30), ["2026-07", "2026-08", "2026-09"])
    for bad in ("2026-13", "Oct 2026", "", "26-10"):
        with pytest.raises(InvalidInput, match="YYYY-MM"):
            month_period(bad)
    with pytest.raises(InvalidInput, match="YYYYQn"):
        quarter_period("2026Q5")


def test_formula_looking_cells_are_neutralised() -> None:
    for value in ("=1+1", "+12135550142", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(value) == "'" + value
    assert neutralise("plain") == "plain" and neutralise(None) == "" and neutralise(3) == "3"


def test_retention_cutoff_and_differences() -> None:
    assert retention_cutoff(date(2028, 2, 29), 5) == date(2023, 2, 28)
    assert retention_cutoff(date(2026, 12, 1), 2) == date(2024, 12, 1)
    found = differences({"total": 2, "counts": {"channel": {"phone": 2}}},
                        {"total": 3, "counts": {"channel": {"phone": 2, "fax": 1}}})
    assert [(d.dimension, d.key, d.approved, d.now) for d in found] == [
        ("total", "reportable cases", 2, 3), ("channel", "fax", 0, 1)]


def test_the_months_before_cross_a_year_end() -> None:
    assert [m.label for m in months_ending(date(2026, 2, 14), 3)] == ["2025-12", "2026-01", "2026-02"]
    assert previous_month(date(2027, 1, 3)).label == "2026-12"


def test_the_quarterly_chain_counts_from_the_ceos_report() -> None:
    # Received Mon 9 Nov 2026: reviewed within 2 business days, Tue 10 and (Veterans Day Wed 11 skipped) Thu 12;
    # approved within 5 more: Fri 13, Mon 16, Tue 17, Wed 18, Thu 19.
    dates = {s.step: (s.due, s.by) for s in quarterly_chain(OC, date(2026, 11, 9))}
    assert dates == {"quarterly_reviewed": (date(2026, 11, 12), ("supervisor",)),
                     "quarterly_approved": (date(2026, 11, 19), ("supervisor",))}
    # Received Wed 25 Nov: Fri 27 (Thanksgiving Thu 26 skipped) and Mon 30; then Tue 1 ... Mon 7 Dec.
    dates = {s.step: s.due for s in quarterly_chain(OC, date(2026, 11, 25))}
    assert dates == {"quarterly_reviewed": date(2026, 11, 30), "quarterly_approved": date(2026, 12, 7)}
