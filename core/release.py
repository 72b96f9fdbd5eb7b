"""Job release: allocate the most suitable stock by the FEFO rules and issue picking slips.

One transaction per call: load what is available (locked), run the kernel over every line in rule order, write
reservations, pick tasks and balances, mark the jobs released. Safe with many terminals releasing at once.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from core.actor import Actor
from core.allocation_data import LineRow, line_arrays, load_lines, load_units
from core.allocator.arrays import REASON_NO_SINGLE_LOT
from core.audit import record
from core.auth import require
from core.db import db, is_postgres, locked, retrying, write_txn
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.lots import lot_for
from core.models import Job, JobLine, PickTask, Reservation, StockUnit, utcnow
from core.qty import fmt_qty

NO_SINGLE_LOT = "no single lot covers the line"


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


def short_reason(mode_reason: int, need: int, got: int) -> str:
    if mode_reason == REASON_NO_SINGLE_LOT:
        return NO_SINGLE_LOT
    return f"not enough eligible stock: {fmt_qty(need - got)} short"


def _allocate(lines: list[LineRow], lock: bool):
    from core.config import numba_cache_dir

    numba_cache_dir()  # before numba loads: its JIT cache must be somewhere this user can write
    from core.allocator import allocate  # numba is loaded only by sessions that allocate

    items = sorted({x.item for x in lines})
    units = load_units(items, lock=lock)
    index = {code: i for i, code in enumerate(items)}
    result = allocate(units.arrays, line_arrays(lines, index))
    return units, result


def _lock_jobs(numbers: list[str]) -> list[Job]:
    query = Job.select().where(Job.job.in_(numbers)).order_by(Job.job)
    return list(locked(query))


def _release_txn(actor: Actor, numbers: list[str] | None, all_imported: bool) -> ReleaseResult:
    with write_txn():
        if all_imported:
            numbers = [j.job for j in Job.select(Job.job).where(Job.state == "IMPORTED")]
        jobs = {j.job: j for j in _lock_jobs(numbers)}
        missing = [n for n in numbers if n not in jobs]
        if missing:
            raise NotFound(f"job {missing[0]} is not imported: import jobs.xml first, or check the number")
        done = [j.job for j in jobs.values() if j.state == "COMPLETED"]
        if done:
            raise BusinessRefusal(f"job {done[0]} is completed: it cannot be released again")
        lines = load_lines(list(jobs))
        units, res = _allocate(lines, lock=True) if lines else (None, None)
        result = ReleaseResult()
        if res is not None and len(res.res_qty):
            _write_reservations(lines, units, res, result)
        got = defaultdict(int)
        if res is not None:
            for k, x in enumerate(lines):
                got[x.line_id] = int(res.allocated[k])
        # Lines and their short reasons, in rule order
        for k, x in enumerate(lines):
            held = x.held + got[x.line_id]
            reason = None
            if held < x.qty_reqd:
                reason = short_reason(int(res.reason[k]), x.qty_reqd, held)
                result.shortages.append(Shortage(x.job, x.line, x.item, x.qty_reqd, held, reason))
            JobLine.update(allocated=JobLine.allocated + got[x.line_id], short_reason=reason).where(
                JobLine.id == x.line_id).execute()
        now = utcnow()
        order = sorted(jobs.values(), key=lambda j: (j.priority, j.start_date, j.job))
        for job in order:
            fields = {"state": "RELEASED"}
            if job.state == "IMPORTED":
                fields["released_at"] = now
            if not job.output_lot:
                fields["output_lot"] = output_lot_code(job.job, job.start_date)
                lot_for(job.item_id, fields["output_lot"], made_by_job=job.job)
            Job.update(**fields).where(Job.job == job.job).execute()
            result.released.append(job.job)
            shorts = [s.line for s in result.shortages if s.job == job.job]
            record(actor, "job.release", job.job, short_lines=shorts,
                   reserved=sum(a.qty for a in result.allocations if a.job == job.job))
    return result


def _write_reservations(lines, units, res, result: ReleaseResult) -> None:
    track = units.track_ids
    # Merge with what a line already holds on the same unit (a top-up), else new rows.
    per_unit = defaultdict(int)
    pairs = defaultdict(int)
    for li, ui, q in zip(res.res_line.tolist(), res.res_unit.tolist(), res.res_qty.tolist()):
        x = lines[li]
        pairs[(x.line_id, track[ui])] += q
        per_unit[track[ui]] += q
    existing = {}
    line_ids = sorted({lid for lid, _ in pairs})
    if any(x.held for x in lines):
        for r in Reservation.select().where(Reservation.job_line.in_(line_ids)):
            existing[(r.job_line_id, r.unit_id)] = r.id
    new_rows, new_tasks = [], []
    lots, seqs = _unit_facts(list(per_unit))
    for (lid, tid), q in pairs.items():
        if (lid, tid) in existing:
            Reservation.update(qty=Reservation.qty + q).where(Reservation.id == existing[(lid, tid)]).execute()
            PickTask.update(qty=PickTask.qty + q).where(
                (PickTask.job_line == lid) & (PickTask.unit == tid) & (PickTask.state == "OPEN")).execute()
        else:
            new_rows.append({"job_line": lid, "unit": tid, "qty": q})
            new_tasks.append({"job_line": lid, "unit": tid, "qty": q, "seq": seqs[tid]})
    for chunk in range(0, len(new_rows), 500):
        Reservation.insert_many(new_rows[chunk:chunk + 500]).execute()
        PickTask.insert_many(new_tasks[chunk:chunk + 500]).execute()
    ph = "%s" if is_postgres() else "?"
    cursor = db.cursor()
    cursor.executemany(f"UPDATE stock_unit SET reserved = reserved + {ph} WHERE track_id = {ph}",
                       [(q, tid) for tid, q in per_unit.items()])
    for li, ui, q in zip(res.res_line.tolist(), res.res_unit.tolist(), res.res_qty.tolist()):
        x = lines[li]
        result.allocations.append(Allocation(x.job, x.line, x.item, track[ui], lots.get(track[ui]), q))


def _unit_facts(track_ids: list[str]) -> tuple[dict, dict]:
    """Lot codes (for the JSON) and walk order (for the pick tasks) of the units reserved."""
    lots, seqs = {}, {}
    ph = "%s" if is_postgres() else "?"
    for start in range(0, len(track_ids), 900):
        chunk = track_ids[start:start + 900]
        rows = db.execute_sql(
            "SELECT u.track_id, lt.code, l.pick_seq FROM stock_unit u JOIN location l ON l.code = u.location "
            f"LEFT JOIN lot lt ON lt.id = u.lot WHERE u.track_id IN ({','.join([ph] * len(chunk))})", chunk)
        for tid, lot, seq in rows.fetchall():
            lots[tid], seqs[tid] = lot, seq
    return lots, seqs


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
        given = 0
        for r in locked(Reservation.select().where(Reservation.job_line.in_(ids)).order_by(Reservation.unit)):
            StockUnit.update(reserved=StockUnit.reserved - r.qty).where(StockUnit.track_id == r.unit_id).execute()
            given += r.qty
        Reservation.delete().where(Reservation.job_line.in_(ids)).execute()
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
    from peewee import fn

    rows = (Job.select(Job.job, Job.description, Job.priority, Job.start_date,
                       fn.COUNT(JobLine.id).alias("n"), fn.COUNT(JobLine.short_reason).alias("short"))
            .join(JobLine, on=(JobLine.job == Job.job)).where(Job.state == "RELEASED")
            .group_by(Job.job, Job.description, Job.priority, Job.start_date)
            .order_by(Job.priority, Job.start_date, Job.job))
    return [{"job": r.job, "description": r.description, "priority": r.priority, "start": r.start_date,
             "lines": r.n, "short": r.short} for r in rows]
