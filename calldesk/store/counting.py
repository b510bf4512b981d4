"""What a count counts: a duplicate merged into another case is one matter, counted once (as its survivor).

OC CCTS III.A.2.b: the SPPR Analyst eliminates duplicates or consolidates related information. A merged duplicate
stays on file (closed, linked to its survivor, whose history shows both), but every count - the monthly and
quarterly reports, their trends, the tracking logs and the dashboard - leaves it out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlmodel import col

from calldesk.models import Case, CaseLink


def counted() -> Any:
    """SQL: the case is not a duplicate merged into another (so it is counted)."""
    merged = select(col(CaseLink.id)).where(col(CaseLink.case_id) == col(Case.id), col(CaseLink.kind) == "merged")
    return ~exists(merged)
