"""Every free-text column of every table, declared narrative or not: the one list the abuse guard reads.

PROTOCOL.md section 4: a call marked as suspected child abuse keeps no narrative anywhere. A column is
*narrative* when a person types into it what happened or what was said (it could carry an account of abuse):
it is emptied when a call is marked, stays empty afterwards, and the audit trail keeps only a fingerprint of
it. A *form* column holds a whole intake form as JSON: its narrative keys are emptied. Every other text column
is *plain*: codes, names, numbers, dates, the profile's own words and the rules' sentences.

This lives in the rules (pure Python) so the rules, the store and the screens all read the same lists; the
tables are in calldesk.models, and a test enumerates their text columns from the metadata and fails on any
column declared here that does not exist or any text column that is not declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# What stands in for a narrative that must say *why* it is empty (a close reason, an escalation's reason).
ABUSE_PLACEHOLDER = "(suspected child abuse: reported by phone and form, not documented here)"


@dataclass(frozen=True)
class FreeText:
    """One table's text columns by kind."""

    narrative: frozenset[str] = frozenset()
    plain: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()  # JSON of the intake form: its narrative keys are emptied
    # Narrative columns that are replaced by ABUSE_PLACEHOLDER (when they hold text) instead of emptied.
    placeheld: frozenset[str] = frozenset()


def _kinds(narrative: str = "", plain: str = "", forms: str = "", placeheld: str = "") -> FreeText:
    return FreeText(frozenset(narrative.split()), frozenset(plain.split()), frozenset(forms.split()),
                    frozenset(placeheld.split()))


FREE_TEXT: dict[str, FreeText] = {
    "cases": _kinds(
        narrative="claim evidence steps_taken close_reason",
        placeheld="close_reason",
        plain="caller_name relationship phone email preferred_contact language channel source school department "
              "address address_id media_url "
              "category subcategory call_type case_number client_id protocol status phone_digits caller_name_key "
              "caller_name_words "
              "tier owner_role assigned_to previous_assignee opened_by closed_by route_to not_reportable_reason "
              "routing_notes",
    ),
    "followup": _kinds(narrative="done pending", plain="by_user"),
    # The letter's text is about the caller and the case; a supervisor's note on it may quote it: both narrative.
    "resolution": _kinds(narrative="response outcome alleged_violation letter_text letter_note",
                         plain="letter_status letter_path approved_by signed_by updated_by drafted_by returned_by"),
    # How a clock was met and an extension's written notice are what was said to the constituent.
    "clockevent": _kinds(narrative="note", plain="kind event by_user"),
    "planstep": _kinds(narrative="step", plain="by_user"),
    # The signed letter's bytes are the letter itself, not typed narrative; the abuse mark keeps no letter
    # (a marked call has no resolution to write one about).
    "attachment": _kinds(plain="kind filename stored_as sha256 by_user"),
    "escalation": _kinds(narrative="reason", placeheld="reason", plain="kind title to_role by_user"),
    # A referral's note and a meeting's outcome say what happened; office, contact and parties are names.
    "referral": _kinds(narrative="note", plain="kind office contact referred_by"),
    "meeting": _kinds(narrative="outcome", plain="kind place parties scheduled_by outcome_by"),
    # The reviewer's comment is about how the call was documented, but may quote it: narrative.
    "qualityreview": _kinds(narrative="comment", plain="reviewed_by reviewed_person points"),
    # A recorded step's note says what was told or found; the party names who (like a referral's contact).
    "casestep": _kinds(narrative="note", plain="step label party by_user"),
    "callback": _kinds(narrative="message", plain="caller_name phone assigned_to done_by last_attempt"),
    "draft": _kinds(forms="form", plain="client_id owner"),
    # The link's reason is the repeat rule's sentence (dates, case numbers, category), never typed.
    "caselink": _kinds(plain="kind reason created_by"),
    # The consent's purpose names why records are released (FERPA 99.30), not what happened on the call.
    "student": _kinds(plain="name student_ref school"),
    "consent": _kinds(plain="signed_by records purpose recipient recorded_by revoked_by"),
    "disclosure": _kinds(plain="recipient records basis disclosed_by"),
    # old/new/changes hold other columns' values, narrative ones only as fingerprints (calldesk.store.db.audit).
    "auditevent": _kinds(plain="actor action entity entity_id field old new changes"),
    "app_user": _kinds(plain="username full_name role supervisor languages places"),
    "category": _kinds(plain="protocol name parent"),
    "resource": _kinds(plain="protocol department response contact keywords updated_by"),
    # A report holds counts only (its numbers as JSON of counts, never a case's text).
    "report": _kinds(plain="kind period protocol status numbers run_by approved_by"),
    # A reporting-chain step marked done: which, of which period, by whom (no text of a case).
    "reportstep": _kinds(plain="protocol kind period step done_by"),
    # A hold's reason names the matter (a claim number, a court), not what was said on a call.
    "litigationhold": _kinds(plain="reason placed_by"),
    "storesecret": _kinds(plain="name value"),
    # A phone system's event: numbers, ids and names it sent, never words of the call.
    # An email's subject and text are the constituent's words (as a claim is); the rest names who and why.
    "mailmessage": _kinds(narrative="subject body", plain="message_id direction status kind language sender "
                                                         "recipient error by_user"),
    # The web front's accounts and keys: names, a hash, a digest and dates, never a word of a case.
    "webaccount": _kinds(plain="username password_hash created_by"),
    "webkey": _kinds(plain="name digest issued_by revoked_by"),
    "phoneevent": _kinds(plain="call_id event direction from_number to_number phone_digits users queue "
                               "answering_number cause recorded_by"),
    # A blocked number: the number, who blocked it and why (a supervisor's words about the line, not a call's).
    "blockednumber": _kinds(plain="phone phone_digits reason blocked_by"),
}

# The intake form's names for narrative columns that the form names differently from the column.
FORM_NAMES: dict[tuple[str, str], str] = {
    ("followup", "done"): "followup_done",
    ("followup", "pending"): "followup_pending",
}

# Tables whose rows belong to one case through a case_id column (the abuse mark reaches them all).
CASE_ROWS: tuple[str, ...] = ("followup", "resolution", "escalation", "callback", "clockevent", "planstep",
                              "referral", "meeting", "qualityreview", "casestep", "mailmessage")


def narrative_columns(table: str) -> frozenset[str]:
    """The narrative columns of `table` (empty for a table with none)."""
    kinds = FREE_TEXT.get(table)
    return kinds.narrative if kinds is not None else frozenset()


def _narrative_names() -> tuple[str, ...]:
    names: set[str] = set()
    for table, kinds in FREE_TEXT.items():
        for column in kinds.narrative:
            names.add(column)
            names.add(FORM_NAMES.get((table, column), column))
    return tuple(sorted(names))


# The narrative an agent types about a call: the case's narrative columns but the placeheld close reason
# (claim, evidence, steps taken).
CASE_NARRATIVE: tuple[str, ...] = tuple(sorted(FREE_TEXT["cases"].narrative - FREE_TEXT["cases"].placeheld))
# Every name a narrative goes by: the columns, and the intake form's fields (and so the draft's keys).
NARRATIVE_NAMES: tuple[str, ...] = _narrative_names()
# Written into the audit trail only as a fingerprint: every narrative name and every form column.
FINGERPRINTED: frozenset[str] = frozenset(NARRATIVE_NAMES) | frozenset(
    column for kinds in FREE_TEXT.values() for column in kinds.forms)


# The most characters a narrative column holds, for each narrative column whose model sets no max_length (the
# others: close_reason, the resolution's outcome, an email's subject, whose limits are the models' max_length). One
# figure per field, read by the store (every channel: desk, CLI, import, web, email), the web form and the desk.
# A document the constituent writes or the agency answers with (a complaint of several typed pages, the evidence,
# a written response or letter): 20,000 characters, about eight pages of 2,500 characters, as much as an email's
# text opens a case with. A note staff type about one step (what is pending, a referral's note, a callback's
# message): 4,000 characters, about a page and a half.
DOCUMENT = 20_000
NOTE = 4_000


@dataclass(frozen=True)
class Limit:
    """A narrative column's most characters, and its name in a refusal."""

    most: int
    label: str


NARRATIVE_LIMITS: dict[tuple[str, str], Limit] = {
    ("cases", "claim"): Limit(DOCUMENT, "Claim"),
    ("cases", "evidence"): Limit(DOCUMENT, "Evidence"),
    ("cases", "steps_taken"): Limit(DOCUMENT, "Steps taken"),
    ("resolution", "response"): Limit(DOCUMENT, "Response"),
    ("resolution", "alleged_violation"): Limit(DOCUMENT, "Alleged violation"),
    ("resolution", "letter_text"): Limit(DOCUMENT, "The letter's text"),
    ("mailmessage", "body"): Limit(DOCUMENT, "The email's text"),
    ("followup", "done"): Limit(DOCUMENT, "What was done"),
    ("meeting", "outcome"): Limit(DOCUMENT, "The meeting's outcome"),
    ("followup", "pending"): Limit(NOTE, "What is pending"),
    ("resolution", "letter_note"): Limit(NOTE, "The note on the letter"),
    ("clockevent", "note"): Limit(NOTE, "The note"),
    ("planstep", "step"): Limit(NOTE, "The plan's step"),
    ("escalation", "reason"): Limit(NOTE, "The reason"),
    ("referral", "note"): Limit(NOTE, "The referral's note"),
    ("qualityreview", "comment"): Limit(NOTE, "The review's comment"),
    ("casestep", "note"): Limit(NOTE, "The step's note"),
    ("callback", "message"): Limit(NOTE, "The message"),
}


def narrative_limit(table: str, column: str) -> int:
    """The most characters `table`.`column` (a narrative column without a model max_length) holds."""
    return NARRATIVE_LIMITS[(table, column)].most


def too_long(table: str, values: Mapping[str, object]) -> tuple[str, str] | None:
    """(the field's form name, the refusal in one sentence) for the first narrative value of `table` in `values`
    longer than its limit; None when every one fits."""
    for (name, column), limit in NARRATIVE_LIMITS.items():
        value = values.get(column) if name == table else None
        if isinstance(value, str) and len(value) > limit.most:
            return (FORM_NAMES.get((table, column), column),
                    f"{limit.label} is longer than {limit.most:,} characters ({len(value):,} typed): shorten it.")
    return None
