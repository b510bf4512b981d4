"""The console script. `calldesk` alone opens the desk at once; with arguments it is the admin CLI (typer).

The desk path skips importing typer and the CLI's commands: an agent's start is the one that must be quick.
"""

from __future__ import annotations

import os
import sys

from calldesk import collector

# calldesk uses no pydantic plugins; skipping their discovery (a scan of every installed package's metadata)
# shortens the agent's start. Set on import: this module is the console script and is imported first.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def main() -> None:
    """Entry point of the `calldesk` command."""
    if len(sys.argv) > 1:
        with collector.paused():
            from calldesk.cli import app

        raise SystemExit(_run_cli(app))
    from calldesk.errors import CalldeskError

    collector.pause()  # until the desk's start is over (the app resumes it: calldesk.collector)
    try:
        from calldesk.app import run_desk
        from calldesk.settings import load_settings

        run_desk(load_settings())
    except CalldeskError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    finally:
        collector.resume()


def _run_cli(app: object) -> int:
    """The admin CLI's exit status; a command line it cannot read (an unknown option, "abc" for a number) is
    refused in one line, as every other refusal is, with where to read the command's options."""
    import typer
    from typer.main import get_command

    try:
        code = get_command(app).main(args=sys.argv[1:], prog_name="calldesk",  # type: ignore[arg-type]
                                     standalone_mode=False)
        sys.stdout.flush()  # what the command left in the buffer, while a reader gone can still be told apart
    except BrokenPipeError:
        return _reader_gone()
    except SystemExit as exc:  # rich and typer exit 1 when a write finds the reader gone: ours is 141, quietly
        if _from_a_gone_reader(exc):
            return _reader_gone()
        raise
    except typer.TyperException as exc:  # (typer's own click: a usage error, a bad value, a missing option)
        ctx = getattr(exc, "ctx", None)
        said = " ".join(str(getattr(exc, "format_message", exc.__str__)()).split())[:300]
        where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        sys.stderr.write(f"error: {said}{where}\n")
        return int(getattr(exc, "exit_code", 2))
    except typer.Abort:
        sys.stderr.write("Aborted.\n")
        return 1
    return code if isinstance(code, int) else 0


def _from_a_gone_reader(exc: BaseException) -> bool:
    """True when `exc` was raised while handling a write to a pipe whose reader had gone (`calldesk ... | head`)."""
    cause = exc.__context__
    while cause is not None:
        if isinstance(cause, BrokenPipeError):
            return True
        cause = cause.__context__
    return False


def _reader_gone() -> int:
    """The reader went (`| head`): end quietly as a command killed by SIGPIPE ends, 128 + 13, whichever command
    or library was writing; what is left in stdout's buffer goes nowhere (the interpreter's last flush would fail
    with an error and exit 120)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 141

if __name__ == "__main__":
    main()
