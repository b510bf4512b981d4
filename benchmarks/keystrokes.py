"""Keystrokes per documented call: the README's shortest key sequences, replayed on the real app, keys counted.

Each call type's sequence (README, "Shortest key sequences") is typed into the real app (headless, 120x36, a temp
SQLite store) key by key; the keys beyond the typed text are counted and the call must end saved as documented.
Target: a fully documented immediate inquiry (name, phone, topic, question, answer, saved and closed) in at most
10 keys beyond the text.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
ROW = re.compile(r"^\| (?P<call>[^|]+?) \| `(?P<keys>[^`]+)` \| (?P<count>\d+) \|$")
TARGET = 10
# What the agent types where the table says ‹name›, ‹phone› ...; any other ‹word› is typed as it stands.
TEXT = {"name": "Maria Gomez", "phone": "2135550142", "question": "When does bus 12 come?",
        "claim": "The bus skipped her stop twice.", "answer": "Bus 12 runs 10 minutes late this week."}


def documented() -> dict[str, tuple[list[str], int]]:
    """Call type -> (the documented keys, the documented count of keys beyond the text)."""
    section = README.read_text(encoding="utf-8").split("### Shortest key sequences", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            rows[match["call"].split(",")[0].split(" (")[0]] = (match["keys"].split(), int(match["count"]))
    return rows


async def replay(keys: list[str], url: str) -> tuple[int, str]:
    """Type `keys` into a fresh app on the store at `url`; the keys pressed beyond text, and the saved case's status."""
    from sqlmodel import select

    from benchmarks.desk import agent_desk
    from calldesk.app import CalldeskApp
    from calldesk.models import Case

    store, agent = agent_desk(url)
    app = CalldeskApp(store, agent)
    pressed = 0
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.3)
        for item in keys:
            if item.startswith("‹"):
                word = item.strip("‹›")
                await pilot.press(*TEXT.get(word, word))
                continue
            pressed += 1
            await pilot.press(item)
            await pilot.pause(0.05)
            if item == "ctrl+n":
                while not getattr(app.screen, "form", None) or not app.screen.form.ready:  # type: ignore[attr-defined]
                    await pilot.pause()
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
    with store.uow(readonly=True) as uow:
        statuses = [case.status for case in uow.session.exec(select(Case))]
    store.close()
    return pressed, statuses[0] if len(statuses) == 1 else f"{len(statuses)} cases"


def main() -> int:
    print("Keystrokes per documented call type: README sequences replayed on the real app (keys beyond the text)")
    ok = True
    for call_type, (keys, documented_count) in documented().items():
        with tempfile.TemporaryDirectory(prefix="calldesk-bench-") as folder:
            pressed, status = asyncio.run(replay(keys, f"sqlite:///{Path(folder) / 'calldesk.db'}"))
        target = f"target <= {TARGET}" if call_type == "immediate inquiry" else "documented"
        good = pressed == documented_count and status in ("open", "closed") and (
            call_type != "immediate inquiry" or (pressed <= TARGET and status == "closed"))
        ok &= good
        print(f"  {call_type:<20} {pressed:3d} keys  case {status:<7} {target:<14} {'PASS' if good else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
