"""The real `calldesk` in a real terminal, typed into at human speed: each test here is `serial` (scripts/test runs
it alone after the parallel part: a loaded machine would lag the echo it checks) and `slow`."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = __file__.rsplit("/", 1)[0]
    for item in items:
        if str(item.path).startswith(here + "/"):
            item.add_marker(pytest.mark.serial)
            item.add_marker(pytest.mark.slow)
