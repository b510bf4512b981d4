"""Open311 GeoReport v2's two formats: an answer as JSON or as the XML the standard defines (its default format: a
list's root element and one element per item, named as GeoReport v2 names them), errors included."""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

FORMATS = ("json", "xml")
# Each list's root element -> its items' element (GeoReport v2).
ITEMS = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
         "values": "value"}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # no XML 1.0 document holds them


def format_of(request: Request) -> str:
    """The format a GeoReport v2 address asks for (its extension: json or xml); JSON for any other address."""
    path = request.url.path
    return "xml" if path.startswith("/open311/") and path.endswith(".xml") else "json"


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return _NOT_XML.sub("\ufffd", text)


def _fill(parent: Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            _fill(SubElement(parent, name), inner)
    elif isinstance(value, list):
        for item in value:
            _fill(SubElement(parent, ITEMS.get(parent.tag, "item")), item)
    else:
        parent.text = _text(value)


def xml_text(root: str, data: Any) -> bytes:
    """`data` (a list of items, or one object's fields) as the GeoReport v2 XML document whose root is `root`."""
    top = Element(root)
    _fill(top, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(top, encoding="utf-8", xml_declaration=False)


def answer(fmt: str, root: str, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """`data` in `fmt`: JSON as it is, or XML under `root` (services, service_definition, service_requests)."""
    if fmt == "xml":
        return Response(xml_text(root, data), status_code=status, media_type="text/xml; charset=utf-8",
                        headers=headers)
    return JSONResponse(data, status_code=status, headers=headers)


def error(fmt: str, code: int, description: str, headers: dict[str, str] | None = None) -> Response:
    """A GeoReport v2 error: its HTTP status, and the code and description in `fmt`."""
    return answer(fmt, "errors", [{"code": code, "description": description}], code, headers)
