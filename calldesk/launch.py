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

        app()
        return
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


if __name__ == "__main__":
    main()
