"""The desk's terminal output never holds up the desk.

Textual's output thread takes frames from a queue of 30; when the terminal stops reading (a frozen remote session,
a stalled link) its write blocks, the queue fills, and the next frame blocks the event loop itself: keys typed
meanwhile wait unread in the terminal, no draft is kept, and a hang-up then loses them. Here the queue holds up to
BACKLOG characters of frames first (hours of typing), so the desk goes on reading keys and keeping drafts while the
terminal catches up or goes away; only past that does the desk wait for the terminal, as Textual's does. A terminal
gone for good (a write fails) takes no more frames, and nothing waits for it.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import IO, Any

from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver

BACKLOG = 8_000_000  # characters of frames the terminal may fall behind by before the desk waits for it


class DeskWriter(WriterThread):
    """Textual's output thread (the same file-like the driver writes to) with a backlog measured in characters."""

    def __init__(self, file: IO[str]) -> None:
        super().__init__(file)
        self._pending: deque[str | None] = deque()
        self._backlog = 0
        self._gone = False
        self._changed = threading.Condition()

    def write(self, text: str) -> None:
        with self._changed:
            while self._backlog > BACKLOG and not self._gone:
                self._changed.wait()
            if self._gone:
                return  # (the terminal is gone: nothing will read it)
            self._pending.append(text)
            self._backlog += len(text)
            self._changed.notify_all()

    def run(self) -> None:
        try:
            self._write_all()
        except OSError:  # the terminal is gone (EIO once it hung up): what is left is dropped, nobody waits for it
            with self._changed:
                self._gone = True
                self._pending.clear()
                self._backlog = 0
                self._changed.notify_all()

    def _write_all(self) -> None:
        write, flush = self._file.write, self._file.flush
        while True:
            with self._changed:
                while not self._pending:
                    self._changed.wait()
                text = self._pending.popleft()
                more = bool(self._pending)
            if text is None:
                break
            write(text)
            with self._changed:
                self._backlog -= len(text)
                self._changed.notify_all()
            if not more:
                flush()
        flush()

    def stop(self) -> None:
        with self._changed:
            if not self._gone:
                self._pending.append(None)
            self._changed.notify_all()
        self.join()


class DeskDriver(LinuxDriver):
    """Textual's Linux driver, writing through a DeskWriter. (The driver makes its writer as it enters application
    mode and keeps it in `_writer_thread`; the one it makes is exchanged for a DeskWriter on the same file.)"""

    @property  # type: ignore[override]
    def _writer_thread(self) -> WriterThread | None:
        return self._desk_writer

    @_writer_thread.setter
    def _writer_thread(self, writer: Any) -> None:
        self._desk_writer = DeskWriter(writer._file) if isinstance(writer, WriterThread) else writer
