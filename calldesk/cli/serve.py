"""`calldesk serve`: the web front (the Service Request form, respondents' pages, Open311) on uvicorn, and the
Open311 clients' API keys (`calldesk serve key add NAME`)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import typer

from calldesk.cli.output import out, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import open_from, signed_in
from calldesk.errors import InvalidInput
from calldesk.listening import bound_socket

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
                                                              "rate limits and lockouts).")) -> None:
    """Serve the web front until stopped (Ctrl+C). It acts as its own calldesk user: the signed-in login."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from calldesk.profiles import load_profile
    from calldesk.web.app import SERVE_ENV, WebFront, create_app
    from calldesk.web.keys import web_home

    store = open_from(ctx)
    try:
        front = WebFront(store=store, profile=load_profile(store.protocol), home=web_home(), rate_per_minute=rate)
        sock = bound_socket(host, port)
        where = sock.getsockname()
        out.print(f"Serving {shown(front.profile.title)} as {shown(store.login)} on http://{where[0]}:{where[1]}/"
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
                                            "rate": rate, "threads": threads})
        config = uvicorn.Config("calldesk.web.app:from_environment", factory=True, workers=workers, **options)
        Multiprocess(config, sockets=[sock]).run()
    finally:
        store.close()


def _admin(ctx: typer.Context) -> None:
    with signed_in(ctx, may="manage_users"):
        pass


@key.command("add")
@refusals_exit
def key_add(ctx: typer.Context, name: str = typer.Argument(..., help="The client's name (a 311 app).")) -> None:
    """Issue a client's API key and print it (shown once: only its digest is kept)."""
    from calldesk.web.keys import add_client, web_home

    _admin(ctx)
    out.print(add_client(web_home(), name), highlight=False)


@key.command("remove")
@refusals_exit
def key_remove(ctx: typer.Context, name: str = typer.Argument(..., help="The client's name.")) -> None:
    """Remove a client's API key (its requests are refused from now on)."""
    from calldesk.web.keys import remove_client, web_home

    _admin(ctx)
    if not remove_client(web_home(), name):
        raise InvalidInput(f"No client named {name!r}.", field="name")
    out.print(f"Removed {shown(name)}'s key.", highlight=False)


@respondent.command("add")
@refusals_exit
def respondent_add(ctx: typer.Context,
                   name: str = typer.Argument(..., help="The respondent's calldesk user (role respondent)."),
                   password_stdin: bool = typer.Option(False, "--password-stdin",
                                                       help="Read the password from standard input.")) -> None:
    """Give a respondent a web password (argon2id hash kept); on PostgreSQL their login (made by `db grant`) gets
    a new random password only the web front keeps, so it signs in as them."""
    import sys

    from calldesk.store.users import actor_for
    from calldesk.store.web_logins import set_login_password
    from calldesk.web.accounts import new_login_password, set_password
    from calldesk.web.keys import web_home

    password = sys.stdin.readline().rstrip("\n") if password_stdin else typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    with signed_in(ctx, may="manage_users") as (store, admin):
        with store.uow(readonly=True) as uow:
            if actor_for(uow.session, name).role != "respondent":
                raise InvalidInput(f"{name} is not a respondent (calldesk user set-role {name} respondent).",
                                   field="name")
        if store.backend == "postgresql":
            with store.uow() as uow:
                set_login_password(uow, actor=admin, login=name, password=new_login_password(web_home(), name))
        set_password(web_home(), name, password)
    out.print(f"{shown(name)} may sign in at /respond.", highlight=False)
