"""Run every benchmark and print each figure beside its target: python -m benchmarks [name ...]

Names: startup, new_call, back_to_back, f10_next, shift_memory, crash_typing, keystrokes, reports, bulk_data, queue,
redaction, web, phone, pg_agents, scale (default: all). The machine's load average is printed before each
(benchmarks/load.py), beside its figures.
Exit status 1 if any figure misses its target.
"""

from __future__ import annotations

import importlib
import sys

from benchmarks.load import load_line

BENCHMARKS = ("startup", "new_call", "back_to_back", "f10_next", "shift_memory", "crash_typing", "keystrokes",
              "reports", "bulk_data", "queue", "redaction", "web", "phone", "pg_agents", "scale")


def main(names: list[str]) -> int:
    failed = 0
    sys.argv = sys.argv[:1]  # each benchmark reads its own options; run from here they take their defaults
    for name in names or BENCHMARKS:
        if name not in BENCHMARKS:
            print(f"Unknown benchmark {name!r}; choose from: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        print(f"[{name}: {load_line()}]", flush=True)
        failed += importlib.import_module(f"benchmarks.{name}").main() != 0
        print()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
