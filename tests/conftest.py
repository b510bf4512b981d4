"""Shared fixtures: temp user dirs, and a fresh real store per test on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import atexit
import gc
import itertools
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# Tests never touch the user's real data or config: point every platformdirs location at a temp dir.
_SANDBOX = Path(tempfile.mkdtemp(prefix="calldesk-tests-"))
atexit.register(shutil.rmtree, _SANDBOX, True)  # gone with the test run
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = str(_SANDBOX / _var.lower())
for _var in ("CALLDESK_DATABASE_URL", "CALLDESK_PROTOCOL", "CALLDESK_USER", "CALLDESK_DATA_DIR"):
    os.environ.pop(_var, None)

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from calldesk.models import UserCreate  # noqa: E402
from calldesk.store.db import users as user_service  # noqa: E402
from calldesk.store.db.engine import checkpoint, normalise_url  # noqa: E402
from calldesk.store.db.store import Store, open_store  # noqa: E402
from calldesk.store.db.users import Actor, os_login  # noqa: E402
from calldesk.store.services.reference import ensure_reference  # noqa: E402


def _built_once() -> None:
    """typer's test runner builds the app's click command on every `invoke` (every command's signature and type
    hints read again: ~0.1 s for calldesk's hundred commands, most of an in-process command's cost). A Typer app's
    commands are all registered when its modules load, so the runner here builds each app's command once and reuses
    it (click makes a new context for every run: nothing of one run is kept for the next)."""
    import typer.testing

    build = typer.testing._get_command
    built: dict[int, tuple[object, object]] = {}

    def get_command(typer_app: object) -> object:
        if id(typer_app) not in built:
            built[id(typer_app)] = (typer_app, build(typer_app))  # (the app kept: its id is never reused)
        return built[id(typer_app)][1]

    typer.testing._get_command = get_command  # type: ignore[assignment]


_built_once()


def _pilot_waits_less() -> None:
    """Pilot's `press` waits, after every key, until the process looks idle: it sleeps 20 ms at a time (twice per
    key at least) and calls the process idle when it used under 1 ms of CPU in one sleep. Typed key by key, a
    test's text spends most of its time asleep there (test_key_sequences: 8 s a call, 5 of them sleeping). Sleeps of
    5 ms with the same ratio (idle: under a twentieth of the sleep) make the same judgement four times as often."""
    import textual._wait

    textual._wait.SLEEP_GRANULARITY = 0.005
    textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20


_pilot_waits_less()


# On SQLite the CLI signs in as the OS user running it, so the test stores' first admin is that user.
ADMIN = os_login()
BACKENDS = ["sqlite", "postgres"]
_counter = itertools.count()
# This test process's mark in the names of what it makes on the PostgreSQL cluster (databases, login roles): the
# xdist worker (gw0, gw1...; "main" without xdist) and the pid, so parallel workers, and other runs sharing the
# cluster, never use, drop or reuse each other's databases and roles.
RUN_TAG = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


def pg_admin_url() -> str:
    url = os.environ.get("CALLDESK_TEST_PG_URL")
    if not url:
        if os.environ.get("CALLDESK_TEST_SKIP_PG") == "1":
            pytest.skip("PostgreSQL explicitly disabled with CALLDESK_TEST_SKIP_PG=1")
        pytest.fail("CALLDESK_TEST_PG_URL is not set: run the suite with scripts/test, which starts PostgreSQL.")
    return normalise_url(url)


def _pg_exec(sql: str, attempts: int = 20) -> None:
    """Run one statement as the test role; retried while an autovacuum worker (a superuser's process, which
    DROP DATABASE ... WITH (FORCE) may not terminate for us) is still busy in the database."""
    from sqlalchemy.exc import ProgrammingError

    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(attempts):
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql(sql)
                return
            except ProgrammingError as exc:
                if "InsufficientPrivilege" not in type(exc.orig).__name__ or attempt == attempts - 1:
                    raise
                time.sleep(0.25)
    finally:
        engine.dispose()


STUCK_AFTER = 240  # seconds: before pytest-timeout's 300, which prints the threads but not the coroutines


def _print_waiting_tasks(test: str) -> None:
    """What every unfinished asyncio task of the test awaits: a hung Pilot test waits in a coroutine, and
    pytest-timeout's dump shows only the threads (the event loop idling in select)."""
    print(f"\n{test} still running after {STUCK_AFTER} s; unfinished asyncio tasks:", file=sys.stderr)
    for task in list(asyncio.tasks._all_tasks):  # (read from this thread for the report only)
        if task.done():
            continue
        print(f"  task {task.get_name()}:", file=sys.stderr)
        awaited: object = task.get_coro()
        while awaited is not None:  # the chain of awaits, outermost first (print_stack shows only the first)
            frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "gi_frame", None)
            if frame is not None:
                print(f"    {frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}", file=sys.stderr)
            awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "gi_yieldfrom", None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the PostgreSQL server is marked `postgres` (`-m "not postgres"` leaves them out)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("backend") == "postgres"
        if on_postgres or "pg_template" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything collection built (the modules, calldesk, Textual, SQLAlchemy, the test functions) lives as long
    as the run: freeze it out of the cycle collector's passes, which otherwise walk it again and again while the
    tests make and drop their apps and stores (the collector still frees every cycle a test makes), and let the
    collector run less often."""
    import hypothesis  # noqa: F401  (loaded anyway by its plugin's summary; loaded now, it finds the PRNGs it
    # registers by their referrers, which a frozen object no longer shows)

    gc.collect()
    gc.freeze()
    # A Pilot test builds and drops tens of thousands of widget, style and strip objects a second: with the
    # default threshold (700) the collector runs every few hundred of them. 20,000 runs it less often, and the
    # UI tests take a fifth less CPU (tests/ui/test_case_workspace.py + test_work_menu.py: 31 s -> 24 s).
    gc.set_threshold(20_000, 20, 20)


@pytest.fixture(autouse=True)
def _report_a_stuck_test(request: pytest.FixtureRequest) -> Iterator[None]:
    watchdog = threading.Timer(STUCK_AFTER, _print_waiting_tasks, args=(request.node.nodeid,))
    watchdog.daemon = True
    watchdog.start()
    yield
    watchdog.cancel()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    # Migrated, ADMIN its first admin, the default protocol's reference data loaded (as after a first start).
    template = open_store(f"sqlite:///{path}", configured_user=ADMIN, prepare=ensure_reference)
    checkpoint(template.engine)
    template.close()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    name = f"calldesk_tmpl_{RUN_TAG}"
    _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _pg_exec(f"CREATE DATABASE {name}")
    # Migrated, with the fixture's login role as its first admin.
    open_store(make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False),
               prepare=ensure_reference).close()

    def drop() -> None:
        _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    atexit.register(drop)  # also when the session's teardown is cut short (an xdist worker stopped)
    yield name
    atexit.unregister(drop)
    drop()


class PgDatabases:
    """Fresh test databases copied from the migrated template one test ahead, and the used ones (with a team's
    login roles) dropped after their test, both in threads: a test waits for neither (a copy takes ~0.4 s, a drop
    ~1 s on a busy machine). Whatever is still queued is dropped when the session ends."""

    def __init__(self, template: str) -> None:
        self.template = template
        self._ready: queue.Queue[str | BaseException] = queue.Queue()
        # At most a few drops wait: a test that would queue more waits for one (the backlog never outgrows the run).
        self._drops: queue.Queue[tuple[str, list[str]] | None] = queue.Queue(maxsize=3)
        self._queued: set[str] = set()
        self.failures: list[str] = []
        self._dropper = threading.Thread(target=self._drop_all, name="pg-dropper", daemon=True)
        self._dropper.start()
        self._closed = False
        atexit.register(self.close)  # also when the session's teardown is cut short (an xdist worker stopped)
        self._copy_ahead()

    def _copy_ahead(self) -> None:
        name = f"calldesk_t_{RUN_TAG}_{next(_counter)}"

        def copy() -> None:
            try:
                _pg_exec(f"CREATE DATABASE {name} TEMPLATE {self.template}")
                self._ready.put(name)
            except BaseException as exc:  # handed to the test that takes it: it fails with the reason
                self._ready.put(exc)

        threading.Thread(target=copy, name="pg-copier", daemon=True).start()

    def take(self) -> str:
        """A fresh database's name (the next one starts copying)."""
        got = self._ready.get(timeout=120)
        self._copy_ahead()
        if isinstance(got, BaseException):
            raise got
        return got

    def drop_later(self, database: str, roles: list[str] | None = None) -> None:
        """Drop `database`, then `roles` (a role is dropped once no database holds its grants), off the test's
        time. A database already queued is not queued again."""
        if database in self._queued and not roles:
            return
        self._queued.add(database)
        self._drops.put((database, list(roles or [])))

    def _drop_all(self) -> None:
        """Drop what is queued, all of it at once: each DROP DATABASE waits for a checkpoint of the whole cluster
        (~1 s), and drops made together share one (four dropped together take about the time of one)."""
        stopping = False
        while not stopping:
            jobs = [self._drops.get()]
            while True:  # whatever else is already waiting joins this round
                try:
                    jobs.append(self._drops.get_nowait())
                except queue.Empty:
                    break
            stopping = None in jobs
            dropping = [threading.Thread(target=self._drop_one, args=job, name="pg-drop")
                        for job in jobs if job is not None]
            for thread in dropping:
                thread.start()
            for thread in dropping:
                thread.join()

    def _drop_one(self, database: str, roles: list[str]) -> None:
        try:
            _drop_database(database)
            drop_logins(roles)  # (after its database: the roles' grants are in it)
        except Exception as exc:  # reported at the session's end: a leaked database must be seen
            self.failures.append(f"{database} {roles}: {exc}")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.drop_later(self.take_unused())
        self._drops.put(None)
        self._dropper.join()
        if self.failures:
            print("\nNot dropped (drop by hand):\n  " + "\n  ".join(self.failures), file=sys.stderr)

    def take_unused(self) -> str:
        got = self._ready.get(timeout=120)  # the copy made ahead that no test took
        return got if isinstance(got, str) else ""


@pytest.fixture(scope="session")
def pg_databases(pg_template: str) -> Iterator[PgDatabases]:
    databases = PgDatabases(pg_template)
    yield databases
    databases.close()  # before pg_template's teardown drops the template
    atexit.unregister(databases.close)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated, empty store's URL on the test's backend."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "store" / "calldesk.db"
        path.parent.mkdir(mode=0o700)
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    # A test with a team gets a copy of the team's template (the logins' grants are in it); others the bare store.
    databases: PgDatabases = request.getfixturevalue("team_databases" if "team" in request.fixturenames
                                                     else "pg_databases")
    name = databases.take()
    yield make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    databases.drop_later(name)


def _drop_database(name: str) -> None:
    # A backend of another role (a test's login role, a maintenance worker) may still be leaving: retry briefly.
    if not name:
        return
    for attempt in range(5):
        try:
            _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        except Exception:
            if attempt == 4:
                raise
            time.sleep(0.5)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An open store whose signed-in user is its first admin."""
    opened = open_store(db_url, configured_user=ADMIN)
    yield opened
    opened.close()


@pytest.fixture
def admin(store: Store) -> Actor:
    return store.actor()


def add_user(store: Store, admin: Actor, username: str, role: str, **extra: object) -> Actor:
    with store.uow() as uow:
        user_service.add_user(uow, actor=admin, data=UserCreate(username=username, role=role, **extra))
        uow.commit()
    return Actor(username, role)


@pytest.fixture
def staff(store: Store, admin: Actor) -> dict[str, Actor]:
    """One active user per role."""
    people = {"admin": admin}
    for username, role in [("sue", "supervisor"), ("ana", "agent"), ("pat", "program_specialist"),
                           ("sam", "specialist")]:
        people[role] = add_user(store, admin, username, role, supervisor="sue" if role != "supervisor" else None)
    return people


# --- A team on PostgreSQL: one login per person, made by `calldesk db grant` (never the owner's connection) ---

TEAM_PEOPLE = (("ana", "agent"), ("bo", "agent"), ("pat", "program_specialist"), ("sam", "specialist"),
               ("sue", "supervisor"), ("vic", "supervisor"), ("rex", "respondent"), ("adm", "admin"))
TEAM_PLACES = "Roosevelt High"  # the respondent's school
TEAM_PASSWORD = "team-test-secret"
TEAM_PREFIX = f"t{RUN_TAG}_"  # this test process's team logins: t<worker>_<pid>_ana ...


class Team:
    """A PostgreSQL store worked by a team: `team.store("ana")` is ana's own connection (her login role made by
    `db grant`, with what her calldesk role needs and nothing more), `team.actor("ana")` her calldesk user;
    `team.owner` the store owner's connection (only for setting up and for looking behind the database's rules).
    The logins are named `<prefix>ana` and so on (roles are the whole cluster's: each team has its own)."""

    def __init__(self, db_url: str, owner: Store, prefix: str) -> None:
        self.db_url, self.owner, self.prefix = db_url, owner, prefix
        self.logins_made: list[str] = []  # login roles the test made: dropped after its store (it holds their grants)
        self.urls: dict[str, str] = {}
        self._stores: dict[str, Store] = {}

    def name(self, who: str) -> str:
        return f"{self.prefix}{who}"

    def url(self, who: str) -> str:
        if who not in self.urls:
            self.urls[who] = make_url(self.db_url).set(username=self.name(who), password=TEAM_PASSWORD) \
                .render_as_string(hide_password=False)
        return self.urls[who]

    def store(self, who: str) -> Store:
        """`who`'s own store connection (signed in as their login role)."""
        if who not in self._stores:
            self._stores[who] = open_store(self.url(who), create=False)
        return self._stores[who]

    def actor(self, who: str) -> Actor:
        return self.store(who).actor()

    def close(self) -> None:
        for opened in self._stores.values():
            opened.close()
        self._stores.clear()


@pytest.fixture(scope="session")
def team_template(pg_template: str) -> Iterator[str]:
    """The migrated store with TEAM_PEOPLE and their logins (`<TEAM_PREFIX>ana` ...), made once per test process:
    a team test's store is a copy of it. The logins are the whole cluster's, their grants are the database's, so a
    copy has them all and the logins serve every copy; dropped at the session's end, after every copy."""
    name = f"calldesk_team_{RUN_TAG}"
    _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _pg_exec(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    owner = open_store(make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False))
    names = make_logins(owner, TEAM_PREFIX)
    owner.close()

    def drop() -> None:
        try:
            _drop_database(name)
            drop_logins(names)  # (after the template: it holds their grants)
        except Exception as exc:  # reported, as PgDatabases reports its own: a leaked database must be seen
            print(f"\nNot dropped (drop by hand): {name} {names}: {exc}", file=sys.stderr)

    atexit.register(drop)  # also when the session's teardown is cut short (an xdist worker stopped)
    yield name
    atexit.unregister(drop)
    drop()


@pytest.fixture(scope="session")
def team_databases(team_template: str) -> Iterator[PgDatabases]:
    databases = PgDatabases(team_template)
    yield databases
    databases.close()  # before team_template's teardown drops the template and the logins
    atexit.unregister(databases.close)


@pytest.fixture
def team(backend: str, db_url: str, request: pytest.FixtureRequest) -> Iterator[Team]:
    """The PostgreSQL store of `db_url` with a team (TEAM_PEOPLE) whose logins `db grant` made; PostgreSQL only
    (use with `pytest.mark.parametrize("backend", ["postgres"], indirect=True)`). The store is a copy of
    `team_template` (db_url takes it from there for a team test); the logins are this test process's."""
    if backend != "postgres":
        pytest.skip("a team of logins is a PostgreSQL store's")  # never reached: team tests ask for postgres
    owner = open_store(db_url)
    made = Team(db_url, owner, TEAM_PREFIX)
    yield made
    made.close()
    owner.close()
    team_databases: PgDatabases = request.getfixturevalue("team_databases")
    team_databases.drop_later(make_url(db_url).database or "", made.logins_made)  # the store, then those logins
    # A test may have set a login's password (the web front's respondent logins): the next test's logins sign in
    # with the team's.
    _pg_exec("; ".join(f"ALTER ROLE \"{TEAM_PREFIX}{who}\" PASSWORD '{TEAM_PASSWORD}'" for who, _ in TEAM_PEOPLE))


def make_logins(owner: Store, prefix: str) -> list[str]:
    """TEAM_PEOPLE as calldesk users named `<prefix>who`, each with the login role `db grant` makes (and a password
    for TCP); returns the login names."""
    from calldesk.store.db.grants import grant_login

    boss = owner.actor()
    names = [f"{prefix}{who}" for who, _ in TEAM_PEOPLE]
    drop_logins(names)
    for who, role in sorted(TEAM_PEOPLE, key=lambda p: p[1] != "supervisor"):  # supervisors first: others name sue
        with owner.uow() as uow:
            user_service.add_user(uow, actor=boss, data=UserCreate(
                username=f"{prefix}{who}", role=role, full_name=who.title(),
                supervisor=f"{prefix}sue" if role in ("agent", "program_specialist", "specialist") else None,
                places=TEAM_PLACES if role == "respondent" else ""))
    for name in names:
        with owner.uow() as uow:
            grant_login(uow, actor=boss, username=name)
        _pg_exec(f"ALTER ROLE \"{name}\" PASSWORD '{TEAM_PASSWORD}'")
    return names


def drop_logins(names: list[str]) -> None:
    for name in names:
        _pg_exec(f'DROP ROLE IF EXISTS "{name}"')
