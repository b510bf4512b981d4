"""A PostgreSQL backup is SQL the restorer runs: a tampered one is refused, and `db check` names what is not
calldesk's (issue 21, item 8). Each tampered dump is made the way an attacker with the file would: a store
changed, then backed up with the real `calldesk db backup`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from calldesk.models import AuditEvent, Case
from calldesk.store.db import maintenance
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.integration.helpers import call

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

COPY_CLAIMS = [
    "CREATE TABLE public.claims_copy (claim text)",
    "CREATE FUNCTION public.copy_claims() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS "
    "$$ BEGIN INSERT INTO public.claims_copy VALUES (NEW.claim); RETURN NEW; END $$",
    "CREATE TRIGGER copy_claims AFTER INSERT OR UPDATE ON public.cases FOR EACH ROW "
    "EXECUTE FUNCTION public.copy_claims()",
    "GRANT SELECT ON public.claims_copy TO PUBLIC",
]
# What is beyond calldesk's: the restore refuses the backup.
EXTRAS: dict[str, tuple[list[str], str]] = {
    "a trigger copying every claim into a table anyone reads": (COPY_CLAIMS, "copy_claims"),
    "GRANT ALL to PUBLIC": (["GRANT ALL ON public.cases TO PUBLIC"], "cases grants privileges to PUBLIC"),
    "an extra view over the cases": (["CREATE VIEW public.all_callers AS SELECT caller_name, phone FROM public.cases"],
                                     "all_callers"),
}
# What is missing or changed: the restore makes calldesk's own again (the backup's data is kept).
WEAKENED: dict[str, tuple[list[str], str]] = {
    "no actor trigger": (["DROP TRIGGER auditevent_actor ON public.auditevent"], "auditevent_actor"),
    "row-level security switched off": (["ALTER TABLE public.cases DISABLE ROW LEVEL SECURITY"],
                                        "row-level security"),
    "a changed guard": (["CREATE OR REPLACE FUNCTION public.calldesk_sole() RETURNS boolean LANGUAGE sql STABLE "
                         "SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$ SELECT true $$"],
                        "calldesk_sole"),
}


def _restore(store: Store, path: Path) -> tuple[int, str, str]:
    """`calldesk db restore` with this test's own connections closed first (a restore refuses other sessions)."""
    store.engine.dispose()
    return run(store.url, "db", "restore", str(path), "--force")


def _counts(store: Store) -> tuple[int, int]:
    with store.uow(readonly=True) as uow:
        return (uow.session.exec(select(func.count()).select_from(Case)).one(),
                uow.session.exec(select(func.count()).select_from(AuditEvent)).one())


def _as_owner(store: Store, statements: list[str]) -> None:
    with store.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def _tampered(store: Store, staff: dict[str, Actor], tmp_path: Path, statements: list[str],
              named: str) -> tuple[Path, Path]:
    """A good backup, then the store tampered with (db check names it) and backed up again."""
    call(store, staff["agent"])
    good = tmp_path / "good.dump"
    assert run(store.url, "db", "backup", str(good))[0] == 0
    assert maintenance.check(store.engine).ok
    _as_owner(store, statements)
    problems = maintenance.check(store.engine).problems
    assert any(named in p for p in problems), problems  # db check no longer says "No problems found"
    code, out, err = run(store.url, "db", "check")
    assert code != 0 and named in out + err
    bad = tmp_path / "bad.dump"
    assert run(store.url, "db", "backup", str(bad))[0] == 0
    return good, bad


@pytest.mark.parametrize("kind", sorted(EXTRAS))
def test_a_dump_with_more_than_calldesk_made_is_refused_and_db_check_names_it(
        store: Store, staff: dict[str, Actor], tmp_path: Path, kind: str) -> None:
    statements, named = EXTRAS[kind]
    good, bad = _tampered(store, staff, tmp_path, statements, named)
    # Back to a clean store (the good backup), then the tampered backup is refused and changes nothing.
    assert _restore(store, good)[0] == 0
    assert maintenance.check(store.engine).ok, maintenance.check(store.engine).problems
    before = _counts(store)
    code, out, err = _restore(store, bad)
    assert code != 0 and "not make" in err and named in err, (out, err)
    assert len(err.strip().splitlines()) == 1
    assert _counts(store) == before and maintenance.check(store.engine).ok


@pytest.mark.parametrize("kind", sorted(WEAKENED))
def test_a_dump_with_calldesk_s_rules_weakened_is_restored_with_them_made_again(
        store: Store, staff: dict[str, Actor], tmp_path: Path, kind: str) -> None:
    statements, named = WEAKENED[kind]
    _, bad = _tampered(store, staff, tmp_path, statements, named)
    code, out, err = _restore(store, bad)
    assert code == 0, err
    assert maintenance.check(store.engine).ok, maintenance.check(store.engine).problems
