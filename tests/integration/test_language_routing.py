"""English/Bilingual routing (Rochester OPE): staff have languages, a call's language routes it."""

from __future__ import annotations

from calldesk.profiles import load_profile
from calldesk.rules.routing import Speaker, language_line
from calldesk.store import users
from calldesk.store.store import Store
from calldesk.store.users import Actor
from tests.conftest import add_user
from tests.integration.helpers import call

ROCHESTER = load_profile("rochester")


def test_the_language_line_is_one_pure_decision() -> None:
    staff = [Speaker("zed", "program_specialist", ("English", "Spanish")),
             Speaker("ben", "program_specialist", ("spanish",)), Speaker("amy", "agent", ("Spanish",))]
    assert language_line("English", "program_specialist", staff) == ("English", None, "")
    line, who, why = language_line("Spanish", "program_specialist", staff)
    assert (line, who) == ("Bilingual", "ben") and "who speaks it" in why
    line, who, why = language_line("Somali", "program_specialist", staff)
    assert who is None and "no program specialist speaks Somali" in why


def test_a_call_in_spanish_goes_to_a_staff_member_who_speaks_it(store: Store, staff: dict[str, Actor],
                                                                 admin: Actor) -> None:
    add_user(store, admin, "lucia", "program_specialist", languages="English, Spanish")
    with store.uow() as uow:
        assert users.set_languages(uow, actor=admin, username="pat", languages=" French ,French").languages == \
            "French"
    spanish = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                   language="Spanish").case
    english = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                   caller_name="Rosa Diaz", phone="2135550177").case
    assert spanish.assigned_to == "lucia" and "Bilingual line (Spanish): to lucia" in spanish.routing_notes
    assert english.assigned_to is None and "Bilingual" not in english.routing_notes
