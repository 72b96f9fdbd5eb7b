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
    with conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid()", (name,))
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()


def _fresh(url: str):
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


@pytest.fixture(params=["sqlite", "pg"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jobfloor.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def database(db_url):
    """An empty, initialised jobfloor database of each kind."""
    database = _fresh(db_url)
    database.url = db_url
    yield database
    database.close()


@pytest.fixture
def sqlite_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'jobfloor.db'}"
    database = _fresh(url)
    database.url = url
    yield database
    database.close()


@pytest.fixture
def demo(database):
    """The demo site loaded as of its base date, so expectations are fixed."""
    from core.erp.demo import load_demo

    load_demo(today=DEMO_TODAY)
    return database


@pytest.fixture
def sqlite_demo(sqlite_db):
    from core.erp.demo import load_demo

    load_demo(today=DEMO_TODAY)
    return sqlite_db


@pytest.fixture
def actors():
    from core.site.actor import Actor

    return {role: Actor(code, role, "PICK-1") for role, code in
            (("operator", "OP1"), ("picker", "PK1"), ("supervisor", "SV1"), ("planner", "PL1"), ("admin", "AD1"))}
