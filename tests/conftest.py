"""Real databases for the tests: an SQLite file per test, and a PostgreSQL database per test run.

Without a PostgreSQL server the PostgreSQL tests skip with the reason; under CI=true they fail instead, so CI can
never pass without having run them.
"""
from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest

PG_HOST = os.environ.get("JOBFLOOR_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
DEMO_TODAY = dt.date(2026, 11, 25)
# Every test, and every process a test starts, runs on this clock: nothing depends on the day the suite runs.
TEST_CLOCK = dt.datetime.combine(DEMO_TODAY, dt.time(8, 0))


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Nothing a test does lands in the user's own data or cache directory."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("JOBFLOOR_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("JOBFLOOR_CACHE_DIR", str(base / "cache"))
    # Numba's compiled kernel is kept across runs (it is keyed by source and CPU), so only the first run compiles.
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(Path(__file__).resolve().parents[1] / ".numba_cache"))
    monkeypatch.delenv("JOBFLOOR_DB", raising=False)
    monkeypatch.delenv("JOBFLOOR_STATION", raising=False)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The floor's clock starts at TEST_CLOCK in this process and in every process a test starts."""
    from core import clock

    monkeypatch.setenv(clock.ENV, TEST_CLOCK.isoformat())
    clock.set_clock(TEST_CLOCK)
    yield clock
    clock.set_clock(None)


@pytest.fixture(scope="session")
def aot_kernel():
    """The allocation kernel compiled ahead of time (core.allocator.aot), as `jobfloor release` loads it: built
    once into the repository's .numba_cache (about 20 s) and kept there for later runs, keyed by its source."""
    from core.allocator import aot

    os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(__file__).resolve().parents[1] / ".numba_cache"))
    aot.load.cache_clear()
    if aot.load() is None:
        aot.build()
    allocate = aot.load()
    assert allocate is not None, "the kernel did not compile ahead of time: is a C compiler installed?"
    return allocate


def _pg_admin():
    import psycopg2

    return psycopg2.connect(PG_HOST + "/postgres", connect_timeout=3)


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    try:
        conn = _pg_admin()
    except Exception as exc:  # no server on a newcomer's machine
        reason = f"no PostgreSQL server at {PG_HOST} ({str(exc).strip().splitlines()[0]})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}: CI must run the PostgreSQL tests; .ci/run starts the server")
        pytest.skip(reason + ": start one to run these tests")
    name = f"jobfloor_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_HOST}/{name}"
    from core.data.db import db

    if db.obj is not None and not db.is_closed():
        db.close()
    conn.close()
    conn = _pg_admin()  # a new one: tests/resilience restarts the server, which ends the first
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid()", (name,))
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()


def _fresh(url: str):
    """An initialised, empty database at `url`, built from nothing (the templates below are built this way)."""
    from core.data.db import connect, db
    from core.data.models import ALL_MODELS
    from core.data.schema import init_schema

    if db.obj is not None and not db.is_closed():
        db.close()
    database = connect(url)
    if url.startswith("postgresql"):
        database.drop_tables(ALL_MODELS, safe=True, cascade=True)
        database.execute_sql("DROP SEQUENCE IF EXISTS track_id_seq")
    init_schema()
    return database


# Templates are built on a clock a minute before the tests' own, so a test's actions always come after the data it
# starts from, as they did when each test loaded the demo itself.
TEMPLATE_CLOCK = TEST_CLOCK - dt.timedelta(minutes=1)
TEMPLATES = ("empty", "demo")


class Templates:
    """The two starting points of the tests, each built once per run and then copied for every test that wants it:
    `empty` (a migrated schema, nothing else) and `demo` (the demo site as of DEMO_TODAY). Migrating a schema and
    loading the demo (users' PINs are hashed with scrypt on purpose) took longer than most tests themselves.

    SQLite: the template is a file, and a test gets a copy of it. PostgreSQL: the run's database keeps a snapshot of
    each template in a schema of its own (jobfloor_template_<name>), and a test starts by putting one back: every
    table emptied and refilled from it and every sequence set back, in one statement batch. (CREATE DATABASE ...
    TEMPLATE plus a DROP per test costs over a second each on this server; this costs a few milliseconds.)
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self.sqlite_files: dict[str, Path] = {}
        self.pg_restore: dict[str, str] = {}

    def _build(self, url: str, name: str):
        from core import clock

        clock.set_clock(TEMPLATE_CLOCK)
        try:
            database = _fresh(url)
            if name == "demo":
                from core.erp.demo import load_demo

                load_demo(today=DEMO_TODAY)
        finally:
            clock.set_clock(TEST_CLOCK)
        return database

    def sqlite(self, name: str, url: str):
        """The template `name` copied to the SQLite file of `url`, connected."""
        import shutil

        from core.data.db import connect, db, sqlite_path

        if name not in self.sqlite_files:
            path = self.directory / f"{name}.db"
            database = self._build(f"sqlite:///{path}", name)
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, then copied
            database.close()
            self.sqlite_files[name] = path
        if db.obj is not None and not db.is_closed():
            db.close()
        target = Path(sqlite_path(url))
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.sqlite_files[name], target)
        return connect(url)

    def pg(self, name: str, url: str):
        """The run's PostgreSQL database put back to the template `name`, connected."""
        from core.data.db import connect, db

        if db.obj is not None and not db.is_closed():
            db.close()
        if name in self.pg_restore:
            database = connect(url)
            try:
                database.execute_sql(self.pg_restore[name])
                return database
            except Exception:  # a test changed the schema itself: build the template again
                database.close()
        database = self._build(url, name)
        self.pg_restore[name] = self._snapshot(database, name)
        return database

    @staticmethod
    def _snapshot(database, name: str) -> str:
        """Copy every table into the template's schema; return the SQL that puts them and the sequences back."""
        from peewee import sort_models

        from core.data.models import ALL_MODELS

        schema = f"jobfloor_template_{name}"
        tables = [m._meta.table_name for m in sort_models(ALL_MODELS)]
        database.execute_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"; '
                             + " ".join(f'CREATE TABLE "{schema}"."{t}" AS TABLE public."{t}";' for t in tables))
        restore = [f'DELETE FROM public."{t}";' for t in reversed(tables)]
        restore += [f'INSERT INTO public."{t}" SELECT * FROM "{schema}"."{t}";' for t in tables]
        for seq, last, start in database.execute_sql(
                "SELECT sequencename, last_value, start_value FROM pg_sequences WHERE schemaname = 'public'"):
            restore.append(f"SELECT setval('public.\"{seq}\"', {int(last)}, true);" if last is not None else
                           f"SELECT setval('public.\"{seq}\"', {int(start)}, false);")
        return " ".join(restore)


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> Templates:
    """Where `database`, `demo`, `sqlite_db` and `sqlite_demo` come from; see Templates."""
    return Templates(tmp_path_factory.mktemp("templates"))


def _copy_of(templates: Templates, name: str, url: str):
    database = templates.pg(name, url) if url.startswith("postgresql") else templates.sqlite(name, url)
    database.url = url
    return database


@pytest.fixture(params=["sqlite", "pg"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jobfloor.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def database(db_url, templates):
    """An empty, initialised jobfloor database of each kind (`.url` says where, for processes a test starts)."""
    database = _copy_of(templates, "empty", db_url)
    yield database
    database.close()


@pytest.fixture
def sqlite_db(tmp_path, templates):
    database = _copy_of(templates, "empty", f"sqlite:///{tmp_path / 'jobfloor.db'}")
    yield database
    database.close()


@pytest.fixture
def demo(db_url, templates):
    """The demo site loaded as of its base date, so expectations are fixed; on each kind of database."""
    database = _copy_of(templates, "demo", db_url)
    yield database
    database.close()


@pytest.fixture
def sqlite_demo(tmp_path, templates):
    """The demo site on SQLite only (screens and subprocess tests that need one database, not both)."""
    database = _copy_of(templates, "demo", f"sqlite:///{tmp_path / 'jobfloor.db'}")
    yield database
    database.close()


@pytest.fixture
def actors():
    from core.site.actor import Actor

    return {role: Actor(code, role, "PICK-1") for role, code in
            (("operator", "OP1"), ("picker", "PK1"), ("supervisor", "SV1"), ("planner", "PL1"), ("admin", "AD1"))}
