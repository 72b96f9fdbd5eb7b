"""Job release: allocate the most suitable stock by the FEFO rules and issue picking slips.

One transaction per call: load what is available (locked), run the kernel over every line in rule order, write
reservations, pick tasks and balances, mark the jobs released. Safe with many terminals releasing at once.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from peewee import fn

from core.allocator import aot, rules
from core.allocator.loading import LineTable, load_lines, load_units
from core.clock import utcnow
from core.config import numba_cache_dir
from core.data.db import bulk, bulk_columns, db, is_postgres, locked, placeholder, retrying, write_txn
from core.data.models import Job, JobLine, Lot, PickTask, StockUnit
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.jobs import reservations
from core.qty import fmt_qty
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require


@dataclass
class Shortage:
    job: str
    line: int
    item: str
    required: int
    allocated: int
    reason: str

    def as_json(self) -> dict:
        return {"job": self.job, "line": self.line, "item": self.item, "required": fmt_qty(self.required),
                "allocated": fmt_qty(self.allocated), "reason": self.reason}


@dataclass
class Allocation:
    job: str
    line: int
    item: str
    track_id: str
    lot: str | None
    qty: int

    def as_json(self) -> dict:
        return {"job": self.job, "line": self.line, "item": self.item, "track_id": self.track_id, "lot": self.lot,
                "qty": fmt_qty(self.qty)}


@dataclass
class ReleaseResult:
    released: list[str] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    shortages: list[Shortage] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"released": self.released, "allocations": [a.as_json() for a in self.allocations],
                "shortages": [s.as_json() for s in self.shortages]}


def output_lot_code(job: str, start) -> str:
    """The job's output lot: fixed at first release, readable on the floor (job number and start date)."""
    return f"{job.lstrip('0') or '0'}-{start:%y%m%d}"


def load_kernel() -> threading.Thread | None:
    """Load numba and the cached JIT kernel (about half a second) on a thread while the caller reads the database;
    None when the kernel compiled ahead of time is there (core.allocator.aot), which loads in a millisecond."""
    if aot.load() is not None:
        return None

    def work():
        numba_cache_dir()  # before numba loads: its JIT cache must be somewhere this user can write
        from core.allocator.kernel import warm_up

        warm_up()

    thread = threading.Thread(target=work, name="jobfloor-kernel", daemon=True)
    thread.start()
    return thread


def _allocate(lines: LineTable, lock: bool, kernel: threading.Thread | None = None):
    items = sorted(set(lines.item))
    units = load_units(items, lock=lock)
    arrays = lines.arrays({code: i for i, code in enumerate(items)})
    allocate = aot.load()
    if allocate is None:
        numba_cache_dir()  # before numba loads: its JIT cache must be somewhere this user can write
        if kernel is not None:
            kernel.join()
        from core.allocator.kernel import allocate  # numba is loaded only by sessions that allocate
    return units, allocate(units.arrays, arrays)


_JOB_COLUMNS = "job, stock_code, state, priority, start_date, output_lot"


@dataclass
class _Job:
    job: str
    item_id: str
    state: str
    priority: int
    start_date: dt.date
    output_lot: str | None


def _lock_jobs(numbers: list[str] | None) -> list[_Job]:
    """The jobs named (None: every imported job), locked in job order on PostgreSQL; only what release needs."""
    rows = []
    lock = " FOR UPDATE" if is_postgres() else ""
    if numbers is None:
        rows = db.execute_sql(f"SELECT {_JOB_COLUMNS} FROM job WHERE state = 'IMPORTED' ORDER BY job{lock}").fetchall()
    for start in range(0, len(numbers or ()), 900):
        chunk = numbers[start:start + 900]
        marks = ",".join([placeholder()] * len(chunk))
        rows += db.execute_sql(f"SELECT {_JOB_COLUMNS} FROM job WHERE job IN ({marks}) ORDER BY job{lock}",
                               chunk).fetchall()
    # SQLite gives dates back as text
    return [_Job(j, item, state, prio, start if isinstance(start, dt.date) else dt.date.fromisoformat(start[:10]),
                 lot) for j, item, state, prio, start, lot in rows]


def _release_txn(actor: Actor, numbers: list[str] | None, all_imported: bool) -> ReleaseResult:
    kernel = load_kernel()
    with write_txn():
        jobs = {j.job: j for j in _lock_jobs(None if all_imported else numbers)}
        if not all_imported:
            missing = [n for n in numbers if n not in jobs]
            if missing:
                raise NotFound(f"job {missing[0]} is not imported: import jobs.xml first, or check the number")
        done = [j.job for j in jobs.values() if j.state == "COMPLETED"]
        if done:
            raise BusinessRefusal(f"job {done[0]} is completed: it cannot be released again")
        lines = load_lines(list(jobs))
        result = ReleaseResult()
        if len(lines):
            units, res = _allocate(lines, lock=True, kernel=kernel)
            if len(res.res_qty):
                _write_reservations(lines, units, res, result)
            _write_lines(lines, res, result)
        _mark_released(actor, sorted(jobs.values(), key=lambda j: rules.job_key(j.priority, j.start_date, j.job)),
                       result)
    return result


def _write_lines(lines: LineTable, res, result: ReleaseResult) -> None:
    """Each line's allocated grows by what it got; a line still short says why (in rule order, as reported)."""
    held = lines.held + res.allocated
    reasons: list[str | None] = [None] * len(lines)
    for k in np.nonzero(held < lines.qty_reqd)[0].tolist():
        required, got = int(lines.qty_reqd[k]), int(held[k])
        reasons[k] = rules.short_reason(int(res.reason[k]), required, got)
        result.shortages.append(Shortage(lines.job[k], int(lines.line[k]), lines.item[k], required, got, reasons[k]))
    bulk_columns("UPDATE job_line SET allocated = allocated + ?, short_reason = ? WHERE id = ?",
                 [res.allocated, reasons, lines.line_id],
                 pg="UPDATE job_line j SET allocated = j.allocated + v.got, short_reason = v.reason "
                    "FROM unnest(%s::bigint[], %s::text[], %s::int[]) AS v(got, reason, id) WHERE j.id = v.id")


def _mark_released(actor: Actor, jobs: list[_Job], result: ReleaseResult) -> None:
    now = utcnow()
    new_lots = {(j.item_id, output_lot_code(j.job, j.start_date)): j.job for j in jobs if not j.output_lot}
    if new_lots:
        codes = sorted({code for _, code in new_lots})
        known = set()
        for start in range(0, len(codes), 900):
            known |= set(Lot.select(Lot.item, Lot.code).where(Lot.code.in_(codes[start:start + 900])).tuples())
        bulk("INSERT INTO lot (item, code, made_by_job, created_at) VALUES (?, ?, ?, ?)",
             [(item, code, job, now) for (item, code), job in new_lots.items() if (item, code) not in known])
    bulk("UPDATE job SET state = 'RELEASED', released_at = COALESCE(released_at, ?), "
         "output_lot = COALESCE(output_lot, ?) WHERE job = ?",
         [(now, output_lot_code(j.job, j.start_date), j.job) for j in jobs],
         pg="UPDATE job j SET state = 'RELEASED', released_at = COALESCE(j.released_at, v.at), "
            "output_lot = COALESCE(j.output_lot, v.lot) FROM (VALUES %s) AS v(at, lot, job) WHERE j.job = v.job")
    reserved, shorts = defaultdict(int), defaultdict(list)
    for a in result.allocations:
        reserved[a.job] += a.qty
    for sh in result.shortages:
        shorts[sh.job].append(sh.line)
    result.released.extend(j.job for j in jobs)
    bulk('INSERT INTO audit_event ("user", station, action, subject, at, detail) VALUES (?, ?, ?, ?, ?, ?)',
         [(actor.user, actor.station, "job.release", j.job, now,
           json.dumps({"reserved": reserved[j.job], "short_lines": shorts[j.job]}, sort_keys=True)) for j in jobs])


def _write_reservations(lines: LineTable, units, res, result: ReleaseResult) -> None:
    lots = units.lot_codes(res.res_unit)
    tids = units.track_ids
    res_line, res_unit, res_qty = res.res_line.tolist(), res.res_unit.tolist(), res.res_qty.tolist()
    track = [tids[u] for u in res_unit]
    jobs, numbers, items = lines.job, lines.line.tolist(), lines.item
    result.allocations = [Allocation(jobs[li], numbers[li], items[li], t, lots[ui], q)
                          for li, ui, t, q in zip(res_line, res_unit, track, res_qty)]
    reservations.reserve(lines.line_id[res.res_line], track, res.res_qty, units.pick_seqs[res.res_unit],
                         top_up=bool((lines.held > 0).any()))


def release(actor: Actor, jobs: list[str] | None = None, all_imported: bool = False) -> ReleaseResult:
    """Release the named jobs (topping up any already released), or every imported job with all_imported."""
    require(actor, "release")
    if not all_imported and not jobs:
        raise UserInputError("name the jobs to release, or use --all")
    numbers = list(dict.fromkeys(j.strip() for j in (jobs or [])))
    return retrying(_release_txn, actor, numbers, all_imported)


def unrelease(actor: Actor, job: str) -> int:
    """Give back a released job's reservations, when nothing of it has been picked yet."""
    require(actor, "unrelease")
    return retrying(_unrelease_txn, actor, job)


def _unrelease_txn(actor: Actor, job: str) -> int:
    with write_txn():
        row = locked(Job.select().where(Job.job == job)).first()
        if row is None:
            raise NotFound(f"job {job} is not imported")
        if row.state != "RELEASED":
            raise BusinessRefusal(f"job {job} is {row.state.lower()}: only a released job can be un-released")
        lines = list(JobLine.select().where(JobLine.job == job))
        if any(ln.issued for ln in lines) or PickTask.select().join(JobLine).where(
                (JobLine.job == job) & (PickTask.state != "OPEN")).exists():
            raise BusinessRefusal(f"job {job} has picks already: return the picked stock before un-releasing")
        ids = [ln.id for ln in lines]
        given = sum(r.qty for r in reservations.give_back(ids))
        PickTask.delete().where(PickTask.job_line.in_(ids)).execute()
        JobLine.update(allocated=0, short_reason=None).where(JobLine.job == job).execute()
        Job.update(state="IMPORTED").where(Job.job == job).execute()
        record(actor, "job.unrelease", job, returned=given)
    return given


def slip(job: str) -> list[dict]:
    """The picking slip: each line with the TrackIDs, lots and locations reserved for it, in walk order."""
    out = []
    for ln in JobLine.select().where(JobLine.job == job).order_by(JobLine.line):
        tasks = (PickTask.select(PickTask, StockUnit).join(StockUnit).where(PickTask.job_line == ln.id)
                 .order_by(PickTask.seq, PickTask.unit))
        out.append({"line": ln.line, "item": ln.item_id, "required": ln.qty_reqd, "allocated": ln.allocated,
                    "issued": ln.issued, "kit_issue": ln.kit_issue, "short": ln.short_reason, "uom": ln.uom,
                    "tasks": [{"track_id": t.unit_id, "qty": t.qty, "picked": t.picked, "state": t.state,
                               "location": t.unit.location_id,
                               "lot": t.unit.lot.code if t.unit.lot_id else None} for t in tasks]})
    return out


def released_jobs() -> list[dict]:
    """Released jobs in rule order with their line counts and short lines, for the Release screen."""
    rows = (Job.select(Job.job, Job.description, Job.priority, Job.start_date,
                       fn.COUNT(JobLine.id).alias("n"), fn.COUNT(JobLine.short_reason).alias("short"))
            .join(JobLine, on=(JobLine.job == Job.job)).where(Job.state == "RELEASED")
            .group_by(Job.job, Job.description, Job.priority, Job.start_date)
            .order_by(Job.priority, Job.start_date, Job.job))
    return [{"job": r.job, "description": r.description, "priority": r.priority, "start": r.start_date,
             "lines": r.n, "short": r.short} for r in rows]
