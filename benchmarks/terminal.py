"""The real `calldesk` in a real terminal (tmux), keys sent one at a time through the pty as a keyboard sends them:
the harness of the human-speed tests (tests/tmux) and of the benchmarks that time what a person at a terminal sees.
Each desk's store is a temp SQLite file and every user directory a temp folder."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

GAP = 0.06  # seconds between keys: a quick typist (about 170 characters a minute)
CALLDESK = str(Path(sys.executable).with_name("calldesk"))


class Terminal:
    """One tmux session running calldesk; keys go in one at a time, like a keyboard."""

    def __init__(self, name: str, env: dict[str, str], width: int = 120, height: int = 36) -> None:
        self.name = name
        command = " ".join(f"{k}={v}" for k, v in env.items()) + f" {CALLDESK}; sleep 5"
        for attempt in range(5):  # a tmux server whose last session just ended may still be going away
            started = subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
                                      command], capture_output=True, text=True)
            if started.returncode == 0:
                return
            if attempt == 4:
                raise subprocess.CalledProcessError(started.returncode, started.args, started.stdout, started.stderr)
            time.sleep(0.5)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True,
                              check=False).stdout

    def wait_for(self, text: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in self.screen():
                return
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on screen:\n{self.screen()}")

    def key(self, *names: str) -> None:
        for name in names:
            subprocess.run(["tmux", "send-keys", "-t", self.name, name], check=True)
            time.sleep(GAP)

    def type(self, text: str) -> None:
        for char in text:
            subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", char], check=True)
            time.sleep(GAP)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False, capture_output=True)


def desk_env(folder: Path) -> tuple[dict[str, str], Path]:
    """The environment of a desk whose every user folder is under `folder`, and its store's path."""
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is not installed: scripts/test installs it (Debian's package tmux).")
    store = folder / "store" / "calldesk.db"
    env = {var: str(folder / var.lower()) for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                                                       "XDG_STATE_HOME")}
    env |= {"HOME": str(folder), "CALLDESK_DATABASE_URL": f"sqlite:///{store}", "TERM": "xterm-256color"}
    # The calldesk of this checkout (a worktree's), not the one the venv's editable install points to.
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return env, store


def draft_values(store: Path) -> list[dict[str, object]]:
    with sqlite3.connect(store) as conn:
        return [json.loads(form) for (form,) in conn.execute("SELECT form FROM draft")]


def wait_for_draft(store: Path, expected: dict[str, str], seconds: float = 15) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    drafts: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        drafts = draft_values(store) if store.exists() else []
        if drafts and all(drafts[-1].get(k) == v for k, v in expected.items()):
            return drafts[-1]
        time.sleep(0.2)
    raise AssertionError(f"the draft never held {expected}: {drafts}")
