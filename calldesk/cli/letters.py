"""`calldesk case letter NUMBER STEP`: the response letter's steps from the CLI, through the same services as the
desk's letter dialog (calldesk.store.services.letters, calldesk.store.services.follow_ups_resolution.advance_letter)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import typer

from calldesk.cli.output import out, print_json, shown
from calldesk.cli.running import read_signed_in, run_service
from calldesk.errors import InvalidInput
from calldesk.output_files import checked_target, write_file
from calldesk.rules.display import inert

STEPS = ("draft", "submit", "show", "return", "approve", "pdf", "attach", "inform")
MAX_TEXT_BYTES = 200_000


def _text(path: Path | None) -> str | None:
    """The letter's text from `path` (UTF-8), or None to keep the draft's (or start from the template). Only a
    regular file is read, and never more than a letter's bytes: /dev/zero or a pipe would be read for ever."""
    if path is None:
        return None
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # (before opening it: opening a named pipe waits for a writer)
            raise InvalidInput(f"{path} is not a file of text (a folder, a device or a pipe?).", field="text_file")
        with path.open(encoding="utf-8") as handle:
            text = handle.read(MAX_TEXT_BYTES + 1)  # (characters: at least as many bytes)
        if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
            raise InvalidInput(f"{path} is larger than a letter ({MAX_TEXT_BYTES} bytes at most).", field="text_file")
        return text
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text.", field="text_file") from None
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror or exc}.", field="text_file") from None


def letter_step(ctx: typer.Context, number: str, step: str, *, file: Path | None, text_file: Path | None, note: str,
                out_file: Path | None, expected: int | None, as_json: bool) -> None:
    from calldesk.store.services.follow_ups_resolution import advance_letter
    from calldesk.store.services.letters import draft_letter, letter_words, return_letter

    if step not in STEPS:
        raise InvalidInput(f"'{step}' is not a letter step: {', '.join(STEPS)}.", field="step")
    if step == "show":
        words = read_signed_in(ctx, lambda session, actor: letter_words(session, number, viewer=actor))
        if as_json:
            print_json(words.__dict__)
            return
        _show(words)
        return
    if step == "pdf":
        _pdf(ctx, number, out_file)
        return
    if step == "attach" and file is None:
        raise InvalidInput("attach needs the signed letter's file: calldesk case letter NUMBER attach FILE.")
    if step in ("draft", "submit"):
        text = _text(text_file)
        res = run_service(ctx, lambda uow, actor, profile: draft_letter(
            uow, actor=actor, profile=profile, case_number=number, text=text, submit=step == "submit",
            expected_version=expected))
    elif step == "return":
        res = run_service(ctx, lambda uow, actor, profile: return_letter(
            uow, actor=actor, case_number=number, note=note, expected_version=expected))
    else:
        res = run_service(ctx, lambda uow, actor, profile: advance_letter(
            uow, actor=actor, case_number=number, step=step, attachment=file, expected_version=expected))
    if as_json:
        print_json(res)
        return
    done = {"draft": "letter drafted (not submitted: `letter NUMBER submit` sends it for approval)",
            "submit": "letter submitted for approval", "return": "letter returned to its drafter with the note"}
    out.print(f"Case {shown(number)}: {done.get(step) or 'letter ' + res.letter_status.replace('_', ' ')}.")


def _show(words: Any) -> None:
    state = words.status.replace("_", " ")
    if words.status == "draft":
        state += ", submitted for approval" if words.submitted else ", not submitted"
    steps = (("drafted", words.drafted_by), ("approved", words.approved_by), ("signed", words.signed_by))
    who = "".join(f"; {what} by {name}" for what, name in steps if name)
    out.print(inert(f"Case {words.case_number}: letter {state}{who}.", lines=False), markup=False)
    if words.note:
        out.print(inert(f"Returned by {words.returned_by}: {words.note}", lines=False), markup=False)
    out.print(inert(words.text or "(no text drafted yet)"), markup=False)


def _pdf(ctx: typer.Context, number: str, out_file: Path | None) -> None:
    from calldesk.letter_pdf import letter_pdf
    from calldesk.store.services.letters import approved_text

    if out_file is None:
        raise InvalidInput("pdf needs --out FILE: where to write the letter for signing.", field="out")
    checked_target(out_file, "letter", new_only=True)  # before the store is touched
    text = read_signed_in(ctx, lambda session, actor: approved_text(session, number, viewer=actor))
    data = letter_pdf(text, title=f"Response letter, case {number}")
    write_file(out_file, data, "letter", new_only=True)
    out.print(f"Case {shown(number)}: the approved letter ({len(data)} bytes) written to {shown(out_file)} for "
              "signing; attach the signed copy with `letter NUMBER attach FILE`.")
