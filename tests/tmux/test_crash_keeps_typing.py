"""What is typed survives the terminal: kill -9 during continuous typing loses at most the last second of it, and a
closed terminal (SIGHUP) keeps all of it (issue 23, item 3). The real `calldesk` in tmux, keys sent one at a time."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.tmux.test_human_typing import CALLDESK, GAP, Terminal, desk_env, draft_values, wait_for_draft

RUNS = 20
LANES = 2  # two desks killed at once (the runner's two cores), RUNS between them: the same kills in half the time
TEXT = "the bus skipped her stop twice this week and nobody called the family back about it " * 3


def calldesk_pid(term: Terminal) -> int:
    """The calldesk process in the pane (the pane's shell runs it, then sleeps)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        shell = subprocess.run(["tmux", "display", "-p", "-t", term.name, "#{pane_pid}"], capture_output=True,
                               text=True, check=True).stdout.strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise AssertionError("no calldesk process in the pane")


def typing_then_kill(term: Terminal, after: float) -> tuple[list[float], float]:
    """Type TEXT into the caller's name key by key; kill -9 calldesk `after` seconds in. The send time of each key
    typed, and the moment of the kill."""
    pid = calldesk_pid(term)
    sent: list[float] = []
    stop = threading.Event()

    def type_on() -> None:
        for char in TEXT:
            if stop.is_set():
                return
            subprocess.run(["tmux", "send-keys", "-t", term.name, "-l", char], check=True)
            sent.append(time.monotonic())
            time.sleep(GAP)

    typist = threading.Thread(target=type_on)
    typist.start()
    time.sleep(after)
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    stop.set()
    typist.join()
    return [t for t in sent if t <= killed], killed


def kills_on_one_desk(lane: int, folder: Path) -> list[tuple[int, int, int, int, int]]:
    """Runs lane, lane + LANES, ... on a desk of its own (its own store and folders): start calldesk, wait for
    the phone, ctrl+n, type, kill -9 at a random moment, read the draft. Per run: its number, typed, kept, lost,
    typed in the last second."""
    folder.mkdir()
    env, store = desk_env(folder)
    rng = random.Random(23 + lane)
    figures = []
    for run in range(lane, RUNS, LANES):
        term = Terminal(f"calldesk-crash-{os.getpid()}-{run}", env)
        try:
            term.wait_for("Signed in as")
            time.sleep(1.0)  # the agent waits for the phone: the call's screen and the holiday tables get ready
            term.key("C-n")
            term.wait_for("Caller name")
            sent, killed = typing_then_kill(term, rng.uniform(1.2, 3.0))  # past the first second, at random
        finally:
            term.close()
        drafts = draft_values(store) if store.exists() else []
        kept = str(drafts[-1].get("caller_name", "")) if drafts else ""
        typed = TEXT[:len(sent)]
        assert typed.startswith(kept), f"run {run}: the draft {kept!r} is not what was typed {typed!r}"
        last_second = sum(1 for t in sent if t > killed - 1.0)
        figures.append((run, len(typed), len(kept), len(typed) - len(kept), last_second))
        with sqlite3.connect(store) as conn:  # the next run starts with no unsaved call to offer back
            conn.execute("DELETE FROM draft")
    return figures


def test_kill_9_during_continuous_typing_loses_at_most_the_last_second(tmp_path: Path) -> None:
    with ThreadPoolExecutor(LANES) as lanes:
        running = []
        for lane in range(LANES):
            running.append(lanes.submit(kills_on_one_desk, lane, tmp_path / f"desk{lane}"))
            time.sleep(2.0)  # the desks start apart, as people's do
        figures = sorted(figure for lane in running for figure in lane.result())
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
