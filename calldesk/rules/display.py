"""Showing stored text inert: control characters and lone surrogates as visible escapes, never as effects.

A caller name or a CSV cell can hold ESC sequences (clear the screen, set the title), bidirectional overrides or
half of a surrogate pair; shown raw they act on the admin's terminal or abort the output. Newlines and tabs stay.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

KEPT = frozenset("\n\t")
# C0/C1 controls, DEL, format characters (bidi overrides, zero-width), lone surrogates.
_SUSPECT = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def _escaper(kept: frozenset[str]) -> Callable[[re.Match[str]], str]:
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in kept:
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return escape


def inert(text: str, *, lines: bool = True) -> str:
    """`text` with every control or format character written as a visible escape; newline and tab are kept
    unless `lines` is False (a one-line message: they are escaped too)."""
    if _SUSPECT.search(text) is None and not any(unicodedata.category(c) == "Cf" for c in text if ord(c) > 0x7F):
        return text
    escaped = _SUSPECT.sub(_escaper(KEPT if lines else frozenset()), text)
    return "".join(f"\\u{ord(c):04x}" if ord(c) > 0x7F and unicodedata.category(c) == "Cf" else c
                   for c in escaped)
