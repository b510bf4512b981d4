"""`calldesk db ...`: upgrade, check, backup, restore, compact."""

from __future__ import annotations

from pathlib import Path

import typer

from calldesk.cli.output import JSON, err, out, print_json, print_table, progress_reporter, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import run_service, signed_in, store_profile

app = typer.Typer(help="Maintain the store: schema, integrity, backups.", no_args_is_help=True)


@app.command()
@refusals_exit
def upgrade(ctx: typer.Context) -> None:
    """Create the store if there is none (you become its first admin), or bring its schema up to date."""
    from calldesk.store.db.schema import current_revision

    with signed_in(ctx, may="maintain_store", create=True) as (store, _):
        out.print(f"Store {shown(store.location)} is at schema revision {current_revision(store.engine)}.")


@app.command()
@refusals_exit
def check(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Run integrity and foreign-key checks and say what was found."""
    from calldesk.store.db import maintenance, scrub

    with signed_in(ctx, may="maintain_store") as (store, _):
        report = maintenance.check(store.engine)
        pending = scrub.pending_since(store.engine)
        scrub_line = scrub.describe_scrub(store.engine, tz=store_profile(ctx).tz)
        removed = maintenance.remove_leftovers(store.url)
    if as_json:
        print_json({"ok": report.ok, "backend": report.backend, "revision": report.revision,
                    "problems": report.problems, "tables": report.tables,
                    "scrub_pending_since": pending.isoformat() if pending else None,
                    "leftovers_removed": [str(p) for p in removed]})
    else:
        print_table(f"{report.backend} store, schema {report.revision}", ["table", "rows"], report.tables.items())
        if report.ok:
            out.print("[green]No problems found:[/] integrity, foreign keys and schema are in order.")
        for problem in report.problems:
            err.print(f"[red]problem:[/] {shown(problem)}")
        out.print(scrub_line, markup=False)
        _say_removed(removed)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
@refusals_exit
def backup(ctx: typer.Context, path: Path = typer.Argument(..., help="File to write the backup to.")) -> None:
    """Back up the live store (agents may keep working) to PATH."""
    from calldesk.store.db import maintenance

    with signed_in(ctx, may="maintain_store") as (store, _):
        _say_removed(maintenance.remove_leftovers(store.url, path.expanduser().absolute().parent))
        with progress_reporter("Backing up") as progress:
            written = maintenance.backup(store.engine, store.url, path, progress=progress)
    out.print(f"Backup written to {shown(written)} ({written.stat().st_size:,} bytes).")


@app.command()
@refusals_exit
def restore(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="Backup file made by `calldesk db backup`."),
    force: bool = typer.Option(False, "--force", help="Overwrite a store that holds live data."),
) -> None:
    """Replace the store's contents with a backup."""
    from calldesk.store.db import maintenance
    from calldesk.store.db.restore import restore as restore_backup

    with signed_in(ctx, may="maintain_store") as (store, actor):
        _say_removed(maintenance.remove_leftovers(store.url))
        with progress_reporter("Restoring") as progress:
            restore_backup(store.engine, store.url, path, actor=actor, force=force, progress=progress)
    out.print(f"Restored {shown(store.location)} from {shown(path)}.")


def _say_removed(removed: list[Path]) -> None:
    from calldesk.store.db.maintenance import describe_removed

    if removed:
        out.print(shown(describe_removed(removed)))


@app.command()
@refusals_exit
def compact(ctx: typer.Context) -> None:
    """Rewrite the store so no old copy of scrubbed text survives in its files (run when the desks are quiet)."""
    from calldesk.store.db import maintenance

    with signed_in(ctx, may="maintain_store") as (store, _):
        done = maintenance.compact(store.engine)
    out.print(f"Compacted {shown(store.location)}: {'; '.join(done)}.")


@app.command()
@refusals_exit
def grant(ctx: typer.Context, name: str = typer.Argument(..., help="A calldesk user (its login role).")) -> None:
    """PostgreSQL: create NAME's login role with only what their calldesk role needs (run after `user add`;
    `user set-role`, `deactivate` and `activate` then keep it in step; the store's owner login only)."""
    from calldesk.store.db.grants import grant_login

    done = run_service(ctx, lambda uow, actor, _: grant_login(uow, actor=actor, username=name))
    out.print(f"Done: {shown(done)}.")
