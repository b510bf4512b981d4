"""The protocol profile: an agency's numbers and lists, as validated plain data.

The TOML files under `data/` are read by `calldesk.profiles`; this module only describes their shape,
so rules can take a `Profile` without knowing where it came from.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

Tier = Literal["inquiry_immediate", "inquiry_followup", "concern", "complaint"]
CallType = Literal["compliment", "inquiry", "concern", "complaint"]
DayKind = Literal["business", "school"]
SpanUnit = Literal["hours", "days"]

TIERS: tuple[Tier, ...] = ("inquiry_immediate", "inquiry_followup", "concern", "complaint")
CALL_TYPES: tuple[CallType, ...] = ("compliment", "inquiry", "concern", "complaint")
# Ordered from least to most authority: the order is used to say "at least a program specialist".
ROLES: tuple[str, ...] = ("agent", "program_specialist", "specialist", "supervisor", "admin")

TIER_LABELS: dict[str, str] = {
    "inquiry_immediate": "Inquiry (immediate)",
    "inquiry_followup": "Inquiry (follow-up)",
    "concern": "Concern",
    "complaint": "Complaint",
}
ROLE_LABELS: dict[str, str] = {
    "agent": "an agent",
    "program_specialist": "a program specialist",
    "specialist": "a specialist",
    "supervisor": "a supervisor",
    "admin": "an administrator",
}


def role_rank(role: str) -> int:
    """Position of `role` in `ROLES` (higher means more authority)."""
    return ROLES.index(role)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"'{role}' is not a role; use one of {', '.join(ROLES)}")
    return role


RoleName = Annotated[str, AfterValidator(_check_role)]
# A piece of text the profile cannot do without.
Text = Annotated[str, Field(min_length=1)]


class _Frozen(BaseModel):
    # extra="forbid" turns a misspelt TOML key into an error instead of a silently ignored setting.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Span(_Frozen):
    """A length of time counted on the profile's calendar: open hours or open days."""

    amount: int = Field(ge=0)
    unit: SpanUnit

    def __str__(self) -> str:
        singular = self.unit[:-1]
        return f"{self.amount} {singular if self.amount == 1 else self.unit}"


class TierRule(_Frozen):
    """Who owns a tier and its clocks; an absent span means the protocol sets no such clock."""

    owner_role: RoleName
    respond_within: Span | None = None
    acknowledge_within: Span | None = None
    follow_up_every: Span | None = None
    resolve_target: Span | None = None
    resolve_max: Span | None = None


class Subcategory(_Frozen):
    """A subcategory name (categories list them as plain strings)."""

    name: Text


class Category(_Frozen):
    """A taxonomy category; flags change who handles it or whether it is reported."""

    name: Text
    subcategories: list[str] = Field(default_factory=list)
    special_education: bool = False
    safety: bool = False
    reportable: bool = True
    route_to: str | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _routing_needs_a_place(self) -> Category:
        if not self.reportable and not self.route_to:
            raise ValueError("a category with reportable = false needs route_to (where it is sent)")
        return self


class Resource(_Frozen):
    """An entry of the resource directory: what to tell a caller and whom they can reach."""

    department: Text
    response: Text
    contact: Text
    keywords: list[str] = Field(default_factory=list)


class LadderStep(_Frozen):
    """One rung of the escalation ladder (level 1 is the first escalation)."""

    level: int = Field(ge=1)
    title: Text
    role: RoleName
    # The rung a concern that directly involves the principal is referred to at once (Area Offices step 4).
    when_principal_involved: bool = False


class NotReportable(_Frozen):
    """A kind of matter handled by another mandated process: tracked here, routed there, not reported."""

    kind: Text
    label: Text
    route_to: Text
    reason: Text


class AbuseRules(_Frozen):
    """Where suspected child abuse is reported, and the form that follows."""

    hotline: Text
    hotline_name: Text
    law_enforcement_note: Text
    form: Text
    form_name: Text
    form_within_hours: int = Field(ge=1)


# What a profile may require before a save or a close ("contact": the caller's name, phone or email).
REQUIRABLE: tuple[str, ...] = ("contact", "category", "subcategory", "school", "claim", "evidence", "steps_taken",
                               "response", "outcome")
# Who a requirement applies to: every case, a tier, or a compliment (which has no tier).
REQUIRED_FOR: tuple[str, ...] = ("every_case", *TIERS, "compliment")


def _check_requirements(value: dict[str, list[str]]) -> dict[str, list[str]]:
    for who, names in value.items():
        if who not in REQUIRED_FOR:
            raise ValueError(f"'{who}' is not every_case, a tier or compliment; use one of {', '.join(REQUIRED_FOR)}")
        unknown = [name for name in names if name not in REQUIRABLE]
        if unknown:
            raise ValueError(f"{who}: {', '.join(unknown)} cannot be required; use {', '.join(REQUIRABLE)}")
    return value


Requirements = Annotated[dict[str, list[str]], AfterValidator(_check_requirements)]


class RequiredFields(_Frozen):
    """What must be filled in before a case is saved, and (on top of that) before it is closed."""

    save: Requirements = Field(default_factory=lambda: {"every_case": ["contact", "category"],
                                                        "concern": ["claim"], "complaint": ["claim"]})
    close: Requirements = Field(default_factory=lambda: {
        "inquiry_immediate": ["category", "subcategory", "response"], "inquiry_followup": ["response"],
        "concern": ["response"], "complaint": ["response"]})


class ReportStep(_Frozen):
    """One step of the monthly reporting chain before the report is due (OC CCTS III.B).

    `due = "last_business_day"` is the last business day of the reported month; `due = "business_day"` with
    `day = N` is the Nth business day of the following month. The approved report itself is due on
    `monthly_report_due_day`, which the chain appends as its last step.
    """

    step: Text
    label: Text
    due: Literal["last_business_day", "business_day"]
    day: int | None = Field(default=None, ge=1, le=20)

    @model_validator(mode="after")
    def _business_day_needs_a_number(self) -> ReportStep:
        if self.due == "business_day" and self.day is None:
            raise ValueError("due = \"business_day\" needs day = N (the Nth business day of the next month)")
        return self


class QuarterlyStep(_Frozen):
    """A step of the quarterly chain, due `business_days` after the step before it (the first: after the CEO's
    quarterly report is received); `needs` is the report state that completes it."""

    step: Text
    label: Text
    business_days: int = Field(ge=0, le=30)
    needs: Literal["draft", "approved"] = "draft"


class RetentionClass(_Frozen):
    """How long closed cases of some call types are kept; no call types means every type no other class names."""

    name: Text
    call_types: list[CallType] = Field(default_factory=list)
    years: int = Field(ge=1, le=100)


class Profile(_Frozen):
    """One agency's protocol: calendar, tiers, taxonomy, resources, ladder and thresholds."""

    name: Text
    title: Text
    timezone: str
    day_kind: DayKind
    closures: frozenset[date] = frozenset()
    closure_names: dict[date, str] = Field(default_factory=dict)
    tiers: dict[Tier, TierRule]
    categories: list[Category] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)
    ladder: list[LadderStep] = Field(default_factory=list)
    repeat_window_days: int = Field(ge=1)
    trend_threshold: int = Field(ge=2)
    trend_window_days: int = Field(ge=1)
    callback_within: Span
    intake_within: Span
    appeal_within: Span | None = None
    abuse: AbuseRules
    abuse_keywords: list[str] = Field(default_factory=list)
    not_reportable: list[NotReportable] = Field(default_factory=list)
    monthly_report_due_day: int = Field(ge=1, le=28)
    required: RequiredFields = Field(default_factory=RequiredFields)
    report_chain: list[ReportStep] = Field(default_factory=list)
    quarterly_chain: list[QuarterlyStep] = Field(default_factory=list)
    report_log: Literal["ccts", "ope_matrix", "area_request_log"] = "ccts"
    retention: list[RetentionClass] = Field(default_factory=list)
    # School or office name -> its public street address (the location an Open311 export gives).
    sites: dict[str, str] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a known time zone (e.g. America/Los_Angeles)") from None
        return value

    @field_validator("tiers")
    @classmethod
    def _every_tier(cls, value: dict[Tier, TierRule]) -> dict[Tier, TierRule]:
        missing = [tier for tier in TIERS if tier not in value]
        if missing:
            raise ValueError(f"missing tier(s): {', '.join(missing)}")
        return value

    @field_validator("ladder")
    @classmethod
    def _consecutive_levels(cls, value: list[LadderStep]) -> list[LadderStep]:
        levels = [step.level for step in value]
        if levels != list(range(1, len(value) + 1)):
            raise ValueError(f"levels must run 1, 2, 3... in order; found {levels}")
        return value

    @field_validator("categories")
    @classmethod
    def _unique_categories(cls, value: list[Category]) -> list[Category]:
        seen: set[str] = set()
        for category in value:
            key = category.name.casefold()
            if key in seen:
                raise ValueError(f"category '{category.name}' appears twice")
            seen.add(key)
        return value

    @field_validator("retention")
    @classmethod
    def _one_class_per_call_type(cls, value: list[RetentionClass]) -> list[RetentionClass]:
        seen: set[str] = set()
        catch_all = [c.name for c in value if not c.call_types]
        if len(catch_all) > 1:
            raise ValueError(f"only one class may leave call_types empty; found {', '.join(catch_all)}")
        for retention in value:
            for call_type in retention.call_types:
                if call_type in seen:
                    raise ValueError(f"call type '{call_type}' is in two retention classes")
                seen.add(call_type)
        return value

    def __hash__(self) -> int:
        # Hashable (for caches) although it holds lists; equal profiles share these fields.
        return hash((self.name, self.title, self.timezone, self.day_kind))

    @property
    def tz(self) -> ZoneInfo:
        """The agency's time zone; every deadline is expressed in it."""
        return ZoneInfo(self.timezone)

    def category(self, name: str | None) -> Category | None:
        """The category called `name` (case-insensitive), or None."""
        if not name:
            return None
        return self._categories_by_key.get(" ".join(name.split()).casefold())

    @cached_property
    def _categories_by_key(self) -> dict[str, Category]:
        found: dict[str, Category] = {}
        for category in self.categories:  # the first of a name wins, as a scan finds it
            found.setdefault(category.name.casefold(), category)
        return found

    def not_reportable_kind(self, kind: str) -> NotReportable | None:
        """The non-reportable matter of this `kind`, or None if the profile reports it."""
        for matter in self.not_reportable:
            if matter.kind == kind:
                return matter
        return None
