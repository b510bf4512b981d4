"""Showing stored text inert: control characters and lone surrogates as visible escapes, never as effects.

A caller name or a CSV cell can hold ESC sequences (clear the screen, set the title), bidirectional overrides or
half of a surrogate pair; shown raw they act on the admin's terminal or abort the output. Newlines and tabs stay.
JSON keeps the data exact instead: the same characters are written as JSON's own \\u escapes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

KEPT = frozenset("\n\t")
# C0/C1 controls, DEL, format characters (bidi overrides, zero-width), the line and paragraph separators (a line
# break to Python's splitlines and some terminals), lone surrogates.
_SUSPECT = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


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


# What JSON leaves raw with ensure_ascii=False but a terminal acts on (it escapes C0 controls itself): DEL, C1
# controls (\x9b is CSI), bidi and zero-width format characters, lone surrogates.
_RAW_IN_JSON = re.compile(r"[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # (a format character beyond the BMP, e.g. a tag: JSON spells it as a surrogate pair)
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(value: Any, *, indent: int | None = None) -> str:
    """`value` as JSON (non-JSON values as their str) with every character that acts on a terminal written as a
    \\u escape: the data stays exact for a program, and nothing in it moves the cursor or flips the text."""
    text = json.dumps(value, indent=indent, default=str, ensure_ascii=False)
    text = _RAW_IN_JSON.sub(lambda m: _json_escape(m.group()), text)
    if _NON_ASCII.search(text) is None:
        return text
    return _NON_ASCII.sub(lambda m: _json_escape(m.group()) if unicodedata.category(m.group()) == "Cf"
                          else m.group(), text)


def invisible_removed(text: str) -> str:
    """`text` without the characters `inert` would escape (all zero cells wide, so the text's width is kept):
    the last guard on a screen that has already laid the text out."""
    if _SUSPECT.search(text) is None and (text.isascii() or not any(
            unicodedata.category(c) == "Cf" for c in text if ord(c) > 0x7F)):
        return text
    return "".join(c for c in _SUSPECT.sub("", text) if ord(c) <= 0x7F or unicodedata.category(c) != "Cf")
