"""The restarts phase of bench.stress: pickers on their own slips while the PostgreSQL server is restarted
(`pg_ctlcluster VERSION main restart`, as .ci/run starts it) or their connections are dropped
(pg_terminate_backend), then the ledger is checked.

What it proves (issue 18.2): sessions reconnect by themselves (no process fails, nobody logs in again), a pick
confirmed before a fault is in the ledger once, a pick in flight is either committed once or refused with a
sentence that says which (DatabaseUnavailable: not saved; CommitInDoubt: look it up), and no request id or
posting is carried out twice. Figures: faults survived, picks lost, duplicates.
"""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

PG_ADMIN = os.environ.get("JOBFLOOR_TEST_PG", "postgresql://postgres@127.0.0.1:5432") + "/postgres"


def pg_version() -> str:
    return min(os.listdir("/etc/postgresql"))


def wait_until_ready(deadline_s: float = 60.0) -> float:
    """Seconds until the server accepts connections again (a condition wait with a deadline)."""
    import psycopg2

    began = time.monotonic()
    while True:
        try:
            psycopg2.connect(PG_ADMIN, connect_timeout=2).close()
            return time.monotonic() - began
        except psycopg2.OperationalError:
            if time.monotonic() - began > deadline_s:
                raise RuntimeError("the PostgreSQL server did not come back within a minute") from None
            time.sleep(0.05)


def restart_server() -> float:
    """Restart the whole server (every database on it); returns seconds until it answered again."""
    began = time.monotonic()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "restart"], check=True,
                   capture_output=True)
    wait_until_ready()
    return time.monotonic() - began


def drop_connections(dbname: str) -> int:
    """Terminate every backend of `dbname` (a network drop for each of its sessions); returns how many."""
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", (dbname,))
            return cur.fetchone()[0]
    finally:
        conn.close()


def phase_restarts(kind: str, args, workdir: Path):
    from bench.stress import Pool, RunResult, _connect, merge
    from bench.stress_check import Check, check_all, read_jsonl
    from bench.stress_site import SiteSize, build
    from core.jobs.release import release
    from core.site.actor import Actor

    result = RunResult("restarts", kind, args.procs, args.restart_seconds)
    if kind != "pg":
        result.notes.append("SQLite has no server to restart: its 'database is locked' is retried inside "
                            "(core.data.db.retrying) and shown as 'database busy, retrying'")
        return result
    size = "ci" if args.size == "ci" else "picks"
    site = build(kind, workdir, SiteSize.named(size), f"file://{workdir / 'labels.zpl'}", seed=args.seed)
    try:
        result.extra["site"] = site.counts
        release(Actor("PL1", "planner"), all_imported=True)
        from core.data.db import db

        db.close()
        pool = Pool(site.url, args.procs, args.restart_seconds, workdir, args.seed, "pick", None, own_jobs=True)
        pool.start()
        # Spread over the run's middle, drops and restarts taking turns; none in the last second, so every
        # process meets the database again after the last one.
        order, left = [], {"drop": args.drops, "restart": args.restarts}
        while any(left.values()):
            for what in ("drop", "restart"):
                if left[what]:
                    order.append(what)
                    left[what] -= 1
        span = max(0.5, args.restart_seconds - 1.5)
        at = [pool.began + 0.5 + span * (k + 1) / (len(order) + 1) for k in range(len(order))]
        downtime, dropped = [], 0
        while pool.live or at:
            pool.reap(respawn=False)
            if at and time.time() >= at[0]:
                at.pop(0)
                what = order.pop(0)
                if what == "restart":
                    downtime.append(restart_server())
                else:
                    dropped += drop_connections(site.pg_name)
            elif not pool.live:
                break
            time.sleep(0.02)
        result.seconds = time.time() - pool.began
        result.faults = {"server restarts": len(downtime), "connection drops (pg_terminate_backend)": args.drops,
                         "sessions dropped": dropped}
        if downtime:
            result.extra["server down per restart"] = f"{min(downtime):.1f}-{max(downtime):.1f} s"
        result.tally, result.refusals = merge(pool.reports())
        result.tally.pop("statements", None)
        result.exits = pool.exits
        result.tracebacks = pool.tracebacks()
        _connect(site.url)
        died = [(s, c) for s, c in pool.exits if c != 0]
        result.checks.append(Check("every picker came through every fault by itself (exit 0, no traceback)",
                                   not died and not result.tracebacks,
                                   f"{len(pool.exits)} process(es), {len(died)} bad exit(s)", died))
        result.checks += check_all(pool.logs, labels=False)
        acks = [a for f in sorted(pool.logs.glob("acks-*.jsonl")) for a in read_jsonl(f)]
        result.checks.append(_refused_not_kept(acks))
        figures = _figures(result, acks)
        result.extra.update(figures)
    finally:
        if not args.keep:
            site.drop()
    return result


def _refused_not_kept(acks: list[dict]):
    """A pick the picker was told was not saved (database unavailable) is not in the ledger."""
    from bench.stress_check import Check
    from core.data.models import AuditEvent

    told_not = [a["rid"] for a in acks if a.get("op") == "pick"
                and a.get("refused", "").startswith("the database cannot be reached")]
    kept = [s for (s,) in AuditEvent.select(AuditEvent.subject)
            .where((AuditEvent.action == "pick") & AuditEvent.subject.in_(told_not)).tuples()] if told_not else []
    return Check("a pick refused as 'database unavailable' was not kept", not kept,
                 f"{len(told_not)} such refusal(s)", kept)


def _figures(result, acks: list[dict]) -> dict:
    by_name = {c.name: c for c in result.checks}
    acked = [a for a in acks if a.get("op") == "pick" and a.get("posting")]
    lost = by_name["every acknowledged pick and return is in the ledger"]
    twice = by_name["no request was carried out twice (request ids)"]
    in_doubt = sum(n for what, n in result.tally.get("pick", {}).items() if "CommitInDoubt" in what)
    unavailable = sum(n for what, n in result.tally.get("pick", {}).items() if "DatabaseUnavailable" in what)
    heard = result.tally.pop("database", {})
    return {"sessions that met a fault and came back by themselves": heard.get("came back", 0),
            "picks confirmed": len(acked),
            "picks lost": len(lost.examples) if not lost.ok else 0,
            "duplicates (request ids or postings)": (len(twice.examples) if not twice.ok else 0)
            + sum(len(c.examples) for c in result.checks if "posting" in c.name and not c.ok),
            "picks in flight refused as not saved / in doubt": f"{unavailable} / {in_doubt}"}
