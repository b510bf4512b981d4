"""The terminal's alt+digit reaches the desk as the key alt+digit, never as a character typed into a field."""

from __future__ import annotations

from textual._xterm_parser import XTermParser

from calldesk.terminal_keys import read_alt_digits


def keys(data: str) -> list[tuple[str, str | None]]:
    return [(event.key, event.character) for event in XTermParser().feed(data)]  # type: ignore[attr-defined]


def test_esc_digit_is_alt_digit_and_a_typed_character_stays_a_character() -> None:
    # Textual alone reads ESC+1 (xterm with metaSendsEscape, tmux, most Linux terminals) as "¡", typed into a field.
    read_alt_digits()
    for digit in "0123456789":
        assert keys(f"\x1b{digit}") == [(f"alt+{digit}", None)]  # no character: a text box never receives it
    assert keys("\x1b[49;3u") == [("alt+1", None)], "Kitty protocol's alt+1"
    assert keys("\x1b2ab") == [("alt+2", None), ("a", "a"), ("b", "b")], "typing right after it is kept"
    assert keys("¡Hola") == [("inverted_exclamation_mark", "¡"), ("H", "H"), ("o", "o"), ("l", "l"), ("a", "a")], \
        "a '¡' the agent types (the character itself) is still typed"
    assert keys("1") == [("1", "1")]
