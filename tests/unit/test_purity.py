"""The import contract: calldesk.rules stays free of UI, database and I/O layers (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

FORBIDDEN = (
    "textual",
    "sqlmodel",
    "sqlalchemy",
    "psycopg",
    "platformdirs",
    "calldesk.store",
    "calldesk.models",
    "calldesk.screens",
    "calldesk.widgets",
    "calldesk.app",
    "calldesk.cli",
    "calldesk.settings",
    "calldesk.profiles",
)

PROBE = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    import calldesk.rules
    names = [m.name for m in pkgutil.walk_packages(calldesk.rules.__path__, "calldesk.rules.")]
    for name in names:
        importlib.import_module(name)
    forbidden = {forbidden!r}
    leaked = sorted(m for m in sys.modules if any(m == f or m.startswith(f + ".") for f in forbidden))
    print(len(names))
    if leaked:
        sys.exit("calldesk.rules imported: " + ", ".join(leaked))
    """
)


def test_rules_import_nothing_but_the_domain() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(forbidden=FORBIDDEN)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 12  # every rule module was really imported
