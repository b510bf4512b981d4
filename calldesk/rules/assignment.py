"""Routing reaches a person: who of the owner role takes a routed case (issue: work reaches a person).

The owner role comes from triage (and the escalation ladder); this module picks one of that role's active,
present staff who speak the call's language, as the profile says: the fewest open cases, or in turn (round robin).
The person who took the call keeps it when they hold the owner role. When nobody can take it, the case waits in
the role's queue, which every member of the role sees in My work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from calldesk.rules.contact import normalise_name
from calldesk.rules.profile import a_role, role_label, role_rank

ENGLISH = "english"
NO_SIGN_IN = "no sign-in yet: an admin runs db grant"  # why a person is not given work (see Staffer.signs_in)
PLACE_FIELDS = ("school", "department")  # a case's places: what a respondent's schools and departments match


def listed(text: str) -> tuple[str, ...]:
    """'English, Spanish' -> ('English', 'Spanish'): a comma-separated list as stored (a staff member's languages,
    a respondent's schools and departments), each once, blanks dropped."""
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def as_known_place(typed: str, known: Iterable[str]) -> str:
    """A school or department as a respondent's places spell it when it is that place typed in other case or
    spacing ("roosevelt  HIGH" -> "Roosevelt High"): a respondent sees the cases about their places by that
    spelling. Any other place stays as typed."""
    key = normalise_name(typed)
    return next((place for place in known if normalise_name(place) == key), typed)


@dataclass(frozen=True)
class Staffer:
    """A member of staff as routing sees them: role, languages, whether at work today, and their load."""

    username: str
    role: str
    languages: tuple[str, ...] = ()
    present: bool = True
    open_cases: int = 0
    last_assigned: datetime | None = None
    signs_in: bool = True  # has a way into the store (on PostgreSQL: a login role, made by `calldesk db grant`)

    def speaks(self, language: str) -> bool:
        """English is everyone's (the English line); any other language only when listed."""
        wanted = (language or "English").strip().casefold()
        return wanted == ENGLISH or wanted in {lang.casefold() for lang in self.languages}


@dataclass(frozen=True)
class Assignment:
    """Who takes the case (None: it waits in the role's queue) and why, in words."""

    assignee: str | None
    reason: str


def plural(role: str) -> str:
    """"program_specialist" -> "program specialists"."""
    return role_label(role) + "s"


def choose(policy: str, *, owner_role: str, language: str, staff: Iterable[Staffer], opener: str | None = None,
           exclude: Sequence[str] = ()) -> Assignment:
    """The person of `owner_role` who takes a case in `language`: `opener` (who took the call, or who has the
    case) when they hold that role and are present; else the present staff of the role who speak the language
    (never one in `exclude`, e.g. who it is escalated from) by `policy` ("fewest_open": fewest open cases, then
    the longest since their last case; "round_robin": the longest since their last case). Nobody: the role's
    queue."""
    role = a_role(owner_role)
    able = [s for s in staff if s.role == owner_role and s.present and s.speaks(language)
            and s.username not in exclude]
    lang = (language or "English").strip() or "English"
    in_language = "" if lang.casefold() == ENGLISH else f" who speaks {lang}"
    mine = next((s for s in able if s.username == opener), None)
    if mine is not None:
        return Assignment(mine.username, f"Stays with {mine.username}, {role}{in_language}.")
    if not able:
        return Assignment(None, f"No {role_label(owner_role)}{in_language} is at work: it waits in the "
                                f"{plural(owner_role)}' queue.")
    never = datetime.min

    def since(s: Staffer) -> datetime:
        return (s.last_assigned or never).replace(tzinfo=None)

    if policy == "round_robin":
        chosen = min(able, key=lambda s: (since(s), s.username))
        why = "next in turn"
    else:
        chosen = min(able, key=lambda s: (s.open_cases, since(s), s.username))
        why = f"fewest open cases ({chosen.open_cases})"
    return Assignment(chosen.username, f"Assigned to {chosen.username}, {role}{in_language}: {why}.")


def offered(staff: Iterable[Staffer], *, at_least: str = "agent", language: str = "",
            exclude: Sequence[str] = ()) -> list[Staffer]:
    """Whom a person can be given work to (a case assigned, a callback handed on), as a picker lists them: at work
    today (nobody absent is offered), able to sign in (Staffer.signs_in: else it could never be worked), of
    `at_least`'s rank or above (never a respondent: they document their places' cases and take none), speaking
    `language` when the work needs one (English: everyone), not in `exclude` (who has it now); the fewest open
    cases first."""
    floor = max(role_rank(at_least), role_rank("agent"))
    able = [s for s in staff if s.present and s.signs_in and role_rank(s.role) >= floor and s.speaks(language)
            and s.username not in exclude]
    return sorted(able, key=lambda s: (s.open_cases, role_rank(s.role), s.username))


def not_signing_in(staff: Iterable[Staffer]) -> str:
    """The line a people picker shows under its list when some staff are left out for having no way to sign in
    (work given to them could never be worked): who, and what makes them able; empty when there is nobody."""
    names = [s.username for s in staff if not s.signs_in and s.role != "respondent"]
    return f"Not listed ({NO_SIGN_IN}): {', '.join(sorted(names))}." if names else ""


@dataclass
class StaffBoard:
    """The staff and their load while cases are routed one after another (a bulk import routes thousands in one
    transaction): each assignment counts at once, so the next case sees it."""

    staff: list[Staffer] = field(default_factory=list)

    def assign(self, policy: str, *, owner_role: str, language: str, opener: str | None, at: datetime,
               exclude: Sequence[str] = ()) -> Assignment:
        found = choose(policy, owner_role=owner_role, language=language, staff=self.staff, opener=opener,
                       exclude=exclude)
        if found.assignee is not None:
            self.staff = [replace(s, open_cases=s.open_cases + 1, last_assigned=at) if s.username == found.assignee
                          else s for s in self.staff]
        return found
