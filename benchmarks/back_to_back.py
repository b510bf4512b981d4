"""ctrl+n to typing, calls back to back (issue 23, item 16): 100 calls, each left (Escape) and the next taken at once
(ctrl+n, then a character), idle and with a CPU burner on the other core.

Targets: median <= 100 ms idle, <= 200 ms with the burner; max <= 400 ms either way.
"""

from __future__ import annotations

import sys

from benchmarks.shift import burner, report, run

CALLS = 100


def main() -> int:
    idle = run(CALLS, end="escape")
    ok = report("ctrl+n to typing, back to back, idle", idle, median_ms=100, max_ms=400)
    with burner():
        busy = run(CALLS, end="escape")
    ok = report("ctrl+n to typing, back to back, CPU burner on the other core", busy, median_ms=200,
                max_ms=400) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
