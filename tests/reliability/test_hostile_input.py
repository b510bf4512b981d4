"""Hostile input into every CLI command (hypothesis): never a traceback, one line on refusal, the store unchanged
after a refusal. And stored markup and escape sequences shown inert, by the CLI and by the desk's widgets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from typer.testing import CliRunner

from calldesk.cli import app
from calldesk.store.db import maintenance
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.widgets.banner import Banner
from calldesk.widgets.call_bar import CallBar
from tests.cli.test_cli import run
from tests.ui.conftest import fixed_clock

runner = CliRunner()
HOSTILE = ["[/]", "[link=https://evil.example]click[/link]", "[bold red]x", "\x1b[2J\x1b]0;pwned\x07", "ana\n",
           "a" * 300, "\x00", "\ud800", "\u202eevil", "9999-12-31T00:00:00+00:00", "0001-01-01T00:00:00+00:00",
           "-1", "", " ", "../../etc/passwd", "sue", "admin", "2026-000001", "'; DROP TABLE cases; --"]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=80),
                 st.text(alphabet=st.characters(codec=None, categories=["Cc", "Cs", "Cf", "Ps", "Pe"]), max_size=20))
ROLES = st.one_of(st.sampled_from(["agent", "supervisor", "admin", "boss", "[/]"]), text)
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def _snapshot(store: Store) -> dict[str, Any]:
    report = maintenance.check(store.engine)
    _, out, _ = run(store.url, "user", "list", "--json")
    return {"tables": report.tables, "users": out}


def _no_traceback(store: Store, args: list[str]) -> None:
    before = _snapshot(store)
    result = runner.invoke(app, ["--db", store.url, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert "Traceback" not in result.stdout + result.stderr, args
    if result.exit_code != 0:
        if result.exit_code != 2:  # 2: a usage error from the argument parser (an argument like "-1")
            lines = result.stderr.strip().splitlines()
            assert len(lines) <= 1 or all(ln.startswith("row ") for ln in lines[1:]), (args, result.stderr)
        assert _snapshot(store) == before, args


@pytest.mark.slow
@FUZZ
@given(name=text, role=ROLES, full=text, supervisor=st.one_of(st.none(), text))
def test_user_commands(store: Store, name: str, role: str, full: str, supervisor: str | None) -> None:
    _no_traceback(store, ["user", "add", name, "--role", role, "--full-name", full,
                          *(["--supervisor", supervisor] if supervisor is not None else [])])
    for args in (["user", "set-role", name, role], ["user", "deactivate", name], ["user", "activate", name],
                 ["db", "grant", name], ["case", "show", name]):
        _no_traceback(store, args)


@FUZZ
@given(row=st.dictionaries(st.sampled_from(["caller_name", "phone", "email", "call_type", "category", "claim",
                                            "opened_at", "urgent", "client_id", "abuse_marked", "claimm"]),
                           st.one_of(text, st.booleans(), st.integers(), st.none(),
                                     st.lists(st.integers(), max_size=2)), max_size=6),
       as_csv=st.booleans())
def test_case_import(store: Store, tmp_path_factory: pytest.TempPathFactory, row: dict[str, Any],
                     as_csv: bool) -> None:
    folder = tmp_path_factory.mktemp("import")
    if as_csv:
        source = folder / "calls.csv"
        cells = {k: str(v).replace("\n", " ").replace(",", " ").replace('"', " ") for k, v in row.items()}
        try:
            source.write_text(",".join(cells) + "\n" + ",".join(cells.values()) + "\n", encoding="utf-8")
        except UnicodeEncodeError:
            source.write_bytes(b"caller_name\n\xff\xfe\n")
    else:
        source = folder / "calls.json"
        source.write_text(json.dumps([row]), encoding="utf-8")
    _no_traceback(store, ["case", "import", str(source)])


@pytest.mark.slow
@FUZZ
@given(name=text, content=st.binary(max_size=200))
def test_db_commands(store: Store, tmp_path_factory: pytest.TempPathFactory, name: str, content: bytes) -> None:
    folder = tmp_path_factory.mktemp("db")
    safe = "".join(c for c in name if c.isalnum() or c in "._-")[:40] or "x"
    _no_traceback(store, ["db", "backup", str(folder / "missing" / safe)])
    fake = folder / f"{safe}.bin"
    fake.write_bytes(content)
    _no_traceback(store, ["db", "restore", str(fake), "--force"])
    for url in (name, f"sqlite:///{folder / safe / 'missing' / 'x.db'}"):
        result = runner.invoke(app, ["--db", url, "case", "list"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (url, repr(result.exception))
        assert "Traceback" not in result.stdout + result.stderr and not (folder / safe).exists()
    result = runner.invoke(app, ["--db", name, "db", "backup", str(folder / "b.bin")])
    assert result.exception is None or isinstance(result.exception, SystemExit), (name, repr(result.exception))
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_read_command_once(store: Store) -> None:
    for args in (["user", "list"], ["user", "list", "--json"], ["case", "list"], ["case", "list", "--json"],
                 ["case", "list", "--all"], ["case", "list", "--closed", "--json"], ["case", "find", "x"],
                 ["case", "find", "2135550142", "--json"], ["case", "mine"], ["case", "mine", "--json"],
                 ["db", "check"], ["db", "check", "--json"], ["db", "compact"], ["db", "upgrade"]):
        _no_traceback(store, args)


HOSTILE_NAME = "[/] [link=https://evil.example]click[/link] \x1b[2J\x1b]0;pwned\x07 \u202eevil"


def test_stored_markup_and_escapes_are_printed_inert(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    source = tmp_path / "calls.json"
    source.write_text(json.dumps([{"caller_name": HOSTILE_NAME, "phone": "2135550142", "claim": "[/] \x1b[31mred",
                                   "category": "Enrollment"}]))
    code, out, err = run(store.url, "case", "import", str(source))
    assert code == 0, err
    assert run(store.url, "user", "add", "eve", "--role", "agent", "--full-name", "[/] \x1b[2J")[0] == 0
    for args in (["case", "show", "2026-000001"], ["case", "list"], ["user", "list"], ["case", "find", "2135550142"],
                 ["case", "mine"], ["case", "list", "--all"]):
        code, out, err = run(store.url, *args)
        assert code == 0 and "\x1b" not in out + err and "\u202e" not in out, (args, err)
    code, out, _ = run(store.url, "case", "show", "2026-000001")
    assert "[/]" in out and "[link=https://evil.example]" in out and "\\x1b[2J" in out and "\\u202e" in out
    assert "\x1b]8;" not in out  # no terminal hyperlink
    _, out, _ = run(store.url, "user", "list")
    assert "[/]" in out and "\\x1b[2J" in out


class _Widgets(App[None]):
    def compose(self) -> ComposeResult:
        yield Banner(id="banner")
        yield CallBar(fixed_clock, fixed_clock())


async def test_the_desk_shows_hostile_text_inert() -> None:
    app_ = _Widgets()
    async with app_.run_test(size=(100, 10)) as pilot:
        banner = app_.query_one(Banner)
        banner.show(f"Repeat caller: {HOSTILE_NAME}", "warn")
        app_.query_one(CallBar).show_case(f"Case [b]{HOSTILE_NAME}")
        await pilot.pause()
        shown = str(banner.render()) + str(app_.query_one("#case-number").render())
    assert "[/]" in shown and "[link=https://evil.example]" in shown and "\\x1b[2J" in shown
    assert "\x1b" not in shown and "[b]" in shown
