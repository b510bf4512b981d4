"""Worker failures, handled in one place per screen: one sentence for the agent, never a traceback.

Screens run their store reads and writes in thread workers; a worker's result comes back as a message, and a
worker that raises ends here, in `on_worker_state_changed`: the one handler of failures. A screen that shows the
sentence somewhere else (in place of what it was loading) overrides `show_failure`.
"""

from __future__ import annotations

from typing import Any

from textual.worker import Worker, WorkerState

from calldesk.errors import CalldeskError
from calldesk.rules.display import inert


def as_refusal(error: BaseException | None) -> CalldeskError:
    """A refusal keeps its own sentence; anything unexpected says so without losing what was typed."""
    if isinstance(error, CalldeskError):
        return error
    kind = type(error).__name__ if error is not None else "an unknown error"
    return CalldeskError(f"Something went wrong ({kind}); nothing typed is lost. Try again, or tell your supervisor.")


class ReportsWorkerFailures:
    """Mixed into a screen whose thread workers read or write the store."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.show_failure(event.worker, as_refusal(event.worker.error))

    def show_failure(self, worker: Worker[Any], refusal: CalldeskError) -> None:
        """Say why `worker` failed: a notification by default."""
        self.notify(inert(refusal.message), severity="error", timeout=8,  # type: ignore[attr-defined]
                    markup=False)
