"""Redaction of free text on a corpus of call-desk sentences with planted personal data, each figure beside its
target.

The corpus (tests/data/redaction_corpus.txt) holds realistic sentences from school district and county social
services calls; every name, case, client, benefit or student number, CIN, SSN, card number, phone, email, date
of birth and address in them is marked {{kind:text}}. Each sentence is redacted as an export redacts a case's
free text (no details stored on a case: the heuristics alone), then:

- recall: the share of planted spans of which nothing is left (no word or number of two characters or more
  that was in the span is still in the sentence)                       target 100%
- ordinary words lost: the share of the words outside the planted spans that are no longer in the sentence
  (over-redaction; counted word by word, per sentence)                 target <= 10%
- time: sentences per second once the word lists are loaded, over three passes after the scoring pass (which
  meets every word anew; an export of many cases meets the same words again)   target >= 2,000 a second

    python -m benchmarks.redaction [--show]     (--show prints every sentence that lost a word or leaked)
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "redaction_corpus.txt"
TARGET_RECALL, TARGET_LOST, TARGET_RATE = 1.0, 0.10, 2000.0
PASSES = 3
_SPAN = re.compile(r"\{\{(\w+):(.*?)\}\}")
_PIECE = re.compile(r"[^\W_]+")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass
class Sentence:
    text: str  # as typed, marks removed
    planted: list[tuple[str, str]]  # (kind, text)
    ordinary: list[str] = field(default_factory=list)  # the words outside the planted spans


def load_corpus(path: Path = CORPUS) -> list[Sentence]:
    """The corpus's sentences, with their planted spans and ordinary words."""
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        planted = [(m.group(1), m.group(2)) for m in _SPAN.finditer(line)]
        text = _SPAN.sub(lambda m: m.group(2), line)
        outside = _SPAN.sub(" ", line)
        sentences.append(Sentence(text, planted, _WORD.findall(outside)))
    return sentences


def leaked(planted: str, redacted: str) -> list[str]:
    """The pieces of a planted span (words, numbers; two characters or more) still in the redacted text."""
    return [piece for piece in _PIECE.findall(planted) if len(piece) >= 2 and re.search(
        rf"(?<![^\W_]){re.escape(piece)}(?![^\W_])", redacted, re.IGNORECASE)]


def lost_words(sentence: Sentence, redacted: str) -> list[str]:
    """The ordinary words of a sentence that are no longer in its redacted text."""
    left = Counter(_WORD.findall(redacted))
    lost = []
    for word, count in Counter(sentence.ordinary).items():
        lost += [word] * max(0, count - left[word])
    return lost


@dataclass
class Score:
    planted: int
    missed: list[tuple[str, str, str]]  # (kind, planted text, redacted sentence)
    ordinary: int
    lost: list[tuple[str, str]]  # (word, redacted sentence)

    @property
    def recall(self) -> float:
        return 1 - len(self.missed) / self.planted if self.planted else 1.0

    @property
    def lost_share(self) -> float:
        return len(self.lost) / self.ordinary if self.ordinary else 0.0


def score(redact: Callable[[str], str], sentences: list[Sentence]) -> Score:
    """Recall of the planted spans and the ordinary words lost, over `sentences`."""
    result = Score(0, [], 0, [])
    for sentence in sentences:
        redacted = redact(sentence.text)
        for kind, text in sentence.planted:
            result.planted += 1
            if leaked(text, redacted):
                result.missed.append((kind, text, redacted))
        result.ordinary += len(sentence.ordinary)
        result.lost += [(word, redacted) for word in lost_words(sentence, redacted)]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print every leak and every sentence that lost a word")
    args = parser.parse_args()
    from calldesk.rules.redaction import redact

    sentences = load_corpus()
    began = time.perf_counter()
    redact("Warm up: the word lists are read once.")
    loading = time.perf_counter() - began
    result = score(redact, sentences)
    began = time.perf_counter()
    for _ in range(PASSES):
        for sentence in sentences:
            redact(sentence.text)
    rate = PASSES * len(sentences) / (time.perf_counter() - began)
    kinds = Counter(kind for s in sentences for kind, _ in s.planted)
    print(f"Redaction over {len(sentences)} call-desk sentences, {result.planted} planted spans "
          f"({', '.join(f'{n} {kind}' for kind, n in sorted(kinds.items()))}), {result.ordinary} ordinary words")
    print(f"  {'figure':<44}{'value':>12}  {'target':>10}")
    rows = [("recall of planted spans", f"{result.recall:.1%}", f">= {TARGET_RECALL:.0%}",
             result.recall >= TARGET_RECALL),
            ("ordinary words lost (over-redaction)", f"{result.lost_share:.1%}", f"<= {TARGET_LOST:.0%}",
             result.lost_share <= TARGET_LOST),
            ("sentences redacted a second", f"{rate:,.0f}", f">= {TARGET_RATE:,.0f}", rate >= TARGET_RATE)]
    for label, value, target, ok in rows:
        print(f"  {label:<44}{value:>12}  {target:>10}  {'ok' if ok else 'MISSED'}")
    print(f"  (word lists loaded in {loading * 1000:.0f} ms, once per process)")
    for kind, text, redacted in result.missed:
        print(f"  LEAK {kind} {text!r}: {redacted}")
    if args.show:
        for word, redacted in result.lost:
            print(f"  lost {word!r}: {redacted}")
    else:
        common = Counter(word for word, _ in result.lost).most_common(15)
        print("  most often lost: " + ", ".join(f"{word} ({n})" for word, n in common))
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
