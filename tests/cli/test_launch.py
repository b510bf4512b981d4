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


def test_a_reader_gone_from_the_pipe_ends_any_command_quietly_with_141(tmp_path: Path) -> None:
    # `calldesk overdue --all | head`: rich (the tables), typer (the help) and the streamed lines each met the
    # closed pipe their own way; rich's own exit was 1 with nothing said. Now every one ends as SIGPIPE would.
    env = {**os.environ, "CALLDESK_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"}
    for args in (["db", "upgrade"], ["demo", "--cases", "200"]):
        done = subprocess.run([sys.executable, "-m", "calldesk.launch", *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    full = subprocess.run([sys.executable, "-m", "calldesk.launch", "overdue", "--all"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert full.returncode == 2 and "BREACHED" in full.stdout  # something to print, and breached: exit 2 unpiped
    for args in (["overdue", "--all"], ["overdue"], ["overdue", "--all", "--json"], ["case", "list"],
                 ["user", "list", "--json"], ["--help"]):
        reader, writer = os.pipe()
        os.close(reader)  # the reader is gone before the first line is written: the same every run
        try:
            done = subprocess.run([sys.executable, "-m", "calldesk.launch", *args], env=env, cwd=ROOT,
                                  stdout=writer, stderr=subprocess.PIPE, text=True, timeout=60)
        finally:
            os.close(writer)
        assert (done.returncode, done.stderr) == (141, ""), args
