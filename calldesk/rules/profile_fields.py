"""The profile's field marks and fixed vocabularies: the `Valid` mark pydantic reads when it checks the profile
files, the frozen records' base, the tiers, call types and roles with their labels. `calldesk.rules.profile` uses
them (and re-exports them) to describe a profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal


class Valid:
    """A field's bounds (pydantic Field's: ge, le, min_length) and a check run after them (`after`, the part of
    pydantic's AfterValidator), applied when pydantic validates the field; pydantic is imported only then."""

    def __init__(self, after: Callable[[Any], Any] | None = None, **bounds: int) -> None:
        self.after = after
        self.bounds = bounds

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic import Field
        from pydantic_core import core_schema

        schema = handler(Annotated[source, Field(**self.bounds)]) if self.bounds else handler(source)  # type: ignore[call-overload]
        return core_schema.no_info_after_validator_function(self.after, schema) if self.after else schema


Tier = Literal["inquiry_immediate", "inquiry_followup", "concern", "complaint"]
CallType = Literal["compliment", "inquiry", "concern", "complaint"]
DayKind = Literal["business", "school"]
SpanUnit = Literal["hours", "days"]

TIERS: tuple[Tier, ...] = ("inquiry_immediate", "inquiry_followup", "concern", "complaint")
CALL_TYPES: tuple[CallType, ...] = ("compliment", "inquiry", "concern", "complaint")
# Ordered from least to most authority: the order is used to say "at least a program specialist". A respondent
# (a school or department administrator, Area Offices) documents the resolution of their own place's cases.
ROLES: tuple[str, ...] = ("respondent", "agent", "program_specialist", "specialist", "supervisor", "admin")

TIER_LABELS: dict[str, str] = {
    "inquiry_immediate": "Inquiry (immediate)",
    "inquiry_followup": "Inquiry (follow-up)",
    "concern": "Concern",
    "complaint": "Complaint",
}
# How a role is named in a sentence ("program_specialist" -> "program specialist"): the one table, for the README's
# role table, refusals, routing notes and screens.
ROLE_LABELS: dict[str, str] = {role: role.replace("_", " ") for role in ROLES}


def role_label(role: str) -> str:
    """The role in words ("program specialist"); a role calldesk does not know, as it is written."""
    return ROLE_LABELS.get(role, role.replace("_", " "))


def a_role(role: str) -> str:
    """The role in words with its article: "a program specialist", "an agent"."""
    label = role_label(role)
    return f"{'an' if label[:1] in tuple('aeiou') else 'a'} {label}"


def role_rank(role: str) -> int:
    """Position of `role` in `ROLES` (higher means more authority)."""
    return ROLES.index(role)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"'{role}' is not a role; use one of {', '.join(ROLES)}")
    return role


RoleName = Annotated[str, Valid(_check_role)]
# A piece of text the profile cannot do without.
Text = Annotated[str, Valid(min_length=1)]


class _Frozen:
    # extra="forbid" turns a misspelt TOML key into an error instead of a silently ignored setting.
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
