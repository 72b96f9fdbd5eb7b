"""Stress, crash and pick-rate runs against a fresh site: `make stress` or `python -m bench.stress`.

Phases (`--phases`, default all four):
  stress  N processes doing random release, pick (substitutes, short picks, repeats), return, un-release,
          replenish, count, complete, hold, label, send, reprint, void and postings export for a set time,
          against a printer emulator that is switched off, jams and comes back; then the books are checked.
  picks   confirmed picks per second with N pickers on their own slips at once (PostgreSQL; SQLite with both).
  crash   the same mix while processes are SIGKILLed at random points (inside transactions, between a commit
          and the screen, and from outside), respawned to resume their sessions; then the books again, plus
          every acknowledged pick in the ledger.
  export  `jobfloor postings export` killed again and again, then run to the end: each posting exported once.
  restarts  pickers on their own slips while the PostgreSQL server is restarted (--restarts) and their
          connections dropped (--drops): nothing confirmed lost, nothing twice (bench.stress_restarts).

Exit status 0 when every invariant held on every database, 1 otherwise.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("stress", "picks", "crash", "export", "restarts")
PICK_TARGETS = {"pg": 200.0, "sqlite": 150.0}  # confirmed picks per second, the picking issue's targets
# Least picks/s over the anchor's transactions/s (bench.picks_anchor, measured right after in the same run): the
# regression guard, since the absolute rate moves with whatever else the shared machine is doing.
PICK_RATIO_GOALS = {"pg": 0.03, "sqlite": 0.006}
DONE = ("ok", "short instead", "swept")  # outcomes that did something


@dataclass
class RunResult:
    """What one phase on one database did and found."""

    phase: str
    db: str
    procs: int
    seconds: float
    tally: dict = field(default_factory=dict)  # op kind -> outcome -> count
    refusals: dict = field(default_factory=dict)
    exits: list = field(default_factory=list)
    tracebacks: list = field(default_factory=list)
    kills: int = 0
    faults: dict = field(default_factory=dict)
    checks: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def ops(self) -> int:
        """Operations carried out (refusals, idle turns and the senders' label counts apart)."""
        return sum(n for kind in self.tally.values() for what, n in kind.items() if what in DONE)

    def as_json(self) -> dict:
        return {"phase": self.phase, "db": self.db, "procs": self.procs, "seconds": round(self.seconds, 1),
                "operations": self.ops(), "tally": self.tally, "kills": self.kills, "faults": self.faults,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
                "notes": self.notes, "extra": self.extra, "ok": self.ok}


# --- processes -----------------------------------------------------------------------------------------------------

def worker_env(workdir: Path) -> dict:
    env = dict(os.environ)
    env.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))
    env["JOBFLOOR_DATA_DIR"] = str(workdir / "data")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


class Pool:
    """N worker processes, one per slot; in crash mode a killed one is started again for its slot."""

    def __init__(self, url: str, procs: int, seconds: float, workdir: Path, seed: int, ops: str,
                 printer: str | None, crash: bool = False, kill_p: float = 0.0, own_jobs: bool = False):
        self.url, self.procs, self.seconds, self.workdir, self.seed = url, procs, seconds, workdir, seed
        self.ops, self.printer, self.crash, self.kill_p, self.own_jobs = ops, printer, crash, kill_p, own_jobs
        self.began = self.until = 0.0
        self.logs = workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.exports = workdir / "export"
        self.env = worker_env(workdir)
        self.live: dict[int, subprocess.Popen] = {}
        self.exits: list[tuple[int, int]] = []  # (slot, exit status) of every process that ended
        self.generation = defaultdict(int)

    def spawn(self, slot: int) -> None:
        self.generation[slot] += 1
        cmd = [sys.executable, "-m", "bench.stress_worker", "--db", self.url, "--slot", str(slot),
               "--procs", str(self.procs), "--seed", str(self.seed), "--ops", self.ops,
               "--log-dir", str(self.logs), "--export-dir", str(self.exports)]
        if self.printer:
            cmd += ["--printer", self.printer]
        if self.crash:
            cmd += ["--crash", "--kill-p", str(self.kill_p)]
        if self.own_jobs:
            cmd += ["--own-jobs", "--count-statements"]
        err = open(self.logs / f"stderr-{slot}-{self.generation[slot]}.txt", "wb")
        self.live[slot] = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=err)
        err.close()

    def start(self) -> None:
        """Start every process and, once all have loaded what they need, start the clock for all at once."""
        for slot in range(1, self.procs + 1):
            self.spawn(slot)
        deadline = time.time() + 180
        while len(list(self.logs.glob("ready-*"))) < self.procs and time.time() < deadline:
            if any(p.poll() is not None for p in self.live.values()):
                break  # one died before it was ready: the run goes on and the checks will say so
            time.sleep(0.02)
        self.began = time.time()
        self.until = self.began + self.seconds
        tmp = self.logs / "go.tmp"
        tmp.write_text(repr(self.until), encoding="utf-8")
        os.replace(tmp, self.logs / "go")

    def reap(self, respawn: bool) -> None:
        for slot, proc in list(self.live.items()):
            code = proc.poll()
            if code is None:
                continue
            self.exits.append((slot, code))
            del self.live[slot]
            if respawn and code == -signal.SIGKILL and self.until - time.time() > 2:
                self.spawn(slot)

    def kill_one(self, rng: random.Random) -> bool:
        slots = [s for s, p in self.live.items() if p.poll() is None]
        if not slots:
            return False
        self.live[rng.choice(slots)].send_signal(signal.SIGKILL)
        return True

    def wait(self, rng: random.Random | None = None, kill_every: tuple[float, float] | None = None) -> int:
        """Until every process has stopped by itself; with `kill_every`, SIGKILL one now and then meanwhile."""
        kills = 0
        next_kill = time.time() + (rng.uniform(*kill_every) if kill_every else 1e18)
        hard_stop = self.until + 300
        while self.live:
            self.reap(respawn=self.crash)
            if kill_every and time.time() >= next_kill and self.until - time.time() > 2:
                kills += self.kill_one(rng)
                next_kill = time.time() + rng.uniform(*kill_every)
            if time.time() > hard_stop:
                for proc in self.live.values():
                    proc.kill()
                raise RuntimeError("worker processes did not stop by themselves within 5 minutes of their end")
            time.sleep(0.02)
        return kills

    def reports(self) -> list[dict]:
        out = []
        for path in sorted(self.logs.glob("worker-*.json")):
            try:
                out.append(json.loads(path.read_text(encoding="utf-8")))
            except ValueError:
                pass
        return out

    def tracebacks(self) -> list[str]:
        found = []
        for path in sorted(self.logs.glob("stderr-*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if "Traceback" in text or "Error" in text:
                found.append(f"{path.name}:\n{text[-3000:]}")
        return found


def merge(reports: list[dict]) -> tuple[dict, dict]:
    tally: dict = defaultdict(lambda: defaultdict(int))
    refusals: dict = {}
    for r in reports:
        for kind, outcomes in r["tally"].items():
            for what, n in outcomes.items():
                tally[kind][what] += n
        for k, v in r.get("refusals", {}).items():
            refusals.setdefault(k, v)
    return {k: dict(v) for k, v in tally.items()}, refusals


# --- the printer -----------------------------------------------------------------------------------------------------

class FlakyPrinter:
    """A loopback Zebra (it answers ~HS, so what it prints is proven) that is switched off, jams and comes back
    while the run goes on."""

    def __init__(self, rng: random.Random):
        from drivers.printer.emulator import TcpPrinterEmulator, ZebraPrinter

        self.rng = rng
        self.emulator = TcpPrinterEmulator(printer=ZebraPrinter()).start()
        self.faults = defaultdict(int)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="flaky-printer", daemon=True)

    @property
    def url(self) -> str:
        return self.emulator.url

    def start(self) -> FlakyPrinter:
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.stop.wait(self.rng.uniform(2.0, 5.0)):
            fault = self.rng.choice(["refuse", "refuse", "hang"])
            getattr(self.emulator, fault)()
            self.faults[fault] += 1
            if self.stop.wait(self.rng.uniform(0.5, 2.0)):
                break
            self.emulator.come_back()
            self.faults["came back"] += 1

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self.emulator.come_back()

    def close(self) -> None:
        self.emulator.stop()


def drain_queue(printer: FlakyPrinter | None, crash: bool = False) -> dict:
    """With the printer back for good, send everything still queued, and print again what was sent without proof
    (what a person does after looking at the printer); what is left says why."""
    from core.data.models import LabelJob
    from core.labels.reprints import print_unconfirmed_again
    from core.labels.sender import send_pending
    from core.site.actor import Actor

    if printer is None:
        return {}
    printer.finish()
    if crash:
        _past_the_lease()
    states = defaultdict(int)
    for (state,) in LabelJob.select(LabelJob.state).tuples():
        states[state] += 1
    unconfirmed = states.get("UNCONFIRMED", 0)
    for _ in range(20):
        report = send_pending(force=True, options={"connect_timeout": 2.0, "send_timeout": 5.0})
        if LabelJob.select().where(LabelJob.state == "UNCONFIRMED").exists():
            print_unconfirmed_again(Actor("stress", "supervisor"), send=False)
            continue
        if not LabelJob.select().where(LabelJob.state == "QUEUED").exists():
            break
        if report.errors:
            time.sleep(0.5)
    states = defaultdict(int)
    for (state,) in LabelJob.select(LabelJob.state).tuples():
        states[state] += 1
    return {**states, "unconfirmed, printed again": unconfirmed}


def _past_the_lease() -> None:
    """Rows a killed sender left SENDING become UNCONFIRMED once their lease is over (15 min): run the sender's
    recovery as it will run then, instead of waiting for it."""
    import core.labels.sender as sender

    real = sender.utcnow
    sender.utcnow = lambda: real() + sender.LEASE + dt.timedelta(minutes=1)
    try:
        sender.retrying(sender._recover)
    finally:
        sender.utcnow = real


def label_accounting(printer: FlakyPrinter) -> dict:
    """Labels the queue marked printed, against what the printer actually took in, TrackID by TrackID."""
    import re
    from collections import Counter

    from core.data.models import LabelJob

    time.sleep(0.3)  # the emulator reads on its own thread
    data = printer.emulator.received
    received = sum(int(n) for n in re.findall(rb"\^PQ(\d+)", data))
    printed = LabelJob.select().where(LabelJob.printed_at.is_null(False)).count()
    # A TrackID label prints its TrackID as text under the barcode: one such field per label taken in.
    took = Counter(t.decode() for t in re.findall(rb"\^FD([TS]\d{7})\^FS", data))
    marked = Counter(t for (t,) in LabelJob.select(LabelJob.track_id).where(
        (LabelJob.kind == "trackid") & LabelJob.printed_at.is_null(False)).tuples())
    return {"labels marked printed": printed, "labels the printer took in": received,
            "TrackID labels marked printed but not taken in": sum((marked - took).values()),
            "TrackID labels taken in more often than marked printed": sum((took - marked).values())}


# --- phases ------------------------------------------------------------------------------------------------------------

def _connect(url: str) -> None:
    from core.data.db import connect, db

    if db.obj is not None and not db.is_closed():
        db.close()
    connect(url)


def phase_stress(kind: str, args, workdir: Path, crash: bool = False) -> RunResult:
    from bench.stress_check import check_all, check_export
    from bench.stress_site import SiteSize, build

    rng = random.Random(args.seed)
    printer = FlakyPrinter(rng)
    result = RunResult("crash" if crash else "stress", kind, args.procs, args.seconds)
    site = build(kind, workdir, SiteSize.named(args.size), printer.url, seed=args.seed)
    try:
        result.extra["site"] = site.counts
        from core.data.db import db

        db.close()
        pool = Pool(site.url, args.procs, args.seconds, workdir, args.seed, args.ops, printer.url, crash=crash,
                    kill_p=args.kill_p if crash else 0.0)
        pool.start()
        printer.start()
        kill_every = (0.05, 2.0 * args.seconds / max(1, args.kills)) if crash else None
        result.kills = pool.wait(rng, kill_every)
        result.seconds = time.time() - pool.began
        _connect(site.url)
        result.extra["print queue"] = drain_queue(printer, crash)
        result.faults = {f"printer {k}": v for k, v in printer.faults.items()}
        result.extra["labels"] = label_accounting(printer)
        reports = pool.reports()
        result.tally, result.refusals = merge(reports)
        result.exits = pool.exits
        killed = sum(1 for _, code in pool.exits if code == -signal.SIGKILL)
        result.faults["processes SIGKILLed"] = killed
        result.faults["of them from outside"] = result.kills
        result.kills = killed
        result.tracebacks = pool.tracebacks()
        died = [(s, c) for s, c in pool.exits if c != 0 and not (crash and c == -signal.SIGKILL)]
        from bench.stress_check import Check

        result.checks.append(Check("no process died or failed (exit 0, no traceback)",
                                   not died and not result.tracebacks,
                                   f"{len(pool.exits)} process(es), {len(died)} bad exit(s), "
                                   f"{len(result.tracebacks)} with a traceback", died))
        result.checks += check_all(pool.logs, crash=crash)
        # Whatever exports ran during the run, one more run now must leave every posting exported exactly once.
        from core.erp.postings import export_pending

        export_pending(str(pool.exports))
        result.checks += check_export(pool.exports)
    finally:
        printer.close()
        if not args.keep:
            site.drop()
        else:
            result.notes.append(f"database kept: {site.url}")
    return result


def phase_picks(kind: str, args, workdir: Path) -> RunResult:
    """Sixteen pickers each on their own slips, nothing else running: confirmed picks per second."""
    from bench.stress_check import check_all
    from bench.stress_site import SiteSize, build
    from core.jobs.release import release
    from core.site.actor import Actor

    result = RunResult("picks", kind, args.procs, args.pick_seconds)
    site = build(kind, workdir, SiteSize.named("picks"), f"file://{workdir / 'labels.zpl'}", seed=args.seed)
    try:
        result.extra["site"] = site.counts
        release(Actor("PL1", "planner"), all_imported=True)
        from core.data.db import db
        from core.data.models import PickTask

        result.extra["open pick tasks"] = PickTask.select().where(PickTask.state == "OPEN").count()
        db.close()
        pool = Pool(site.url, args.procs, args.pick_seconds, workdir, args.seed, "pick", None, own_jobs=True)
        pool.start()
        cpu_before = _machine_cpu()
        pool.wait()
        machine_cpu = _machine_cpu() - cpu_before
        result.tally, result.refusals = merge(pool.reports())
        statements = result.tally.pop("statements", {})
        result.exits = pool.exits
        result.tracebacks = pool.tracebacks()
        confirmed = result.tally.get("pick", {}).get("ok", 0)
        rate = confirmed / args.pick_seconds
        result.extra["confirmed picks"] = confirmed
        result.extra["confirmed picks per second"] = round(rate, 1)
        result.extra["target"] = PICK_TARGETS[kind]
        busy = sum(r["seconds"].get("pick", 0.0) for r in pool.reports())
        if confirmed:
            # What one picker's terminal waits for each confirmation while the others pick too.
            result.extra["time per confirmed pick in one process"] = f"{busy / confirmed * 1000:.0f} ms"
            # Refused picks (an overpour) and short picks are counted in, as they cost the server too.
            result.extra["statements (round trips) per confirmed pick"] = round(statements.get("pick", 0) / confirmed,
                                                                                1)
            client = sum(r.get("cpu", 0.0) for r in pool.reports())
            server = sum(r.get("server_cpu", 0.0) for r in pool.reports())
            result.extra["CPU per confirmed pick"] = (
                f"pickers' processes {client / confirmed * 1000:.1f} ms"
                + (f", their PostgreSQL server processes {server / confirmed * 1000:.1f} ms" if server else "")
                + f"; the whole machine {machine_cpu / confirmed * 1000:.1f} ms (other work included)")
            result.extra["load average after"] = f"{os.getloadavg()[0]:.1f}"
        _connect(site.url)
        from bench.stress_check import Check

        died = [(s, c) for s, c in pool.exits if c != 0]
        result.checks.append(Check("no process died or failed", not died and not result.tracebacks,
                                   f"{len(pool.exits)} process(es)", died))
        result.checks += check_all(pool.logs, labels=False)
        if args.pick_anchor:
            anchor = _pick_anchor(kind, site.url, workdir, args)
            ratio = rate / anchor if anchor else 0.0
            goal = PICK_RATIO_GOALS[kind]
            what = "pgbench -N" if kind == "pg" else "pgbench -N's transaction on SQLite"
            result.extra["anchor"] = (f"{anchor:.0f} transactions/s ({what}, {args.procs} clients, right after); "
                                      f"ratio {ratio:.3f}, goal >= {goal}: {'met' if ratio >= goal else 'MISSED'}")
            result.checks.append(Check(f"picks/s at least {goal} of the anchor's transactions/s", ratio >= goal,
                                       f"{rate:.1f} / {anchor:.0f} = {ratio:.3f}"))
    finally:
        if not args.keep:
            site.drop()
    return result


def _pick_anchor(kind: str, url: str, workdir: Path, args) -> float:
    from core.data.db import db

    db.close()
    where = url if kind == "pg" else str(workdir / "anchor.db")
    out = subprocess.run([sys.executable, "-m", "bench.picks_anchor", kind, where, str(args.pick_seconds),
                          str(args.procs)], cwd=ROOT, capture_output=True, text=True)
    _connect(url)
    if out.returncode != 0:
        print(f"  (anchor failed: {out.stderr.strip()[-300:]})")
        return 0.0
    return float(out.stdout.strip())


def _machine_cpu() -> float:
    """Seconds of CPU the whole machine spent so far, all cores (Linux /proc/stat), idle and waiting apart."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(x) for x in fields]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def phase_export(kind: str, args, workdir: Path) -> RunResult:
    """`jobfloor postings export` as its own process, SIGKILLed at random moments, then run to the end."""
    from bench.stress_check import Check, check_export
    from bench.stress_site import SiteSize, build

    rng = random.Random(args.seed)
    result = RunResult("export", kind, 1, 0)
    site = build(kind, workdir, SiteSize.named(args.size), f"file://{workdir / 'labels.zpl'}", seed=args.seed)
    try:
        # Postings to export: a short run of pickers first.
        from core.data.db import db

        db.close()
        pool = Pool(site.url, args.procs, args.export_seed_seconds, workdir, args.seed, "pick,release,return", None)
        pool.start()
        pool.wait()
        _connect(site.url)
        from core.data.models import Posting

        real = Posting.select().count()
        # Enough work that most kills land in the middle of an export: postings as the services write them
        # (no movement behind them: the exporter reads only the outbox).
        today = dt.date.today()
        Posting.insert_many([{"key": f"PICK-SYNTH{k // 10:05d}-{k % 10 + 1}-{k:09d}", "job": f"SYNTH{k // 10:05d}",
                              "warehouse": "RM", "stock_code": "RM-W000", "line": k % 10 + 1, "qty": 1000 + k,
                              "lot": "LW000-00", "reference": f"S{k:07d}", "txn_date": today}
                             for k in range(args.export_postings)]).execute()
        total = Posting.select().count()
        db.close()
        out = workdir / "export-kill"
        env = dict(worker_env(workdir), JOBFLOOR_PIN="4444")  # the site's planner (bench.stress_site)
        cmd = [sys.executable, "-m", "tui.entry", "--db", site.url, "postings", "export", str(out), "--user", "PL1"]
        began = time.time()
        kills = mid_write = unbacked = 0
        progress = []
        for _ in range(args.export_kills):
            before = _exported(out)
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            # Wait for the export to start writing, then kill it a random moment later.
            deadline = time.time() + 30
            while _exported(out) == before and proc.poll() is None and time.time() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, args.export_kill_max))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
            err = proc.stderr.read().decode(errors="replace")
            proc.stderr.close()
            if "Traceback" in err or (proc.returncode not in (0, -signal.SIGKILL)):
                result.tracebacks.append(err[-2000:])
            mid_write += any(p.name.endswith(".tmp") for p in out.iterdir()) if out.exists() else 0
            progress.append(_exported(out) - before)
            unbacked += _marked_without_file(site.url, out)
        final = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        result.seconds = time.time() - began
        _connect(site.url)
        result.kills = kills
        result.faults = {"export processes SIGKILLed": kills, "of them with a file half-written": mid_write}
        result.extra["postings"] = f"{total} ({real} from the services, {total - real} added to the outbox)"
        result.extra["files written per killed run"] = f"min {min(progress)}, max {max(progress)}"
        result.tally = {"export": {"runs": args.export_kills + 1, "killed": kills}}
        result.checks.append(Check("every export run either finished or was killed (no traceback)",
                                   not result.tracebacks and final.returncode == 0,
                                   f"final run: {final.stdout.strip() or final.stderr.strip()}",
                                   result.tracebacks))
        result.checks.append(Check("after every kill: no posting marked exported without its complete file",
                                   not unbacked, f"{unbacked} posting(s) over {kills} kill(s)"))
        result.checks += check_export(out)
    finally:
        if not args.keep:
            site.drop()
    return result


def _marked_without_file(url: str, directory: Path) -> int:
    """Postings marked exported whose files are missing or not exactly their documents, right after a kill."""
    from core.data.db import db
    from core.data.models import Posting
    from core.erp.postings import SiteParameters, documents

    _connect(url)
    try:
        bad = 0
        site = SiteParameters.from_settings()
        for p in Posting.select().where(Posting.exported_at.is_null(False)):
            if any(not (directory / name).exists() or (directory / name).read_bytes() != data
                   for name, data in documents(p, site).items()):
                bad += 1
        return bad
    finally:
        db.close()


def _exported(directory: Path) -> int:
    """Postings whose items file (written last) is there."""
    return sum(1 for p in directory.iterdir() if p.name.endswith(".xml") and not p.name.endswith(".params.xml")
               and not p.name.startswith(".")) if directory.exists() else 0


# --- report ----------------------------------------------------------------------------------------------------------

def print_result(r: RunResult) -> None:
    print(f"\n== {r.phase} on {r.db}: {r.procs} process(es), {r.seconds:.1f} s ==")
    if r.extra.get("site"):
        print("  site: " + ", ".join(f"{v} {k}" for k, v in r.extra["site"].items()))
    if r.tally:
        total_ok = 0
        print(f"  {'operation':<10} {'done':>7} {'per s':>7}  refused / other outcomes")
        for kind in sorted(r.tally):
            outcomes = r.tally[kind]
            done = sum(n for what, n in outcomes.items() if what in DONE)
            total_ok += done
            rest = ", ".join(f"{what} {n}" for what, n in sorted(outcomes.items())
                             if what not in ("ok",))
            print(f"  {kind:<10} {done:>7} {done / max(r.seconds, 1e-9):>7.1f}  {rest}")
        print(f"  {'total':<10} {total_ok:>7} {total_ok / max(r.seconds, 1e-9):>7.1f}")
    if r.faults:
        print("  faults: " + ", ".join(f"{k} {v}" for k, v in r.faults.items()))
    for key, value in r.extra.items():
        if key != "site":
            print(f"  {key}: {value}")
    for c in r.checks:
        print(c.line())
    for t in r.tracebacks[:3]:
        print("  --- traceback ---\n" + "\n".join("    " + x for x in t.splitlines()[-25:]))
    for n in r.notes:
        print(f"  note: {n}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stress", description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    p.add_argument("--procs", type=int, default=16)
    p.add_argument("--seconds", type=float, default=30.0, help="length of the stress and crash runs")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--size", choices=("ci", "default"), default="default")
    p.add_argument("--phases", default=",".join(PHASES))
    p.add_argument("--ops", default=None, help="operation kinds of the mix (default: all)")
    p.add_argument("--kills", type=int, default=60, help="SIGKILLs from outside per crash run (more from inside)")
    p.add_argument("--kill-p", type=float, default=0.002, help="chance of a SIGKILL at each kill point inside")
    p.add_argument("--pick-seconds", type=float, default=20.0)
    p.add_argument("--no-pick-anchor", dest="pick_anchor", action="store_false",
                   help="skip the database's own transactions/s measured after the picks")
    p.add_argument("--export-kills", type=int, default=30)
    p.add_argument("--export-kill-max", type=float, default=0.3,
                   help="longest an export writes before its kill, seconds")
    p.add_argument("--export-seed-seconds", type=float, default=5.0)
    p.add_argument("--export-postings", type=int, default=4000, help="postings added to the outbox to export")
    p.add_argument("--restarts", type=int, default=5, help="PostgreSQL server restarts in the restarts phase")
    p.add_argument("--drops", type=int, default=5, help="drops of every connection in the restarts phase")
    p.add_argument("--restart-seconds", type=float, default=40.0, help="length of the restarts phase")
    p.add_argument("--keep", action="store_true", help="keep the databases and the work folder")
    p.add_argument("--json", help="also write the results to this file")
    args = p.parse_args(argv)
    from bench.stress_worker import MIX

    args.ops = args.ops or ",".join(MIX)
    phases = [x for x in args.phases.split(",") if x]
    unknown = [x for x in phases if x not in PHASES]
    if unknown:
        p.error(f"unknown phase {unknown[0]}: use {', '.join(PHASES)}")
    kinds = ["sqlite", "pg"] if args.db == "both" else [args.db]
    os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))
    results = []
    base = Path(tempfile.mkdtemp(prefix="jobfloor-stress-"))
    os.environ["JOBFLOOR_DATA_DIR"] = str(base / "data")
    try:
        for phase in phases:
            for kind in kinds:
                workdir = base / f"{phase}-{kind}"
                workdir.mkdir()
                if phase == "stress":
                    r = phase_stress(kind, args, workdir)
                elif phase == "crash":
                    r = phase_stress(kind, args, workdir, crash=True)
                elif phase == "picks":
                    r = phase_picks(kind, args, workdir)
                elif phase == "restarts":
                    from bench.stress_restarts import phase_restarts

                    r = phase_restarts(kind, args, workdir)
                else:
                    r = phase_export(kind, args, workdir)
                print_result(r)
                results.append(r)
                sys.stdout.flush()
    finally:
        if args.keep:
            print(f"\nwork folder kept: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    ok = all(r.ok for r in results)
    print("\n" + ("ALL INVARIANTS HELD" if ok else "INVARIANTS VIOLATED") + f" ({len(results)} run(s))")
    if args.json:
        Path(args.json).write_text(json.dumps([r.as_json() for r in results], indent=1, default=str),
                                   encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
