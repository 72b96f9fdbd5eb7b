"""Hearing that another terminal changed something, cheaply, so open screens refresh without a refresh key.

PostgreSQL: every write transaction sends NOTIFY jobfloor at commit (core.data.db.write_txn); a watcher LISTENs on its
own connection and sleeps in select() until one arrives. SQLite: a watcher asks its own connection for
PRAGMA data_version a few times a second, which changes exactly when another connection commits.
"""
from __future__ import annotations

import select
import sqlite3
import threading
from typing import Callable
from urllib.parse import urlparse

from core.data.db import make_database, sqlite_path

SQLITE_POLL_S = 0.2


class ChangeWatcher:
    def __init__(self, url: str, callback: Callable[[], None], min_interval: float = 0.1):
        self.url = url
        self.callback = callback
        self.min_interval = min_interval  # a burst of commits gives one refresh, not hundreds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jobfloor-changes", daemon=True)
        self._heard_before = False

    def start(self) -> ChangeWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if urlparse(self.url).scheme.startswith("postgres"):
                    self._listen_pg()
                else:
                    self._poll_sqlite()
            except Exception:  # the database went away: try again shortly, screens keep what they show
                self._stop.wait(2.0)

    def _fire(self) -> None:
        self.callback()
        self._stop.wait(self.min_interval)

    def _listen_pg(self) -> None:
        database = make_database(self.url)
        conn = database.connection()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("LISTEN jobfloor")
        if self._heard_before:
            self._fire()  # back after a restart or a dropped connection: what was committed meanwhile, unheard
        self._heard_before = True
        try:
            while not self._stop.is_set():
                if select.select([conn], [], [], 1.0) == ([], [], []):
                    continue
                conn.poll()
                if conn.notifies:
                    conn.notifies.clear()
                    self._fire()
        finally:
            conn.close()

    def _poll_sqlite(self) -> None:
        conn = sqlite3.connect(sqlite_path(self.url), timeout=5, check_same_thread=False)
        try:
            last = conn.execute("PRAGMA data_version").fetchone()[0]
            while not self._stop.wait(SQLITE_POLL_S):
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now != last:
                    last = now
                    self._fire()
        finally:
            conn.close()


def wait_for_change(url: str, timeout: float) -> bool:
    """For tests and benches: block until the next change, True if one came in time."""
    seen = threading.Event()
    watcher = ChangeWatcher(url, seen.set).start()
    try:
        return seen.wait(timeout)
    finally:
        watcher.stop()


