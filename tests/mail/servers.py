"""Real mail servers for the mail tests, started by the test: Debian's dovecot (IMAP) as its own instance with a
config in the test's folder on a free port, and aiosmtpd (SMTP) delivering into the dovecot mailbox."""

from __future__ import annotations

import atexit
import getpass
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "desk", "mailbox-test-secret"


def free_port() -> int:
    """A port the system says is free now (the server binds it right after)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Mailbox:
    port: int
    maildir: Path

    def deliver(self, raw: bytes) -> None:
        """Deliver one message the way an MTA does into a Maildir (tmp, then new)."""
        name = f"{time.time_ns()}.{uuid.uuid4().hex}.calldesk-test"
        tmp = self.maildir / "tmp" / name
        tmp.write_bytes(raw)
        tmp.chmod(0o666)
        tmp.rename(self.maildir / "new" / name)


CONFIG = """protocols = imap
listen = 127.0.0.1
base_dir = {run}/base
state_dir = {run}/state
instance_name = calldesk-test-{tag}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {run}/dovecot.log
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {internal}
mail_location = maildir:{run}/mail/Maildir
first_valid_uid = 0
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={run}/mail
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


@contextmanager
def dovecot(tmp_path: Path) -> Iterator[Mailbox]:
    """A dovecot instance of the test's own, stopped at the end. As root its processes run as `nobody` (dovecot
    serves no mail as root), so its runtime folder is one they can reach (a fresh one under the system's temp)."""
    if not os.path.exists(DOVECOT):
        pytest.skip("dovecot is not installed (scripts/test installs dovecot-imapd)")
    root = os.getuid() == 0
    run = Path(tempfile.mkdtemp(prefix="calldesk-dovecot-"))
    run.chmod(0o755)
    for sub in ("base", "state", "mail/Maildir/new", "mail/Maildir/cur", "mail/Maildir/tmp"):
        (run / sub).mkdir(parents=True, exist_ok=True)
    for folder in (run / "mail", run / "mail/Maildir", *(run / "mail/Maildir").iterdir()):
        folder.chmod(0o777)
    import grp
    import pwd

    internal = "nobody" if root else getpass.getuser()
    uid, gid = (pwd.getpwnam("nobody").pw_uid, pwd.getpwnam("nobody").pw_gid) if root else (os.getuid(),
                                                                                             os.getgid())
    port = free_port()
    config = tmp_path / "dovecot.conf"
    config.write_text(CONFIG.format(run=run, tag=uuid.uuid4().hex[:8], internal=internal,
                                    group=grp.getgrgid(gid).gr_name, password=PASSWORD, uid=uid, gid=gid,
                                    port=port))
    errors = tmp_path / "dovecot.err"
    try:
        with errors.open("wb") as err:  # (a file, not a pipe: the daemon keeps its end open)
            started = subprocess.run([DOVECOT, "-c", str(config)], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=err, timeout=30)
        assert started.returncode == 0, errors.read_text(errors="replace")
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (run / "dovecot.log").read_text(errors="replace")
                time.sleep(0.05)
        yield Mailbox(port, run / "mail" / "Maildir")
    finally:
        pid = (run / "base" / "master.pid")
        master = int(pid.read_text().split()[0]) if pid.exists() else None
        if master is not None:
            os.kill(master, 15)
        # Dovecot takes ~2.5 s to stop: the test does not wait for it (its port was its own); the folder goes once
        # it has stopped, and the run waits for the last of these at its end.
        stopping = threading.Thread(target=_remove_when_stopped, args=(master, run), name="dovecot-stop")
        stopping.start()
        _STOPPING.append(stopping)


_STOPPING: list[threading.Thread] = []
atexit.register(lambda: [thread.join(10) for thread in _STOPPING])


def _remove_when_stopped(master: int | None, run: Path) -> None:
    for _ in range(100 if master is not None else 0):
        try:
            os.kill(master, 0)  # type: ignore[arg-type]
        except ProcessLookupError:
            break
        time.sleep(0.05)
    shutil.rmtree(run, ignore_errors=True)


class IntoMaildir:
    """aiosmtpd's handler: each message accepted is delivered into the mailbox (so the test reads it by IMAP)."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            return "451 4.3.0 Try again later"
        self.mailbox.deliver(envelope.original_content or envelope.content)
        return "250 OK"


@contextmanager
def smtp_into(mailbox: Mailbox) -> Iterator[tuple[int, IntoMaildir]]:
    """An aiosmtpd SMTP server on a free port delivering into `mailbox`; its port and handler (`refuse`)."""
    from aiosmtpd.controller import Controller

    handler = IntoMaildir(mailbox)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()
