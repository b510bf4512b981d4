"""What a count counts: a duplicate merged into another case is one matter, counted once (as its survivor).

OC CCTS III.A.2.b: the SPPR Analyst eliminates duplicates or consolidates related information. A merged duplicate
stays on file (closed, linked to its survivor, whose history shows both), but every count - the monthly and
quarterly reports, their trends, the tracking logs and the dashboard - leaves it out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from calldesk.models import Case, CaseLink


def counted() -> Any:
    """SQL: the case is not a duplicate merged into another (so it is counted)."""
    # The merged duplicates are few: read once (an index range on kind) and looked up per case, not a correlated
    # probe of the links for each of a period's cases (three quarters of a 1M store's cases have a repeat link).
    merged = select(col(CaseLink.case_id)).where(col(CaseLink.kind) == "merged")
    return col(Case.id).not_in(merged)
