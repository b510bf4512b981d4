"""Case numbers as people type them: "2026-2" is case 2026-000002, as Find has always read it."""

from __future__ import annotations

import re

CASE_NUMBER = re.compile(r"^\d{4}-\d{1,6}$")  # a year and a running number, its leading zeros optional
DIGITS = 6  # the running number as stored: 2026-000123


def is_case_number(text: str) -> bool:
    """Whether `text` (spaces around it aside) reads as a case number, short or in full."""
    return CASE_NUMBER.match(text.strip()) is not None


def full_case_number(text: str) -> str:
    """The stored form of a typed case number ("2026-2", " 2026-000002 " -> "2026-000002"); any other text is
    returned as it was, for the lookup to say it finds no such case."""
    typed = text.strip()
    if not CASE_NUMBER.match(typed):
        return text
    year, number = typed.split("-")
    return f"{year}-{int(number):0{DIGITS}d}"
