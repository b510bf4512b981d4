"""Every refusal of the public pages in the visitor's language, over real HTTP on both backends: Spanish when the
visitor came with `lang=es` (the address, the form's field, or the cookie the form sets), English otherwise; the
page's <html lang> says which; plain words from the one word table, never a trace."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from calldesk.rules.web_form import BODY_LIMIT, WORDS
from calldesk.store.db.store import Store
from calldesk.web.app import LANG_COOKIE
from tests.web.server import csrf_of, serving, submit
from tests.web.test_web_form import ANN


def _says(answer: httpx.Response, lang: str, title: str, sentence: str) -> None:
    """The answer is the refusal page in `lang`: its heading and sentence from the word table, nothing else."""
    other = "es" if lang == "en" else "en"
    assert f'<html lang="{lang}">' in answer.text, answer.text
    assert f"<h1>{WORDS[lang][title]}</h1>" in answer.text, answer.text
    assert f"<p>{WORDS[lang][sentence]}</p>" in answer.text
    assert WORDS[other][sentence] not in answer.text
    assert f'href="/request?lang={lang}"' in answer.text  # the way back, in the same language
    assert "Traceback" not in answer.text and "calldesk/" not in answer.text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_refusal_in_the_visitors_language(store: Store, tmp_path: Path, lang: str) -> None:
    with serving(store, tmp_path / "web", rate=10_000) as served, served.client() as client:
        token = csrf_of(client, lang)  # the form page (it sets the CSRF and language cookies)
        assert client.cookies.get(LANG_COOKIE) == lang
        form = {**ANN, "csrf": token, "lang": lang}
        answers = {
            "csrf": client.post(f"/request?lang={lang}", data={**form, "csrf": "forged"}),
            "honeypot": client.post(f"/request?lang={lang}", data={**form, "website": "http://spam.example"}),
            "size": client.post(f"/request?lang={lang}", data={**form, "claim": "x" * BODY_LIMIT}),
            "fields": client.post(f"/request?lang={lang}", data={**form, "is_admin": "1"}),
            "type": client.post(f"/request?lang={lang}", content=b"{}", headers={"content-type": "application/json"}),
            "form": client.post(f"/request?lang={lang}", content=b"claim=%ff",
                                headers={"content-type": "application/x-www-form-urlencoded"}),
            "not found": client.get(f"/no-such-page?lang={lang}"),
            "status": client.get(f"/status/AO-2026-0001/{'0' * 24}?lang={lang}"),
            "method": client.delete(f"/request?lang={lang}"),
        }
        invalid = client.post(f"/request?lang={lang}", data={**form, "claim": "", "email": "not-an-address"})
    expected = {"csrf": (403, "refused", "expired"), "honeypot": (400, "refused", "not_accepted"),
                "size": (413, "refused", "too_large"), "fields": (400, "refused", "unknown_fields"),
                "type": (415, "refused", "not_form"), "form": (400, "refused", "unreadable"),
                "not found": (404, "not_found_title", "not_found"), "status": (404, "not_found_title", "not_found"),
                "method": (405, "refused", "not_allowed")}
    for why, (code, title, sentence) in expected.items():
        assert answers[why].status_code == code, why
        _says(answers[why], lang, title, sentence)
    assert answers["method"].headers["allow"] == "GET, HEAD, POST"
    # Form errors: the form again, in the language, each error tied to its field.
    assert invalid.status_code == 400 and f'<html lang="{lang}">' in invalid.text
    assert WORDS[lang]["errors"] in invalid.text
    assert f'id="claim-error"><strong>Error:</strong> {WORDS[lang]["err_required"]}' in invalid.text
    assert f'id="email-error"><strong>Error:</strong> {WORDS[lang]["err_email"]}' in invalid.text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_error_summary_follows_the_forms_order(store: Store, tmp_path: Path, lang: str) -> None:
    """The summary at the top lists the errors as the form shows their fields (it listed the required ones first:
    name, topic and claim, then the phone above them)."""
    with serving(store, tmp_path / "web") as served, served.client() as client:
        sent = submit(client, lang, **{**ANN, "caller_name": "", "phone": "abc", "email": "no", "category": "",
                                       "claim": "", "evidence": "bell\x07"})
    summary = re.search(r'<div class="summary".*?</div>', sent.text, re.S)
    assert sent.status_code == 400 and summary
    assert re.findall(r'<a href="#([a-z_]+)">', summary.group(0)) == ["caller_name", "phone", "email", "category",
                                                                       "claim", "evidence"]
    fields = re.findall(r'<p class="error" id="([a-z_]+)-error">', sent.text)
    assert fields == ["caller_name", "phone", "email", "category", "claim", "evidence"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_form_left_open_too_long_comes_back_with_what_was_typed(store: Store, tmp_path: Path, lang: str) -> None:
    """This visitor's own form, sent after its token expired (2 hours), comes back with what they typed and a
    sentence saying so, to send again (it was the "expired" page: everything typed was lost); a token that is not
    this visitor's is still refused with nothing shown."""
    from tests.web.server import request_number, token_signed_ago

    typed = {**ANN, "claim": "Line one.\nLine <two> & more.", "lang": lang}
    with serving(store, tmp_path / "web") as served, served.client() as client:
        csrf_of(client, lang)
        late = client.post(f"/request?lang={lang}", data={**typed, "csrf": token_signed_ago(served.front.secret, client,
                                                                                             3 * 3600)})
        with served.client() as other:
            csrf_of(other, lang)  # another visitor's token: signed by this site, but for their cookie
            stranger = client.post(f"/request?lang={lang}", data={**typed, "csrf": token_signed_ago(
                served.front.secret, other, 3 * 3600)})
        stored = _count(store)
        again = submit(client, lang, **{k: v for k, v in typed.items() if k != "lang"})
    assert late.status_code == 403 and f'<html lang="{lang}">' in late.text
    assert WORDS[lang]["expired_kept"] in late.text and 'id="form-notice"' in late.text
    assert "Line one.\nLine &lt;two&gt; &amp; more.</textarea>" in late.text and 'value="Ann Lee"' in late.text
    _says(stranger, lang, "refused", "expired")
    assert "Ann Lee" not in stranger.text and stored == 0
    assert again.status_code == 200 and request_number(again)


def _count(store: Store) -> int:
    from sqlmodel import func, select

    from calldesk.models import Case

    with store.uow(readonly=True) as uow:
        return uow.session.exec(select(func.count()).select_from(Case)).one()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_rate_limit_page_in_the_visitors_language(store: Store, tmp_path: Path, lang: str) -> None:
    with serving(store, tmp_path / "web", rate=1) as served, served.client() as client:
        first = submit(client, lang, **ANN)
        second = submit(client, lang, **{**ANN, "claim": "again"})
    assert first.status_code == 200
    assert second.status_code == 429 and second.headers["retry-after"] == "60"
    _says(second, lang, "refused", "too_many")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_server_error_page_in_the_visitors_language(store: Store, tmp_path: Path, lang: str) -> None:
    with serving(store, tmp_path / "web") as served, served.client() as client:
        token = csrf_of(client, lang)
        served.front.profile = None  # type: ignore[assignment]  # the next request fails inside the app
        broken = client.post(f"/request?lang={lang}", data={**ANN, "csrf": token, "lang": lang})
    assert broken.status_code == 500
    _says(broken, lang, "failed_title", "failed")
    assert "profile" not in broken.text and "NoneType" not in broken.text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_wrong_method_is_405_naming_the_methods_taken(store: Store, tmp_path: Path, lang: str) -> None:
    """A known address asked with a method it does not take: 405 and Allow listing every method taken there (of
    all its routes), a page in the visitor's language, or JSON under /open311/; an unknown address stays 404."""
    with serving(store, tmp_path / "web") as served, served.client() as client:
        pages = {path: client.request(method, f"{path}?lang={lang}") for method, path in (
            ("PUT", "/request"), ("GET", "/respond/sign-out"), ("DELETE", "/respond/case/AO-2026-0001"),
            ("OPTIONS", f"/status/AO-2026-0001/{'0' * 32}"), ("POST", "/static/form.css"))}
        v2 = {path: client.request(method, f"/open311/v2/{path}") for method, path in (
            ("DELETE", "requests.json"), ("POST", "services.json"), ("PUT", "requests/AO-2026-0001.json"))}
        unknown = client.put(f"/no-such-page?lang={lang}")
    assert {path: (a.status_code, a.headers.get("allow")) for path, a in pages.items()} == {
        "/request": (405, "GET, HEAD, POST"), "/respond/sign-out": (405, "POST"),
        "/respond/case/AO-2026-0001": (405, "GET, HEAD, POST"),
        f"/status/AO-2026-0001/{'0' * 32}": (405, "GET, HEAD"), "/static/form.css": (405, "GET, HEAD")}
    for answer in pages.values():
        _says(answer, lang, "refused", "not_allowed")
    assert {path: (a.status_code, a.headers.get("allow"), a.headers["content-type"]) for path, a in v2.items()} == {
        "requests.json": (405, "GET, HEAD, POST", "application/json"),
        "services.json": (405, "GET, HEAD", "application/json"),
        "requests/AO-2026-0001.json": (405, "GET, HEAD", "application/json")}
    assert v2["requests.json"].json() == [{"code": 405, "description": "DELETE is not taken here; GET, HEAD, POST "
                                                                       "are."}]
    assert unknown.status_code == 404 and "allow" not in unknown.headers


def test_the_cookie_the_form_sets_carries_spanish_to_later_pages(store: Store, tmp_path: Path) -> None:
    with serving(store, tmp_path / "web") as served, served.client() as client:
        token = csrf_of(client, "es")  # the Spanish form sets calldesk_lang=es
        # No `lang` anywhere in the address or the body: the cookie decides.
        expired = client.post("/request", data={**ANN, "csrf": "forged"})
        missing = client.get("/nowhere")
        form_again = client.get("/request")
        # An explicit choice wins over the cookie.
        english = client.get("/nowhere?lang=en")
        spanish_field = client.post("/request?lang=en", data={**ANN, "csrf": token, "lang": "es", "website": "x"})
    with serving(store, tmp_path / "web") as served, served.client() as stranger:
        plain = stranger.get("/nowhere")  # no cookie, no lang: English
        odd = stranger.get("/nowhere?lang=fr")  # a language this site does not speak: English
    _says(expired, "es", "refused", "expired")
    _says(missing, "es", "not_found_title", "not_found")
    assert '<html lang="es">' in form_again.text and "Su nombre" in form_again.text
    _says(english, "en", "not_found_title", "not_found")
    _says(spanish_field, "es", "refused", "not_accepted")  # the form's own field says which language it was in
    _says(plain, "en", "not_found_title", "not_found")
    _says(odd, "en", "not_found_title", "not_found")


def test_the_word_table_has_every_word_in_both_languages() -> None:
    assert set(WORDS["en"]) == set(WORDS["es"])


def test_every_shipped_category_has_its_spanish_name() -> None:
    """The Spanish form names every topic in Spanish (a taxonomy's name_es), in every shipped protocol."""
    from calldesk.profiles import available_profiles, load_profile

    for name in available_profiles():
        profile = load_profile(name)
        untranslated = [c.name for c in profile.categories if not c.name_es]
        assert not untranslated, (name, untranslated)
