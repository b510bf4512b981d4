"""The desk's output thread: a terminal that stops reading does not hold up the desk until BACKLOG, and everything
written still reaches the terminal, in order, once it reads again."""

from __future__ import annotations

import contextlib
import os
import threading
import time

import pytest

from calldesk import terminal_output
from calldesk.terminal_output import DeskWriter


def _reader(fd: int, into: bytearray) -> threading.Thread:
    def read() -> None:
        while chunk := os.read(fd, 65536):
            into.extend(chunk)

    return threading.Thread(target=read, daemon=True)


def test_writes_do_not_wait_for_a_terminal_that_stopped_reading() -> None:
    read_end, write_end = os.pipe()  # a pipe holds 64 KiB: past that its writer blocks, as a full terminal's does
    got = bytearray()
    frames = [f"frame {n:05d} " + "x" * 1000 + "\n" for n in range(2000)]  # 2 MB, none of it read yet
    with open(write_end, "w") as terminal:
        writer = DeskWriter(terminal)
        writer.start()
        started = time.monotonic()
        for frame in frames:
            writer.write(frame)
        assert time.monotonic() - started < 2.0, "a write waited for the terminal"
        reading = _reader(read_end, got)
        reading.start()
        writer.stop()  # (waits until everything is written)
    reading.join(timeout=10)
    os.close(read_end)
    assert got.decode() == "".join(frames)


def test_past_the_backlog_a_write_waits_for_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terminal_output, "BACKLOG", 200_000)
    read_end, write_end = os.pipe()
    got = bytearray()
    done = threading.Event()
    with open(write_end, "w") as terminal:
        writer = DeskWriter(terminal)
        writer.start()

        def write_a_lot() -> None:
            for _ in range(500):  # 500 kB: the pipe's 64 kB and the 200 kB backlog fill, and then the writes wait
                writer.write("y" * 1000)
            done.set()

        threading.Thread(target=write_a_lot, daemon=True).start()
        assert not done.wait(1.0), "the backlog let every write through to a terminal that reads nothing"
        reading = _reader(read_end, got)
        reading.start()
        assert done.wait(10), "the writes went on waiting once the terminal read again"
        writer.stop()
    reading.join(timeout=10)
    os.close(read_end)
    assert len(got) == 500_000



def test_a_terminal_gone_for_good_takes_no_more_frames_and_nothing_waits_for_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terminal_output, "BACKLOG", 10_000)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the terminal hung up: every write fails (EPIPE here, EIO on a tty)
    with open(write_end, "w") as terminal:
        writer = DeskWriter(terminal)
        writer.start()
        done = threading.Event()

        def write_and_stop() -> None:
            for _ in range(1000):  # 1 MB, a hundred times the backlog
                writer.write("z" * 1000)
            writer.stop()
            done.set()

        threading.Thread(target=write_and_stop, daemon=True).start()
        assert done.wait(5), "a write or the stop waited for a terminal that is gone"
        assert not writer.is_alive()
        with contextlib.suppress(OSError):  # (what Python's own buffer still holds cannot be written either)
            terminal.close()
