"""The anchor of the picks-per-second run (bench.stress, phase picks): what the same database does with the
smallest write transaction there is, from as many clients, on this machine, measured right after the picks.

    python -m bench.picks_anchor pg URL SECONDS CLIENTS       # pgbench's simple-update transaction (-N)
    python -m bench.picks_anchor sqlite PATH SECONDS CLIENTS  # the same transaction, one process per client

pgbench's simple-update transaction (-N): UPDATE an account, SELECT its balance, INSERT a history row, at scale 1
(100,000 accounts). PostgreSQL runs pgbench itself on a scratch database; SQLite runs the same three statements
in BEGIN IMMEDIATE ... COMMIT from processes of its own, with the pragmas jobfloor uses (WAL, synchronous=normal,
a busy timeout). The figure is the database's own on the same shared cores and disk under the same load, so the
ratio (picks/s over this) says how far a pick is from the database's floor whatever else the machine was doing.
A pick is a much bigger transaction (some 13 statements, 9 of them writes to indexed tables): the ratio is small
by nature; it is a guard against regressions, not a score. Prints the transactions per second.
"""
from __future__ import annotations

import multiprocessing
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


def pg(url: str, seconds: float, clients: int) -> float:
    import psycopg2

    server, _, name = url.rpartition("/")
    scratch = f"{name}_anchor"
    admin = psycopg2.connect(server + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cur.execute(f'CREATE DATABASE "{scratch}"')
    target = f"{server}/{scratch}"
    try:
        subprocess.run(["pgbench", "-i", "-s", "1", "-q", target], check=True, capture_output=True)
        out = subprocess.run(["pgbench", "-N", "-c", str(clients), "-j", "2", "-T", str(max(1, round(seconds))),
                              target], check=True, capture_output=True, text=True).stdout
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


ACCOUNTS = 100_000  # pgbench at scale 1


def _writer(path: str, until: float, done) -> None:
    import random

    rng = random.Random()
    conn = sqlite3.connect(path, timeout=15, isolation_level=None)
    conn.execute("PRAGMA synchronous = normal")
    n = 0
    while time.time() < until:
        aid, delta = rng.randint(1, ACCOUNTS), rng.randint(-5000, 5000)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE accounts SET abalance = abalance + ? WHERE aid = ?", (delta, aid))
        conn.execute("SELECT abalance FROM accounts WHERE aid = ?", (aid,)).fetchone()
        conn.execute("INSERT INTO history (aid, delta, mtime) VALUES (?, ?, CURRENT_TIMESTAMP)", (aid, delta))
        conn.execute("COMMIT")
        n += 1
    done.put(n)


def sqlite(path: str, seconds: float, clients: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("CREATE TABLE accounts (aid INTEGER PRIMARY KEY, bid INTEGER, abalance INTEGER, filler TEXT)")
    conn.execute("CREATE TABLE history (tid INTEGER, bid INTEGER, aid INTEGER, delta INTEGER, mtime TEXT)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO accounts VALUES (?, 1, 0, '')", ((k,) for k in range(1, ACCOUNTS + 1)))
    conn.execute("COMMIT")
    conn.close()
    done = multiprocessing.get_context("spawn").Queue()
    start = time.time() + 1.0  # every process started before the clock runs
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_gated, args=(path, start, start + seconds, done)) for _ in range(clients)]
    for p in procs:
        p.start()
    total = sum(done.get() for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def _gated(path: str, start: float, until: float, done) -> None:
    while time.time() < start:
        time.sleep(0.005)
    _writer(path, until, done)


def main(argv: list[str]) -> int:
    kind, where, seconds, clients = argv[0], argv[1], float(argv[2]), int(argv[3])
    if kind == "pg":
        print(f"{pg(where, seconds, clients):.1f}")
    else:
        Path(where).unlink(missing_ok=True)
        print(f"{sqlite(where, seconds, clients):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
