"""`calldesk case import` killed in the middle and run again is exact (every row once, numbers without gaps,
the same routing as an import never interrupted), its audit is one event per change, and its memory does not
grow with the file (streamed, one batch at a time). Real processes, both backends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
HEADER = "client_id,caller_name,phone,call_type,category,school,opened_at,claim\n"
SCHOOLS = ("Roosevelt High", "Lincoln Elementary", "Garfield High")
START = datetime(2025, 1, 2, 8, 0, tzinfo=timezone(timedelta(hours=-8)))


def _line(n: int, days: int = 60) -> str:
    # A few callers call again (repeat links) and schools repeat (trends), across batches.
    caller = n % 37
    opened = START + timedelta(days=(n * days) // 400, minutes=n % 480)  # 400 rows over `days` days
    return (f"r-{n},Caller {caller},(213) 555-{caller:04d},inquiry,Transportation,{SCHOOLS[n % 3]},"
            f"{opened.isoformat()},Bus late {n}\n")


def _calldesk(db_url: str, *args: str) -> subprocess.Popen[str]:
    command = [str(Path(sys.executable).parent / "calldesk"), "--db", db_url, *args]
    return subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _plain(value: object) -> object:
    """A stored time as UTC text to the second, as either backend gives it back (raw SQL)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " ":
        return value[:19]
    return value


def _rows(db_url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [tuple(_plain(v) for v in r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


ROUTED = ("SELECT case_number, client_id, call_type, tier, owner_role, respond_by, resolve_by, next_deadline, "
          "routing_notes FROM cases ORDER BY case_number")


def test_an_import_killed_after_some_batches_resumes_exactly(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text(HEADER + "".join(_line(n) for n in range(400)))
    child = _calldesk(db_url, "case", "import", str(source), "--batch", "40", "--json")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        if _rows(db_url, "SELECT count(*) FROM cases")[0][0] >= 80:
            break
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    kept = _rows(db_url, "SELECT count(*) FROM cases")[0][0]
    assert kept > 0 and kept % 40 == 0 or kept == 400  # whole batches only

    child = _calldesk(db_url, "case", "import", str(source), "--batch", "40", "--json")
    out, err = child.communicate(timeout=180)
    assert child.returncode == 0, err
    summary = json.loads(out)
    assert (summary["imported"], summary["already_present"]) == (400 - kept, kept)
    numbers = [int(n.split("-")[1]) for (n,) in _rows(db_url, "SELECT case_number FROM cases")]
    assert sorted(numbers) == list(range(1, 401))  # no gap, no duplicate

    twin = f"sqlite:///{tmp_path / 'twin.db'}"  # the same file imported in one go
    assert _calldesk(twin, "db", "upgrade").wait() == 0
    child = _calldesk(twin, "case", "import", str(source), "--batch", "40", "--json")
    assert child.communicate(timeout=180) and child.returncode == 0
    assert _rows(db_url, ROUTED) == _rows(twin, ROUTED)
    links = "SELECT c.case_number, l.case_number FROM caselink k JOIN cases c ON c.id = k.case_id " \
            "JOIN cases l ON l.id = k.linked_case_id ORDER BY 1"
    assert _rows(db_url, links) == _rows(twin, links) and len(_rows(db_url, links)) > 100
    assert any("Trend" in str(r[-1]) for r in _rows(db_url, ROUTED))
    # One audit event per change: each case's opening once (all its fields in it), its late intake, its link.
    per_case = _rows(db_url, "SELECT c.case_number, count(*), sum(CASE WHEN a.action = 'case.open' THEN 1 "
                             "ELSE 0 END) FROM auditevent a JOIN cases c ON c.id = a.case_id "
                             "GROUP BY c.case_number")
    assert len(per_case) == 400 and all(opened == 1 for _, _, opened in per_case)
    assert sum(count for _, count, _ in per_case) == 400 + 400 + len(_rows(db_url, links))


def _peak_rss_kib(db_url: str, source: Path) -> int:
    command = [str(Path(sys.executable).parent / "calldesk"), "--db", db_url, "case", "import", str(source),
               "--batch", "100", "--json"]
    child = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)  # nothing to read: the progress bar never blocks
    _, status, usage = os.wait4(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return usage.ru_maxrss


@pytest.mark.serial  # measures the process's memory
def test_import_memory_does_not_grow_with_the_file(db_url: str, tmp_path: Path) -> None:
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    small.write_text(HEADER + "".join(_line(n) for n in range(300)))
    big.write_text(HEADER + "".join(_line(n) for n in range(300))
                   + "".join(_line(n).replace("r-", "s-", 1) for n in range(300, 3000)))
    first = _peak_rss_kib(db_url, small)
    second = _peak_rss_kib(db_url, big)  # ten times the rows, into a store that already holds some
    assert second - first < 40 * 1024, (first, second)
