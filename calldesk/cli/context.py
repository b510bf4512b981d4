"""The names commands imported from here before the split (kept for branches in flight; new code imports
calldesk.cli.running, calldesk.cli.output and calldesk.cli.refusals)."""

from calldesk.cli.output import (
    JSON,
    err,
    out,
    print_json,
    print_table,
    progress_bar,
    progress_reporter,
    report,
    shown,
    to_jsonable,
)
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import Options, open_from, opened, options, read_signed_in, run_read, run_service

__all__ = ["JSON", "Options", "err", "open_from", "opened", "options", "out", "print_json", "print_table",
           "progress_bar", "progress_reporter", "read_signed_in", "refusals_exit", "report", "run_read",
           "run_service", "shown", "to_jsonable"]
