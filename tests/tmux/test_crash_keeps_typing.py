"""What is typed survives the terminal: kill -9 during continuous typing loses at most the last second of it, and a
closed terminal (SIGHUP) keeps all of it (issue 23, item 3). The real `calldesk` in tmux, keys sent one at a time:
a few kills here; `python -m benchmarks crash_typing` makes 20 and prints each."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from benchmarks.crash_typing import calldesk_pid, kills
from benchmarks.terminal import CALLDESK, Terminal, wait_for_draft
from tests.tmux.test_human_typing import desk_env

RUNS = 6  # python -m benchmarks.crash_typing makes the same kills 20 times and prints each


def test_kill_9_during_continuous_typing_loses_at_most_the_last_second(tmp_path: Path) -> None:
    desk_env(tmp_path)  # (tmux installed: else the test fails saying so)
    figures = kills(RUNS, tmp_path)  # (a draft that is not what was typed fails there)
    assert len(figures) == RUNS
    print("\nkill -9 during continuous typing: typed, kept in the draft, lost, typed in the last second")
    for run, typed_n, kept_n, lost, last in figures:
        print(f"  run {run:2d}: {typed_n:3d} {kept_n:3d} lost {lost:2d} (last second {last:2d})")
    worst = max(lost - last for _, _, _, lost, last in figures)
    assert worst <= 0, f"a kill lost more than the last second's characters: {figures}"


def test_a_closed_terminal_keeps_everything_typed(tmp_path: Path) -> None:
    env, store = desk_env(tmp_path)
    term = Terminal(f"calldesk-hangup-{os.getpid()}", env)
    try:
        term.wait_for("Signed in as")
        term.key("C-n")
        term.wait_for("Caller name")
        term.type("Maria Lopez")
        term.key("Tab")
        term.type("2135550142")
        term.wait_for("2135550142")
        pid = calldesk_pid(term)
    finally:
        term.close()  # the terminal goes away: tmux hangs up on the pane (SIGHUP)
    draft = wait_for_draft(store, {"caller_name": "Maria Lopez", "phone": "2135550142"}, seconds=15)
    assert draft["caller_name"] == "Maria Lopez" and draft["phone"] == "2135550142"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists(), "calldesk ended after the hang-up"


def test_a_terminal_that_stopped_reading_then_hung_up_still_ends_calldesk(tmp_path: Path) -> None:
    """A terminal that stops reading (a frozen remote session), then hangs up. The output thread blocks in its
    write; the desk goes on reading keys all the same (with Textual's own output queue of 30 frames, the event loop
    blocked too, after about 30 keys: the rest stayed unread and were lost at the hang-up). Textual's shutdown waits
    for that output thread: calldesk still ends (after HANGUP_GRACE) instead of staying for ever with the store open,
    and everything typed is kept as a draft. A pty of the test's own, never read after the desk is up."""
    import pty
    import select

    env, store = desk_env(tmp_path)
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    desk = subprocess.Popen([CALLDESK], stdin=slave, stdout=slave, stderr=slave, env={**os.environ, **env},
                            start_new_session=True)
    os.close(slave)
    try:
        seen = b""
        deadline = time.monotonic() + 30
        while b"Signed in as" not in seen and time.monotonic() < deadline:  # the desk is up, the store open
            if select.select([master], [], [], 0.1)[0]:
                seen += os.read(master, 65536)
        assert b"Signed in as" in seen, "the desk never came up"
        # From here nothing reads the terminal: the call's frames fill it until the output thread blocks.
        os.write(master, b"\x0e")  # ctrl+n
        time.sleep(1.0)
        for _ in range(100):  # 200 keys, each a frame the terminal does not take: x, then backspace
            os.write(master, b"x")
            time.sleep(0.005)
            os.write(master, b"\x7f")
            time.sleep(0.005)
        name = "Maria Lopez, who called twice about the bus that never came to her stop this week"
        for char in name:
            os.write(master, char.encode())
            time.sleep(0.02)
        # The desk read every key (the name whole is the state after the last one) and kept the draft, the terminal
        # still unread: its event loop was not held up.
        wait_for_draft(store, {"caller_name": name}, seconds=15)
        desk.send_signal(signal.SIGHUP)
        code = desk.wait(timeout=15)  # (TimeoutExpired: calldesk stayed after the hang-up)
    finally:
        if desk.poll() is None:
            desk.kill()
            desk.wait()
        os.close(master)
    assert code == 128 + signal.SIGHUP  # ended by the grace timer: Textual's shutdown still waited for the output
    assert wait_for_draft(store, {"caller_name": name}, seconds=5)["caller_name"] == name
