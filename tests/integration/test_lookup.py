"""Caller lookup at scale: any phone format, a partial number, email, name prefix; newest-N per key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from calldesk.rules.repeat import CallerKey
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.queries import caller_history, lookup_callers, priors_for_caller, school_window
from tests.integration.helpers import at, call

ROSA = {"caller_name": "Rosa Delgado", "phone": "(213) 555-0188", "email": "Rosa.D@example.org"}


def _three_calls(store: Store, actor: Actor) -> list[str]:
    numbers = []
    for day in (2, 9, 16):
        numbers.append(call(store, actor, **ROSA, opened_at=at(2026, 11, day), school=f"School {day}").case.case_number)
    call(store, actor, caller_name="Rosalind Park", phone="(213) 555-0199", opened_at=at(2026, 11, 3))
    call(store, actor, caller_name="Omar Haddad", phone="(310) 555-0100", email="omar@example.org",
         opened_at=at(2026, 11, 4))
    return numbers


def test_lookup_finds_a_caller_however_typed(store: Store, staff: dict[str, Actor]) -> None:
    numbers = _three_calls(store, staff["supervisor"])
    newest_first = list(reversed(numbers))
    sue = staff["supervisor"]
    with store.uow(readonly=True) as uow:
        s = uow.session
        for typed in ("(213) 555-0188", "213.555.0188", "+1 213 555 0188", "2135550188"):
            assert [c.case_number for c in lookup_callers(s, typed, viewer=sue)] == newest_first, typed
        partial = [c.caller_name for c in lookup_callers(s, "213-555-01", viewer=sue)]
        assert sorted(set(partial)) == ["Rosa Delgado", "Rosalind Park"]
        assert [c.caller_name for c in lookup_callers(s, "213 555 019", viewer=sue)] == ["Rosalind Park"]
        assert [c.case_number for c in lookup_callers(s, "ROSA.D@example.org", viewer=sue)] == newest_first
        assert [c.caller_name for c in lookup_callers(s, "omar@", viewer=sue)] == ["Omar Haddad"]
        assert {c.caller_name for c in lookup_callers(s, "ros", viewer=sue)} == {"Rosa Delgado", "Rosalind Park"}
        assert {c.caller_name for c in lookup_callers(s, "  ROSA   d", viewer=sue)} == {"Rosa Delgado"}
        # Wildcards are literal.
        assert lookup_callers(s, "ros%", viewer=sue) == [] and lookup_callers(s, "r_sa", viewer=sue) == []
        assert lookup_callers(s, "", viewer=sue) == [] and lookup_callers(s, "zz", viewer=sue) == []
        assert len(lookup_callers(s, "ros", limit=2, viewer=sue)) == 2
        history = caller_history(s, viewer=sue, phone_digits="12135550188", name="Omar Haddad", limit=3)
        assert [c.case_number for c in history] == [*newest_first[:2], "2026-000005"]  # both keys, merged
        priors = priors_for_caller(s, CallerKey("12135550188", "rosa.d@example.org", "rosa delgado"), since_days=10,
                                   now=at(2026, 11, 20))
        assert sorted(p.case_number for p in priors) == sorted(numbers[1:])  # within the window, once each
        assert school_window(s, "School 9", since=at(2026, 10, 21), until=at(2026, 11, 20)) == (1, [numbers[1]])


def test_the_school_window_counts_every_case_in_it_and_names_the_newest_three(store: Store,
                                                                               staff: dict[str, Actor]) -> None:
    """The trend's figures from the store: every case at the school between the two moments (both included),
    however many, and the newest three numbers oldest first; other schools and other moments do not count."""
    opened = [call(store, staff["supervisor"], caller_name=f"Parent {i}", phone=f"(213) 555-01{i:02d}",
                   school="Lincoln High", opened_at=at(2026, 11, 1) + timedelta(hours=i)).case.case_number
              for i in range(8)]
    call(store, staff["supervisor"], caller_name="Other", phone="(213) 555-0999", school="Lincoln Middle",
         opened_at=at(2026, 11, 1, 3))
    with store.uow(readonly=True) as uow:
        s = uow.session
        whole = school_window(s, "Lincoln High", since=at(2026, 10, 1), until=at(2026, 11, 30))
        assert whole == (8, opened[5:])
        edges = school_window(s, "Lincoln High", since=at(2026, 11, 1) + timedelta(hours=2),
                              until=at(2026, 11, 1) + timedelta(hours=4))
        assert edges == (3, opened[2:5])
        assert school_window(s, "Lincoln High", since=at(2026, 11, 2), until=at(2026, 11, 30)) == (0, [])
        assert school_window(s, "Lincoln Middle", since=at(2026, 10, 1), until=at(2026, 11, 30))[0] == 1
        assert school_window(s, None, since=at(2026, 10, 1), until=at(2026, 11, 30)) == (0, [])


def test_lookups_are_range_scans_of_the_key_and_opening_indexes(store: Store, staff: dict[str, Actor]) -> None:
    if store.backend != "sqlite":
        return  # the plan's words are SQLite's; PostgreSQL's figures are in the benchmark
    _three_calls(store, staff["supervisor"])
    now = datetime.now(UTC)
    queries = {
        "ix_case_phone_opened": "SELECT * FROM cases WHERE phone_digits = '1' AND opened_at >= :t "
                                "ORDER BY opened_at DESC LIMIT 50",
        "ix_case_name_opened": "SELECT * FROM cases WHERE caller_name_key = 'x' ORDER BY opened_at DESC LIMIT 20",
        "ix_case_school_opened": "SELECT * FROM cases WHERE school = 'x' AND opened_at >= :t "
                                 "ORDER BY opened_at DESC LIMIT 500",
        "ix_case_email_opened": "SELECT * FROM cases WHERE email = 'x' ORDER BY opened_at DESC LIMIT 20",
    }
    with store.uow(readonly=True) as uow:
        for index, sql in queries.items():
            plan = " ".join(str(r[3]) for r in uow.session.execute(text("EXPLAIN QUERY PLAN " + sql),
                                                                    {"t": now - timedelta(days=30)}))
            assert index in plan and "TEMP B-TREE" not in plan, plan


def test_caller_find_command(db_url: str) -> None:
    from tests.cli.test_cli import run

    assert run(db_url, "demo", "--cases", "50", "--seed", "2")[0] == 0
    code, out, _ = run(db_url, "caller", "find", "m", "--json")
    assert code == 0
    import json

    found = json.loads(out)
    assert found and all(c["caller_name"].lower().startswith("m") for c in found)
    code, out, err = run(db_url, "caller", "find", "nobody at all")
    assert code == 0 and "Caller's cases" in out
