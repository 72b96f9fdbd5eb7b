"""One stress process: random floor operations through the core services until its time is up.

Run by bench.stress (never by hand): `python -m bench.stress_worker --db URL --slot K --log-dir D ...`. A process
loads what it needs, says it is ready, and waits for the go file, which holds the time to stop at.

Only the floor's own refusals (core.errors.JobfloorError) are expected; each is counted by kind. Anything else is
a failure: its traceback goes to stderr, where the parent looks for it. Each confirmed pick and return is written
to this slot's ack file (fsynced in crash mode) only after the service returned, so a key in that file is a pick
the screen would have shown as done. In crash mode the request is written to the intent file first, and a
process started again for the same slot sends its unanswered requests again with the same request id, as a
dropped session does when it resumes.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
import traceback
import uuid
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

# Per-kind weights of the default mix; `--ops` narrows it.
MIX = {"pick": 40, "short": 3, "return": 10, "release": 10, "unrelease": 2, "replenish": 6, "count": 1,
       "complete": 3, "hold": 1, "label": 6, "send": 4, "reprint": 1, "void": 1, "export": 2}


class Worker:
    def __init__(self, slot: int, procs: int, rng: random.Random, log_dir: Path, crash: bool,
                 export_dir: Path, printer_url: str | None, own_jobs: bool):
        from core.site.actor import Actor

        self.slot, self.procs, self.rng, self.crash = slot, procs, rng, crash
        self.log_dir, self.export_dir, self.printer_url, self.own_jobs = log_dir, export_dir, printer_url, own_jobs
        station = f"ST-{(slot - 1) % 16 + 1:02d}"
        self.picker = Actor(f"PK{(slot - 1) % 16 + 1:02d}", "picker", station)
        self.planner = Actor("PL1", "planner", station)
        self.supervisor = Actor("SV1", "supervisor", station)
        self.operator = Actor("OP1", "operator", station)
        self.mine: list[str] | None = None
        self.slip: list[int] | None = None  # own-jobs mode: this picker's open tasks, in slip order
        self.counter = None  # bench.statements.StatementCounter, when counting
        self.tally: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.refusals: dict[str, str] = {}  # first message of each refusal kind, for the report
        self.failures: list[str] = []
        self.seconds: dict[str, float] = defaultdict(float)
        self.acks = open(log_dir / f"acks-{slot}.jsonl", "a", encoding="utf-8")
        self.intents = open(log_dir / f"intents-{slot}.jsonl", "a", encoding="utf-8") if crash else None
        self.cpu_at_go = 0.0
        self.backend = None  # PostgreSQL: the server process serving this one, when on this machine
        self.server_cpu_at_go = 0.0

    # --- logs ------------------------------------------------------------------------------------------------

    def _append(self, fh, record: dict) -> None:
        fh.write(json.dumps(record) + "\n")
        fh.flush()
        if self.crash:
            os.fsync(fh.fileno())

    def intend(self, record: dict) -> None:
        if self.intents is not None:
            self._append(self.intents, record)

    def ack(self, record: dict) -> None:
        self._append(self.acks, record)

    @contextmanager
    def answered(self, rid: str, op: str):
        """A refusal is an answer too: the screen showed it, so a resumed session must not send it again."""
        from core.errors import JobfloorError

        try:
            yield
        except JobfloorError as exc:
            self.ack({"rid": rid, "op": op, "refused": str(exc)[:200]})
            raise

    # --- choosing what to work on (plain reads, outside any transaction: a race ends in a refusal) ------------

    def random_row(self, query):
        from peewee import fn

        return query.order_by(fn.Random()).limit(1).first()

    def open_task(self):
        from core.data.models import Job, JobLine, PickTask

        q = (PickTask.select(PickTask, JobLine).join(JobLine).join(Job, on=(Job.job == JobLine.job))
             .where((PickTask.state == "OPEN") & (Job.state == "RELEASED") & (JobLine.kit_issue == False)))  # noqa: E712
        if self.own_jobs:
            q = q.where(self._mine(JobLine.job))
        return self.random_row(q)

    def _mine(self, column):
        # The floor gives each picker their own slips: the job number modulo the process count picks this
        # slot's share (worked out once: the site's jobs do not change during a run).
        if self.mine is None:
            from core.data.models import Job

            self.mine = [j for (j,) in Job.select(Job.job).tuples() if int(j) % self.procs == self.slot - 1]
        return column.in_(self.mine) if column is not None else None

    # --- operations --------------------------------------------------------------------------------------------

    def next_on_slip(self):
        """Own-jobs mode (the picks-per-second run): the next open task of this picker's slips, in order, as the
        Pick screen walks them, with what the screen shows for it (target, container, hold, item): one read by
        primary key, where open_task's random choice over every open task cost the server more than the pick."""
        from core.data.db import run_sql

        if self.slip is None:
            self.load_slip()
        while self.slip:
            row = run_sql(
                "SELECT pt.id, pt.qty - pt.picked, pt.state, jl.job, jl.line, pt.track_id, u.on_hand, u.reserved, "
                "COALESCE(r.qty, 0), i.weighed, i.tolerance_milli_pct FROM pick_task pt "
                "JOIN job_line jl ON jl.id = pt.job_line JOIN item i ON i.code = jl.stock_code "
                "JOIN stock_unit u ON u.track_id = pt.track_id "
                "LEFT JOIN reservation r ON r.job_line = jl.id AND r.track_id = pt.track_id WHERE pt.id = ?",
                (self.slip.pop(),)).fetchone()
            if row and row[2] == "OPEN":
                return row
        return None

    def load_slip(self) -> None:
        from core.data.db import run_sql

        self._mine(None)
        marks = ",".join("?" * len(self.mine))
        self.slip = [i for (i,) in run_sql(
            "SELECT pt.id FROM pick_task pt JOIN job_line jl ON jl.id = pt.job_line WHERE pt.state = 'OPEN' "
            f"AND jl.kit_issue = ? AND jl.job IN ({marks}) ORDER BY jl.job DESC, jl.line DESC, pt.seq DESC",
            [False, *self.mine]).fetchall()]

    def op_pick_own(self) -> str:
        from core.jobs.picking import confirm_pick
        from core.jobs.tolerance import band

        task = self.next_on_slip()
        if task is None:
            # A picker whose slips are done watches the list, as the Pick screen does: a read now and then, so a
            # dropped connection or a restarted server is met (and got over) by every session, busy or not.
            if time.monotonic() - getattr(self, "_slip_read_at", 0.0) > 0.2:
                self._slip_read_at = time.monotonic()
                self.load_slip()
            return "idle"
        task_id, target, _, job, line, track_id, on_hand, reserved, held, weighed, tolerance = task
        free = on_hand - (reserved - held)
        if weighed:
            low, high = band(target, True, tolerance)
            if self.rng.random() < 0.03:
                qty = high + 1000  # the picker overpoured and pressed Enter anyway: refused
            elif min(high, free) < low:
                return self._short_own(job, line, track_id)
            else:
                qty = self.rng.randint(low, min(high, free))
                if low <= on_hand <= min(high, free) and self.rng.random() < 0.5:
                    qty = on_hand  # the whole container goes
        else:
            qty = target if self.rng.random() < 0.7 else self.rng.randint(1, max(1, target // 1000)) * 1000
            qty = min(qty, free - free % 1000)
            if qty <= 0:
                return self._short_own(job, line, track_id)
        rid = uuid.uuid4().hex
        with self.answered(rid, "pick"), self._counted("pick"):
            result = confirm_pick(self.picker, job, line, track_id, qty, request_id=rid,
                                  weighed={"net": qty, "stable": True} if weighed else None)
        self.ack({"rid": rid, "op": "pick", "posting": result.posting, "qty": result.qty})
        if not weighed and qty < target:
            self.slip.append(task_id)  # the rest of the count is still to pick
        return "ok"

    def _short_own(self, job: str, line: int, track_id: str) -> str:
        from core.jobs.picking import short_pick

        with self._counted("short"):
            short_pick(self.picker, job, line, track_id, "NO_STOCK")
        self.tally["short"]["ok (from a pick)"] += 1
        return "short instead"

    @contextmanager
    def _counted(self, kind: str):
        if self.counter is None:
            yield
            return
        before = self.counter.statements
        with self.counter.counting():
            try:
                yield
            finally:
                self.tally["statements"][kind] += self.counter.statements - before

    def op_pick(self) -> str:
        from core.data.models import Item, Location, Reservation, StockUnit
        from core.jobs.picking import REASONS, confirm_pick
        from core.jobs.tolerance import band

        if self.own_jobs:
            return self.op_pick_own()
        task = self.open_task()
        if task is None:
            return "idle"
        line = task.job_line
        item = Item.get(Item.code == line.item_id)
        unit = StockUnit.get(StockUnit.track_id == task.unit_id)
        reason = None
        if self.rng.random() < 0.1:
            other = self.random_row(
                StockUnit.select().join(Location, on=(StockUnit.location == Location.code))
                .where((StockUnit.item == item.code) & (StockUnit.status == "AVAILABLE")
                       & (StockUnit.state == "ACTIVE") & (Location.zone == "STORE")
                       & (StockUnit.on_hand > StockUnit.reserved) & (StockUnit.track_id != unit.track_id)))
            if other is not None:
                unit, reason = other, self.rng.choice(sorted(REASONS))
        held = Reservation.get_or_none((Reservation.job_line == line.id) & (Reservation.unit == unit.track_id))
        free = unit.on_hand - (unit.reserved - (held.qty if held else 0))
        target = task.qty - task.picked
        if item.weighed:
            low, high = band(target, True, item.tolerance_milli_pct)
            if self.rng.random() < 0.03:
                qty = high + 1000  # the picker overpoured and pressed Enter anyway: refused
            elif min(high, free) < low:
                return self._short(line, task.unit_id) if reason is None else "idle"
            else:
                qty = self.rng.randint(low, min(high, free))
                if low <= unit.on_hand <= min(high, free) and self.rng.random() < 0.5:
                    qty = unit.on_hand  # the whole container goes
        else:
            whole_units = max(1, target // 1000)
            qty = target if self.rng.random() < 0.7 else self.rng.randint(1, whole_units) * 1000
            qty = min(qty, free - free % 1000)
            if qty <= 0:
                return self._short(line, task.unit_id) if reason is None else "idle"
        rid = uuid.uuid4().hex
        args = {"job": line.job_id, "line": line.line, "track_id": unit.track_id, "qty": qty, "reason": reason}
        self.intend({"rid": rid, "op": "pick", **args})
        with self.answered(rid, "pick"):
            result = confirm_pick(self.picker, args["job"], args["line"], args["track_id"], qty, reason=reason,
                                  request_id=rid, weighed={"net": qty, "stable": True} if item.weighed else None)
        self.maybe_die("after the pick committed, before the screen showed it")
        self.ack({"rid": rid, "op": "pick", "posting": result.posting, "qty": result.qty})
        if self.rng.random() < 0.05:
            again = confirm_pick(self.picker, args["job"], args["line"], args["track_id"], qty, reason=reason,
                                 request_id=rid)
            if not again.repeated or again.posting != result.posting:
                raise AssertionError(f"request {rid} confirmed twice: {result.posting} and {again.posting}")
            self.tally["pick"]["repeat recognised"] += 1
        return "ok"

    def _short(self, line, track_id: str) -> str:
        from core.jobs.picking import short_pick

        short_pick(self.picker, line.job_id, line.line, track_id, "NO_STOCK")
        self.tally["short"]["ok (from a pick)"] += 1
        return "short instead"

    def op_short(self) -> str:
        from core.jobs.picking import SHORT_REASONS, short_pick

        task = self.open_task()
        if task is None:
            return "idle"
        short_pick(self.picker, task.job_line.job_id, task.job_line.line, task.unit_id,
                   self.rng.choice(sorted(SHORT_REASONS)))
        return "ok"

    def op_return(self) -> str:
        from core.data.models import Location, StockUnit
        from core.jobs.returns import issued_to_job, return_unit

        unit = self.random_row(StockUnit.select().where((StockUnit.state == "ISSUED") & StockUnit.job.is_null(False)))
        if unit is None:
            return "idle"
        info = issued_to_job(unit.track_id)
        if info.issued <= 0:
            return "idle"
        if self.rng.random() < 0.03:
            qty = info.issued * 2 + 5000  # more than was issued: refused
        elif info.uom == "EA":
            qty = self.rng.randint(1, max(1, info.issued // 1000)) * 1000
        else:
            qty = self.rng.randint(1, info.issued)
        where = self.random_row(Location.select().where(Location.zone == "STORE")).code
        rid = uuid.uuid4().hex
        self.intend({"rid": rid, "op": "return", "track_id": unit.track_id, "qty": qty, "location": where})
        with self.answered(rid, "return"):
            result = return_unit(self.operator, unit.track_id, qty, where, request_id=rid,
                                 weighed={"net": qty, "stable": True} if info.weighed else None)
        self.maybe_die("after the return committed, before the screen showed it")
        self.ack({"rid": rid, "op": "return", "posting": result.posting, "qty": result.qty})
        return "ok"

    def op_release(self) -> str:
        from core.data.models import Job
        from core.jobs.release import release

        state = "RELEASED" if self.rng.random() < 0.25 else "IMPORTED"
        q = Job.select(Job.job).where(Job.state == state)
        if self.own_jobs:
            q = q.where(self._mine(Job.job))
        from peewee import fn

        jobs = [j.job for j in q.order_by(fn.Random()).limit(self.rng.choice([1, 1, 1, 2, 3]))]
        if not jobs:
            return "idle"
        release(self.planner, jobs)
        return "ok"

    def op_unrelease(self) -> str:
        from core.data.models import Job
        from core.jobs.release import unrelease

        job = self.random_row(Job.select(Job.job).where(Job.state == "RELEASED"))
        if job is None:
            return "idle"
        unrelease(self.supervisor, job.job)
        return "ok"

    def op_complete(self) -> str:
        from core.data.models import Job
        from core.jobs.completion import complete_job, short_lines

        job = self.random_row(Job.select(Job.job).where(Job.state == "RELEASED"))
        if job is None:
            return "idle"
        # Most random jobs are not picked in full: those a supervisor closes short, as the floor would.
        short = bool(short_lines(job.job))
        complete_job(self.supervisor if short else self.operator, job.job,
                     close_short="stress: closed short" if short else None)
        return "ok"

    def op_replenish(self) -> str:
        from core.data.models import KitTask
        from core.kitbins.bins import confirm_replenishment, suggest_sources, sweep_tasks

        task = self.random_row(KitTask.select().where(KitTask.state == "OPEN"))
        if task is None:
            sweep_tasks(self.operator)
            return "swept"
        sources = suggest_sources(task.item, task.qty)
        if not sources:
            return "idle"
        source = self.rng.choice(sources[:3])
        confirm_replenishment(self.operator, task.id, source.track_id, task.location_id,
                              None if self.rng.random() < 0.7 else self.rng.randint(1, 50) * 1000)
        return "ok"

    def op_count(self) -> str:
        from core.kitbins.bins import bins, count_bin, level

        where = self.rng.choice(bins()).code
        now = level(where)
        count_bin(self.operator, where, counted=max(0, now + self.rng.randint(-20, 10) * 1000))
        return "ok"

    def op_hold(self) -> str:
        from core.data.models import Lot, StockUnit
        from core.trace.holds import hold_lot

        unit = self.random_row(StockUnit.select(StockUnit.lot).where(StockUnit.lot.is_null(False)
                                                                     & (StockUnit.on_hand > 0)))
        if unit is None:
            return "idle"
        lot = Lot.get_by_id(unit.lot_id)
        hold_lot(self.supervisor, lot.code, lot.item_id)
        return "ok"

    def op_label(self) -> str:
        from core.data.models import Job
        from core.labels.sets import print_job_labels

        if not self.printer_url:
            return "idle"
        job = self.random_row(Job.select(Job.job).where(Job.state == "RELEASED"))
        if job is None:
            return "idle"
        print_job_labels(self.operator, job.job, self.printer_url, "zpl", "ZD421", "102x152",
                         kinds=("pallet", "carton"), send=False)
        return "ok"

    def op_reprint(self) -> str:
        from core.data.models import LabelJob
        from core.labels.reprints import reprint

        row = self.random_row(LabelJob.select(LabelJob.id).where(LabelJob.state == "PRINTED"))
        if row is None:
            return "idle"
        reprint(self.supervisor, row.id, send=False)
        return "ok"

    def op_void(self) -> str:
        from core.data.models import LabelJob
        from core.labels.reprints import void

        row = self.random_row(LabelJob.select(LabelJob.id).where(LabelJob.state.in_(["QUEUED", "PRINTED"])))
        if row is None:
            return "idle"
        void(self.supervisor, [row.id], "stress: damaged")
        return "ok"

    def op_send(self) -> str:
        from core.labels.sender import send_pending

        report = send_pending(limit=40, options={"connect_timeout": 1.0, "send_timeout": 2.0})
        self.tally["send"]["labels sent"] += report.printed
        self.tally["send"]["labels put back"] += report.queued
        return "ok" if report.printed or report.queued else "idle"

    def op_export(self) -> str:
        from core.erp.postings import export_pending

        written = export_pending(str(self.export_dir))
        self.tally["export"]["files"] += len(written)
        return "ok"

    # --- crash mode ----------------------------------------------------------------------------------------------

    kill_p = 0.0

    def maybe_die(self, where: str) -> None:
        if self.kill_p and self.rng.random() < self.kill_p:
            os.kill(os.getpid(), signal.SIGKILL)

    def arm(self, p: float) -> None:
        """Kill points inside the services' transactions: a SIGKILL between any two of their writes."""
        import core.erp.postings
        import core.jobs.completion
        import core.jobs.picking
        import core.jobs.release
        import core.jobs.returns
        import core.kitbins.bins
        import core.labels.sender
        import core.stock.ledger

        self.kill_p = p

        def armed(fn):
            def wrapper(*args, **kwargs):
                self.maybe_die(fn.__name__)
                out = fn(*args, **kwargs)
                self.maybe_die(fn.__name__)
                return out

            return wrapper

        for module, names in ((core.stock.ledger, ("post",)), (core.jobs.picking, ("add_posting", "record", "enqueue")),
                              (core.jobs.returns, ("add_posting", "record", "enqueue")),
                              (core.jobs.completion, ("add_posting", "record")), (core.kitbins.bins, ("record",)),
                              (core.jobs.release, ("bulk", "record")), (core.erp.postings, ("_write_durably",)),
                              (core.labels.sender, ("_mark_printed", "print_labels"))):
            for name in names:
                setattr(module, name, armed(getattr(module, name)))

    def resume(self) -> None:
        """Send again, with the same request id, every request an earlier process of this slot left unanswered."""
        from core.errors import JobfloorError
        from core.jobs.picking import confirm_pick
        from core.jobs.returns import return_unit

        path = self.log_dir / f"intents-{self.slot}.jsonl"
        if not path.exists():
            return
        done = {r["rid"] for r in _read_jsonl(self.log_dir / f"acks-{self.slot}.jsonl")}
        for intent in _read_jsonl(path):
            if intent["rid"] in done:
                continue
            try:
                if intent["op"] == "pick":
                    result = confirm_pick(self.picker, intent["job"], intent["line"], intent["track_id"],
                                          intent["qty"], reason=intent["reason"], request_id=intent["rid"])
                else:
                    result = return_unit(self.operator, intent["track_id"], intent["qty"], intent["location"],
                                         request_id=intent["rid"])
            except JobfloorError as exc:
                self.tally["resume"][f"refused ({type(exc).__name__})"] += 1
                self.ack({"rid": intent["rid"], "op": intent["op"], "refused": str(exc)})
                continue
            self.tally["resume"]["had committed" if result.repeated else "done now"] += 1
            self.ack({"rid": intent["rid"], "op": intent["op"], "posting": result.posting, "qty": result.qty,
                      "resumed": True, "repeated": result.repeated})

    # --- the loop --------------------------------------------------------------------------------------------------

    def run_one(self, kind: str) -> None:
        from core.errors import JobfloorError

        started = time.perf_counter()
        try:
            outcome = getattr(self, f"op_{kind}")()
        except JobfloorError as exc:
            name = type(exc).__name__
            self.tally[kind][f"refused ({name})"] += 1
            self.refusals.setdefault(f"{kind}: {name}", str(exc)[:160])
        except Exception:
            self.tally[kind]["FAILED"] += 1
            text = traceback.format_exc()
            self.failures.append(text)
            print(f"--- slot {self.slot}, {kind}:\n{text}", file=sys.stderr, flush=True)
            _recover_connection()
        else:
            self.tally[kind][outcome] += 1
        self.seconds[kind] += time.perf_counter() - started

    def heard(self, text: str | None) -> None:
        if text is None:
            self.tally["database"]["came back"] += 1
        elif text != self._waiting:
            self.tally["database"][text] += 1
        self._waiting = text

    _waiting: str | None = None

    def report(self) -> dict:
        cpu = os.times()
        return {"slot": self.slot, "pid": os.getpid(), "tally": {k: dict(v) for k, v in self.tally.items()},
                "refusals": self.refusals, "failures": len(self.failures),
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
                "cpu": round(cpu.user + cpu.system - self.cpu_at_go, 3),
                "server_cpu": round(_process_cpu(self.backend) - self.server_cpu_at_go, 3) if self.backend else 0.0}


def _process_cpu(pid: int) -> float:
    """Seconds of CPU a process on this machine has used (Linux /proc); 0 when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _recover_connection() -> None:
    from core.data.db import db

    try:
        if db.in_transaction():
            db.rollback()
    except Exception:  # a connection the server dropped: reconnect on the next query
        db.close()


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass  # the last line of a process killed while writing it
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--slot", type=int, required=True)
    p.add_argument("--procs", type=int, default=16)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-ops", type=int, default=1_000_000)
    p.add_argument("--ops", default=",".join(MIX))
    p.add_argument("--log-dir", required=True)
    p.add_argument("--export-dir", required=True)
    p.add_argument("--printer")
    p.add_argument("--crash", action="store_true")
    p.add_argument("--kill-p", type=float, default=0.0)
    p.add_argument("--own-jobs", action="store_true")
    p.add_argument("--count-statements", action="store_true", help="count what each pick sends to the database")
    args = p.parse_args(argv)

    from core.data.db import connect, on_wait

    connect(args.db)
    rng = random.Random(f"{args.seed}-{args.slot}-{os.getpid()}")
    worker = Worker(args.slot, args.procs, rng, Path(args.log_dir), args.crash, Path(args.export_dir),
                    args.printer, args.own_jobs)
    on_wait(worker.heard)  # the "database unavailable, retrying" a screen would show, counted
    kinds = [k for k in args.ops.split(",") if k]
    weights = [MIX[k] for k in kinds]
    out = Path(args.log_dir) / f"worker-{args.slot}-{os.getpid()}.json"
    if "release" in kinds:
        # A planner's terminal loads the allocator once, at its first release; loading it here keeps that
        # one-off second out of the run (the release service would load it while holding its row locks).
        from core.jobs.release import load_kernel

        kernel = load_kernel()  # None when the kernel compiled ahead of time is there
        if kernel is not None:
            kernel.join()
    if args.crash:
        worker.resume()
        worker.arm(args.kill_p)
    if args.count_statements:
        from bench.statements import StatementCounter

        worker.counter = StatementCounter.install()
    if args.own_jobs and "pick" in kinds:
        worker.load_slip()  # as a picker's screen has its slips before the first scan
    from core.data.db import is_postgres, run_sql

    if is_postgres():
        worker.backend = run_sql("SELECT pg_backend_pid()").fetchone()[0]
    until = _ready_then_go(Path(args.log_dir), args.slot)
    cpu = os.times()
    worker.cpu_at_go = cpu.user + cpu.system
    worker.server_cpu_at_go = _process_cpu(worker.backend) if worker.backend else 0.0
    last_write = time.monotonic()
    done = 0
    while time.time() < until and done < args.max_ops:
        worker.run_one(rng.choices(kinds, weights)[0])
        done += 1
        if args.crash and time.monotonic() - last_write > 1.0:
            # A process killed later still leaves what it did up to here.
            _write_json(out, worker.report())
            last_write = time.monotonic()
    _write_json(out, worker.report())
    return 1 if worker.failures else 0


def _ready_then_go(log_dir: Path, slot: int) -> float:
    """Say this process is ready, then wait for the common start; returns the time to stop at."""
    (log_dir / f"ready-{slot}-{os.getpid()}").touch()
    go = log_dir / "go"
    deadline = time.time() + 300
    while not go.exists():
        if time.time() > deadline:
            raise SystemExit("no go file within 5 minutes: the parent is gone")
        time.sleep(0.01)
    return float(go.read_text(encoding="utf-8"))


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
