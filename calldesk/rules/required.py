"""Required fields by tier: what the profile says must be filled in before a save and before a close."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from calldesk.rules.abuse import NARRATIVE_FIELDS
from calldesk.rules.profile import REQUIREMENTS, Profile, Tier

Stage = Literal["save", "close"]

# Each requirement: the form field the message goes under, and the sentence the agent reads; stated once with
# what a profile may require (rules.profile.REQUIREMENTS, whose keys are REQUIRABLE).
SENTENCES: dict[str, tuple[str, str]] = REQUIREMENTS


def _filled(values: Mapping[str, Any], name: str) -> bool:
    if name == "contact":
        return any(str(values.get(key) or "").strip() for key in ("caller_name", "phone", "email"))
    return bool(str(values.get(name) or "").strip())


def missing_fields(profile: Profile, *, tier: Tier | None, values: Mapping[str, Any], stage: Stage,
                   abuse_marked: bool = False) -> dict[str, str]:
    """Every required field left empty, as {form field: sentence}, in the profile's order.

    A close needs what a save needs and the close's own list. `tier` None is a compliment. A subcategory is
    only required of a category that has subcategories; on a call marked as suspected abuse no narrative
    is required (none may be written).
    """
    rules = profile.required
    kind = tier or "compliment"
    wanted: list[str] = [*rules.save.get("every_case", []), *rules.save.get(kind, [])]
    if stage == "close":
        wanted += [*rules.close.get("every_case", []), *rules.close.get(kind, [])]
    missing: dict[str, str] = {}
    for name in dict.fromkeys(wanted):
        field, sentence = SENTENCES[name]
        if abuse_marked and field in NARRATIVE_FIELDS:
            continue
        if name == "subcategory":
            category = profile.category(values.get("category"))
            if category is None or not category.subcategories:
                continue
        if not _filled(values, name):
            missing[field] = sentence
    return missing
