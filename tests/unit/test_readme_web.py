"""The README's web front deployment agrees with the code: the proxy it shows takes every form calldesk takes."""

from __future__ import annotations

import re
from pathlib import Path

from calldesk.rules.web_form import BODY_LIMIT, body_limit

README = Path(__file__).parents[2] / "README.md"


def test_the_proxy_shown_takes_every_form_the_web_front_takes() -> None:
    """nginx's client_max_body_size is above the largest body a form may have (its fields full of the widest
    characters): a smaller one refuses such a form itself, in English, before calldesk can answer in the visitor's
    language (the README showed 64k; the public form's limit is 88 KB)."""
    from calldesk.web.respond import RESOLUTION, SIGN_IN_KEEPING

    text = README.read_text(encoding="utf-8")
    found = re.search(r"client_max_body_size (\d+)k;", text)
    assert found and int(found.group(1)) * 1024 >= max(BODY_LIMIT, body_limit(RESOLUTION), body_limit(SIGN_IN_KEEPING))
    sizes = re.search(r"\((\d+) KB for the public form, (\d+) KB for a respondent's resolution, (\d+) KB to sign in",
                      text)
    assert sizes and [int(n) for n in sizes.groups()] == [
        round(BODY_LIMIT / 1024), round(body_limit(RESOLUTION) / 1024), round(body_limit(SIGN_IN_KEEPING) / 1024)]
