"""Finding by words as a person types them: every word typed must start a word of the entry.

"bus" finds "Late or missed bus" and "buses", never "abuse"; a match in the entry's title ranks above a match
in its description. Used by the topic picker and the resource directory.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"\w+")


def words_of(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def match_score(query: str, fields: Sequence[tuple[str, int]]) -> int | None:
    """How well `query` matches an entry made of (text, weight) fields; None when some word typed matches nothing.

    Each word typed scores the weight of the best field where it starts a word, doubled when it is that whole word.
    """
    typed = words_of(query)
    if not typed:
        return 0
    indexed = [(words_of(text), weight) for text, weight in fields]
    total = 0
    for word in typed:
        best = 0
        for words, weight in indexed:
            if word in words:
                best = max(best, 2 * weight)
            elif any(w.startswith(word) for w in words):
                best = max(best, weight)
        if best == 0:
            return None
        total += best
    return total
