"""A supervisor assigns cases to people: one case, or several at once from the queue (one action, one transaction).
Routing's own assignments are in calldesk.store.services.cases (`assign`) and calldesk.rules.assignment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.models import Case, CasePublic, utcnow
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, actor_for, authorise
from calldesk.store.services.cases import assign, load_for_change


def reassign(uow: UnitOfWork, *, actor: Actor, case_number: str, to_user: str,
             expected_version: int | None = None) -> CasePublic:
    """Assign a case to a named, active user, or move it to another (supervisors only); refused for a closed
    case, one already theirs, or one saved by someone else since `expected_version`."""
    versions = {case_number: expected_version} if expected_version is not None else {}
    return assign_cases(uow, actor=actor, case_numbers=[case_number], to_user=to_user, expected_versions=versions)[0]


def assign_cases(uow: UnitOfWork, *, actor: Actor, case_numbers: Sequence[str], to_user: str,
                 expected_versions: Mapping[str, int] | None = None) -> list[CasePublic]:
    """Assign several cases to one named, active user at once (supervisors, from the queue): one action, one
    transaction, so every case is assigned or, if one is refused (closed, changed since the version the
    supervisor saw, not found), none is. Cases already theirs stay as they are (one alone is refused)."""
    actor = authorise(uow, actor, "reassign")
    if not case_numbers:
        raise InvalidInput("Pick at least one case to assign.", field="case_numbers")
    target = actor_for(uow.session, to_user)
    if target.role == "respondent":
        raise RuleRefused(f"{target.username} is a respondent: respondents document their places' cases and are "
                          "not assigned any.")
    versions = expected_versions or {}
    done: list[Case] = []
    for case_number in dict.fromkeys(case_numbers):
        case = load_for_change(uow.session, case_number, versions.get(case_number), viewer=actor)
        if case.status == "closed":
            raise RuleRefused(f"Case {case_number} is closed; it can no longer be assigned.")
        if case.assigned_to == target.username:
            if len(case_numbers) == 1:
                raise RuleRefused(f"Case {case_number} is already assigned to {target.username}.")
            done.append(case)
            continue
        audit.record(uow.session, actor=actor.username, action="case.reassign", entity="case",
                     entity_id=case_number, case_id=case.id, field="assigned_to", old=case.assigned_to,
                     new=target.username)
        assign(case, target.username, at=utcnow())
        case.updated_at = utcnow()
        done.append(case)
    uow.commit()
    return [CasePublic.model_validate(case) for case in done]
