"""Reportability (OC CCTS; PROTOCOL.md section 6): routed elsewhere, still tracked, not reported."""

from __future__ import annotations

import pytest

from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.rules.reportability import reportability
from calldesk.rules.triage import CaseFlags


def test_discrimination_goes_to_the_civil_rights_coordinator(profile: Profile) -> None:
    result = reportability(profile, category="Discrimination")
    assert not result.reportable
    assert result.route_to == "civil rights coordinator"
    assert result.reason and result.reason.startswith("Not reportable:")
    assert len(result.reason) <= 300  # fits the case's not_reportable_reason column


@pytest.mark.parametrize(
    ("category", "route"),
    [
        ("Eligibility and case actions", "the state hearing (appeals) process"),
        ("Court actions and decisions", "the court process (County Counsel)"),
        # OC CCTS policy II: "Complaints regarding existing Federal and State court orders or regulations that
        # SSA must abide with are not reportable."
        ("Regulations SSA must abide by", "the State or Federal agency that issues the regulation"),
        ("Rude or unresponsive employee", None),
        ("Facilities", None),
        (None, None),
    ],
)
def test_oc_categories(category: str | None, route: str | None) -> None:
    result = reportability(load_profile("oc_ccts"), category=category)
    assert result.reportable is (route is None)
    assert result.route_to == route


@pytest.mark.parametrize("matter", ["mandated_appeal", "court_action", "discrimination"])
def test_matters_named_by_the_agent_are_not_reportable(profile: Profile, matter: str) -> None:
    result = reportability(profile, category="Facilities", matters=[matter])
    assert not result.reportable and result.route_to


def test_due_process_flag(lausd: Profile) -> None:
    result = reportability(lausd, category=None, flags=CaseFlags(due_process=True))
    assert not result.reportable and "due process" in (result.reason or "")
    assert reportability(lausd, category=None, flags=CaseFlags()).reportable


def test_unknown_matter_kind_is_reportable(lausd: Profile) -> None:
    assert reportability(lausd, category="Transportation", matters=["parking"]).reportable


def test_oc_complaints_about_regulations_ssa_must_abide_by_are_not_reportable() -> None:
    # OC CCTS policy II names court orders and regulations together: both kinds are in the OC profile.
    oc = load_profile("oc_ccts")
    for matter in ("court_action", "regulation"):
        result = reportability(oc, category="Poor service", matters=[matter])
        assert not result.reportable, matter
    regulation = reportability(oc, category="Poor service", matters=["regulation"])
    assert regulation.reason and "regulations that SSA must abide by" in regulation.reason
    assert reportability(oc, category="Poor service").reportable
