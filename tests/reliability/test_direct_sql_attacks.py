"""The attacks issue 21 names, and a few more of their kind, each made by a staff login straight at PostgreSQL
(psycopg), never through calldesk. Each must be refused by the database or, where the role table lets the login
make the change, recorded by the database with the login as its actor. Where calldesk.store.db.security promises a
refusal (an abuse mark is never undone, a case is closed only by its assignee or its owner's rank, a letter or a
report is approved only by an approver's role, every row names the login that made it, the counter only moves up),
a change that is merely recorded still fails."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from calldesk.rules.permissions import may
from tests.conftest import Team
from tests.reliability.direct_sql import (
    FINGERPRINT,
    PEOPLE,
    ROLE,
    Seeds,
    attempt,
    build_team,
    connect,
    owner,
    refusal,
    seed,
    trying,
)

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


@pytest.fixture(scope="module")
def crew(team_template: str) -> Iterator[tuple[Team, Seeds]]:
    for team in build_team(team_template):
        yield team, seed(team)


def new_case(team: Team, seeds: Seeds, **columns: Any) -> int:
    """A copy of the shared case (a fresh number), with `columns` set by the owner: each attack has its own."""
    with owner(team) as conn:
        made = conn.execute(
            "INSERT INTO cases SELECT (jsonb_populate_record(c, jsonb_build_object("
            "'previous_assignee', NULL, 'id', nextval('cases_id_seq'), "
            "'case_number', 'X-' || currval('cases_id_seq'), 'client_id', md5(random()::text)))).* "
            "FROM cases c WHERE id = %s RETURNING id", (seeds.case,)).fetchone()
        assert made is not None
        for column, value in columns.items():
            conn.execute(f'UPDATE cases SET "{column}" = %s WHERE id = %s', (value, made[0]))
        return int(made[0])


def refused_as(team: Team, who: str, *statements: str) -> str | None:
    """Run `statements` in one transaction as `who`, rolled back; the refusal the last one met (None: it ran)."""
    with connect(team, who) as conn:
        for sql in statements[:-1]:
            error, _ = attempt(conn, sql)
            assert error is None, f"{who}: {sql}: {error}"
        with trying(conn, statements[-1]) as done:
            pass
        conn.rollback()
    if done.error is None:
        return None
    kind = refusal(done.error)
    assert kind is not None, f"{who}: {statements[-1]}: not a refusal but {done.error}"
    return kind


def case_row(team: Team, case: int) -> dict[str, Any]:
    with owner(team) as conn:
        cursor = conn.execute("SELECT * FROM cases WHERE id = %s", (case,))
        names = [d.name for d in cursor.description or []]
        row = cursor.fetchone()
        assert row is not None
        return dict(zip(names, row, strict=True))


def events(team: Team, case: int, action: str | None = None) -> list[dict[str, Any]]:
    with owner(team) as conn:
        cursor = conn.execute("SELECT * FROM auditevent WHERE case_id = %s AND (%s::text IS NULL OR action = %s) "
                              "ORDER BY id", (case, action, action))
        names = [d.name for d in cursor.description or []]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def test_an_agent_never_undoes_an_abuse_mark_nor_skips_a_version_and_what_she_may_change_is_recorded(
        backend: str, crew: tuple[Team, Seeds]) -> None:
    team, seeds = crew
    attack = "UPDATE cases SET claim = '', abuse_marked = false, assigned_to = current_user{bump} WHERE id = {id}"
    marked = new_case(team, seeds, abuse_marked=True, claim="")
    for who in PEOPLE:  # nobody undoes a mark, whatever version they write
        assert refused_as(team, who, attack.format(bump=", version = version + 1", id=marked)) == "guard", who
    assert case_row(team, marked)["abuse_marked"] is True
    case = new_case(team, seeds, claim="The caller reports a late bus.")
    for bump in ("", ", version = version + 2", ", version = version - 1", ", version = 1"):
        assert refused_as(team, "ana", attack.format(bump=bump, id=case)) == "guard", bump
    before = case_row(team, case)
    with connect(team, "ana") as conn:
        error, rows = attempt(conn, attack.format(bump=", version = version + 1", id=case))
        conn.commit()
    assert error is None and rows == 1
    after = case_row(team, case)
    assert after["version"] == before["version"] + 1 and after["claim"] == "" and not after["abuse_marked"]
    recorded = events(team, case, "db.update")
    assert [e["actor"] for e in recorded] == [team.name("ana")]
    changes = json.loads(recorded[0]["changes"])
    assert changes["assigned_to"] == [None, team.name("ana")]
    assert re.fullmatch(FINGERPRINT, changes["claim"][0]) and changes["claim"][1] == ""
    assert "abuse_marked" not in changes  # (it did not change)


def test_a_case_the_agent_may_not_close_stays_open(backend: str, crew: tuple[Team, Seeds]) -> None:
    team, seeds = crew
    # Ana opened it (she sees it); it is a specialist's, assigned to sam.
    case = new_case(team, seeds, owner_role="specialist", assigned_to=team.name("sam"), opened_by=team.name("ana"))
    close = f"UPDATE cases SET status = 'closed', closed_at = now(), version = version + 1 WHERE id = {case}"
    for who in ("ana", "rex"):
        assert refused_as(team, who, close) == "guard", who
    assert refused_as(team, "sue", close) is None  # (a supervisor may: the probe itself closes a case)
    # The closed case of hers changes only by a reopen, and only an appeal (escalate) reopens.
    closed = new_case(team, seeds, status="closed", opened_by=team.name("ana"), assigned_to=team.name("ana"))
    assert refused_as(team, "ana", f"UPDATE cases SET claim = 'new', version = version + 1 WHERE id = {closed}") \
        == "guard"
    assert refused_as(team, "rex", f"UPDATE cases SET status = 'open', version = version + 1 WHERE id = {closed}") \
        == "guard"
    assert case_row(team, case)["status"] == "open"


@pytest.mark.parametrize("step", ["assigned_to = current_user", "owner_role = 'agent'"])
def test_an_agent_does_not_make_a_case_hers_to_close_it(backend: str, crew: tuple[Team, Seeds], step: str) -> None:
    """Taking the case first (assigning it to herself, or re-typing it as an agent's) must not open the way: the
    service layer lets only a supervisor reassign, and only someone of the owner's rank hand a case down."""
    team, seeds = crew
    case = new_case(team, seeds, owner_role="specialist", assigned_to=team.name("sam"), opened_by=team.name("ana"))
    take = f"UPDATE cases SET {step}, version = version + 1 WHERE id = {case}"
    close = f"UPDATE cases SET status = 'closed', closed_at = now(), version = version + 1 WHERE id = {case}"
    outcome = refused_as(team, "ana", take, close) if refused_as(team, "ana", take) is None else "taking refused"
    assert outcome is not None, f"ana ran {take!r} then {close!r}: a case she may not close is closed"


def test_only_a_supervisor_approves_a_letter_and_the_approver_is_the_login(
        backend: str, crew: tuple[Team, Seeds]) -> None:
    team, seeds = crew
    approve = f"UPDATE resolution SET letter_status = 'approved' WHERE case_id = {seeds.case}"
    for who in PEOPLE:
        outcome = refused_as(team, who, approve)
        assert (outcome is None) == may(ROLE[who], "approve_letter"), (who, outcome)
    fresh = new_case(team, seeds)
    insert = ("INSERT INTO resolution (case_id, response, outcome, letter_status, updated_by, updated_at) "
              f"VALUES ({fresh}, 'r', 'o', 'approved', current_user, now())")
    for who in ("ana", "sam", "adm"):
        assert refused_as(team, who, insert) is not None, who
    with connect(team, "sue") as conn:  # the approver written is the login, whoever the statement names
        row = conn.execute(f"UPDATE resolution SET letter_status = 'approved', approved_by = '{team.name('vic')}' "
                           f"WHERE case_id = {seeds.case} RETURNING approved_by").fetchone()
        conn.rollback()
    assert row == (team.name("sue"),)


def test_a_letter_is_signed_only_once_a_supervisor_approved_it(backend: str, crew: tuple[Team, Seeds]) -> None:
    """The service's chain is draft -> approved (a supervisor) -> signed -> coordinator informed; a signer who goes
    from a draft straight to a signed letter skips the only approval."""
    team, seeds = crew
    case = new_case(team, seeds)
    with owner(team) as conn:
        conn.execute("INSERT INTO resolution (case_id, response, outcome, alleged_violation, letter_status, "
                     "updated_by, updated_at) VALUES (%s, 'r', 'o', 'a violation', 'draft', 'x', now())", (case,))
    for status in ("signed", "coordinator_informed"):
        outcome = refused_as(team, "sam", f"UPDATE resolution SET letter_status = '{status}' WHERE case_id = {case}")
        assert outcome is not None, f"sam moved an unapproved letter from draft to {status}"


def test_a_letter_names_no_approver_who_did_not_approve_it(backend: str, crew: tuple[Team, Seeds]) -> None:
    team, seeds = crew
    case = new_case(team, seeds)
    forged = ("INSERT INTO resolution (case_id, response, outcome, letter_status, approved_by, approved_at, "
              f"updated_by, updated_at) VALUES ({case}, 'r', 'o', 'none', '{team.name('vic')}', now(), "
              f"'{team.name('vic')}', now()) RETURNING approved_by, updated_by")
    with connect(team, "ana") as conn:
        with trying(conn, forged) as done:
            pass
        conn.rollback()
    if done.error is None:
        assert done.returned[0]["approved_by"] is None, "ana wrote a resolution naming vic as its letter's approver"
        assert done.returned[0]["updated_by"] == team.name("ana"), "ana wrote a resolution in vic's name"


def test_only_a_supervisor_writes_a_quality_review_and_in_their_own_name(
        backend: str, crew: tuple[Team, Seeds]) -> None:
    """Reviewing is a supervisor's (and an admin's, who writes every table to maintain the store: the database
    records it); nobody else's login writes a review, and a review is the login's own."""
    team, seeds = crew
    review = ("INSERT INTO qualityreview (case_id, contact_accurate, labelled_right, claim_evidence_written, "
              "urgency, follow_ups_on_time, score, comment, reviewed_by, reviewed_at) "
              f"VALUES ({seeds.case}, true, true, true, true, true, 5, 'fine', '{team.name('vic')}', now()) "
              "RETURNING reviewed_by")
    for who in PEOPLE:
        outcome = refused_as(team, who, review)
        writes = may(ROLE[who], "review_case") or may(ROLE[who], "maintain_store")
        assert outcome == (None if writes else "privilege"), (who, outcome)
    for who in ("sue", "adm"):
        with connect(team, who) as conn:
            assert conn.execute(review).fetchone() == (team.name(who),)
            conn.commit()
    assert [e["actor"] for e in events(team, seeds.case, "db.insert") if e["entity"] == "qualityreview"] == [
        team.name("sue"), team.name("adm")]


def test_a_case_or_a_follow_up_is_written_in_the_logins_name_only(backend: str, crew: tuple[Team, Seeds]) -> None:
    team, seeds = crew
    sue = team.name("sue")
    with connect(team, "ana") as conn:
        opened = conn.execute(
            "INSERT INTO cases SELECT (jsonb_populate_record(c, jsonb_build_object("
            "'previous_assignee', NULL, 'id', nextval('cases_id_seq'), "
            "'case_number', 'F-' || currval('cases_id_seq'), 'client_id', md5(random()::text), "
            f"'opened_by', '{sue}', 'status', 'closed', 'closed_by', '{sue}'))).* FROM cases c WHERE id = {seeds.case} "
            "RETURNING id, opened_by, closed_by").fetchone()
        written = conn.execute("INSERT INTO followup (case_id, done, pending, by_user, entry_at) "
                               f"VALUES ({seeds.case}, 'called', '', '{sue}', now()) RETURNING id, by_user").fetchone()
        conn.commit()
    assert opened is not None and written is not None
    assert opened[1:] == (team.name("ana"), team.name("ana"))
    assert written[1] == team.name("ana")
    assert [e["actor"] for e in events(team, opened[0], "db.insert")] == [team.name("ana")]


def test_a_row_keeps_the_name_of_who_wrote_it(backend: str, crew: tuple[Team, Seeds]) -> None:
    """A follow-up written by sue is not later made hers by another login (the author is fixed, like a case's
    opener: FIXED_COLUMNS)."""
    team, seeds = crew
    with owner(team) as conn:
        row = conn.execute("INSERT INTO followup (case_id, done, pending, by_user, entry_at) "
                           f"VALUES ({seeds.case}, 'x', '', '{team.name('sue')}', now()) RETURNING id").fetchone()
    assert row is not None
    outcome = refused_as(team, "ana", f"UPDATE followup SET by_user = current_user WHERE id = {row[0]}")
    assert outcome is not None, "ana made sue's follow-up hers (UPDATE followup SET by_user)"


def test_the_case_number_counter_only_moves_up(backend: str, crew: tuple[Team, Seeds]) -> None:
    team, _ = crew
    with owner(team) as conn:
        year, last = conn.execute("SELECT year, last FROM casecounter ORDER BY year DESC LIMIT 1").fetchone() or (0, 0)
    resets = [f"UPDATE casecounter SET last = 0 WHERE year = {year}",
              f"UPDATE casecounter SET last = last - 1 WHERE year = {year}",
              f"UPDATE casecounter SET year = year + 1, last = 0 WHERE year = {year}",
              f"INSERT INTO casecounter (year, last) VALUES ({year}, 0) ON CONFLICT (year) DO UPDATE SET last = 0"]
    for who in PEOPLE:
        for sql in resets:
            assert refused_as(team, who, sql) is not None, (who, sql)
        # Nobody deletes a year's counter, admins included (a new row would start the year's numbers again).
        assert refused_as(team, who, f"DELETE FROM casecounter WHERE year = {year}") == "privilege", who
    with owner(team) as conn:
        assert conn.execute("SELECT last FROM casecounter WHERE year = %s", (year,)).fetchone() == (last,)


def test_nobody_changes_or_removes_the_trail(backend: str, crew: tuple[Team, Seeds]) -> None:
    team, seeds = crew
    with owner(team) as conn:
        count = conn.execute("SELECT count(*), max(id) FROM auditevent WHERE case_id = %s", (seeds.case,)).fetchone()
    assert count is not None and count[0] > 0
    for who in PEOPLE:
        for sql in ("UPDATE auditevent SET actor = 'someone', old = NULL, new = NULL, changes = NULL",
                    f"DELETE FROM auditevent WHERE case_id = {seeds.case}", "TRUNCATE auditevent"):
            assert refused_as(team, who, sql) == "privilege", (who, sql)
            # The owner's scrub setting is no key for a login.
            assert refused_as(team, who, f"SELECT set_config('calldesk.forget', '{seeds.case}', false)", sql) \
                == "privilege", who
    with owner(team) as conn:
        assert conn.execute("SELECT count(*), max(id) FROM auditevent WHERE case_id = %s",
                            (seeds.case,)).fetchone() == count


def test_no_login_reads_the_trails_key_by_any_way_in(backend: str, crew: tuple[Team, Seeds]) -> None:
    team, _ = crew
    with owner(team) as conn:
        key = conn.execute("SELECT value FROM storesecret WHERE name = 'audit'").fetchone()
        conn.execute("ANALYZE storesecret")  # statistics that would hold the values (pg_stats)
    assert key is not None
    for who in PEOPLE:
        with connect(team, who) as conn:
            assert conn.execute("SELECT count(*) FROM storesecret WHERE name = 'audit'").fetchone() == (0,)
            stats = conn.execute("SELECT coalesce(string_agg(concat(most_common_vals::text, histogram_bounds::text), "
                                 "''), '') FROM pg_stats WHERE tablename = 'storesecret'").fetchone()
            assert stats is not None and key[0] not in stats[0], who
        for sql in ("SELECT value FROM storesecret FOR UPDATE",
                    "SELECT public.calldesk_trail_value('claim', 'a guess')",
                    "SELECT public.calldesk_hmac('\\x00'::bytea, '\\x00'::bytea)",
                    "UPDATE storesecret SET value = 'x'", "INSERT INTO storesecret VALUES ('audit2', 'x')"):
            assert refused_as(team, who, sql) == "privilege", (who, sql)


def test_a_report_is_approved_only_by_an_approver_and_in_their_own_name(
        backend: str, crew: tuple[Team, Seeds]) -> None:
    """The report guard stands on UPDATE; a report inserted already approved must meet the same rule."""
    team, _ = crew
    insert = ("INSERT INTO report (protocol, kind, period, status, numbers, run_by, run_at, approved_by, approved_at) "
              f"VALUES ('lausd', 'monthly', '{{period}}', 'approved', '{{{{}}}}', 'x', now(), '{team.name('vic')}', "
              "now()) RETURNING approved_by")
    for who in PEOPLE:  # the update path: only a supervisor approves
        outcome = refused_as(team, who, "UPDATE report SET status = 'approved'")
        assert (outcome is None) == may(ROLE[who], "approve_report"), (who, outcome)
    assert refused_as(team, "adm", insert.format(period="2031-01")) is not None, \
        "adm (who may not approve reports) inserted a report already approved, naming vic as its approver"
    with connect(team, "sue") as conn:
        with trying(conn, insert.format(period="2031-02")) as done:
            pass
        conn.rollback()
    assert done.error is not None or done.returned == [{"approved_by": team.name("sue")}], \
        f"sue inserted a report approved in another's name: {done.returned}"


def test_another_persons_absence_set_by_an_agent_is_recorded(backend: str, crew: tuple[Team, Seeds]) -> None:
    """Of the users table a desk login changes only `absent_since` (the service lets only a supervisor set
    another's); whoever's it sets, the database records it."""
    team, _ = crew
    with connect(team, "ana") as conn:
        error, rows = attempt(conn, f"UPDATE app_user SET absent_since = current_date "
                                    f"WHERE username = '{team.name('vic')}'")
        conn.commit()
    if error is None and rows:
        with owner(team) as conn:
            found = conn.execute("SELECT actor, changes FROM auditevent WHERE action = 'db.update' AND entity = "
                                 "'app_user' AND entity_id = (SELECT id::text FROM app_user WHERE username = %s)",
                                 (team.name("vic"),)).fetchall()
        assert [actor for actor, _ in found] == [team.name("ana")] and "absent_since" in json.loads(found[0][1])
    else:
        assert error is not None and refusal(error) is not None, error
    for sql in (f"UPDATE app_user SET role = 'admin' WHERE username = '{team.name('ana')}'",
                f"UPDATE app_user SET active = false WHERE username = '{team.name('vic')}'"):
        assert refused_as(team, "ana", sql) == "privilege", sql


def test_a_draft_is_its_owners_alone(backend: str, crew: tuple[Team, Seeds]) -> None:
    team, seeds = crew
    theirs = seeds.drafts["bo"]
    with connect(team, "ana") as conn:
        assert conn.execute(f"SELECT count(*) FROM draft WHERE id = {theirs}").fetchone() == (0,)
        for sql in (f"UPDATE draft SET form = '{{}}' WHERE id = {theirs}", f"DELETE FROM draft WHERE id = {theirs}"):
            error, rows = attempt(conn, sql)
            assert (error, rows) == (None, 0), sql
        conn.rollback()
    assert refused_as(team, "ana", "INSERT INTO draft (client_id, owner, form, updated_at) "
                                   f"VALUES ('planted', '{team.name('bo')}', '{{}}', now())") == "rls"
    with owner(team) as conn:
        assert conn.execute("SELECT owner FROM draft WHERE id = %s", (theirs,)).fetchone() == (team.name("bo"),)


def test_nothing_is_written_on_a_case_the_login_does_not_see(backend: str, crew: tuple[Team, Seeds]) -> None:
    team, seeds = crew
    hidden = new_case(team, seeds, owner_role="supervisor", assigned_to=team.name("vic"), school="Hidden High")
    with owner(team) as conn:
        conn.execute("INSERT INTO followup (case_id, done, pending, by_user, entry_at) "
                     "VALUES (%s, 'hidden note', '', 'x', now())", (hidden,))
    for who in ("ana", "bo", "rex"):
        with connect(team, who) as conn:
            for sql in (f"UPDATE cases SET claim = 'x', version = version + 1 WHERE id = {hidden}",
                        f"UPDATE followup SET done = 'x' WHERE case_id = {hidden}",
                        f"DELETE FROM planstep WHERE case_id = {hidden}",
                        f"SELECT public.calldesk_forget_narrative({hidden})"):
                error, rows = attempt(conn, sql)
                assert rows == 0 or error is not None, (who, sql)
            conn.rollback()
        assert refused_as(team, who, "INSERT INTO followup (case_id, done, pending, by_user, entry_at) "
                                     f"VALUES ({hidden}, 'planted', '', 'x', now())") == "rls", who
    with owner(team) as conn:
        assert conn.execute("SELECT claim, version FROM cases WHERE id = %s", (hidden,)).fetchone() == (
            case_row(team, seeds.case)["claim"], case_row(team, hidden)["version"])
        assert conn.execute("SELECT done FROM followup WHERE case_id = %s", (hidden,)).fetchall() == [("hidden note",)]
