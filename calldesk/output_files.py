"""Files calldesk writes for a person (exports, reports, records, letters, backups), one way for all of them.

A target is checked before anything else happens: a symbolic link is refused (never followed), and so are a
folder, a device or pipe, a missing folder (no folder is ever created) and a name too long for the file system.
The file is then written NEW, owner-only (0600), under a temporary name in the target's folder, and renamed over
the target only once complete: an existing file's mode is not kept, and a failed write leaves the old file.

The temporary name holds the writing process's id (`.NAME.calldesk-PID-XXXXXXXX.partial`), so the copies left by
a run that was killed (kill -9, a power cut) can be told from those still being written, and removed.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from calldesk.errors import InvalidInput

PARTIAL = ".partial"
# ".NAME.calldesk-PID-XXXXXXXX.partial", maybe with SQLite's side files after it (a staged restore).
_PARTIAL_NAME = re.compile(r"\..*\.calldesk-(\d+)-[a-z0-9_]{8}\.partial(?:-journal|-wal|-shm)?", re.DOTALL)
_STEM_CHARS = 50  # of the target's name kept in the temporary name (50 4-byte characters still fit in 255 bytes)
START_SLACK = 2.0  # seconds: a process's start time is known to about a second (the boot time is whole seconds)


def checked_target(target: Path, what: str, *, new_only: bool = False) -> Path:
    """`target` as an absolute path once it may be written (InvalidInput saying why not); nothing is created.
    With `new_only` anything already at `target` is refused."""
    path = Path(os.path.abspath(target.expanduser()))
    if not target.name or target.name in (".", ".."):
        raise InvalidInput(f"{target} is a folder; give a file name for the {what}.")
    if len(os.fsencode(path.name)) > 255:
        raise InvalidInput(f"The file name for the {what} is too long ({len(path.name)} characters); give a "
                           "shorter one.")
    try:
        folder = os.stat(path.parent)
    except FileNotFoundError:
        raise InvalidInput(f"No folder {path.parent}; create it first or give another path for the {what}.") from None
    except OSError as exc:
        raise InvalidInput(f"Cannot use the folder {path.parent} for the {what}: {exc.strerror}.") from None
    if not stat.S_ISDIR(folder.st_mode):
        raise InvalidInput(f"{path.parent} is not a folder; give another path for the {what}.")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise InvalidInput(f"Cannot write the {what} to {path}: {exc.strerror}.") from None
    if new_only:
        raise InvalidInput(f"{path} already exists; name a new file for the {what}.")
    if stat.S_ISLNK(info.st_mode):
        raise InvalidInput(f"{path} is a symbolic link; give the {what} a plain file name (links are not followed).")
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"{path} is a folder; give a file name for the {what}.")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{path} is not a regular file (a device or pipe?); give a file name for the {what}.")
    return path


def partial_file(folder: Path, stem: str) -> Path:
    """A new, empty, owner-only file in `folder` whose name says it is this process's unfinished copy."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{stem[:_STEM_CHARS]}.calldesk-{os.getpid()}-",
                                suffix=PARTIAL)  # O_EXCL (no link followed), mode 0600
    os.close(fd)
    return Path(name)


def partial_folder(stem: str) -> Path:
    """A new owner-only folder in the temporary folder for this process's unfinished work (a restore's SQL)."""
    return Path(tempfile.mkdtemp(prefix=f".{stem}.calldesk-{os.getpid()}-", suffix=PARTIAL))


@contextmanager
def replacing(target: Path, what: str, *, new_only: bool = False) -> Iterator[Path]:
    """A new owner-only file under a temporary name beside `target` (checked first), renamed over `target` when
    the block ends (with `new_only`, given that name only if nothing has it); removed instead if the block fails.
    Refusals are InvalidInput."""
    path = checked_target(target, what, new_only=new_only)
    try:
        partial = partial_file(path.parent, path.name)
    except OSError as exc:
        raise InvalidInput(f"Cannot write in {path.parent}: {exc.strerror}.") from None
    try:
        yield partial
        if new_only:
            os.link(partial, path)  # fails if something took the name meanwhile
        else:
            os.replace(partial, path)
    except FileExistsError:
        raise InvalidInput(f"{path} already exists; name a new file for the {what}.") from None
    except OSError as exc:
        raise InvalidInput(f"Cannot write the {what} {path}: {exc.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)


def no_follow(path: str | bytes, flags: int) -> int:
    """An `opener` for open(): the file is opened only if it is not a symbolic link."""
    return os.open(path, flags | os.O_NOFOLLOW, 0o600)


def write_file(target: Path, data: bytes, what: str, *, new_only: bool = False) -> None:
    """`data` written as a new owner-only file at `target` (see `replacing`)."""
    with replacing(target, what, new_only=new_only) as partial, open(partial, "wb", opener=no_follow) as handle:
        handle.write(data)


# --- copies left by killed runs -------------------------------------------------------------------------------

def _start_time(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch), from Linux's /proc; None where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, StopIteration):
        return None


def _in_use(pid: int, written: float) -> bool:
    """Whether process `pid` may still be writing a file last written at `written`: it runs, and it is not a
    newer process that was given a dead one's id (it started before that write)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # (no such process; no process has such an id)
        return False
    except PermissionError:
        pass  # another OS user's process: it runs
    started = _start_time(pid)
    return started is None or started <= written + START_SLACK


def leftovers(folder: Path, *, prefix: str = ".") -> list[Path]:
    """The unfinished copies in `folder` (names starting with `prefix`) whose writing process is gone."""
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        match = _PARTIAL_NAME.fullmatch(entry.name)
        if match is None or not entry.name.startswith(prefix):
            continue
        try:
            written = entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if not _in_use(int(match.group(1)), written):
            found.append(Path(entry.path))
    return sorted(found)


def remove_leftovers(folder: Path, *, prefix: str = ".") -> list[Path]:
    """Remove the unfinished copies in `folder` left by killed runs; returns what was removed."""
    removed = []
    for path in leftovers(folder, prefix=prefix):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue  # (gone meanwhile, or not ours to remove: the next run tries again)
        removed.append(path)
    return removed

