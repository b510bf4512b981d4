"""Turning what an agent typed into clean case fields, by the rules (one place for every interface)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from calldesk.errors import InvalidInput
from calldesk.rules.abuse import scrub_narrative
from calldesk.rules.assignment import PLACE_FIELDS, as_known_place
from calldesk.rules.consent import RELATIONSHIPS
from calldesk.rules.contact import name_words, normalise_email, normalise_name, normalise_phone
from calldesk.rules.free_text import CASE_NARRATIVE, too_long
from calldesk.rules.open311 import location_problem
from calldesk.rules.profile import CALL_TYPES, Profile
from calldesk.rules.vocabulary import CHANNELS, CONTACT_METHODS, SOURCES
from calldesk.store.db.uow import unstorable
from calldesk.store.read.queries import known_places

M = TypeVar("M", bound=BaseModel)

CHOICES: dict[str, tuple[str, ...]] = {
    "relationship": RELATIONSHIPS,
    "channel": CHANNELS,
    "preferred_contact": CONTACT_METHODS,
    "source": SOURCES,
    "call_type": CALL_TYPES,
}


def clean_fields(values: Mapping[str, Any], profile: Profile, *, abuse_marked: bool) -> dict[str, Any]:
    """Validated, normalised case fields (raises InvalidInput naming the field); derived keys added. `values`
    come from a CaseCreate or CaseUpdate, so their lengths are already the model's (calldesk.models.case)."""
    for key, value in values.items():  # before any lookup uses the value
        problem = unstorable(value) if isinstance(value, str) else None
        if problem:
            raise InvalidInput(f"{key.replace('_', ' ').capitalize()} contains {problem}.", field=key)
    out: dict[str, Any] = dict(scrub_narrative(values) if abuse_marked else values)
    for key, value in list(out.items()):
        if isinstance(value, str):
            out[key] = value.strip() if key not in CASE_NARRATIVE else value.rstrip()
    located = location_problem(out)
    if located is not None:
        raise InvalidInput(located[1], field=located[0])
    refused = too_long("cases", out)  # here too, for an import's rows (inserted in bulk, never flushed one by one)
    if refused is not None:
        raise InvalidInput(refused[1], field=refused[0])
    for key, allowed in CHOICES.items():
        if key in out and out[key] not in allowed:
            label = key.replace("_", " ")
            raise InvalidInput(f"'{out[key]}' is not a {label}: choose one of {', '.join(allowed)}.", field=key)
    if "phone" in out:
        out["phone"] = normalise_phone(out["phone"]) if out["phone"] else None
        out["phone_digits"] = out["phone"].lstrip("+") if out["phone"] else None  # = phone_digits(E.164)
    if "email" in out:
        out["email"] = normalise_email(out["email"]) if out["email"] else None
    if "caller_name" in out:
        out["caller_name_key"] = normalise_name(out["caller_name"])
        out["caller_name_words"] = name_words(out["caller_name"])
    for key in ("school", "department", "category", "subcategory", "address", "address_id", "media_url"):
        if key in out and out[key] == "":
            out[key] = None
    if out.get("category"):
        found = profile.category(out["category"])
        if found is None:
            raise InvalidInput(
                f"'{out['category']}' is not a category of the {profile.title} protocol: pick one from the list.",
                field="category",
            )
        out["category"] = found.name
        sub = out.get("subcategory")
        if sub and sub.casefold() not in {s.casefold() for s in found.subcategories}:
            raise InvalidInput(f"'{sub}' is not a subcategory of {found.name}.", field="subcategory")
    return out


def at_known_places(fields: dict[str, Any], places: Sequence[str]) -> dict[str, Any]:
    """`fields` with their school and department spelled as the respondents' `places` spell them
    (rules.assignment.as_known_place): the respondent of a place sees a case about it however it was typed."""
    return {**fields, **{key: as_known_place(fields[key], places) for key in PLACE_FIELDS if fields.get(key)}}


def spelled_as_known(session: Session, fields: dict[str, Any]) -> dict[str, Any]:
    """at_known_places with the store's places, read only when `fields` name a school or department."""
    return at_known_places(fields, known_places(session)) if any(fields.get(k) for k in PLACE_FIELDS) else fields


def build(model: type[M], **values: Any) -> M:
    """A Create/Update model from typed values; a value the model refuses (too long, wrong type) becomes
    InvalidInput naming the field, never a pydantic error."""
    try:
        return model(**values)
    except ValidationError as exc:
        raise refusal_of(exc) from None


def refusal_of(error: ValidationError) -> InvalidInput:
    """A model's validation error as the sentence a person reads, naming the field (never the value typed)."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else None
    label = (field or "a value").replace("_", " ").capitalize()
    if first["type"] == "string_too_long":  # the model's max_length: the one statement of a text's limit
        return InvalidInput(f"{label} is longer than {first['ctx']['max_length']} characters.", field=field)
    return InvalidInput(f"{label}: {first['msg'].lower()}.", field=field)
