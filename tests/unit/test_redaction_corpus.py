"""Redaction on the corpus of call-desk sentences with planted personal data (tests/data/redaction_corpus.txt):
every planted name and identifier goes, and little ordinary text goes with it. `python -m benchmarks redaction`
prints the same figures."""

from __future__ import annotations

from collections import Counter

from benchmarks.redaction import TARGET_LOST, load_corpus, score
from calldesk.rules.redaction import redact


def test_the_corpus_is_large_and_varied() -> None:
    sentences = load_corpus()
    kinds = Counter(kind for s in sentences for kind, _ in s.planted)
    assert len(sentences) >= 200 and sum(kinds.values()) >= 200
    assert {"name", "id", "phone", "email", "date", "address"} <= set(kinds)
    assert sum(1 for s in sentences if not s.planted) >= 5  # sentences with nothing to remove


def test_every_planted_name_and_identifier_is_removed() -> None:
    result = score(redact, load_corpus())
    assert result.missed == [], "\n".join(f"{kind} {text!r}: {out}" for kind, text, out in result.missed)
    assert result.recall == 1.0


def test_ordinary_words_mostly_survive() -> None:
    result = score(redact, load_corpus())
    assert result.lost_share <= TARGET_LOST, Counter(word for word, _ in result.lost).most_common(20)
