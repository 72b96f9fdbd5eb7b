"""A board's live updates after a dropped connection: the watcher LISTENs again by itself and tells the screen to
refresh once, since whatever was committed while it was away was never NOTIFYed to it."""
import threading
import time

import psycopg2
import pytest

from core.data.changes import ChangeWatcher
from tests.conftest import PG_HOST

pytestmark = pytest.mark.parametrize("db_url", ["pg"], indirect=True)


def _admin():
    conn = psycopg2.connect(PG_HOST + "/postgres")
    conn.autocommit = True
    return conn


def _until(predicate, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)  # a condition polled with a deadline (the listener is another process's backend)
    return False


def test_the_watcher_listens_again_after_its_connection_is_dropped(database):
    name = database.url.rsplit("/", 1)[1]
    refreshed = threading.Event()
    watcher = ChangeWatcher(database.url, refreshed.set).start()
    admin = _admin()
    try:
        def listeners() -> list[int]:
            with admin.cursor() as cur:
                cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND query = 'LISTEN jobfloor'",
                            (name,))
                return [pid for (pid,) in cur.fetchall()]

        assert _until(lambda: listeners())
        first = listeners()
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (first[0],))
        assert refreshed.wait(timeout=15), "no refresh after the watcher's connection came back"
        assert _until(lambda: listeners() and listeners() != first)
    finally:
        watcher.stop()
        admin.close()
