"""The case's work menu queues the email out: "n" opens the written response's dialog (the case's mail listed,
an acknowledgement whose send failed among it), ctrl+s queues it through the service and the case screen says so
in one line; "v" (the letter) is dimmed for an agent with the reason."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from textual.widgets import OptionList, Static

from calldesk.mail.transport import Server, smtp_deliver
from calldesk.models import MailMessage, ResolutionUpdate
from calldesk.profiles import load_profile
from calldesk.screens.case.mail import MailDialog
from calldesk.screens.case.screen import CaseScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.follow_ups_resolution import set_resolution
from calldesk.store.services.mail_out import queue_message, send_queued
from tests.integration.helpers import call
from tests.mail.servers import free_port
from tests.ui.test_case_workspace import _case_screen, _settle


async def test_n_queues_the_written_response_and_says_so(make_app: Any, desk_store: Store, agent: Actor,
                                                        admin: Actor) -> None:
    case = call(desk_store, agent, caller_name="Rosa Diaz", email="rosa@example.org", language="Spanish").case
    with desk_store.uow() as uow:
        set_resolution(uow, actor=admin, case_number=case.case_number,
                       data=ResolutionUpdate(response="El horario está en la página de la escuela."))
    # The acknowledgement went to a mail server that is not there (a port nobody listens on): it stays queued.
    with desk_store.uow() as uow:
        queue_message(uow, kind="acknowledgement", actor=agent, profile=load_profile("lausd"),
                      case_number=case.case_number)
    [failed] = send_queued(desk_store.uow, actor=agent, sender="desk@agency.example",
                           deliver=smtp_deliver(Server("127.0.0.1", free_port(), tls=False)))
    assert failed.error.startswith("ConnectionRefusedError")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot, app)
        app.push_screen(CaseScreen(case.case_number))
        screen = await _case_screen(pilot, app)
        await pilot.press("ctrl+g")
        await _settle(pilot, app)
        options = app.screen.query_one("#case-menu-options", OptionList)
        letter = next(options.get_option_at_index(i) for i in range(options.option_count)
                      if options.get_option_at_index(i).id == "v")
        assert letter.disabled and "Only specialists or supervisors may" in str(letter.prompt)
        await pilot.press("n")
        for _ in range(20):
            await _settle(pilot, app)
            if isinstance(app.screen, MailDialog) and app.screen.found is not None:
                break
        dialog = app.screen
        assert isinstance(dialog, MailDialog)
        state = str(dialog.query_one("#state", Static).render())
        assert "To: rosa@example.org" in state and "Email from this case (sent, queued, failed):" in state
        assert "acknowledgement [es]: failed (1 try: ConnectionRefusedError" in state
        await pilot.press("ctrl+s")
        for _ in range(20):
            await _settle(pilot, app)
            if app.screen is screen:
                break
        assert app.screen is screen
        said = [str(n.message) for n in app._notifications]
        # lausd.toml has the Spanish template, and Rosa's language is Spanish.
        assert f"Case {case.case_number}: written response queued to rosa@example.org (es); it goes with the " \
               "outbox's next send." in said
    with desk_store.uow(readonly=True) as uow:
        [_, row] = uow.session.exec(select(MailMessage).order_by(col(MailMessage.id)))
    assert (row.kind, row.language, row.status, row.by_user) == ("written_response", "es", "queued", agent.username)
    assert row.subject == f"[Caso {case.case_number}] Nuestra respuesta"
