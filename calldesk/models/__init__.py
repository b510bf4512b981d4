"""SQLModel tables and their Create/Update/Public families. No rules, no UI."""

from calldesk.models.audit import AuditEvent, AuditEventPublic, Draft, StoreSecret
from calldesk.models.case import (
    CALL_TYPES,
    CASE_STATUSES,
    CHANNELS,
    CONTACT_METHODS,
    SOURCES,
    Case,
    CaseBase,
    CaseCounter,
    CaseCreate,
    CasePublic,
    CaseUpdate,
)
from calldesk.models.clocks import (
    Attachment,
    AttachmentPublic,
    ClockEvent,
    ClockEventPublic,
    PlanStep,
    PlanStepPublic,
)
from calldesk.models.handling import (
    Meeting,
    MeetingCreate,
    MeetingPublic,
    QualityReview,
    QualityReviewCreate,
    QualityReviewPublic,
    Referral,
    ReferralCreate,
    ReferralPublic,
)
from calldesk.models.mail import MAIL_STATES, MailMessage, MailMessagePublic
from calldesk.models.people import User, UserCreate, UserPublic
from calldesk.models.phone import BlockedNumber, PhoneEvent, PhoneEventPublic
from calldesk.models.reference import Category, Resource
from calldesk.models.reporting import REPORT_STATES, LitigationHold, Report, ReportStepDone
from calldesk.models.steps import CaseStep, CaseStepPublic
from calldesk.models.student import (
    Consent,
    ConsentCreate,
    ConsentPublic,
    Disclosure,
    DisclosurePublic,
    Student,
    StudentCreate,
    StudentPublic,
)
from calldesk.models.types import UTCDateTime, max_length, utcnow
from calldesk.models.web import WebAccount, WebKey, WebKeyPublic
from calldesk.models.work import (
    LETTER_STATES,
    LINK_KINDS,
    Callback,
    CallbackCreate,
    CallbackPublic,
    CaseLink,
    Escalation,
    FollowUp,
    FollowUpCreate,
    FollowUpPublic,
    Resolution,
    ResolutionPublic,
    ResolutionUpdate,
)

__all__ = [
    "Attachment", "AttachmentPublic", "ClockEvent", "ClockEventPublic", "PlanStep", "PlanStepPublic",
    "AuditEvent", "AuditEventPublic", "CALL_TYPES", "CASE_STATUSES", "CHANNELS", "CONTACT_METHODS",
    "Callback", "CallbackCreate", "CallbackPublic", "Case", "CaseBase", "CaseCounter", "CaseCreate",
    "CaseLink", "CasePublic", "CaseUpdate", "Category", "Consent", "ConsentCreate", "ConsentPublic",
    "Disclosure", "DisclosurePublic", "Draft", "Escalation", "FollowUp", "FollowUpCreate",
    "FollowUpPublic", "LETTER_STATES", "LINK_KINDS", "LitigationHold", "REPORT_STATES", "Report", "ReportStepDone",
    "Resolution", "ResolutionPublic",
    "ResolutionUpdate", "Resource", "SOURCES", "StoreSecret", "Student", "StudentCreate", "StudentPublic",
    "UTCDateTime", "User", "UserCreate", "UserPublic", "max_length", "utcnow",
    "Meeting", "MeetingCreate", "MeetingPublic", "QualityReview", "QualityReviewCreate", "QualityReviewPublic",
    "Referral", "ReferralCreate", "ReferralPublic", "CaseStep", "CaseStepPublic", "PhoneEvent", "PhoneEventPublic",
    "BlockedNumber", "MAIL_STATES",
    "MailMessage", "MailMessagePublic", "WebAccount", "WebKey", "WebKeyPublic",
]
