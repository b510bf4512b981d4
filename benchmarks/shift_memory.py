"""A 300-call shift in one process (issue 23, item 18): each call answered, saved and closed with F10, the next
taken at once. The process's resident memory after the first 25 calls against after the last, and the latency of
the early calls against the last ones.

Targets: RSS growth after the first 25 calls <= 10 MB; latency flat (the last 50 calls' median within 1.5x of the
median of the 50 after the first 25).
"""

from __future__ import annotations

import sys

from benchmarks.shift import flat, load, report, rss_mb, run

CALLS = 300
WARM = 25
GROWTH_MB = 10.0
FLAT = 1.5


def main() -> int:
    rss: dict[int, float] = {}

    def sample(n: int, _: float) -> None:
        if n + 1 in (WARM, CALLS) or (n + 1) % 50 == 0:
            rss[n + 1] = rss_mb()

    times = run(CALLS, end="f10", each=sample)
    growth = rss[CALLS] - rss[WARM]
    early, late = flat(times, WARM)
    memory_ok, flat_ok = growth <= GROWTH_MB, late <= early * FLAT
    print(f"A shift of {CALLS} calls in one process (F10 then the next call)")
    print("  RSS " + "  ".join(f"{n}: {mb:.0f} MB" for n, mb in sorted(rss.items())))
    print(f"  RSS growth after the first {WARM} calls {growth:+.1f} MB   target <= {GROWTH_MB:.0f} MB   "
          f"{'PASS' if memory_ok else 'FAIL'}   [{load()}]")
    print(f"  latency: median {early:.1f} ms (calls {WARM + 1}-{WARM + 50}) vs {late:.1f} ms (last 50)   "
          f"target within {FLAT}x   {'PASS' if flat_ok else 'FAIL'}")
    report("  F10 to typing in the next call over the shift", times, median_ms=150)
    return 0 if memory_ok and flat_ok else 1


if __name__ == "__main__":
    sys.exit(main())
