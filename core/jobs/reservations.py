"""Reservations: what a job line holds on a container, and the one place that changes it.

A reservation is three facts kept in step inside the caller's transaction: the Reservation row (line, TrackID,
qty), the container's `StockUnit.reserved` balance, and the line's `JobLine.allocated`. The line's open PickTask
on that container says what is left to pick from it. Release reserves (`reserve`), a pick consumes (`consume`),
a picker's substitute container moves the line's hold (`move`), and a short pick, an un-release or a completion
gives holds back (`give_back`). Nothing else writes these rows.
"""
from __future__ import annotations

from collections import defaultdict

from core.data.db import bulk, bulk_columns, locked, run_sql
from core.data.models import JobLine, PickTask, Reservation, StockUnit
from core.errors import BusinessRefusal
from core.qty import fmt_short


def held(line_id: int, track_id: str) -> Reservation | None:
    return Reservation.get_or_none((Reservation.job_line == line_id) & (Reservation.unit == track_id))


def reserve(line_ids, track_ids: list[str], qtys, seqs, top_up: bool) -> None:
    """Bulk, for a release: line `line_ids[k]` is given `qtys[k]` of container `track_ids[k]` (each pair once;
    `seqs[k]` is the container's walk order). A pair the line already holds (a top-up, `top_up` True) grows; a new
    one gets its reservation and its pick task. The lines' `allocated` is the caller's, written with their
    shortage reasons in the same statement. Containers are updated in TrackID order."""
    import numpy as np  # a release has it loaded; a picker's session, which also comes here, does not need it

    line_ids, qtys, seqs = (np.asarray(c, np.int64) for c in (line_ids, qtys, seqs))
    grown = np.zeros(len(line_ids), bool)
    if top_up:
        ids = sorted(set(line_ids.tolist()))
        existing = set()
        for start in range(0, len(ids), 900):
            existing |= set(Reservation.select(Reservation.job_line, Reservation.unit).where(
                Reservation.job_line.in_(ids[start:start + 900])).tuples())
        grown = np.fromiter(((lid, tid) in existing for lid, tid in zip(line_ids.tolist(), track_ids)), bool,
                            len(line_ids))
    new = ~grown
    new_tids = [t for t, k in zip(track_ids, new.tolist()) if k]
    bulk_columns("INSERT INTO reservation (job_line, track_id, qty) VALUES (?, ?, ?)",
                 [line_ids[new], new_tids, qtys[new]],
                 pg="INSERT INTO reservation (job_line, track_id, qty) "
                    "SELECT * FROM unnest(%s::int[], %s::text[], %s::bigint[])")
    bulk_columns("INSERT INTO pick_task (job_line, track_id, qty, seq, picked, state) VALUES (?, ?, ?, ?, 0, 'OPEN')",
                 [line_ids[new], new_tids, qtys[new], seqs[new]],
                 pg="INSERT INTO pick_task (job_line, track_id, qty, seq, picked, state) SELECT l, t, q, s, 0, 'OPEN' "
                    "FROM unnest(%s::int[], %s::text[], %s::bigint[], %s::int[]) AS v(l, t, q, s)")
    if grown.any():
        rows = [(q, lid, tid) for lid, tid, q, k in zip(line_ids.tolist(), track_ids, qtys.tolist(), grown.tolist())
                if k]
        bulk("UPDATE reservation SET qty = qty + ? WHERE job_line = ? AND track_id = ?", rows)
        bulk("UPDATE pick_task SET qty = qty + ? WHERE job_line = ? AND track_id = ? AND state = 'OPEN'", rows)
    per_unit: dict[str, int] = defaultdict(int)
    for tid, q in zip(track_ids, qtys.tolist()):
        per_unit[tid] += q
    tids = sorted(per_unit)
    bulk_columns("UPDATE stock_unit SET reserved = reserved + ? WHERE track_id = ?",
                 [[per_unit[t] for t in tids], tids],
                 pg="UPDATE stock_unit u SET reserved = u.reserved + v.q FROM unnest(%s::bigint[], %s::text[]) "
                    "AS v(q, tid) WHERE u.track_id = v.tid")


def consume(line_id: int, reservation: Reservation | None, consumed: int, issued: int) -> None:
    """A pick issued `issued` to the line and used up `consumed` of what the line held on a container: the hold
    shrinks (or goes) and the line counts the issue. The container's `reserved` drops by `consumed` in the same
    UPDATE as its stock (core.stock.ledger.issue_whole and dispense take it), so the pick writes that row once."""
    if consumed:
        if reservation.qty - consumed:
            run_sql("UPDATE reservation SET qty = qty - ? WHERE id = ?", (consumed, reservation.id))
        else:
            run_sql("DELETE FROM reservation WHERE id = ?", (reservation.id,))
    run_sql("UPDATE job_line SET issued = issued + ?, allocated = allocated - ? WHERE id = ?",
            (issued, consumed, line_id))


def move(line: JobLine, task: PickTask, to: StockUnit, wanted: int, uom: str) -> tuple[PickTask,
                                                                                    Reservation | None]:
    """A picker uses container `to` instead of the one the line's open `task` names: what the line held there
    moves to `to`, as far as `to` has it free, and the task follows. `wanted` is what the picker means to take
    now; refused (nothing changed by the caller's rollback) when `to` has less free than that."""
    old = held(line.id, task.unit_id)
    moved = min(task.qty - task.picked, old.qty if old else 0)
    if old is not None:
        locked(StockUnit.select().where(StockUnit.track_id == task.unit_id)).first()
        _shrink(old, moved)
    free = to.on_hand - to.reserved
    if free < min(moved, wanted):
        raise BusinessRefusal(f"TrackID {to.track_id} has only {fmt_short(free)} {uom} free: scan another "
                              "container")
    take = min(moved, free)
    if take < moved:
        # The substitute holds less than the suggested container gave up: the rest is no longer reserved for the
        # line, so the line must stop counting it, or a top-up would take it for covered.
        JobLine.update(allocated=JobLine.allocated - (moved - take)).where(JobLine.id == line.id).execute()
    mine = held(line.id, to.track_id)
    if take:
        StockUnit.update(reserved=StockUnit.reserved + take).where(StockUnit.track_id == to.track_id).execute()
        to.reserved += take
        if mine:
            Reservation.update(qty=Reservation.qty + take).where(Reservation.id == mine.id).execute()
            mine.qty += take
        else:
            mine = Reservation.create(job_line=line.id, unit=to.track_id, qty=take)
    PickTask.update(unit=to.track_id).where(PickTask.id == task.id).execute()
    task.unit = to.track_id
    return task, mine


def give_back(line_ids: list[int], track_id: str | None = None) -> list[Reservation]:
    """The lines stop holding stock (on one container, or on all): balances and `allocated` follow. Returns the
    holds given back. Containers are locked in TrackID order, so two give-backs never deadlock."""
    query = Reservation.select().where(Reservation.job_line.in_(line_ids))
    if track_id is not None:
        query = query.where(Reservation.unit == track_id)
    given = list(locked(query.order_by(Reservation.unit)))
    per_line: dict[int, int] = defaultdict(int)
    for r in given:
        locked(StockUnit.select().where(StockUnit.track_id == r.unit_id)).first()
        _shrink(r, r.qty)
        per_line[r.job_line_id] += r.qty
    for lid, q in per_line.items():
        JobLine.update(allocated=JobLine.allocated - q).where(JobLine.id == lid).execute()
    return given


def _shrink(r: Reservation, qty: int) -> None:
    StockUnit.update(reserved=StockUnit.reserved - qty).where(StockUnit.track_id == r.unit_id).execute()
    if r.qty - qty:
        Reservation.update(qty=r.qty - qty).where(Reservation.id == r.id).execute()
    else:
        Reservation.delete().where(Reservation.id == r.id).execute()
