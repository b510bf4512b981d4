"""Open311 GeoReport v2: the fields a client may send, the services a profile offers, and a request as the
constituent's form would have it (so a request from a 311 app meets the same check as one from the form)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

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
           "category": "service_code", "claim": "description"}
# Where a request is about, as GeoReport v2 sends it, kept on the case (its columns' limits: calldesk.models.case
# reads these) under the case's own names: address_string is the address, lat and long the latitude and longitude.
LOCATION_LIMITS = {"address": 200, "address_id": 100, "media_url": 500}
LOCATION_NAMES = {"address": "address_string", "address_id": "address_id", "latitude": "lat", "longitude": "long",
                  "media_url": "media_url"}
_MEDIA_URL = re.compile(r"https?://[^\x00-\x20\x7f-\x9f<>\"'\\`{}|^]+", re.IGNORECASE)  # no space, control, quote
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
            "category": category, "claim": values.get("description", ""),
            "call_type": "inquiry", "preferred_contact": "email" if values.get("email") else "phone"}
    return form, None


def location_problem(values: Mapping[str, Any]) -> tuple[str, str] | None:
    """(the field, why in one sentence) when the case's location in `values` cannot be kept: a latitude without
    its longitude, a degree out of range, a media URL that is not an http(s) address or a value too long; None
    when it can (absent values are fine)."""
    lat, long = values.get("latitude"), values.get("longitude")
    if (lat is None) != (long is None):
        return "latitude", "Latitude and longitude go together."
    if lat is not None and not (isinstance(lat, int | float) and isinstance(long, int | float)
                                and math.isfinite(lat) and math.isfinite(long)
                                and -90 <= lat <= 90 and -180 <= long <= 180):
        return "latitude", "Latitude is from -90 to 90 and longitude from -180 to 180 (decimal degrees)."
    for name, limit in LOCATION_LIMITS.items():
        text = values.get(name)
        if isinstance(text, str) and len(text) > limit:
            return name, f"{LOCATION_NAMES[name]} is longer than {limit} characters."
    url = values.get("media_url")
    if url and not (isinstance(url, str) and _MEDIA_URL.fullmatch(url)):
        return "media_url", "media_url must be an http or https address."
    return None


def location_of(values: Mapping[str, str]) -> tuple[dict[str, Any], str | None]:
    """A GeoReport v2 POST's location and media as the case's fields (address, address_id, latitude, longitude,
    media_url; blanks left out), or a refusal in one sentence naming what the client sent."""
    lat, long = values.get("lat", "").strip(), values.get("long", "").strip()
    found: dict[str, Any] = {name: values.get(sent, "").strip() or None
                             for name, sent in LOCATION_NAMES.items() if name not in ("latitude", "longitude")}
    if lat and long and _LAT_LONG.fullmatch(lat) and _LAT_LONG.fullmatch(long):
        found.update(latitude=float(lat), longitude=float(long))
    problem = location_problem(found)
    if problem is not None:
        return {}, problem[1]
    return {name: value for name, value in found.items() if value is not None}, None


def location_words(address: str | None, address_id: str | None, latitude: float | None, longitude: float | None,
                   media_url: str | None) -> str:
    """Where a case is about, in one line for the desk ("Where: 1 Main St (id 77; 34.05, -118.24) · media:
    https://..."); "" when the case keeps no location."""
    where = "; ".join(filter(None, (f"id {address_id}" if address_id else "",
                                    f"{latitude}, {longitude}" if latitude is not None else "")))
    said = address or ""
    if where:
        said = f"{said} ({where})" if said else where
    parts = [f"Where: {said}"] if said else []
    if media_url:
        parts.append(f"media: {media_url}")
    return " · ".join(parts)
