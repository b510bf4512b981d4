"""Which rows each login sees (row-level security, through the real psql binary and through calldesk's own reads),
an agent's abuse mark on PostgreSQL through her own login, and the trail's key (issue 21)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from calldesk.models import CaseUpdate, FollowUpCreate
from calldesk.rules.free_text import FREE_TEXT
from calldesk.rules.permissions import may
from calldesk.store.read.search import list_cases
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.cases import mark_abuse, update_case
from tests.conftest import TEAM_PLACES, Team
from tests.integration.helpers import call, lausd
from tests.reliability.direct_sql import FINGERPRINT, PEOPLE, ROLE, Seeds, build_team, connect, owner, psql, seed

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)
OWN = {"ana": "agent", "bo": "agent"}  # the logins who see only their own cases and their role's queue


@pytest.fixture(scope="module")
def crew(team_template: str) -> Iterator[tuple[Team, Seeds]]:
    for team in build_team(team_template):
        seeds = seed(team)
        ana, bo, sam = team.name("ana"), team.name("bo"), team.name("sam")
        # Cases of every kind of reach: (assigned_to, opened_by, owner_role, school, department, status).
        kinds = [(ana, None, "agent", "Lincoln High", None, "open"), (bo, ana, "agent", None, None, "open"),
                 (None, None, "agent", "Lincoln High", None, "open"), (bo, bo, "agent", "Lincoln High", None, "open"),
                 (None, None, "specialist", None, None, "open"), (sam, None, "specialist", TEAM_PLACES, None, "open"),
                 (sam, None, "specialist", None, TEAM_PLACES, "open"), (ana, None, "agent", None, None, "closed"),
                 (bo, None, "agent", TEAM_PLACES, None, "closed"), (None, None, "supervisor", None, None, "open")]
        with owner(team) as conn:
            for assigned, opened, role, school, department, status in kinds:
                made = conn.execute(
                    "INSERT INTO cases SELECT (jsonb_populate_record(c, jsonb_build_object("
                    "'previous_assignee', NULL, 'id', "
                    "nextval('cases_id_seq'), 'case_number', 'R-' || currval('cases_id_seq'), 'client_id', "
                    "md5(random()::text), 'assigned_to', %s::text, 'opened_by', coalesce(%s, c.opened_by), "
                    "'owner_role', %s::text, 'school', %s::text, 'department', %s::text, 'status', %s::text))).* "
                    "FROM cases c WHERE id = %s RETURNING id",
                    (assigned, opened, role, school, department, status, seeds.blank)).fetchone()
                assert made is not None
                conn.execute("INSERT INTO followup (case_id, done, pending, by_user, entry_at) "
                             "VALUES (%s, 'seen', '', 'x', now())", (made[0],))
        yield team, seeds


def sees(team: Team, who: str, case: dict[str, Any]) -> bool:
    """README's "Who sees what", stated here apart from calldesk's code: everyone who may work the whole queue sees
    every case; an agent her cases (assigned, opened, or handed on by her until it moves again) and her role's
    unassigned queue; a respondent her places."""
    login, role = team.name(who), ROLE[who]
    if role == "respondent":
        return TEAM_PLACES in (case["school"], case["department"])
    if who in OWN:
        return login in (case["assigned_to"], case["opened_by"], case["previous_assignee"]) or (
            case["assigned_to"] is None and case["owner_role"] == role)
    return True


@pytest.mark.parametrize("who", PEOPLE)
def test_psql_and_calldesk_see_the_same_cases_and_only_those_the_rule_gives(
        backend: str, crew: tuple[Team, Seeds], who: str) -> None:
    team, _ = crew
    with owner(team) as conn:
        cursor = conn.execute("SELECT id, assigned_to, opened_by, previous_assignee, owner_role, school, department "
                              "FROM cases")
        names = [d.name for d in cursor.description or []]
        cases = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    seen = sorted(c["id"] for c in cases if sees(team, who, c))
    ran = psql(team, who, "SELECT count(*) FROM cases; SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') "
                          "FROM cases; SELECT count(DISTINCT case_id) FROM followup;", stop=True)
    assert ran.returncode == 0, ran.stderr
    count, ids, followed = ran.stdout.split()
    assert int(count) == len(seen) and [int(i) for i in ids.split(",")] == seen
    # A case's rows follow it: the follow-ups of the cases seen, no other.
    with owner(team) as conn:
        rows = conn.execute("SELECT count(DISTINCT case_id) FROM followup WHERE case_id = ANY(%s)", (seen,)).fetchone()
    assert rows is not None and int(followed) == rows[0]
    if who in OWN or ROLE[who] == "respondent":
        assert 0 < len(seen) < len(cases), f"{who}'s rule hides nothing: the seeded cases do not probe it"
    else:
        assert len(seen) == len(cases)
    with team.store(who).uow(readonly=True) as uow:  # calldesk's own read, signed in as the login
        listed = list_cases(uow.session, viewer=team.actor(who), status="all")
    assert sorted(c.id for c in listed) == seen


def test_an_agents_abuse_mark_through_her_own_login_leaves_no_narrative_and_no_fingerprint(
        backend: str, crew: tuple[Team, Seeds]) -> None:
    team, _ = crew
    store, ana = team.store("ana"), team.actor("ana")
    case = call(store, ana, call_type="concern", category="Transportation", claim="The bus driver hurt him.",
                evidence="A bruise on the arm.", steps_taken="Called the school.").case
    with store.uow() as uow:
        update_case(uow, actor=ana, profile=lausd(), case_number=case.case_number, expected_version=None,
                    changes=CaseUpdate(claim="The bus driver hit him twice."))
    with store.uow() as uow:
        casework.add_follow_up(uow, actor=ana, profile=lausd(), case_number=case.case_number,
                               data=FollowUpCreate(done="Spoke to the mother about the bruise.", pending="Call back"))
    with connect(team, "ana") as conn:  # and a change of her own straight in SQL (recorded by the database)
        conn.execute("UPDATE cases SET steps_taken = 'Told the principal.', version = version + 1 WHERE id = %s",
                     (case.id,))
        conn.commit()
    fingerprinted = "%[text % chars hmac:%"
    trail = ("SELECT count(*) FROM auditevent WHERE case_id = %s AND (field LIKE %s OR old LIKE %s OR new LIKE %s "
             "OR changes LIKE %s)")
    with owner(team) as conn:
        before = conn.execute(trail, (case.id, *[fingerprinted] * 4)).fetchone()
    assert before is not None and before[0] >= 4, "the trail should hold fingerprints before the mark"
    with store.uow() as uow:
        mark_abuse(uow, actor=ana, case_number=case.case_number)
    with owner(team) as conn:
        row = conn.execute("SELECT abuse_marked, claim, evidence, steps_taken FROM cases WHERE id = %s",
                           (case.id,)).fetchone()
        notes = conn.execute("SELECT done, pending FROM followup WHERE case_id = %s", (case.id,)).fetchall()
        after = conn.execute(trail, (case.id, *[fingerprinted] * 4)).fetchone()
        leftover = conn.execute("SELECT id, action, field, old, new, changes FROM auditevent WHERE case_id = %s "
                                "AND concat(field, old, new, changes) ~ %s", (case.id, FINGERPRINT)).fetchall()
        scrubbed = conn.execute("SELECT actor, new FROM auditevent WHERE case_id = %s "
                                "AND action = 'case.trail_scrubbed'", (case.id,)).fetchall()
    assert row == (True, "", "", "")
    assert sorted(FREE_TEXT["followup"].narrative) == ["done", "pending"] and notes == [("", "")]
    assert after == (0,) and leftover == [], leftover
    assert [actor for actor, _ in scrubbed] == [team.name("ana")] and int(scrubbed[0][1]) >= before[0]


@pytest.mark.parametrize("who", PEOPLE)
def test_no_login_reads_the_trails_key_the_report_roles_read_the_pseudonyms(
        backend: str, crew: tuple[Team, Seeds], who: str) -> None:
    team, _ = crew
    ran = psql(team, who, "SELECT coalesce(string_agg(name, ',' ORDER BY name), '-') FROM storesecret;\n"
                          "\\copy (SELECT name FROM storesecret) TO STDOUT\n"
                          "\\copy storesecret TO STDOUT\n", stop=True)
    assert ran.returncode == 0, ran.stderr
    visible = ",".join(name for name, action in (("cti", "record_phone"), ("pseudonym", "report"))
                       if may(ROLE[who], action)) or "-"
    assert ran.stdout.split("\n")[0] == visible
    with owner(team) as conn:
        key = conn.execute("SELECT value FROM storesecret WHERE name = 'audit'").fetchone()
    assert key is not None and key[0] not in ran.stdout and len(key[0]) == 64


@pytest.mark.parametrize("who", PEOPLE)
def test_the_trails_fingerprint_is_the_hmac_of_the_stores_key(
        backend: str, crew: tuple[Team, Seeds], who: str) -> None:
    """Events written by a login are still fingerprinted, by the database, with the key the login cannot read:
    the same digest Python's hmac gives over the key (read as the owner) and the text."""
    team, seeds = crew
    claim, note = f"{who} heard: the teacher shouted at Ünal. ✓", f"{who}'s note, said twice"
    with connect(team, who) as conn:
        written = conn.execute(
            "INSERT INTO auditevent (at, actor, action, entity, entity_id, case_id, field, old, new, changes) VALUES "
            "(now(), 'x', 'probe.fingerprint', 'case', %s, %s, 'claim', %s, %s, %s) RETURNING old, new, changes",
            (str(seeds.case), seeds.case, note, claim, json.dumps({"claim": [note, claim], "done": [None, note]}))
        ).fetchone()
        conn.commit()
    with owner(team) as conn:
        key = conn.execute("SELECT value FROM storesecret WHERE name = 'audit'").fetchone()
    assert written is not None and key is not None

    def hmac_of(text: str) -> str:
        digest = hmac.new(bytes.fromhex(key[0]), text.encode(), hashlib.sha256).hexdigest()[:32]
        return f"[text {len(text)} chars hmac:{digest}]"

    assert written[:2] == (hmac_of(note), hmac_of(claim))
    assert json.loads(written[2]) == {"claim": [hmac_of(note), hmac_of(claim)], "done": [None, hmac_of(note)]}
    assert all(re.fullmatch(FINGERPRINT, v) for v in written[:2])
