"""The machine's load beside every benchmark's figures: a figure taken on a busy machine says so."""

from __future__ import annotations

import os


def load_line() -> str:
    """The 1, 5 and 15 minute load averages and the core count, in one line."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count() or 1} core(s)"


def print_load(indent: str = "  ") -> None:
    """Print the load line (under a benchmark's title, beside its figures)."""
    print(f"{indent}({load_line()})", flush=True)
