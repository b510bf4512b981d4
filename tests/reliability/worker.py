"""A separate process that writes to the store, for the concurrency and crash tests.

python -m tests.reliability.worker URL USER follow-ups CASE COUNT   add COUNT follow-ups to CASE
python -m tests.reliability.worker URL USER open COUNT              open COUNT cases, printing each number
                                                                    once its save is acknowledged
"""

from __future__ import annotations

import sys

from calldesk.errors import CalldeskError
from calldesk.models import CaseCreate, FollowUpCreate
from calldesk.profiles import load_profile
from calldesk.store.db.store import open_store
from calldesk.store.db.users import actor_for
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.cases import open_case


def main(url: str, user: str, mode: str, *args: str) -> int:
    store = open_store(url, configured_user=user)
    with store.uow(readonly=True) as uow:  # on PostgreSQL the connection is the owner's: act as `user`
        actor = actor_for(uow.session, user)
    profile = load_profile("lausd")
    failures = 0
    if mode == "follow-ups":
        case_number, count = args[0], int(args[1])
        for i in range(count):
            try:
                with store.uow() as uow:
                    casework.add_follow_up(uow, actor=actor, profile=profile, case_number=case_number,
                                           data=FollowUpCreate(done=f"{user} step {i}", pending=""))
            except CalldeskError as exc:
                failures += 1
                print(f"refused: {exc.message}", file=sys.stderr, flush=True)
    else:
        for i in range(int(args[0])):
            with store.uow() as uow:
                outcome = open_case(uow, actor=actor, profile=profile,
                                    data=CaseCreate(caller_name=f"Caller {user} {i}", phone=f"213555{i % 10000:04d}",
                                                    category="Enrollment", claim="A form was lost."))
            print(outcome.case.case_number, flush=True)  # acknowledged: committed
    store.close()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
