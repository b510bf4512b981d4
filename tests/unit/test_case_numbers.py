"""The one reader of typed case numbers (Find, every lookup by number)."""

from __future__ import annotations

from calldesk.rules.case_numbers import full_case_number, is_case_number


def test_short_and_full_case_numbers_read_as_the_stored_number() -> None:
    assert full_case_number("2026-2") == "2026-000002"
    assert full_case_number(" 2026-000123 ") == "2026-000123"
    assert full_case_number("2026-0042") == "2026-000042"
    assert is_case_number("2026-2") and not is_case_number("2026-") and not is_case_number("213-555-0142")
    assert full_case_number("Maria Lopez") == "Maria Lopez"  # not a number: left for the lookup to refuse
    assert full_case_number("2026-1234567") == "2026-1234567"  # longer than stored numbers: not read as one
