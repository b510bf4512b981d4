"""Run every benchmark: python -m benchmarks"""

from __future__ import annotations

import sys

from benchmarks.startup import main

if __name__ == "__main__":
    sys.exit(main())
