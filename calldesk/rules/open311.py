"""Open311 GeoReport v2: the fields a client may send, the services a profile offers, and a request as the
constituent's form would have it (so a request from a 311 app meets the same check as one from the form)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from calldesk.rules.profile import Profile

# GeoReport v2, POST Service Request: its arguments (attribute[...] are the service definition's, none here).
POST_FIELDS = frozenset({"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
                         "address_id", "email", "device_id", "account_id", "first_name", "last_name", "phone",
                         "description", "media_url"})
# GET Service Requests: its query arguments.
GET_FIELDS = frozenset({"api_key", "jurisdiction_id", "service_request_id", "service_code", "start_date",
                        "end_date", "status"})
STATUSES = ("open", "closed")
# The Service Request form's fields a POST fills (check_post), by the GeoReport v2 arguments they come from: a
# refusal names what the client sent.
SENT_AS = {"caller_name": "first_name and last_name", "phone": "phone", "email": "email",
           "school": "address_string", "category": "service_code", "claim": "description"}
_LAT_LONG = re.compile(r"-?\d{1,3}(\.\d{1,12})?")


def service_code(category: str) -> str:
    """A category's service code: its name in lower case, words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", category.casefold()).strip("-")


def services(profile: Profile) -> list[dict[str, object]]:
    """GET services: one service per category of the profile's taxonomy."""
    return [{"service_code": service_code(c.name), "service_name": c.name,
             "description": ", ".join(c.subcategories) or c.name, "metadata": False, "type": "realtime",
             "keywords": ", ".join(c.synonyms), "group": profile.title} for c in profile.categories]


def category_of(profile: Profile, code: str) -> str | None:
    return next((c.name for c in profile.categories if service_code(c.name) == code), None)


def listed(text: str) -> list[str]:
    """A GeoReport v2 argument "declared multiple times, comma delimited": its values, blanks dropped."""
    return [one.strip() for one in text.split(",") if one.strip()]


def get_filters(profile: Profile, values: Mapping[str, str]) -> tuple[list[str], str | None, str | None]:
    """GET Service Requests' service_code and status lists as (categories, status) to search by (empty, None:
    any), or a refusal in one sentence as the third."""
    categories = []
    for code in listed(values.get("service_code", "")):
        category = category_of(profile, code)
        if category is None:
            return [], None, (f"service_code {code[:60]!r} is not one of this jurisdiction's services "
                              "(GET services.json).")
        categories.append(category)
    statuses = set(listed(values.get("status", "")))
    if statuses - set(STATUSES):
        return [], None, "status is open or closed (or both, comma delimited)."
    return categories, statuses.pop() if len(statuses) == 1 else None, None


def check_post(profile: Profile, values: Mapping[str, str]) -> tuple[dict[str, str], str | None]:
    """The Service Request form's values for a GeoReport v2 POST, or a refusal in one sentence."""
    unknown = sorted(set(values) - POST_FIELDS)
    if unknown:
        return {}, f"Not a GeoReport v2 field: {', '.join(unknown)[:200]}."
    category = category_of(profile, values.get("service_code", ""))
    if category is None:
        return {}, "service_code is missing or not one of this jurisdiction's services (GET services.json)."
    lat, long = values.get("lat", ""), values.get("long", "")
    if bool(lat) != bool(long) or (lat and not (_LAT_LONG.fullmatch(lat) and _LAT_LONG.fullmatch(long))):
        return {}, "lat and long go together, as decimal degrees."
    if lat and not (abs(float(lat)) <= 90 and abs(float(long)) <= 180):
        return {}, "lat is from -90 to 90 and long from -180 to 180 (decimal degrees)."
    if not (lat or values.get("address_string") or values.get("address_id")):
        return {}, "A location is required: lat and long, address_string or address_id."
    if not values.get("description", "").strip():
        return {}, "description is required here: say what happened."
    name = " ".join(filter(None, (values.get("first_name", "").strip(), values.get("last_name", "").strip())))
    form = {"caller_name": name, "phone": values.get("phone", ""), "email": values.get("email", ""),
            "school": values.get("address_string", ""), "category": category, "claim": values.get("description", ""),
            "call_type": "inquiry", "preferred_contact": "email" if values.get("email") else "phone"}
    return form, None
