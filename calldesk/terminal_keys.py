"""alt+digit as the terminal sends it: ESC then the digit (xterm with meta sending escape, tmux, most Linux
terminals).

Textual reads ESC+digit as the character macOS types for Option+digit ("\\x1b1" is "¡", "\\x1b2" is "™" ...), so in
those terminals alt+1..5 typed "¡™£¢∞" into the field instead of switching tabs. The desk reads ESC+digit as
alt+digit: a key that is no character, so a text box never receives it and the tab bindings do. A "¡" the agent
really types (a Spanish keyboard, macOS Option+1 composing) reaches the terminal as the character itself and is
still typed as before. A Kitty-protocol terminal sends alt+1 as its own sequence, which Textual already reads as
alt+1.
"""

from __future__ import annotations

from enum import StrEnum

from textual import _ansi_sequences

DIGITS = "0123456789"


class AltDigit(StrEnum):
    """Key names the parser raises for ESC+digit (it takes a key's name from `.value`, as with Textual's Keys)."""

    ALT_0 = "alt+0"
    ALT_1 = "alt+1"
    ALT_2 = "alt+2"
    ALT_3 = "alt+3"
    ALT_4 = "alt+4"
    ALT_5 = "alt+5"
    ALT_6 = "alt+6"
    ALT_7 = "alt+7"
    ALT_8 = "alt+8"
    ALT_9 = "alt+9"


def read_alt_digits() -> None:
    """From now on the terminal's ESC+digit is the key alt+digit (for the desk's run; the table is Textual's)."""
    table = _ansi_sequences.ANSI_SEQUENCES_KEYS
    for digit in DIGITS:
        table[f"\x1b{digit}"] = (AltDigit(f"alt+{digit}"),)  # type: ignore[index]
