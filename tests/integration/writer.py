"""A separate process that keeps opening cases (for backup-under-load and concurrency tests).

Usage: python -m tests.integration.writer URL USER COUNT
"""

from __future__ import annotations

import sys

from calldesk.models import CaseCreate
from calldesk.profiles import load_profile
from calldesk.store.db.store import open_store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import open_case


def main(url: str, user: str, count: int) -> None:
    store = open_store(url, configured_user=user)
    actor = Actor(user, "agent")
    profile = load_profile("lausd")
    for i in range(count):
        with store.uow() as uow:
            open_case(uow, actor=actor, profile=profile,
                      data=CaseCreate(caller_name=f"Caller {user} {i}", phone=f"213555{i % 10000:04d}",
                                      category="Enrollment", claim="Called again about enrollment"))
    store.close()
    print(f"wrote {count}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
