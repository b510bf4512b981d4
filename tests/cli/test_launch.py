"""`calldesk` with no arguments goes straight to the desk; refusals are one line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from calldesk.store.db.users import os_login

ROOT = Path(__file__).resolve().parents[2]


def test_plain_calldesk_refuses_a_broken_setting_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "CALLDESK_PROTOCOL": "nowhere", "CALLDESK_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"}
    result = subprocess.run([sys.executable, "-m", "calldesk.launch"], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stderr.startswith("error: There is no protocol profile 'nowhere'")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_with_arguments_it_is_the_admin_cli(tmp_path: Path) -> None:
    env = {**os.environ, "CALLDESK_USER": "root_admin", "CALLDESK_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"}
    for args in (["db", "upgrade"], ["user", "list", "--json"]):
        result = subprocess.run([sys.executable, "-m", "calldesk.launch", *args], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
    assert f'"{os_login()}"' in result.stdout and "root_admin" not in result.stdout
