"""The public Service Request form over real HTTP, on SQLite and PostgreSQL: the form per profile in English and
Spanish, a request becoming a case by the call's own save, its private status link, the abuse guard."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlmodel import col, select

from calldesk.models import AuditEvent, Callback, Case, CaseLink
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.web.server import request_number, serving, status_link, submit

ANN = {"caller_name": "Ann Lee", "phone": "213-555-0142", "email": "ann@example.org", "school": "Roosevelt High",
       "category": "Enrollment", "claim": "My son's enrollment papers were lost twice.", "tried_school": "yes",
       "tried_school_with": "the principal"}


def _case(store: Store, number: str) -> Case:
    with store.uow(readonly=True) as uow:
        found = uow.session.exec(select(Case).where(Case.case_number == number)).one()
        uow.session.expunge(found)
        return found


def test_the_form_per_profile_in_english_and_spanish(store: Store, tmp_path: Path) -> None:
    with serving(store, tmp_path / "web") as served, served.client() as client:
        english, spanish = client.get("/request"), client.get("/request?lang=es")
        lausd = None
    with serving(store, tmp_path / "web", protocol="lausd") as other, other.client() as client:
        lausd = client.get("/request")
    assert '<html lang="en">' in english.text and '<html lang="es">' in spanish.text
    assert "Your name" in english.text and "Su nombre" in spanish.text
    # Every input, select and textarea a person fills in has a label naming it (the honeypot is hidden from all).
    for page in (english, spanish, lausd):
        ids = re.findall(r'<(?:input|select|textarea) id="([^"]+)"', page.text)
        assert ids and all(f'<label for="{i}">' in page.text for i in ids)
    # The topics are the taxonomy's (Area Offices: data/taxonomies/schools.toml, 17 categories, Enrollment third),
    # named in the visitor's language; what is sent is the category's own name, as the case keeps it.
    assert '<option value="Enrollment">Enrollment</option>' in english.text
    assert '<option value="Enrollment">Inscripción</option>' in spanish.text
    assert '<option value="Food services">Servicios de alimentos</option>' in spanish.text
    topics = re.search(r'<select id="category".*?</select>', english.text, re.S)
    assert topics and topics.group(0).count('<option value="') - 1 == 17  # (and the empty choice)
    # Area Offices Level One asks whether the school was tried first (its building_attempt step); LAUSD does not.
    assert "Did you try the school or its principal first?" in english.text
    assert "¿Intentó resolverlo primero con la escuela" in spanish.text
    assert "tried_school" not in lausd.text


def test_a_request_becomes_a_routed_case_with_a_private_status_link(store: Store, staff: dict[str, Actor],
                                                                   tmp_path: Path) -> None:
    with serving(store, tmp_path / "web") as served, served.client() as client:
        sent = submit(client, **ANN)
        assert sent.status_code == 200, sent.text
        number, link = request_number(sent), status_link(sent)
        status = client.get(link)
        wrong = client.get(link[:-12] + "0" * 12 + "?lang=en")
        spanish = client.get(link.replace("lang=en", "lang=es"))
    case = _case(store, number)
    # Channel web_form; nobody is on the line, so the inquiry needs a follow-up: the inquiry_followup tier, owned
    # by a program specialist (area_offices.toml [tiers.inquiry_followup]), the only one at work being pat.
    assert (case.channel, case.tier, case.owner_role, case.assigned_to) == ("web_form", "inquiry_followup",
                                                                             "program_specialist", "pat")
    assert case.opened_by == staff["admin"].username  # the web front's own login opened it
    assert (case.caller_name, case.phone, case.school) == ("Ann Lee", "+12135550142", "Roosevelt High")
    assert case.steps_taken == "Tried the school first: yes (the principal)"
    with store.uow(readonly=True) as uow:  # the call's save made the call back (needs_follow_up ticked)
        assert uow.session.exec(select(Callback).where(Callback.case_id == case.id)).one().assigned_to == "pat"
    assert status.status_code == 200 and 'id="status">Open<' in status.text and number in status.text
    for private in ("Ann", "213", "ann@example.org", "enrollment papers", "principal"):
        assert private not in status.text
    assert 'id="status">Abierta<' in spanish.text
    assert "<dd>Enrollment</dd>" in status.text and "<dd>Inscripción</dd>" in spanish.text
    assert wrong.status_code == 404


def test_a_second_request_from_the_same_caller_is_a_linked_concern(store: Store, staff: dict[str, Actor],
                                                                  tmp_path: Path) -> None:
    with serving(store, tmp_path / "web") as served, served.client() as client:
        first = request_number(submit(client, **ANN))
        second = request_number(submit(client, **{**ANN, "claim": "Still nothing."}))
    # Area Offices Level Two: the same phone about the same category within 30 days: a concern, linked.
    case = _case(store, second)
    assert (case.call_type, case.tier) == ("concern", "concern")
    with store.uow(readonly=True) as uow:
        link = uow.session.exec(select(CaseLink).where(CaseLink.case_id == case.id)).one()
        assert _case(store, first).id == link.linked_case_id


def test_text_pointing_to_abuse_is_not_kept_and_a_person_calls_back(store: Store, staff: dict[str, Actor],
                                                                   tmp_path: Path) -> None:
    words = "He came with bruises again and is afraid to go home."
    with serving(store, tmp_path / "web") as served, served.client() as client:
        sent = submit(client, **{**ANN, "claim": words, "evidence": "the bruises", "tried_school_with": "nurse"})
    assert sent.status_code == 200 and "please do not write more about it here" in sent.text
    case = _case(store, request_number(sent))
    # Stored: who to call and how (name, phone, email), the school, topic and channel, marked and urgent; the
    # claim, evidence and steps are empty (data/abuse_keywords.toml has "bruises" and "afraid to go home").
    assert case.abuse_marked and case.urgent
    assert (case.claim, case.evidence, case.steps_taken) == ("", "", "")
    with store.uow(readonly=True) as uow:
        callback = uow.session.exec(select(Callback).where(Callback.case_id == case.id)).one()
        assert callback.urgent and callback.phone == "+12135550142"
        trail = " ".join(f"{e.old} {e.new}" for e in uow.session.exec(
            select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(col(AuditEvent.id))))
    for said in ("bruises", "afraid", "nurse"):
        assert said not in trail and said not in callback.message


def test_the_status_link_shows_public_updates_only(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    from calldesk.store.services.clocks import meet_clock

    with serving(store, tmp_path / "web") as served, served.client() as client:
        sent = submit(client, **{**ANN, "call_type": "concern"})
        number, link = request_number(sent), status_link(sent)
        with store.uow() as uow:  # pat, who owns the concern, acknowledges it (Area Offices: within 2 school days)
            meet_clock(uow, actor=staff["program_specialist"], case_number=number, expected_version=None,
                       kind="acknowledge", note="Called Ann Lee back at 213-555-0142; she is upset.")
        status = client.get(link)
    assert status.status_code == 200
    # Received (the opening) and Acknowledged (the clock met), nothing of the note, the claim or the caller.
    assert status.text.count("<li>") == 2 and "<li>Received:" in status.text and "<li>Acknowledged:" in status.text
    for private in ("Called", "upset", "Ann", "213", "enrollment papers"):
        assert private not in status.text


def test_oc_web_items_get_their_two_day_review_and_reportability_applies(store: Store, staff: dict[str, Actor],
                                                                        tmp_path: Path) -> None:
    from calldesk.profiles import load_profile
    from calldesk.rules.calendar import calendar_for
    from calldesk.store.read.step_states import steps_to_do

    oc = load_profile("oc_ccts")
    item = {**ANN, "school": "", "tried_school": "", "tried_school_with": "", "category": "Poor service"}
    with serving(store, tmp_path / "web", protocol="oc_ccts") as served, served.client() as client:
        page = client.get("/request")
        review = request_number(submit(client, **item))
        routed = request_number(submit(client, **{**item, "phone": "714-555-0100", "email": "b@example.org",
                                                  "category": "Discrimination"}))
    assert "tried_school" not in page.text  # OC CCTS has no building-level step
    with store.uow(readonly=True) as uow:
        cases = {c.case_number: c for c in uow.session.exec(select(Case))}
        todo = steps_to_do(uow.session, profile=oc, cases=[cases[review]], role="supervisor")
    # III.A.2.d: an AccessOC (web_form) item waits for the deputy director's two-day review (oc_ccts.toml
    # [[steps]] web_review, channels = ["web_form"], due_within 2 days: the end of the 2nd business day after).
    waiting = [state for case, state in todo if state.rule.name == "web_review"]
    assert len(waiting) == 1 and waiting[0].due is not None
    calendar = calendar_for(oc)
    opened_day, due = calendar.local(cases[review].opened_at).date(), calendar.local(waiting[0].due)
    # Counted by hand: the opening day is day 0; the review is due when the 2nd open day after it ends.
    day, open_days = opened_day, 0
    while open_days < 2:
        day += timedelta(days=1)
        open_days += calendar.is_open_day(day)
    assert due == calendar.end_of_day(day)
    # Discrimination is not reportable: routed to the civil rights coordinator (social_services.toml).
    assert (cases[routed].reportable, cases[routed].route_to) == (False, "civil rights coordinator")


def test_spanish_words_pointing_to_abuse_are_not_kept_either(store: Store, staff: dict[str, Actor],
                                                             tmp_path: Path) -> None:
    """The form is offered in Spanish, so its guard reads Spanish too, with or without the accents a phone drops."""
    with serving(store, tmp_path / "web") as served, served.client() as client:
        sent = submit(client, "es", **{**ANN, "claim": "El maestro golpeo a mi hijo y tiene moretones.",
                                       "evidence": "", "tried_school_with": ""})
    assert sent.status_code == 200
    case = _case(store, request_number(sent))
    assert case.abuse_marked and case.urgent and (case.claim, case.evidence) == ("", "")


def test_every_field_full_of_the_widest_characters_fits_the_body(store: Store, staff: dict[str, Actor],
                                                                 tmp_path: Path) -> None:
    from calldesk.rules.web_form import LIMITS

    claim, evidence = "李" * LIMITS["claim"], "😀" * LIMITS["evidence"]
    with serving(store, tmp_path / "web") as served, served.client() as client:
        sent = submit(client, **{**ANN, "claim": claim, "evidence": evidence,
                                 "tried_school_with": "ñ" * LIMITS["tried_school_with"]})
        assert sent.status_code == 200, sent.text
        number = request_number(sent)
    with store.uow(readonly=True) as uow:
        case = uow.session.exec(select(Case).where(Case.case_number == number)).one()
    assert (case.claim, case.evidence) == (claim, evidence)


def test_the_same_form_sent_twice_is_one_request(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    """A double click or a reload of the answer sends the filled-in form again: the same request number, one case.
    The same form with a word changed is a new request."""
    from tests.web.server import csrf_of

    with serving(store, tmp_path / "web") as served, served.client() as client:
        token = csrf_of(client)
        form = {"csrf": token, "lang": "en", **ANN}
        first, again = (client.post("/request?lang=en", data=form) for _ in range(2))
        changed = client.post("/request?lang=en", data={**form, "claim": "My son's papers were lost again."})
    assert first.status_code == again.status_code == changed.status_code == 200
    assert request_number(first) == request_number(again) != request_number(changed)
    with store.uow(readonly=True) as uow:
        assert len(uow.session.exec(select(Case)).all()) == 2


def test_a_boxs_line_breaks_are_stored_as_newlines(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    """A browser sends a textarea's line breaks as CR LF: stored as newlines (a CR was kept, and the desk showed
    it on every line), so a box typed full to its maxlength, line breaks and all, is not "too long"."""
    from calldesk.rules.web_form import LIMITS
    from calldesk.store.services.web_accounts import add_web_key

    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    full = "\r\n".join(["x" * 39] * (LIMITS["claim"] // 40))  # the limit less one typed, more than it sent
    with serving(store, tmp_path / "web") as served, served.client() as client:
        typed = request_number(submit(client, **{**ANN, "claim": "Line one.\r\nLine two.\rLine three.",
                                                 "evidence": "A note.\r\n"}))
        boxful = submit(client, **{**ANN, "phone": "213-555-0101", "claim": full})
        posted = client.post("/open311/v2/requests.json", data={
            "api_key": key, "service_code": "transportation", "address_string": "Roosevelt High",
            "phone": "213-555-0102", "description": "The bus\r\ndid not come."}).json()[0]["service_request_id"]
    assert len(full.replace("\r\n", "\n")) == LIMITS["claim"] - 1 and boxful.status_code == 200, boxful.text
    kept = _case(store, typed)
    assert (kept.claim, kept.evidence) == ("Line one.\nLine two.\nLine three.", "A note.")
    assert _case(store, request_number(boxful)).claim == full.replace("\r\n", "\n")
    assert _case(store, posted).claim == "The bus\ndid not come."
