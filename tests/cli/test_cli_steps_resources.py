"""`calldesk case step|steps`, `report reviews` and `resource list|add|edit|retire` through typer's runner, both
backends (issue 22: every seed step can be recorded)."""

from __future__ import annotations

import json
import time

from tests.cli.test_cli import run
from tests.cli.test_cli_escalation import OPENED, _case, _signed_in_as_supervisor


def test_a_rochester_determination_recorded_and_listed_from_the_cli(db_url: str) -> None:
    number = _case(db_url, "rochester", call_type="concern", category="Transportation",
                   opened_at=OPENED)  # (before the step it records, 30 Nov 10:00)
    code, out, err = run(db_url, "--protocol", "rochester", "case", "steps", number)
    assert code == 0, err
    assert "[ ] determination_told: Parent told the determination on how to proceed - to do" in out
    code, _, err = run(db_url, "--protocol", "rochester", "case", "step", number, "determination_told",
                       "--party", "Mrs. Gomez")
    assert code == 1 and "What was determined" in err and "Traceback" not in err
    code, out, err = run(db_url, "--protocol", "rochester", "case", "step", number, "determination_told",
                         "--party", "Mrs. Gomez", "--note", "A mediation meeting", "--on", "2026-11-30 10:00")
    assert code == 0 and "Recorded on" in out, err
    code, out, _ = run(db_url, "--protocol", "rochester", "case", "steps", number, "--json")
    (step,) = json.loads(out)
    assert step["recorded"]["party"] == "Mrs. Gomez" and step["recorded"]["note"] == "A mediation meeting"
    code, _, err = run(db_url, "--protocol", "rochester", "case", "step", number, "web_review")
    assert code == 1 and "no step 'web_review'" in err


def test_the_resource_directory_and_the_review_summary_from_the_cli(db_url: str) -> None:
    number = _case(db_url, "lausd", call_type="inquiry", category="Enrollment")
    _signed_in_as_supervisor(db_url)
    code, out, err = run(db_url, "resource", "add", "--department", "Family Support Line",
                         "--response", "Parenting classes by phone.", "--keywords", "parenting, classes", "--json")
    assert code == 0, err
    entry = json.loads(out)["id"]
    code, out, err = run(db_url, "resource", "edit", str(entry), "--contact", "(213) 555-0100")
    assert code == 0 and "Changed entry" in out, err
    code, out, _ = run(db_url, "resource", "list", "parenting", "--json")
    assert [(r["department"], r["contact"]) for r in json.loads(out)] == [("Family Support Line", "(213) 555-0100")]
    code, out, err = run(db_url, "resource", "retire", str(entry))
    assert code == 0 and "Retired entry" in out, err
    code, out, _ = run(db_url, "resource", "list", "parenting", "--json")
    assert json.loads(out) == []
    code, _, err = run(db_url, "resource", "retire", "99999")
    assert code == 1 and "No resource directory entry numbered 99999" in err
    code, _, err = run(db_url, "resource", "edit", "99999", "--contact", "(213) 555-0100")
    assert code == 1 and "No resource directory entry numbered 99999" in err, err  # (not "Name the department")
    # The LAUSD checklist has ten points; all met, score 5.
    code, out, err = run(db_url, "case", "review", number, "--score", "5", "--met", "all")
    assert code == 0 and "10 of 10 points met" in out, err
    code, out, err = run(db_url, "report", "reviews", "--json")
    assert code == 0, err
    (person,) = json.loads(out)
    assert (person["person"], person["reviews"], person["average_score"]) == ("ana", 1, 5.0)
    assert person["points"]["note_taking"] == {"met": 1, "of": 1}


def test_a_resource_entrys_keywords_are_held_to_1000_characters_and_read_at_once(db_url: str) -> None:
    # Keywords had no limit, and each was compared with every one before it: 20,000 keywords (100,000 characters)
    # took half a minute, then were kept whole in the directory every agent searches.
    _signed_in_as_supervisor(db_url)
    many = ",".join(f"w{i}" for i in range(20_000))
    started = time.monotonic()
    code, out, err = run(db_url, "resource", "add", "--department", "Family Support Line", "--response", "Call us.",
                         "--keywords", many)
    assert code == 1 and out == "" and err == "error: Keep the keywords to at most 1000 characters.\n", err
    assert time.monotonic() - started < 10
    code, out, err = run(db_url, "resource", "add", "--department", "Family Support Line", "--response", "Call us.",
                         "--keywords", "parenting, Parenting, classes", "--json")
    assert code == 0 and json.loads(out)["keywords"] == "parenting, classes", err
