"""The README's shortest key sequences, replayed key by key on the real app: each call is saved as documented.

The table is read from README.md (by benchmarks/keystrokes.py, which counts the same keys), so the documentation
and the app cannot drift apart.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from benchmarks.keystrokes import TEXT, documented
from calldesk.models import Resolution
from calldesk.screens.desk import DeskScreen
from calldesk.store.db.store import Store
from tests.ui.steps import SIZE, cases, settle

SEQUENCES = documented()
EXPECTED = {  # what each documented sequence must leave in the store
    "immediate inquiry": {"status": "closed", "tier": "inquiry_immediate", "call_type": "inquiry"},
    "follow-up inquiry": {"status": "open", "tier": "inquiry_followup", "call_type": "inquiry"},
    "concern": {"status": "open", "tier": "concern", "call_type": "concern"},
    "complaint": {"status": "open", "tier": "complaint", "call_type": "complaint"},
    "compliment": {"status": "open", "call_type": "compliment"},
}


def test_the_readme_documents_every_call_type_and_the_inquiry_in_ten_keys() -> None:
    assert set(SEQUENCES) == set(EXPECTED)
    assert SEQUENCES["immediate inquiry"][1] <= 10


@pytest.mark.slow
@pytest.mark.parametrize("call_type", sorted(EXPECTED))
async def test_the_documented_key_sequence_takes_the_call(call_type: str, make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    keys, count = SEQUENCES[call_type]
    app = make_app()
    pressed = 0
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for item in keys:
            if item.startswith("‹"):
                word = item.strip("‹›")
                await pilot.press(*TEXT.get(word, word))  # typed key by key, as an agent does
            else:
                pressed += 1
                await pilot.press(item)
                await pilot.pause(0.05)
                if item == "ctrl+n":
                    while not getattr(app.screen, "form", None) or not app.screen.form.ready:  # type: ignore[attr-defined]
                        await pilot.pause()
        await settle(pilot, 0.3)
        if EXPECTED[call_type]["status"] == "closed":
            assert isinstance(app.screen, DeskScreen), "a closed call goes back to the desk"
    assert pressed == count, "the README counts the keys it lists"
    [case] = cases(desk_store)
    assert (case.caller_name, case.phone) == ("Maria Gomez", "+12135550142")
    assert (case.category, case.subcategory) == ("Transportation", "Late or missed bus")
    assert case.claim == (TEXT["question"] if "question" in " ".join(keys) else TEXT["claim"])
    for name, value in EXPECTED[call_type].items():
        assert getattr(case, name) == value, name
    if "answer" in " ".join(keys):
        with desk_store.uow(readonly=True) as uow:
            resolution = uow.session.exec(select(Resolution).where(Resolution.case_id == case.id)).one()
        assert resolution.response == TEXT["answer"]
