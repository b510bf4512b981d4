"""The protocol profile: an agency's numbers and lists, as validated plain data.

The TOML files under `data/` are read by `calldesk.profiles`; this module only describes their shape,
so rules can take a `Profile` without knowing where it came from.

The records are frozen standard dataclasses, not pydantic models: importing the rules (on the way to an agent's
first call) does not load pydantic. `calldesk.profiles` validates the files against these classes with pydantic
(a TypeAdapter), which reads the `Valid` marks on the fields (bounds and field checks) and `__pydantic_config__`;
a check of a whole record is its `__post_init__`, which runs on every construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The profile's vocabulary (calldesk.rules.profile_fields), imported by the rest of calldesk from here.
from calldesk.rules.mail import LanguageCode, MailTemplates
from calldesk.rules.profile_fields import (
    CALL_TYPES,  # noqa: F401
    ROLE_LABELS,  # noqa: F401
    ROLES,  # noqa: F401
    TIER_LABELS,  # noqa: F401
    TIERS,
    CallType,
    DayKind,
    RoleName,
    SpanUnit,
    Text,
    Tier,
    Valid,
    _Frozen,
    a_role,  # noqa: F401
    role_label,  # noqa: F401
    role_rank,  # noqa: F401
)
from calldesk.rules.taxonomy import Category as Category
from calldesk.rules.taxonomy import Subcategory as Subcategory


@dataclass(frozen=True, kw_only=True)
class Span(_Frozen):
    """A length of time counted on the profile's calendar: open hours or open days."""

    amount: Annotated[int, Valid(ge=0)]
    unit: SpanUnit

    def __str__(self) -> str:
        singular = self.unit[:-1]
        return f"{self.amount} {singular if self.amount == 1 else self.unit}"


@dataclass(frozen=True, kw_only=True)
class TierRule(_Frozen):
    """Who owns a tier and its clocks; an absent span means the protocol sets no such clock."""

    owner_role: RoleName
    respond_within: Span | None = None
    acknowledge_within: Span | None = None
    follow_up_every: Span | None = None
    resolve_target: Span | None = None
    resolve_max: Span | None = None


@dataclass(frozen=True, kw_only=True)
class Resource(_Frozen):
    """An entry of the resource directory: what to tell a caller and whom they can reach."""

    department: Text
    response: Text
    contact: Text
    keywords: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class LadderStep(_Frozen):
    """One rung of the escalation ladder (level 1 is the first escalation)."""

    level: Annotated[int, Valid(ge=1)]
    title: Text
    role: RoleName
    # The rung a concern that directly involves the principal is referred to at once (Area Offices step 4).
    when_principal_involved: bool = False
    # The rung a written appeal of a decision goes to (Area Offices step 4: the Associate Superintendent).
    hears_appeals: bool = False


@dataclass(frozen=True, kw_only=True)
class StepRule(_Frozen):
    """A step of the protocol recorded on a case (who, when, a note): which cases it applies to (empty lists:
    all), who may record it, by when (from the case's opening) and what it must be recorded before."""

    name: Annotated[str, Valid(min_length=1, max_length=40)]
    label: Text
    roles: list[RoleName] = field(default_factory=list)  # empty: everyone who documents cases
    role_title: str = ""  # the seed's name for who records it ("the deputy director or designee")
    call_types: list[CallType] = field(default_factory=list)
    tiers: list[Tier] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    about_school: bool = False  # only cases about a school
    party: str = ""  # when set, the question naming who was contacted or told (required)
    happened: bool = False  # asks when it happened (default: now)
    taken_by_caller: bool = False  # the caller's own step before calling (a building-level attempt): its date may
    #                                come before the case's opening, which no step done on the case may
    note: str = ""  # when set, the question the note answers (required)
    due_within: Span | None = None
    before: list[Literal["resolve", "close"]] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ReviewPoint(_Frozen):
    """A point of the supervisor's quality review checklist."""

    name: Annotated[str, Valid(min_length=1, max_length=40)]
    label: Text


@dataclass(frozen=True, kw_only=True)
class NotReportable(_Frozen):
    """A kind of matter handled by another mandated process: tracked here, routed there, not reported."""

    kind: Text
    label: Text
    route_to: Text
    reason: Text


@dataclass(frozen=True, kw_only=True)
class AbuseRules(_Frozen):
    """Where suspected child abuse is reported, and the form that follows."""

    hotline: Text
    hotline_name: Text
    law_enforcement_note: Text
    form: Text
    form_name: Text
    form_within_hours: Annotated[int, Valid(ge=1)]


# What a profile may require before a save or a close ("contact": the caller's name, phone or email), each with
# the form field it names and the sentence an agent reads when it is empty (calldesk.rules.required).
REQUIREMENTS: dict[str, tuple[str, str]] = {
    "contact": ("caller_name", "Enter the caller's name, phone or email."),
    "category": ("category", "Pick the call's category."),
    "subcategory": ("subcategory", "Pick the call's subcategory."),
    "school": ("school", "Name the school involved."),
    "claim": ("claim", "Write the caller's claim: what they say happened."),
    "evidence": ("evidence", "Write the evidence behind the claim."),
    "steps_taken": ("steps_taken", "Write the steps the caller already took."),
    "response": ("response", "Write the response/resolution on the Resolution tab."),
    "outcome": ("outcome", "Write the outcome on the Resolution tab."),
}
REQUIRABLE: tuple[str, ...] = tuple(REQUIREMENTS)
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


Requirements = dict[str, list[str]]


@dataclass(frozen=True, kw_only=True)
class RequiredFields(_Frozen):
    """What must be filled in before a case is saved, and (on top of that) before it is closed."""

    save: Requirements = field(default_factory=lambda: {"every_case": ["contact", "category"],
                                                        "concern": ["claim"], "complaint": ["claim"]})
    close: Requirements = field(default_factory=lambda: {
        "inquiry_immediate": ["category", "subcategory", "response"], "inquiry_followup": ["response"],
        "concern": ["response"], "complaint": ["response"]})

    def __post_init__(self) -> None:
        for stage in ("save", "close"):
            try:
                _check_requirements(getattr(self, stage))
            except ValueError as exc:
                raise ValueError(f"{stage}: {exc}") from None


@dataclass(frozen=True, kw_only=True)
class ReportStep(_Frozen):
    """One step of the monthly reporting chain before the report is due (OC CCTS III.B).

    `due = "last_business_day"` is the last business day of the reported month; `due = "business_day"` with
    `day = N` is the Nth business day of the following month. The approved report itself is due on
    `monthly_report_due_day`, which the chain appends as its last step.
    """

    step: Text
    label: Text
    due: Literal["last_business_day", "business_day"]
    day: Annotated[int, Valid(ge=1, le=20)] | None = None
    # Who marks the step done (`calldesk report step`): the roles of the seed's people who do it.
    by: list[RoleName] = field(default_factory=lambda: ["supervisor"])

    def __post_init__(self) -> None:
        if self.due == "business_day" and self.day is None:
            raise ValueError("due = \"business_day\" needs day = N (the Nth business day of the next month)")


@dataclass(frozen=True, kw_only=True)
class QuarterlyStep(_Frozen):
    """A step of the quarterly chain, due `business_days` after the step before it (the first: after the CEO's
    quarterly report is received); `by`: the roles who mark it done."""

    step: Text
    label: Text
    business_days: Annotated[int, Valid(ge=0, le=30)]
    by: list[RoleName] = field(default_factory=lambda: ["supervisor"])


@dataclass(frozen=True, kw_only=True)
class OwnSetting(_Frozen):
    """A number (or rule) of the profile that its seed does not set: the agency chose it. `setting` names the
    profile key ("tiers.complaint.resolve_target"); `note` says where it came from."""

    setting: Text
    note: Text


@dataclass(frozen=True, kw_only=True)
class RetentionClass(_Frozen):
    """How long closed cases of some call types are kept; no call types means every type no other class names."""

    name: Text
    call_types: list[CallType] = field(default_factory=list)
    years: Annotated[int, Valid(ge=1, le=100)]


def _known_settings(value: list[OwnSetting]) -> list[OwnSetting]:
    from dataclasses import fields

    known = {f.name for f in fields(Profile)}
    for own in value:
        top = own.setting.split(".")[0]
        if top not in known:
            raise ValueError(f"'{own.setting}' is not a setting of the profile; name one of its keys, e.g. tiers")
    return value


def _known_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{value}' is not a known time zone (e.g. America/Los_Angeles)") from None
    return value


def _every_tier(value: dict[Tier, TierRule]) -> dict[Tier, TierRule]:
    missing = [tier for tier in TIERS if tier not in value]
    if missing:
        raise ValueError(f"missing tier(s): {', '.join(missing)}")
    return value


def _consecutive_levels(value: list[LadderStep]) -> list[LadderStep]:
    levels = [step.level for step in value]
    if levels != list(range(1, len(value) + 1)):
        raise ValueError(f"levels must run 1, 2, 3... in order; found {levels}")
    return value


def _unique_names(value: list[Any]) -> list[Any]:
    names = [item.name.casefold() for item in value]
    twice = [item.name for i, item in enumerate(value) if names.index(names[i]) != i]
    if twice:
        raise ValueError(f"'{twice[0]}' appears twice")
    return value


def _one_class_per_call_type(value: list[RetentionClass]) -> list[RetentionClass]:
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


def _letter_template(value: str) -> str:
    from calldesk.rules.letter import template_fields

    template_fields(value)
    return value


@dataclass(frozen=True, kw_only=True)
class Profile(_Frozen):
    """One agency's protocol: calendar, tiers, taxonomy, resources, ladder and thresholds."""

    name: Text
    title: Text
    timezone: Annotated[str, Valid(_known_timezone)]
    day_kind: DayKind
    closures: frozenset[date] = frozenset()
    closure_names: dict[date, str] = field(default_factory=dict)
    tiers: Annotated[dict[Tier, TierRule], Valid(_every_tier)]
    categories: Annotated[list[Category], Valid(_unique_names)] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    ladder: Annotated[list[LadderStep], Valid(_consecutive_levels)] = field(default_factory=list)
    repeat_window_days: Annotated[int, Valid(ge=1)]
    trend_threshold: Annotated[int, Valid(ge=2)]
    trend_window_days: Annotated[int, Valid(ge=1)]
    callback_within: Span
    intake_within: Span
    appeal_within: Span | None = None
    abuse: AbuseRules
    abuse_keywords: list[str] = field(default_factory=list)
    not_reportable: list[NotReportable] = field(default_factory=list)
    monthly_report_due_day: Annotated[int, Valid(ge=1, le=28)]
    required: RequiredFields = field(default_factory=RequiredFields)
    report_chain: list[ReportStep] = field(default_factory=list)
    # Who marks the last monthly step (the approved report submitted) done.
    report_submitted_by: list[RoleName] = field(default_factory=lambda: ["supervisor"])
    quarterly_chain: list[QuarterlyStep] = field(default_factory=list)
    # The numbers the seed does not set: the agency's own settings, shown as such wherever they are shown.
    own_settings: Annotated[list[OwnSetting], Valid(_known_settings)] = field(default_factory=list)
    report_log: Literal["ccts", "ope_matrix", "area_request_log"] = "ccts"
    retention: Annotated[list[RetentionClass], Valid(_one_class_per_call_type)] = field(default_factory=list)
    # How many days the phone system's events are kept (a call linked to a case: as long as the case).
    phone_events_kept_days: Annotated[int, Valid(ge=1, le=36600)] = 365
    # School or office name -> its public street address (the location an Open311 export gives).
    sites: dict[str, str] = field(default_factory=dict)
    # How a routed case reaches a person of its owner role: the one with the fewest open cases, or in turn.
    assignment: Literal["fewest_open", "round_robin"] = "fewest_open"
    # Whether one person may do what the protocol gives to two (approve a letter and sign it): on a one-person
    # store such a step is then done and marked so in the audit trail; otherwise it is refused.
    one_person_office: bool = False
    # The response letter's words (LAUSD step 5): {placeholders} filled from the case (calldesk.rules.letter).
    letter_template: Annotated[str, Valid(_letter_template)] = ""
    # Said to the agent at the top of the intake (LAUSD Step 1: the introduction and LAST).
    intake_prompt: str = ""
    # The category a case opened from an email takes until a person reads it (a name in the taxonomy; empty: the
    # mailbox opens no cases and keeps every new message aside for a person).
    mail_category: str = ""
    # The email out (acknowledgement, written response, letter) per language code: the caller's language when
    # given here, else mail_language's, else calldesk's English words (calldesk.rules.mail.mail_words).
    mail_templates: MailTemplates = field(default_factory=dict)
    mail_language: LanguageCode = "en"
    # Steps of the protocol recorded on a case (calldesk.rules.case_steps) and the quality review's points.
    steps: Annotated[list[StepRule], Valid(_unique_names)] = field(default_factory=list)
    review_checklist: Annotated[list[ReviewPoint], Valid(_unique_names)] = field(default_factory=list)

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
