"""Person names in free text, found by a conservative word-list heuristic (no model, fully offline).

A word is taken for a name when it could be one and nothing says it is ordinary English:

- a capitalised word (or one in capitals) is a name if it is a census first name or one of the 5,000 most
  frequent census surnames ("Grace", "Price"), or a rarer surname that is no common English word, or no
  lower-case English word at all ("Ruiz", "Xochitl", "O'Brien", "Nguyen");
- a lower-case word is a name if it is a census name and not a common English word ("ruiz", "ana"), or if it
  is no English word at all ("jayden");
- the word after a title (Mr, Ms, Dr, ...) is a name whatever it is, and so is a capitalised word right after a
  name ("Grace Hearing" as well as "Ana Ruiz");
- words in `keep.txt` (function words, the call desk's own vocabulary, programme acronyms) are never names.

Over-redaction is the safe side: a capitalised common word that is also a surname ("Parent", "Price") is
removed too. The one known gap is a name in lower case that is also an ordinary word ("will brown"). The word
lists and their licences are in `data/redaction/` (see its README).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

NAME = "[NAME]"

# A word: letters, with inner apostrophes or hyphens ("O'Brien", "Garcia-Lopez"); or a placeholder left by an
# earlier step ("[ID]"), which is skipped.
_WORD = re.compile(r"\[[A-Z]+\]|(?<!\w)[^\W\d_]+(?:['’-][^\W\d_]+)*")  # not "th" of "30th"
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_PARTS = re.compile(r"['’-]")
_TITLES = frozenset(["mr", "mrs", "ms", "miss", "mx", "dr", "sr", "sra", "srta", "prof", "sgt"])
# Between a title or a name and the next word: spaces (and a title's full stop), nothing else.
_GAP = re.compile(r"\.?[ \t]+")


# A capitalised common word is taken for a name only when it is among this many most frequent surnames ("Price",
# "Hill", "Street") or a first name ("Grace"): "Service", "Board" or "Record" are surnames too, but rare ones.
FREQUENT_SURNAMES = 5000


@dataclass(frozen=True)
class WordLists:
    common: frozenset[str]  # common English words (SCOWL size 50, lower-case entries)
    english: frozenset[str]  # every English word known (SCOWL size 70)
    names: frozenset[str]  # census first names and surnames
    frequent: frozenset[str]  # census first names and the most frequent surnames
    keep: frozenset[str]  # never names


def word_lists_dir() -> Path:
    """The word lists' folder: `redaction/` of the data shipped with calldesk (inside a wheel, `_data`; in a
    checkout, `data/`). Not the agency's CALLDESK_DATA_DIR: these lists are part of the rule, not a setting."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_data" / "redaction"
    return packaged if packaged.is_dir() else package.parent / "data" / "redaction"


def _lines(name: str) -> list[str]:
    text = (word_lists_dir() / name).read_text(encoding="utf-8")
    return [word for line in text.splitlines() for word in line.split("#", 1)[0].split()]


@cache
def word_lists() -> WordLists:
    """The word lists, read once."""
    common = frozenset(_lines("words.txt"))
    first, surnames = _lines("first_names.txt"), _lines("surnames.txt")  # surnames: most frequent first
    return WordLists(common, common | frozenset(_lines("words_more.txt")), frozenset(first + surnames),
                     frozenset(first + surnames[:FREQUENT_SURNAMES]), frozenset(_lines("keep.txt")))


@lru_cache(maxsize=65536)
def is_name(word: str) -> bool:
    """Whether `word` (letters, inner apostrophes or hyphens) is taken for a person's name, out of context."""
    lists = word_lists()
    folded = _POSSESSIVE.sub("", word).casefold()
    parts = [part for part in _PARTS.split(folded) if part]
    if folded in lists.keep or all(part in lists.keep for part in parts):
        return False

    def every(words: frozenset[str]) -> bool:
        return all(part in words or part in lists.keep for part in parts)

    def some(words: frozenset[str]) -> bool:
        return any(part in words for part in parts)

    if word[0].isupper():
        if some(lists.frequent):
            return True
        return False if every(lists.common) else some(lists.names) or not every(lists.english)
    return (some(lists.names) and not every(lists.common)) or not every(lists.english)


def name_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every word in `text` taken for a person's name, in order."""
    spans: list[tuple[int, int]] = []
    previous: tuple[re.Match[str], bool] | None = None  # the last word and whether it was a name
    for match in _WORD.finditer(text):
        word = match.group()
        if word.startswith("["):
            previous = None
            continue
        named = is_name(word)
        if not named and previous is not None and _GAP.fullmatch(text, previous[0].end(), match.start()):
            before, before_named = previous
            title = before.group().casefold() in _TITLES
            after_name = before_named and word[0].isupper() and word.casefold() not in word_lists().keep
            named = title or after_name
        if named:
            start, end = match.span()
            spans.append((start, end - 2 if _POSSESSIVE.search(word) else end))  # "[NAME]'s"
        previous = (match, named)
    return spans


def redact_names(text: str) -> str:
    """`text` with every word taken for a name replaced by "[NAME]" (a run of them, by one)."""
    spans = name_spans(text)
    if not spans:
        return text
    pieces: list[str] = []
    last = 0
    for start, end in spans:
        if pieces and pieces[-1] == NAME and text[last:start].strip() == "" and "\n" not in text[last:start]:
            last = end  # "Ana Ruiz" is one name
            continue
        pieces += [text[last:start], NAME]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
