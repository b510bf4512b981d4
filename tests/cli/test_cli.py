"""The admin CLI through typer's runner, on both backends: output, --json, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calldesk.cli import app
from calldesk.models import UserCreate
from calldesk.store.db import users as user_service
from calldesk.store.db.engine import make_engine
from calldesk.store.db.store import open_store
from calldesk.store.db.users import Actor
from calldesk.store.services.reference import ensure_reference
from tests.conftest import ADMIN

runner = CliRunner()


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_user_add_then_list_json_prints_ana_with_her_role(db_url: str) -> None:
    code, out, _ = run(db_url, "user", "add", "ana", "--role", "agent", "--full-name", "Ana López")
    assert code == 0 and "Added ana (agent)" in out
    code, out, _ = run(db_url, "user", "list", "--json")
    assert code == 0
    users = {u["username"]: u for u in json.loads(out)}
    assert users["ana"]["role"] == "agent" and users["ana"]["full_name"] == "Ana López"


def test_user_errors_are_one_line_nonzero_and_change_nothing(db_url: str) -> None:
    run(db_url, "user", "add", "ana", "--role", "agent")
    for args, message in [
        (["user", "add", "bob", "--role", "boss"], "Unknown role 'boss'"),
        (["user", "add", "ana", "--role", "agent"], "already exists"),
        (["user", "set-role", "ghost", "agent"], "No user named 'ghost'"),
        (["user", "add", "bad name", "--role", "agent"], "not a valid user name"),
    ]:
        code, out, err = run(db_url, *args)
        assert code == 1, args
        assert message in err and err.startswith("error:") and len(err.strip().splitlines()) == 1
        assert "Traceback" not in out + err
    code, out, _ = run(db_url, "user", "list", "--json")
    names = [u["username"] for u in json.loads(out)]
    assert len(names) == 2 and "ana" in names and "bob" not in names


def _other_admin_and_os_user_as(db_url: str, role: str) -> None:
    """Give the store a second admin, then make the OS user running the tests a `role`."""
    store = open_store(db_url, configured_user=ADMIN)
    admin = store.actor()
    with store.uow() as uow:
        user_service.add_user(uow, actor=admin, data=UserCreate(username="boss", role="admin"))
        uow.commit()
    with store.uow() as uow:
        user_service.set_role(uow, actor=Actor("boss", "admin"), username=ADMIN, role=role)
        uow.commit()
    store.close()


# On SQLite the acting user is the OS account of the process (its uid), never the environment; PostgreSQL's
# own sign-in is covered by tests/cli/test_postgres_identity.py with real database roles.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_environment_cannot_choose_who_signs_in(db_url: str) -> None:
    _other_admin_and_os_user_as(db_url, "agent")
    claims = {"CALLDESK_USER": "boss", "LOGNAME": "boss", "USER": "boss", "LNAME": "boss", "USERNAME": "boss"}
    result = runner.invoke(app, ["--db", db_url, "user", "add", "eve", "--role", "admin"], env=claims)
    assert result.exit_code == 1 and "Only admins may manage users" in result.stderr
    _, out, _ = run(db_url, "user", "list", "--json")
    assert "eve" not in {u["username"] for u in json.loads(out)}


def test_unknown_and_deactivated_users_are_told_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(url, configured_user="boss", prepare=ensure_reference)  # its only user is someone else
    code, _, err = run(url, "user", "list")
    assert code == 1 and f"calldesk user add {ADMIN}" in err
    with store.uow() as uow:
        user_service.add_user(uow, actor=store.actor(), data=UserCreate(username=ADMIN, role="agent"))
        uow.commit()
    assert run(url, "user", "list")[0] == 0
    with store.uow() as uow:
        user_service.set_active(uow, actor=store.actor(), username=ADMIN, active=False)
        uow.commit()
    store.close()
    code, _, err = run(url, "user", "list")
    assert code == 1 and "deactivated" in err


def test_db_check_reports_a_healthy_store(db_url: str) -> None:
    code, out, _ = run(db_url, "db", "check", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["problems"] == [] and "cases" in report["tables"]


def test_db_check_finds_a_broken_foreign_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    run(url, "db", "upgrade")
    engine = make_engine(url)
    raw = engine.raw_connection()
    raw.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
    raw.driver_connection.execute(  # type: ignore[union-attr]
        "INSERT INTO followup (done, pending, case_id, by_user, entry_at) VALUES ('x', '', 999, 'a', '2026-01-01')")
    raw.close()
    engine.dispose()
    code, _, err = run(url, "db", "check")
    assert code == 1 and "foreign key: followup" in err


def test_backup_and_restore_round_trip(db_url: str, tmp_path: Path) -> None:
    run(db_url, "user", "add", "ana", "--role", "agent")
    target = tmp_path / "backup.bin"
    code, out, _ = run(db_url, "db", "backup", str(target))
    assert code == 0 and target.exists() and "Backup written" in out
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    run(db_url, "user", "add", "bob", "--role", "agent")
    code, _, err = run(db_url, "db", "restore", str(target))
    assert code == 1 and "--force" in err
    code, _, _ = run(db_url, "db", "restore", str(target), "--force")
    assert code == 0
    _, out, _ = run(db_url, "user", "list", "--json")
    names = {u["username"] for u in json.loads(out)}
    assert "ana" in names and "bob" not in names
    code, out, _ = run(db_url, "db", "check")  # on PostgreSQL: the queue's NOTIFY trigger came back too
    assert code == 0 and "cases_changed" not in out


def test_restore_refuses_a_file_that_is_not_a_backup(db_url: str, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    code, _, err = run(db_url, "db", "restore", str(junk), "--force")
    assert code == 1 and ("nothing was restored" in err or "not a calldesk" in err)


def test_bad_database_url_is_one_line(tmp_path: Path) -> None:
    code, out, err = run("mysql://nowhere/db", "user", "list")
    assert code == 1 and "SQLite or PostgreSQL" in err and "Traceback" not in out + err


def test_db_upgrade_creates_an_owner_only_store_in_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = runner.invoke(app, ["user", "list", "--json"])  # a read-only command creates nothing
    assert result.exit_code == 1 and "No calldesk store at" in result.stderr
    assert not (tmp_path / "data" / "calldesk").exists()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["user", "list", "--json"])
    assert result.exit_code == 0, result.stderr
    assert [(u["username"], u["role"]) for u in json.loads(result.stdout)] == [(ADMIN, "admin")]
    store_file = tmp_path / "data" / "calldesk" / "calldesk.db"
    assert oct(store_file.stat().st_mode & 0o777) == "0o600"
    assert oct(store_file.parent.stat().st_mode & 0o777) == "0o700"
    store = open_store(f"sqlite:///{store_file}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM category WHERE protocol = 'lausd'").scalar_one() > 5
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    store.close()


def test_an_unknown_protocol_is_refused_with_the_available_ones(db_url: str) -> None:
    result = runner.invoke(app, ["--db", db_url, "--protocol", "nowhere", "case", "list"])
    assert result.exit_code == 1 and "lausd" in result.stderr and "nowhere" in result.stderr


def test_a_store_opened_under_another_protocol_gets_that_protocols_reference_data(db_url: str) -> None:
    from calldesk.store.services.reference import ensure_reference

    run(db_url, "user", "list")
    for protocol in ("rochester", "oc_ccts"):
        store = open_store(db_url, configured_user=ADMIN, protocol=protocol, prepare=ensure_reference)
        with store.engine.connect() as conn:
            count = conn.exec_driver_sql(f"SELECT count(*) FROM resource WHERE protocol = '{protocol}'").scalar_one()
        store.close()
        assert count > 3, protocol


def test_a_supervisor_must_exist_and_only_calldesk_backups_restore(db_url: str, tmp_path: Path, backend: str) -> None:
    code, _, err = run(db_url, "user", "add", "ana", "--role", "agent", "--supervisor", "ghost")
    assert code == 1 and "No user named 'ghost' to be the supervisor" in err
    if backend == "sqlite":
        import sqlite3

        other = tmp_path / "other.db"
        sqlite3.connect(other).execute("CREATE TABLE notes (x TEXT)").connection.commit()
        code, _, err = run(db_url, "db", "restore", str(other), "--force")
        assert code == 1 and "not a calldesk backup" in err
