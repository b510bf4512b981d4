"""`calldesk serve`: the web front (the Service Request form, respondents' pages, Open311) on uvicorn, and the
Open311 clients' API keys (`calldesk serve key add NAME`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from calldesk.cli.output import JSON, out, print_json, print_table, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import open_from, read_signed_in, run_service, signed_in, store_profile
from calldesk.listening import bound_socket

if TYPE_CHECKING:
    from calldesk.store.db.store import Store
    from calldesk.store.db.users import Actor

app = typer.Typer(help="Serve the web front: the Service Request form, its status links, respondents, Open311.",
                  invoke_without_command=True)
key = typer.Typer(help="Open311 clients' API keys.", no_args_is_help=True)
app.add_typer(key, name="key")
respondent = typer.Typer(help="Respondents' web accounts (school and department administrators).",
                         no_args_is_help=True)
app.add_typer(respondent, name="respondent")


@app.callback()
@refusals_exit
def serve(ctx: typer.Context,
          host: str = typer.Option("127.0.0.1", help="The address to listen on (the TLS proxy's side)."),
          port: int = typer.Option(8311, min=0, max=65535, help="The port (0: any free port, printed)."),
          rate: int = typer.Option(10, min=1, max=100_000, help="Submissions per minute per client address."),
          threads: int = typer.Option(10, min=1, max=15, help="Threads doing store work at once, per process "
                                                            "(at most the store's 15 pooled connections)."),
          workers: int = typer.Option(1, min=1, max=64, help="Processes serving (PostgreSQL; each counts its own "
                                                              "rate limits; the database counts lockouts)."),
          public_url: str = typer.Option("", "--public-url", help="The address constituents reach the site at "
                                         "(the TLS proxy's, e.g. https://requests.example.org/): status links name "
                                         "it, and a request naming another host is refused. Default: the address "
                                         "listened on.")) -> None:
    """Serve the web front until stopped (Ctrl+C). It acts as its own calldesk user: the signed-in login."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from calldesk.profiles import load_profile
    from calldesk.rules.public_address import public_address
    from calldesk.web.app import SERVE_ENV, WebFront, create_app
    from calldesk.web.keys import web_home

    store = open_from(ctx)
    try:
        _import_on_start(store, web_home())
        public_address(public_url, listen_host=host, listen_port=port)  # refused before the port is taken
        sock = bound_socket(host, port)
        where = sock.getsockname()
        public = public_address(public_url, listen_host=host, listen_port=where[1])
        front = WebFront(store=store, profile=load_profile(store.protocol), home=web_home(), public=public,
                         rate_per_minute=rate)
        listened = f"http://{f'[{where[0]}]' if ':' in where[0] else where[0]}:{where[1]}/"
        out.print(f"Serving {shown(front.profile.title)} as {shown(store.login)} on {listened}"
                  f"{f' for {shown(public.origin)}/' if public_url else ''}"
                  f"{f' in {workers} processes' if workers > 1 else ''} (Ctrl+C stops)", highlight=False)
        sys.stdout.flush()
        # No access log: its lines would hold status links. No Server header. Forwarded headers from the proxy.
        options: dict[str, Any] = {"log_level": "warning", "access_log": False, "server_header": False,
                                   "proxy_headers": True, "timeout_keep_alive": 5, "limit_concurrency": 1000,
                                   "h11_max_incomplete_event_size": 16_384}
        if workers == 1:
            uvicorn.Server(uvicorn.Config(create_app(front, threads=threads), **options)).run(sockets=[sock])
            return
        from uvicorn.supervisors import Multiprocess

        front.close()
        os.environ[SERVE_ENV] = json.dumps({"url": store.url, "protocol": store.protocol, "home": str(front.home),
                                            "origin": public.origin, "hosts": sorted(public.hosts), "rate": rate,
                                            "threads": threads})
        config = uvicorn.Config("calldesk.web.app:from_environment", factory=True, workers=workers, **options)
        Multiprocess(config, sockets=[sock]).run()
    finally:
        store.close()


def import_old_files(store: Store, admin: Actor, home: Path) -> str | None:
    """Bring an earlier calldesk's web files (respondents' password hashes, clients' key digests) into the store,
    once: each imported file is renamed `*.imported`. None when there was nothing to import."""
    from calldesk.store.services.web_accounts import import_web_files
    from calldesk.web.accounts import OLD_ACCOUNTS, old_accounts
    from calldesk.web.keys import OLD_CLIENTS, old_clients

    files = [home / name for name in (OLD_ACCOUNTS, OLD_CLIENTS) if (home / name).exists()]
    if not files:
        return None
    with store.uow() as uow:
        done = import_web_files(uow, actor=admin, accounts=old_accounts(home), keys=old_clients(home))
    for path in files:
        path.rename(path.with_name(path.name + ".imported"))
    return (f"Imported the web front's files into the store: {done.accounts} respondent account(s), {done.keys} "
            f"Open311 key(s){f', {done.skipped} skipped (already there or not a respondent)' if done.skipped else ''}.")


def _import_on_start(store: Store, home: Path) -> None:
    """On the first start after an upgrade: the old files imported when the signed-in user may; else one line
    saying which command does it (the accounts and keys would be refused until then)."""
    from calldesk.rules.permissions import may
    from calldesk.store.db.users import actor_for
    from calldesk.web.accounts import OLD_ACCOUNTS
    from calldesk.web.keys import OLD_CLIENTS

    if not any((home / name).exists() for name in (OLD_ACCOUNTS, OLD_CLIENTS)):
        return
    with store.uow(readonly=True) as uow:  # the signed-in user, as the store knows them now
        actor = actor_for(uow.session, store.login)
    if actor.sole or may(actor.role, "manage_web"):
        said = import_old_files(store, actor, home)
        if said:
            out.print(said, highlight=False)
        return
    out.print(f"The web front's old account and key files in {shown(home)} are not in the store yet: an admin "
              "runs `calldesk serve import` once.", highlight=False)


@key.command("add")
@refusals_exit
def key_add(ctx: typer.Context, name: str = typer.Argument(..., help="The client's name (a 311 app).")) -> None:
    """Issue a client's API key and print it (shown once: only its digest is kept, in the store)."""
    from calldesk.store.services.web_accounts import add_web_key

    out.print(run_service(ctx, lambda uow, actor, _p: add_web_key(uow, actor=actor, name=name)), highlight=False)


@key.command("list")
@refusals_exit
def key_list(ctx: typer.Context, as_json: bool = JSON) -> None:
    """The clients' keys: who issued each and when, and which are revoked (never a key nor its digest)."""
    from calldesk.cli.times import moment_text
    from calldesk.store.services.web_accounts import web_keys

    profile = store_profile(ctx)
    keys = read_signed_in(ctx, lambda session, actor: web_keys(session, viewer=actor))
    if as_json:
        print_json(keys)
        return
    print_table("Open311 clients' keys", ["client", "issued", "by", "revoked", "revoked by"],
                [[k.name, moment_text(profile, k.issued_at), k.issued_by, moment_text(profile, k.revoked_at),
                  k.revoked_by or ""] for k in keys])


@key.command("revoke")
@refusals_exit
def key_revoke(ctx: typer.Context, name: str = typer.Argument(..., help="The client's name.")) -> None:
    """Revoke a client's API key (its requests are refused from now on; the store keeps who issued and revoked
    it)."""
    from calldesk.store.services.web_accounts import revoke_web_key

    run_service(ctx, lambda uow, actor, _p: revoke_web_key(uow, actor=actor, name=name))
    out.print(f"Revoked {shown(name)}'s key.", highlight=False)


key.command("remove", hidden=True)(key_revoke)  # the earlier name of `revoke`


@app.command("import")
@refusals_exit
def import_files(ctx: typer.Context) -> None:
    """Bring an earlier calldesk's web files ($CALLDESK_WEB_DIR: respondents' password hashes, clients' key
    digests) into the store, once (admins; `calldesk serve` does it itself when an admin starts it)."""
    from calldesk.web.keys import web_home

    with signed_in(ctx, may="manage_web") as (store, admin):
        said = import_old_files(store, admin, web_home())
    out.print(said or f"Nothing to import in {shown(web_home())}.", highlight=False)


@respondent.command("add")
@refusals_exit
def respondent_add(ctx: typer.Context,
                   name: str = typer.Argument(..., help="The respondent's calldesk user (role respondent)."),
                   password_stdin: bool = typer.Option(False, "--password-stdin",
                                                       help="Read the password from standard input.")) -> None:
    """Give a respondent a web password (its argon2id hash kept in the store); on PostgreSQL their login (made by
    `db grant`) gets a new random password only the web front keeps, so it signs in as them."""
    import secrets

    from calldesk.store.services.web_accounts import check_respondent
    from calldesk.store.services.web_logins import check_login, set_respondent_sign_in
    from calldesk.web.accounts import keep_login_password
    from calldesk.web.keys import web_home

    with signed_in(ctx, may="manage_web") as (store, admin):
        with store.uow(readonly=True) as uow:  # (before the password is asked for: a refusal asks for nothing)
            check_respondent(uow.session, name)
            if store.backend == "postgresql":  # (and before the web password is kept: its login must be there)
                check_login(uow.session, name)
        password = _password(password_stdin)
        login = secrets.token_urlsafe(32) if store.backend == "postgresql" else None
        with store.uow() as uow:  # one transaction: the web password and the login's, or neither
            set_respondent_sign_in(uow, actor=admin, username=name, password=password, login_password=login)
        if login is not None:  # kept once the login has it
            keep_login_password(web_home(), name, login)
    out.print(f"{shown(name)} may sign in at /respond.", highlight=False)


def _password(from_stdin: bool) -> str:
    """The new password: the first line of standard input (read no further than a password's length: a device
    or an endless stream is not read for ever), or typed twice, unseen, at a terminal."""
    from calldesk.errors import InvalidInput
    from calldesk.rules.web_accounts import PASSWORD_LENGTH

    if from_stdin:
        return sys.stdin.readline(PASSWORD_LENGTH[1] + 3).rstrip("\r\n")  # (one more: a longer one is refused)
    if not sys.stdin.isatty():
        raise InvalidInput("No terminal to type the password at: give it on standard input with --password-stdin.",
                           field="password")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
